"""A small project for the status report generator: the earned-value worked example of
docs/kpis.md (BAC 100,000 EUR, EV 60,000, PV 90,000, AC 75,000 at 20 Jan 2027), with
milestones hit, missed and outside the period, an overdue and a blocked task, risks and a
late deliverable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tandem.core.services import model_create
from tandem.delivery.models import (
    Baseline,
    BaselineTask,
    Deliverable,
    ProjectExpense,
    Task,
    TimeEntry,
)
from tandem.governance.models import Risk
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_user

UTC = dt.UTC
PERIOD_END = dt.date(2027, 1, 20)


def at(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2027, 1, day, hour, tzinfo=UTC)


def report_project(**data: Any) -> dict[str, Any]:
    manager = make_manager(full_name="Pat Manager")
    project = make_project(manager=manager, budget=Decimal("100000"), currency="EUR", name="Harbour portal",
                           code="HBR", **data)
    a = make_task(project=project, name="Design", work_minutes=2400, percent_complete=100)
    b = make_task(project=project, name="Build", work_minutes=2400, percent_complete=50)
    c = make_task(project=project, name="Test plan", work_minutes=1200, percent_complete=0)
    hit = make_task(project=project, name="Design signed off", is_milestone=True, duration_minutes=0)
    missed = make_task(project=project, name="Beta delivered", is_milestone=True, duration_minutes=0)
    before = make_task(project=project, name="Kickoff", is_milestone=True, duration_minutes=0)
    Task.objects.filter(pk=a.pk).update(status="done", completed_on=dt.date(2027, 1, 8))
    Task.objects.filter(pk=b.pk).update(status="blocked", early_start=at(11, 9), early_finish=at(25, 17))
    Task.objects.filter(pk=c.pk).update(status="to_do", early_start=at(12, 9), early_finish=at(15, 17))
    Task.objects.filter(pk=hit.pk).update(status="done", due_date=dt.date(2027, 1, 10), completed_on=dt.date(2027, 1, 9))
    Task.objects.filter(pk=missed.pk).update(status="to_do", due_date=dt.date(2027, 1, 15), early_finish=at(22, 17),
                                             early_start=at(22, 17))
    Task.objects.filter(pk=before.pk).update(status="done", due_date=dt.date(2027, 1, 5), completed_on=dt.date(2027, 1, 5))
    baseline = model_create(actor=None, model=Baseline, data={"project": project, "name": "Signed"})
    for task, start, finish in ((a, at(4, 9), at(8, 17)), (b, at(11, 9), at(15, 17)), (c, at(20), at(22))):
        BaselineTask.objects.create(baseline=baseline, task=task, start=start, finish=finish,
                                    work_minutes=task.work_minutes, duration_minutes=task.duration_minutes)
    person = make_user()
    for offset in range(6):
        TimeEntry.objects.create(project=project, user=person, date=dt.date(2027, 1, 4 + offset), hours=Decimal("11"),
                                 status="approved", cost_rate=Decimal("1000"), cost_currency="EUR")
    model_create(actor=None, model=ProjectExpense, data={
        "project": project, "date": dt.date(2027, 1, 12), "description": "Travel", "amount": Decimal("9000"),
        "currency": "EUR"})
    high = model_create(actor=None, model=Risk, data={
        "project": project, "title": "Key engineer may leave", "probability": 4, "impact": 4, "category": "resources"})
    model_create(actor=None, model=Risk, data={
        "project": project, "title": "Minor tooling gap", "probability": 3, "impact": 3})
    occurred = model_create(actor=None, model=Risk, data={
        "project": project, "title": "Vendor API late", "probability": 3, "impact": 5, "category": "technical",
        "status": "occurred", "occurred_at": at(14, 10)})
    model_create(actor=None, model=Deliverable, data={"project": project, "name": "Wireframes",
                                                       "due_date": dt.date(2027, 1, 12)})
    return {"project": project, "manager": manager, "high": high, "occurred": occurred,
            "tasks": {"a": a, "b": b, "c": c, "hit": hit, "missed": missed}}
