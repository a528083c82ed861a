"""The status report draft generator (tandem.governance.services.reports): exact
statements and links on the worked-example project, the period, one draft at a time,
and the RAG rules at their thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.core.errors import PermissionDeniedError
from tandem.core.services import model_update
from tandem.governance.models import StatusReport
from tandem.governance.services.reports import (
    budget_rag,
    safe_reverse,
    schedule_rag,
    scope_rag,
    status_report_draft,
    worst,
)
from tests.delivery.factories import make_manager
from tests.governance.factories_reports import PERIOD_END, report_project

pytestmark = pytest.mark.django_db


def test_draft_states_each_fact_with_its_link():
    world = report_project()
    project = world["project"]
    report = status_report_draft(actor=world["manager"], project=project, period_end=PERIOD_END)
    pid = project.pk
    # The risk pages are another part's: without their routes a fact has no link.
    risk_url = safe_reverse("governance:risk_list", query={"project": pid, "status": "open", "min_score": 15})
    occurred_url = safe_reverse("governance:risk_detail", risk_id=world["occurred"].pk)
    assert (report.period_start, report.period_end, report.status) == (dt.date(2027, 1, 7), PERIOD_END, "draft")
    assert report.facts == [
        {"section": "progress", "text": "Progress: 60.0 % complete.", "url": f"/delivery/projects/{pid}/#plan"},
        {"section": "budget", "text": "Budget burn: 75,000.00 EUR spent of 100,000.00 EUR (75.0 %).",
         "url": f"/delivery/projects/{pid}/budget/?on=2027-01-20"},
        {"section": "budget", "text": "Cost performance (CPI): 0.80.",
         "url": f"/delivery/projects/{pid}/budget/?on=2027-01-20"},
        {"section": "schedule", "text": "Schedule performance (SPI): 0.67.",
         "url": f"/delivery/projects/{pid}/budget/?on=2027-01-20"},
        {"section": "schedule", "text": "1 milestone hit: Design signed off.", "url": f"/delivery/projects/{pid}/gantt/"},
        {"section": "schedule", "text": "1 milestone missed: Beta delivered (due 15 Jan, not done).",
         "url": f"/delivery/projects/{pid}/gantt/"},
        {"section": "accomplishments", "text": "2 tasks done in the period: Design, Design signed off.",
         "url": f"/delivery/projects/{pid}/board/?status=done"},
        {"section": "blockers", "text": "1 task overdue (scheduled to finish before 20 Jan, not done): Test plan.",
         "url": f"/delivery/projects/{pid}/gantt/"},
        {"section": "blockers", "text": "1 task blocked: Build.", "url": f"/delivery/projects/{pid}/board/?status=blocked"},
        {"section": "risks", "text": "1 open high risk (score 15 or more): Key engineer may leave (16).", "url": risk_url},
        {"section": "risks", "text": "Risk occurred: Vendor API late (score 15).", "url": occurred_url},
        {"section": "scope", "text": "1 deliverable past due and not accepted.",
         "url": f"/delivery/projects/{pid}/#deliverables"},
    ]
    assert report.metrics == {
        "percent_complete": "60.0000", "previous_percent_complete": None, "planned_percent": "90.0000",
        "currency": "EUR", "budget": "100000.00", "actual_cost": "75000.00", "burn_percent": "75.0000",
        "cpi": "0.8000", "spi": "0.6667", "pv": "90000.00", "ev": "60000.00", "milestones_hit": 1,
        "milestones_missed": 1, "tasks_done": 2, "tasks_overdue": 1, "tasks_blocked": 1, "open_high_risks": 1,
        "occurred_risks": 1, "deliverables_rejected": 0, "deliverables_late": 1,
    }
    # SPI 0.67 < 0.85: red; CPI 0.80 < 0.85: red; a late deliverable: amber; overall the worst.
    assert (report.schedule_rag, report.budget_rag, report.scope_rag, report.overall_rag) == (
        "red", "red", "amber", "red")
    assert report.accomplishments == "- Design\n- Milestone: Design signed off"
    assert report.next_steps == "- Build (due 25 Jan)\n- Beta delivered (starts 22 Jan)"
    assert report.blockers == "- Blocked: Build\n- Overdue: Test plan (was due 15 Jan)\n- Risk occurred: Vendor API late"


def test_the_next_report_starts_after_the_last_and_compares_progress():
    world = report_project()
    project, manager = world["project"], world["manager"]
    first = status_report_draft(actor=manager, project=project, period_end=dt.date(2027, 1, 10))
    model_update(actor=None, instance=first, data={
        "status": "published", "published_at": dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC),
        "metrics": {**first.metrics, "percent_complete": "40.0000"}})
    second = status_report_draft(actor=manager, project=project, period_end=PERIOD_END)
    assert (second.period_start, second.period_end) == (dt.date(2027, 1, 11), PERIOD_END)
    assert second.facts[0]["text"] == "Progress: 40.0 % complete at the last report → 60.0 % now."
    assert second.metrics["previous_percent_complete"] == "40.0000"
    # The milestone done on 9 Jan belongs to the first period.
    assert not any("hit" in fact["text"] for fact in second.facts)


def test_a_second_draft_request_opens_the_existing_draft():
    world = report_project()
    first = status_report_draft(actor=world["manager"], project=world["project"], period_end=PERIOD_END)
    again = status_report_draft(actor=world["manager"], project=world["project"], period_end=PERIOD_END)
    assert again.pk == first.pk
    assert StatusReport.objects.filter(project=world["project"]).count() == 1


def test_only_the_manager_drafts_and_nothing_is_written_on_a_denial():
    world = report_project()
    with pytest.raises(PermissionDeniedError):
        status_report_draft(actor=make_manager(), project=world["project"], period_end=PERIOD_END)
    assert StatusReport.objects.count() == 0


@pytest.mark.parametrize(("spi", "missed", "expected"), [
    ("0.95", 0, "green"), ("0.9499", 0, "amber"), ("0.95", 1, "amber"), ("0.85", 0, "amber"),
    ("0.8499", 0, "red"), ("0.8499", 1, "red"), (None, 0, "green"), (None, 2, "amber"), ("1.2", 0, "green"),
])
def test_schedule_rag_rule(spi, missed, expected):
    assert schedule_rag(spi=None if spi is None else Decimal(spi), missed_milestones=missed) == expected


@pytest.mark.parametrize(("cpi", "burn", "complete", "expected"), [
    ("0.95", None, None, "green"), ("0.9499", None, None, "amber"), ("0.85", None, None, "amber"),
    ("0.8499", None, None, "red"), (None, "70", "60", "green"), (None, "70.01", "60", "amber"),
    (None, "80", "60", "amber"), (None, "80.01", "60", "red"), ("1.1", "90", "60", "red"),
])
def test_budget_rag_rule(cpi, burn, complete, expected):
    def value(text):
        return (None if text is None else Decimal(text))
    assert budget_rag(cpi=value(cpi), burn=value(burn), complete=value(complete)) == expected


@pytest.mark.parametrize(("rejected", "occurred", "high", "late", "expected"), [
    (0, 0, 0, 0, "green"), (0, 0, 1, 0, "amber"), (0, 0, 0, 1, "amber"), (1, 0, 0, 0, "red"), (0, 1, 1, 1, "red"),
])
def test_scope_rag_rule(rejected, occurred, high, late, expected):
    assert scope_rag(rejected_deliverables=rejected, occurred_scope_risks=occurred, high_scope_risks=high,
                     late_deliverables=late) == expected


def test_overall_is_the_worst():
    assert worst("green", "green", "green") == "green"
    assert worst("green", "amber", "green") == "amber"
    assert worst("amber", "green", "red") == "red"
