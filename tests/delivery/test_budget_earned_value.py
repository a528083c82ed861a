"""Earned value of a project (tandem.delivery.selectors.earned_value): the hand-worked
example of docs/kpis.md with exact figures, divisions by zero, the planned dates from
the latest baseline or the schedule, currency conversion of time and expenses, the
burn chart's series, and a bounded number of queries whatever the plan's size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.commercial.currency import MissingRateError
from tandem.commercial.models import ExchangeRate
from tandem.core.services import model_create
from tandem.delivery.models import Baseline, BaselineTask, ProjectExpense, Task, TimeEntry
from tandem.delivery.selectors.earned_value import burn_series, earned_value, figures
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
UTC = dt.UTC
STATUS = dt.date(2027, 1, 20)


def at(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2027, 1, day, hour, tzinfo=UTC)


def approved(project, *, day: dt.date, hours: str, rate: str | None, currency: str = "EUR", status="approved"):
    person = make_user()
    return TimeEntry.objects.create(
        project=project, user=person, date=day, hours=Decimal(hours), status=status,
        cost_rate=None if rate is None else Decimal(rate), cost_currency=currency if rate is not None else "",
    )


def expense(project, *, day: dt.date, amount: str, currency: str = "EUR"):
    return model_create(actor=None, model=ProjectExpense, data={
        "project": project, "date": day, "description": "Travel", "amount": Decimal(amount), "currency": currency})


def worked_example():
    """BAC 100,000 EUR; three tasks of 40 h, 40 h and 20 h of work, 100 %, 50 % and 0 %
    done; the baseline plans A and B before the status date and C half through it; 660 h
    approved at 100 EUR and 9,000 EUR of expenses by the status date."""
    project = make_project(manager=make_manager(), budget=Decimal("100000"), currency="EUR")
    a = make_task(project=project, name="A", work_minutes=2400, percent_complete=100)
    b = make_task(project=project, name="B", work_minutes=2400, percent_complete=50)
    c = make_task(project=project, name="C", work_minutes=1200, percent_complete=0)
    baseline = model_create(actor=None, model=Baseline, data={"project": project, "name": "Signed"})
    for task, start, finish in ((a, at(4, 9), at(8, 17)), (b, at(11, 9), at(15, 17)), (c, at(20), at(22))):
        BaselineTask.objects.create(baseline=baseline, task=task, start=start, finish=finish,
                                    work_minutes=task.work_minutes, duration_minutes=task.duration_minutes)
    for offset in range(6):
        approved(project, day=dt.date(2027, 1, 4 + offset), hours="11", rate="1000")  # 6 × 11,000
    expense(project, day=dt.date(2027, 1, 12), amount="9000")
    # Not counted: a draft, time and an expense after the status date, another project's.
    approved(project, day=dt.date(2027, 1, 5), hours="8", rate="1000", status="submitted")
    approved(project, day=dt.date(2027, 1, 21), hours="8", rate="1000")
    expense(project, day=dt.date(2027, 1, 21), amount="500")
    expense(make_project(manager=make_manager()), day=dt.date(2027, 1, 12), amount="700")
    return project


def test_the_worked_example_of_the_docs() -> None:
    project = worked_example()
    value = earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]
    assert value.baseline is not None and value.baseline.name == "Signed"
    assert value.weight == "work"
    assert value.bac == Decimal("100000.00")
    assert value.planned_percent == Decimal("90.0000")
    assert value.done_percent == Decimal("60.0000")
    assert (value.pv, value.ev, value.ac) == (Decimal("90000.00"), Decimal("60000.00"), Decimal("75000.00"))
    assert (value.ac_time, value.ac_expenses) == (Decimal("66000.00"), Decimal("9000.00"))
    assert value.approved_hours == Decimal("66") and value.uncosted_hours == 0
    assert value.spent_percent == Decimal("75.0000")
    assert (value.cv, value.sv) == (Decimal("-15000.00"), Decimal("-30000.00"))
    assert (value.cpi, value.spi) == (Decimal("0.8000"), Decimal("0.6667"))
    assert value.eac == Decimal("125000.00")
    assert value.etc == Decimal("50000.00")
    assert value.vac == Decimal("-25000.00")
    assert value.tcpi == Decimal("1.6000")
    assert value.notes == {}
    assert value.cost_state == ("Over budget", "danger")
    assert value.schedule_state == ("Behind schedule", "danger")
    assert value.completion_state == ("Over budget at completion", "danger")


def test_queries_are_bounded_whatever_the_plan_size() -> None:
    project = worked_example()
    with CaptureQueriesContext(connection) as small:
        earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]
    for index in range(30):
        make_task(project=project, name=f"More {index}", work_minutes=60, percent_complete=10)
    for offset in range(10):
        approved(project, day=dt.date(2027, 1, 4 + offset), hours="1", rate="10")
        expense(project, day=dt.date(2027, 1, 4 + offset), amount="1")
    with CaptureQueriesContext(connection) as large:
        earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]
    # Latest baseline, weight, plan totals, running rows, done totals, time and
    # expenses (one grouped query of both).
    assert len(small) == len(large) == 6


def test_without_a_baseline_the_schedule_dates_are_used() -> None:
    project = make_project(manager=make_manager(), budget=Decimal("1000"), start_date=dt.date(2027, 1, 4))
    first = make_task(project=project, name="First", work_minutes=600)
    second = make_task(project=project, name="Second", work_minutes=400)
    Task.objects.filter(pk=first.pk).update(early_start=at(4), early_finish=at(6))
    Task.objects.filter(pk=second.pk).update(early_start=at(6), early_finish=at(10))
    value = earned_value(project=project, status_date=dt.date(2027, 1, 6), zone=dt.UTC)  # type: ignore[arg-type]
    # First done by the end of 6 Jan (600), Second a quarter through (1 of 4 days: 100).
    assert value.baseline is None
    assert value.planned_percent == Decimal("70.0000")
    assert value.pv == Decimal("700.00")


def test_a_plan_without_work_weighs_tasks_by_duration() -> None:
    project = make_project(manager=make_manager(), budget=Decimal("300"))
    make_task(project=project, duration_minutes=480, percent_complete=100)
    make_task(project=project, duration_minutes=960, percent_complete=0)
    value = earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]
    assert value.weight == "duration"
    assert value.done_percent == Decimal("33.3333")
    assert value.ev == Decimal("100.00")


def test_nothing_measurable_yet_gives_none_with_a_word() -> None:
    project = make_project(manager=make_manager(), budget=Decimal("0"))
    value = earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]
    assert (value.pv, value.ev, value.ac) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    assert value.planned_percent is value.done_percent is None
    assert value.cpi is value.spi is value.eac is value.etc is value.vac is value.tcpi is None
    assert value.spent_percent is None
    assert sorted(value.notes) == ["cpi", "done_percent", "eac", "etc", "planned_percent", "spent_percent", "spi",
                                   "tcpi", "vac"]
    assert value.notes["cpi"] == "not measurable yet: nothing spent so far (AC is zero)."
    assert value.notes["tcpi"] == "not measurable yet: the whole budget is spent (BAC − AC is zero)."
    assert value.cost_state == ("Not measurable yet", "secondary")


def test_each_division_by_zero_alone() -> None:
    bac = Decimal("1000.00")
    # Spent but nothing done: CPI is 0, EAC cannot be projected.
    out, notes = figures(bac=bac, pv=Decimal("100.00"), ev=Decimal("0.00"), ac=Decimal("50.00"))
    assert out["cpi"] == Decimal("0.0000") and out["eac"] is None
    assert notes["eac"] == "not measurable yet: no work is done yet (EV is zero), so there is no cost performance to project."
    # Whole budget spent: TCPI has no remaining budget to divide by.
    out, notes = figures(bac=bac, pv=Decimal("500.00"), ev=Decimal("400.00"), ac=bac)
    assert out["tcpi"] is None and out["cpi"] == Decimal("0.4000") and out["eac"] == Decimal("2500.00")
    assert out["vac"] == Decimal("-1500.00") and out["spent_percent"] == Decimal("100.0000")
    # Nothing planned yet but work started early: SPI undefined.
    out, notes = figures(bac=bac, pv=Decimal("0.00"), ev=Decimal("10.00"), ac=Decimal("10.00"))
    assert out["spi"] is None and out["cpi"] == Decimal("1.0000") and list(notes) == ["spi"]


def test_costs_convert_to_the_project_currency_at_each_day() -> None:
    # Base currency EUR (the organisation's default). USD 0.90 from 1 Jan, 0.80 from 15 Jan;
    # GBP 1.15. The project is in USD.
    for currency, day, rate in (("USD", 1, "0.90"), ("USD", 15, "0.80"), ("GBP", 1, "1.15")):
        ExchangeRate.objects.create(currency=currency, date=dt.date(2027, 1, day), rate=Decimal(rate))
    project = make_project(manager=make_manager(), budget=Decimal("10000"), currency="USD")
    expense(project, day=dt.date(2027, 1, 10), amount="900", currency="EUR")  # 900 ÷ 0.90 = 1,000.00 USD
    expense(project, day=dt.date(2027, 1, 16), amount="900", currency="EUR")  # 900 ÷ 0.80 = 1,125.00 USD
    expense(project, day=dt.date(2027, 1, 16), amount="10", currency="USD")  # as is
    approved(project, day=dt.date(2027, 1, 11), hours="8", rate="100", currency="GBP")  # 800 × 1.15 ÷ 0.90
    approved(project, day=dt.date(2027, 1, 12), hours="2", rate=None)  # no cost rate: costs nothing
    value = earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]
    assert value.ac_expenses == Decimal("2135.00")
    assert value.ac_time == Decimal("1022.22")
    assert value.ac == Decimal("3157.22")
    assert value.approved_hours == Decimal("10") and value.uncosted_hours == Decimal("2")


def test_a_missing_rate_is_named() -> None:
    project = make_project(manager=make_manager(), budget=Decimal("10000"), currency="EUR")
    expense(project, day=dt.date(2027, 1, 10), amount="900", currency="CHF")
    with pytest.raises(MissingRateError, match="No exchange rate for CHF on or before 2027-01-10"):
        earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]


def test_the_burn_series_by_week() -> None:
    project = worked_example()
    value = earned_value(project=project, status_date=STATUS, zone=dt.UTC)  # type: ignore[arg-type]
    by, points = burn_series(project=project, value=value, zone=dt.UTC)  # type: ignore[arg-type]
    assert by == "week"
    assert [(p.label, p.planned, p.actual) for p in points] == [
        ("4 Jan 2027", Decimal("40000.00"), Decimal("66000.00")),
        ("11 Jan 2027", Decimal("80000.00"), Decimal("75000.00")),
        ("18 Jan 2027", Decimal("100000.00"), Decimal("75000.00")),
    ]
    by, points = burn_series(project=project, value=value, by="month", zone=dt.UTC)  # type: ignore[arg-type]
    assert [(p.label, p.planned, p.actual) for p in points] == [("Jan 2027", Decimal("100000.00"), Decimal("75000.00"))]
