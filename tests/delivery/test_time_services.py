"""Time services: exact rows, the 24-hour day, submission, approval that locks and keeps
the cost rate, returns with a reason, revenue from billable time, the time cost source."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial.costs import COST_SOURCES
from tandem.commercial.models import RevenueEntry
from tandem.core.errors import PermissionDeniedError
from tandem.core.models import Notification
from tandem.delivery.models import TimeEntry, TimeEntryStatus
from tandem.delivery.services import time as time_services
from tests.commercial.factories import make_rate
from tests.delivery.factories import make_project
from tests.delivery.time_factories import MONDAY, build_time_world
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


def rows() -> list[tuple[str, str, str | None, str, str, str, bool]]:
    return [
        (e.user.full_name, e.project.code, e.task.name if e.task else None, e.date.isoformat(), str(e.hours),
         e.status, e.is_billable)
        for e in TimeEntry.objects.select_related("user", "project", "task").order_by("date", "pk")
    ]


def save(world, day_offset: int, hours: str, *, task=None, project=None):
    return time_services.time_entry_save(
        actor=world.member, project=project or world.project, task=task, date=MONDAY + dt.timedelta(days=day_offset),
        hours=hours,
    )


def test_a_cell_is_created_changed_and_emptied() -> None:
    world = build_time_world()
    save(world, 0, "7.5", task=world.task)
    save(world, 1, "8")
    assert rows() == [
        ("Mia Member", "ACME-WEB", "Design", "2027-01-04", "7.50", "draft", True),
        ("Mia Member", "ACME-WEB", None, "2027-01-05", "8.00", "draft", True),
    ]
    save(world, 0, "6", task=world.task)
    assert [r[4] for r in rows()] == ["6.00", "8.00"]
    assert save(world, 0, "0", task=world.task) is None
    assert [r[3] for r in rows()] == ["2027-01-05"]
    # An internal project is not billable by default.
    save(world, 2, "1", project=world.internal)
    assert rows()[-1] == ("Mia Member", "INT-TOOLS", None, "2027-01-06", "1.00", "draft", False)


@pytest.mark.parametrize(("hours", "message"), [
    ("25", "Enter between 0 and 24 hours."),
    ("-1", "Enter between 0 and 24 hours."),
    ("abc", "Enter hours as a number, e.g. 7.5."),
    ("1.234", "Enter hours to the hundredth at most, e.g. 7.25."),
])
def test_hours_out_of_range_are_refused(hours: str, message: str) -> None:
    world = build_time_world()
    with pytest.raises(ValidationError) as error:
        save(world, 0, hours)
    assert error.value.message_dict == {"hours": [message]}
    assert TimeEntry.objects.count() == 0


def test_a_day_holds_at_most_24_hours_across_projects() -> None:
    world = build_time_world()
    save(world, 1, "16")
    save(world, 1, "8", project=world.internal)
    with pytest.raises(ValidationError) as error:
        save(world, 1, "0.5", task=world.task)
    assert error.value.message_dict == {"hours": [
        "That makes 24.5 h on Tuesday 5 January 2027: a day holds at most 24 h (24 h already recorded elsewhere).",
    ]}
    # Lowering a cell keeps within the day.
    save(world, 1, "15")
    save(world, 1, "1", task=world.task)
    assert sum(TimeEntry.objects.values_list("hours", flat=True)) == D("24")


def test_only_people_on_the_project_record_time_on_it() -> None:
    world = build_time_world()
    outsider = make_user(full_name="Olga Outsider")
    with pytest.raises(PermissionDeniedError) as error:
        time_services.time_entry_save(actor=outsider, project=world.project, task=None, date=MONDAY, hours="2")
    assert error.value.message == "You do not work on ACME-WEB: ask its project manager to add you to the team."
    other = make_project(code="OTHER")
    from tests.delivery.factories import make_task
    foreign_task = make_task(project=other)
    with pytest.raises(ValidationError) as invalid:
        save(world, 0, "2", task=foreign_task)
    assert invalid.value.message_dict == {"task": ["Choose a task of ACME-WEB."]}
    assert TimeEntry.objects.count() == 0


def test_submit_approve_locks_and_keeps_the_cost_rate() -> None:
    world = build_time_world()
    first = save(world, 0, "6")
    save(world, 1, "2")
    save(world, 8, "3")  # next week: not submitted with this one
    assert time_services.timesheet_submit(actor=world.member, week=MONDAY + dt.timedelta(days=3)) == 2
    assert [r[5] for r in rows()] == ["submitted", "submitted", "draft"]
    with pytest.raises(ValidationError) as waiting:
        save(world, 0, "5")
    assert "waits for its project manager" in waiting.value.message_dict["status"][0]

    with pytest.raises(PermissionDeniedError):
        time_services.time_entries_approve(actor=world.member, entries=[first])
    approved = time_services.time_entries_approve(
        actor=world.manager, entries=TimeEntry.objects.filter(status=TimeEntryStatus.SUBMITTED),
    )
    assert [(e.status, e.cost_rate, e.cost_currency, e.decided_by_id) for e in approved] == [
        ("approved", D("60.00"), "EUR", world.manager.pk), ("approved", D("60.00"), "EUR", world.manager.pk),
    ]
    first.refresh_from_db()
    for attempt in (
        lambda: save(world, 0, "5"),
        lambda: time_services.time_entry_update(actor=world.member, entry=first, data={"hours": "5"}),
        lambda: time_services.time_entry_delete(actor=world.member, entry=first),
    ):
        with pytest.raises(ValidationError) as locked:
            attempt()
        assert "approved" in locked.value.message_dict["status"][0]
        assert "is locked: it can no longer be changed or deleted." in locked.value.message_dict["status"][0]
    assert TimeEntry.objects.get(pk=first.pk).hours == D("6.00")
    with pytest.raises(ValidationError):  # already decided
        time_services.time_entries_approve(actor=world.manager, entries=[first])


def test_approval_records_time_and_materials_revenue_per_project_and_month() -> None:
    world = build_time_world()
    save(world, 0, "6")
    save(world, 1, "2.5", task=world.task)
    time_services.time_line_billable(actor=world.member, project=world.project, task=world.task, week=MONDAY,
                                     is_billable=False)
    save(world, 2, "1.5")
    time_services.timesheet_submit(actor=world.member, week=MONDAY)
    time_services.time_entries_approve(actor=world.manager, entries=TimeEntry.objects.all())
    entry = RevenueEntry.objects.get()
    # 7.5 billable hours x 100 EUR (the member's line on the default rate card).
    assert (entry.kind, entry.month, entry.amount, entry.currency, entry.source_key, entry.account_id) == (
        "time_and_materials", dt.date(2027, 1, 1), D("750.00"), "EUR", f"time:{world.project.pk}:2027-01",
        world.account.pk,
    )
    # A second batch in the same month replaces the entry: never counted twice.
    save(world, 7, "2")
    time_services.timesheet_submit(actor=world.member, week=MONDAY + dt.timedelta(days=7))
    time_services.time_entries_approve(actor=world.manager, entries=TimeEntry.objects.filter(status="submitted"))
    assert list(RevenueEntry.objects.values_list("amount", "source_key")) == [
        (D("950.00"), f"time:{world.project.pk}:2027-01"),
    ]


@pytest.mark.parametrize("billing_type", ["fixed_fee", "retainer"])
def test_fixed_fee_and_internal_time_feed_no_revenue(billing_type: str) -> None:
    world = build_time_world(billing_type=billing_type)
    save(world, 0, "6")
    save(world, 0, "2", project=world.internal)
    time_services.timesheet_submit(actor=world.member, week=MONDAY)
    time_services.time_entries_approve(actor=world.manager, entries=TimeEntry.objects.all())
    assert RevenueEntry.objects.count() == 0
    assert TimeEntry.objects.filter(status="approved").count() == 2


def test_no_rate_refuses_the_approval_with_a_sentence() -> None:
    world = build_time_world()
    from tandem.commercial.models import RateCardLine
    RateCardLine.objects.all().delete()
    save(world, 0, "6")
    time_services.timesheet_submit(actor=world.member, week=MONDAY)
    with pytest.raises(ValidationError) as error:
        time_services.time_entries_approve(actor=world.manager, entries=TimeEntry.objects.all())
    assert error.value.message_dict == {"entries": [
        "No hourly rate for Mia Member on Acme's time: The rate card “Standard” has no rate for Mia Member. "
        "Add a rate for them (or their role) to the rate card, or return the time, then approve.",
    ]}
    assert list(TimeEntry.objects.values_list("status", "cost_rate")) == [("submitted", None)]
    assert RevenueEntry.objects.count() == 0


def test_return_with_a_reason_notifies_and_reopens_the_time() -> None:
    world = build_time_world()
    entry = save(world, 0, "6")
    time_services.timesheet_submit(actor=world.member, week=MONDAY)
    with pytest.raises(ValidationError) as no_reason:
        time_services.time_entries_return(actor=world.manager, entries=[entry], reason=" ")
    assert no_reason.value.message_dict == {"reason": ["Say why the time goes back, so it can be fixed."]}
    time_services.time_entries_return(actor=world.manager, entries=[entry], reason="Put it on the Design task")
    assert list(TimeEntry.objects.values_list("status", "return_reason")) == [("rejected", "Put it on the Design task")]
    note = Notification.objects.get(recipient=world.member)
    assert (note.title, note.body, note.url) == (
        "Time returned for the week of 4 Jan 2027", "Put it on the Design task", "/delivery/timesheet/?week=2027-01-04",
    )
    save(world, 0, "5")  # returned time changes again, and is submitted again
    assert time_services.timesheet_submit(actor=world.member, week=MONDAY) == 1
    assert list(TimeEntry.objects.values_list("status", "return_reason", "hours")) == [("submitted", "", D("5.00"))]


def test_an_empty_week_cannot_be_submitted() -> None:
    world = build_time_world()
    with pytest.raises(ValidationError) as error:
        time_services.timesheet_submit(actor=world.member, week=MONDAY)
    assert error.value.message_dict == {"week": [
        "Nothing to submit for the week of Monday 4 January 2027: record some hours first.",
    ]}


def test_the_time_cost_source_sums_approved_time_at_its_cost_rate_in_the_base_currency() -> None:
    world = build_time_world(billing_type="fixed_fee")
    usd = make_user(full_name="Uma Usd", cost_rate=Decimal("50.00"))
    from tandem.people.models import Person
    Person.objects.filter(user=usd).update(currency="USD")
    from tandem.delivery import services
    services.project_member_add(actor=None, project=world.project, user=usd)
    make_rate(currency="USD", date=dt.date(2026, 12, 1), rate="0.9")
    save(world, 0, "6")
    save(world, 28, "2")  # February
    save(world, 0, "3", project=world.internal)  # no account: no one's cost
    time_services.time_entry_save(actor=usd, project=world.project, task=None, date=MONDAY, hours="4")
    draft = save(world, 1, "5")  # stays a draft: no cost
    for person in (world.member, usd):
        for week in (MONDAY, MONDAY + dt.timedelta(days=28)):
            with contextlib.suppress(ValidationError):
                time_services.timesheet_submit(actor=person, week=week)
    TimeEntry.objects.filter(pk=draft.pk).update(status="draft")
    time_services.time_entries_approve(actor=world.manager, entries=TimeEntry.objects.filter(status="submitted"))
    source = COST_SOURCES["time"]
    assert source.label == "Time"
    figures = sorted(source.function(account_ids=None, start=dt.date(2027, 1, 1), end=dt.date(2027, 2, 28), base="EUR"))
    # January: 6 h x 60 EUR + 4 h x 50 USD x 0.9 = 360 + 180; February: 2 h x 60 EUR.
    assert [(a, m, r.quantize(D("0.01"))) for a, m, r in figures] == [
        (world.account.pk, dt.date(2027, 1, 1), D("540.00")),
        (world.account.pk, dt.date(2027, 2, 1), D("120.00")),
    ]
    assert source.function(account_ids=[world.account.pk + 99], start=dt.date(2027, 1, 1),
                           end=dt.date(2027, 2, 28), base="EUR") == []
