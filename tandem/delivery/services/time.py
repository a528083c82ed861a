"""Time: a weekly timesheet per person, submitted to and approved by the project manager.

The rules, in one place for the timesheet page, the approvals page and the API:

* A person records **their own** hours, for a project (and optionally one of its tasks) on
  a day: only on projects they work on (on the team, assigned to one of its tasks) or
  manage, never on a template or a cancelled project. A *cell* is one person × project ×
  task × day and holds one entry: saving a cell sets its hours; 0 hours removes it.
* Hours are 0–24 in a cell, and a person's day holds at most 24 hours in total (the
  error names the day and the total it would make).
* ``draft`` → ``submitted`` (:func:`timesheet_submit`, a whole week at a time) →
  ``approved`` or ``returned`` (with a reason) by the project's manager
  (:func:`time_entries_approve`, :func:`time_entries_return`; ``manages()``). A submitted
  entry waits for its manager (no edits); a returned one is changed and submitted again.
* **Approval locks** the entry: it is neither changed nor deleted afterwards, and it keeps
  ``cost_rate`` / ``cost_currency``: the person's cost rate (``people.Person.cost_rate``,
  in ``Person.currency``) on the day of approval, which budget and profitability use.
* **Revenue**: approving billable time on a *time-and-materials* project of an account
  records that project's month again as time-and-materials revenue
  (:func:`tandem.commercial.services.revenue.revenue_time_record`, ``source_key``
  ``time:<project id>:<YYYY-MM>``): Σ billable approved hours of the project in that
  month × each person's hourly rate for the account
  (:func:`tandem.commercial.pricing.rate_for`, the person's line or their title's role
  line). Recording a month replaces what was recorded for it before, so approving a
  month in several batches never counts time twice. Fixed-fee and retainer projects
  earn their revenue from their contract, and internal projects (no account) earn
  none: their time feeds no revenue. When no rate applies, the approval is refused with
  the rate card's sentence (nothing is approved), so billable time is never approved
  without its revenue; the approver returns the time or asks for a rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from tandem.commercial.currency import quantize
from tandem.commercial.pricing import NoRateError, rate_for
from tandem.commercial.services.revenue import revenue_time_record
from tandem.core.errors import PermissionDeniedError
from tandem.core.notifications import notification_send
from tandem.core.services import model_create, model_delete, model_update
from tandem.delivery.models import (
    BillingType,
    Project,
    ProjectMember,
    ProjectStatus,
    Task,
    TaskAssignment,
    TimeEntry,
    TimeEntryStatus,
)
from tandem.delivery.policies import manages

DAY_LIMIT = Decimal("24")
EDITABLE = (TimeEntryStatus.DRAFT, TimeEntryStatus.REJECTED)
ENTRY_FIELDS = frozenset({"hours", "note", "is_billable", "task", "date"})


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (timesheets run Monday to Sunday)."""
    return day - dt.timedelta(days=day.weekday())


def day_text(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def hours_text(hours: Decimal) -> str:
    text = f"{Decimal(hours).normalize():f}"
    return f"{text} h"


def works_on(user: Any, project: Project) -> bool:
    """``user`` may record time on ``project``: its manager, on its team, or assigned to
    one of its tasks (one query at most)."""
    if project.manager_id == user.pk:
        return True
    return (
        ProjectMember.objects.filter(project=project, user=user.pk).exists()
        or TaskAssignment.objects.filter(task__project=project, user=user.pk).exists()
    )


def _require_recordable(actor: Any, project: Project, task: Task | None) -> None:
    if project.is_template:
        raise ValidationError({"project": f"{project.code} is a template: time is recorded on real projects."})
    if project.status == ProjectStatus.CANCELLED:
        raise ValidationError({"project": f"{project.code} is cancelled: it takes no more time."})
    if not works_on(actor, project):
        raise PermissionDeniedError(
            f"You do not work on {project.code}: ask its project manager to add you to the team."
        )
    if task is not None and task.project_id != project.pk:
        raise ValidationError({"task": f"Choose a task of {project.code}."})


def _clean_hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value).strip().replace(",", ".") or "0")
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({"hours": "Enter hours as a number, e.g. 7.5."}) from exc
    if not hours.is_finite():
        raise ValidationError({"hours": "Enter hours as a number, e.g. 7.5."})
    if hours < 0 or hours > DAY_LIMIT:
        raise ValidationError({"hours": "Enter between 0 and 24 hours."})
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"hours": "Enter hours to the hundredth at most, e.g. 7.25."})
    return hours


def _lock_person(user: Any) -> None:
    """Serialise one person's time writes (the 24-hour rule reads then writes)."""
    get_user_model()._default_manager.select_for_update().filter(pk=user.pk).values_list("pk").first()


def _check_day(user: Any, day: dt.date, hours: Decimal, *, exclude: Iterable[int] = ()) -> None:
    other = (
        TimeEntry.objects.filter(user=user.pk, date=day).exclude(pk__in=list(exclude))
        .aggregate(total=Sum("hours"))["total"] or Decimal(0)
    )
    total = other + hours
    if total > DAY_LIMIT:
        raise ValidationError({
            "hours": f"That makes {hours_text(total)} on {day_text(day)}: a day holds at most 24 h "
                     f"({hours_text(other)} already recorded elsewhere).",
        })


def _require_editable(entry: TimeEntry) -> None:
    if entry.status == TimeEntryStatus.APPROVED:
        decided = f" on {entry.decided_at:%d %b %Y}" if entry.decided_at else ""
        raise ValidationError({
            "status": f"This time was approved{decided} and is locked: it can no longer be changed or deleted.",
        })
    if entry.status == TimeEntryStatus.SUBMITTED:
        raise ValidationError({
            "status": "This time is submitted and waits for its project manager: ask them to return it to change it.",
        })


def time_entry_require_owner(actor: Any, entry: TimeEntry) -> None:
    """People change their own entries only (the API checks this before it reads the
    body's references, so a stranger's change is a 403 whatever it names)."""
    if entry.user_id != actor.pk:
        raise PermissionDeniedError("People change their own hours: return the time to them instead.")


def cell_entry(*, user: Any, project: Project, task: Task | None, day: dt.date) -> TimeEntry | None:
    return (TimeEntry.objects.filter(user=user.pk, project=project, task=task, date=day)
            .order_by("pk").first())


@transaction.atomic
def time_entry_save(
    *, actor: Any, project: Project, task: Task | None, date: dt.date, hours: Any,
    is_billable: bool | None = None, note: str | None = None, expected_version: int | None = None,
) -> TimeEntry | None:
    """Set ``actor``'s hours for one cell (project × task × day): creates the entry, changes
    it, or (0 hours) deletes it; answers the entry, or ``None`` when the cell is empty.
    ``is_billable`` defaults to the line's other entries of the week, else to whether the
    project bills (not internal, not "not billable")."""
    value = _clean_hours(hours)
    _require_recordable(actor, project, task)
    _lock_person(actor)
    entry = cell_entry(user=actor, project=project, task=task, day=date)
    if entry is not None:
        _require_editable(entry)
        if value == 0:
            model_delete(actor=actor, instance=entry, expected_version=expected_version)
            return None
        _check_day(actor, date, value, exclude=[entry.pk])
        changes: dict[str, Any] = {"hours": value}
        if is_billable is not None:
            changes["is_billable"] = is_billable
        if note is not None:
            changes["note"] = note
        return model_update(actor=actor, instance=entry, data=changes, expected_version=expected_version)
    if value == 0:
        return None
    _check_day(actor, date, value)
    if is_billable is None:
        is_billable = line_billable(user=actor, project=project, task=task, week=week_start(date))
    return model_create(actor=actor, model=TimeEntry, data={
        "user": actor, "project": project, "task": task, "date": date, "hours": value,
        "is_billable": is_billable, "note": note or "",
    })


def line_billable(*, user: Any, project: Project, task: Task | None, week: dt.date) -> bool:
    """A new cell's billable flag: the line's other entries of the week decide, else the
    project (billable unless internal or "not billable")."""
    sibling = (TimeEntry.objects.filter(user=user.pk, project=project, task=task, date__gte=week,
                                        date__lt=week + dt.timedelta(days=7))
               .order_by("date", "pk").values_list("is_billable", flat=True).first())
    if sibling is not None:
        return bool(sibling)
    return project.account_id is not None and project.billing_type != BillingType.NON_BILLABLE


@transaction.atomic
def time_entry_update(
    *, actor: Any, entry: TimeEntry, data: dict[str, Any], expected_version: int | None = None,
) -> TimeEntry:
    """Change one's own entry (hours, note, billable, task, day) while it is a draft or
    returned; the cell it moves to must be free and its day keep to 24 hours."""
    unknown = sorted(set(data) - ENTRY_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    time_entry_require_owner(actor, entry)
    _require_editable(entry)
    data = dict(data)
    if "hours" in data:
        data["hours"] = _clean_hours(data["hours"])
        if data["hours"] == 0:
            raise ValidationError({"hours": "Enter more than 0 hours, or delete the entry."})
    task = data.get("task", entry.task)
    _require_recordable(actor, entry.project, task)
    _lock_person(actor)
    day = data.get("date", entry.date)
    if (task, day) != (entry.task, entry.date):
        clash = cell_entry(user=actor, project=entry.project, task=task, day=day)
        if clash is not None and clash.pk != entry.pk:
            raise ValidationError({"date": f"You already have time on {entry.project.code} for {day_text(day)} "
                                           "on that line: change that entry instead."})
    _check_day(actor, day, data.get("hours", entry.hours), exclude=[entry.pk])
    return model_update(actor=actor, instance=entry, data=data, expected_version=expected_version)


@transaction.atomic
def time_entry_delete(*, actor: Any, entry: TimeEntry, expected_version: int | None = None) -> None:
    time_entry_require_owner(actor, entry)
    _require_editable(entry)
    model_delete(actor=actor, instance=entry, expected_version=expected_version)


@transaction.atomic
def time_line_billable(*, actor: Any, project: Project, task: Task | None, week: dt.date, is_billable: bool) -> int:
    """Mark the line (project × task) of ``actor``'s week billable or not: every entry of
    it that may still change; answers how many changed. Submitted or approved entries
    keep their flag (a clear error when the whole line is)."""
    _require_recordable(actor, project, task)
    entries = list(TimeEntry.objects.filter(
        user=actor.pk, project=project, task=task, date__gte=week, date__lt=week + dt.timedelta(days=7),
    ).order_by("date", "pk"))
    changeable = [entry for entry in entries if entry.status in EDITABLE]
    if entries and not changeable:
        _require_editable(entries[0])
    changed = 0
    for entry in changeable:
        if entry.is_billable != is_billable:
            model_update(actor=actor, instance=entry, data={"is_billable": is_billable})
            changed += 1
    return changed


@transaction.atomic
def timesheet_submit(*, actor: Any, week: dt.date) -> int:
    """Submit ``actor``'s week: their draft and returned entries of it become submitted
    (answers how many); an empty week is refused with a sentence."""
    week = week_start(week)
    entries = list(
        TimeEntry.objects.select_for_update()
        .filter(user=actor.pk, date__gte=week, date__lt=week + dt.timedelta(days=7), status__in=EDITABLE)
        .order_by("date", "pk")
    )
    if not entries:
        raise ValidationError({"week": f"Nothing to submit for the week of {day_text(week)}: record some hours first."})
    now = timezone.now()
    for entry in entries:
        model_update(actor=actor, instance=entry, data={
            "status": TimeEntryStatus.SUBMITTED, "submitted_at": now, "return_reason": "",
        })
    return len(entries)


def _decidable(actor: Any, entries: Iterable[TimeEntry]) -> list[TimeEntry]:
    """The entries, locked and re-read, each submitted and of a project ``actor`` manages."""
    ids = [entry.pk for entry in entries]
    if not ids:
        raise ValidationError({"entries": "Choose the time to decide on."})
    locked = list(
        TimeEntry.objects.select_for_update(of=("self",)).filter(pk__in=ids)
        .select_related("project", "project__account", "user").order_by("date", "pk")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError({"entries": "Some of this time no longer exists: reload the page."})
    for entry in locked:
        if not manages(actor, entry.project):
            raise PermissionDeniedError(f"Only {entry.project.code}'s project manager approves or returns its time.")
        if entry.status != TimeEntryStatus.SUBMITTED:
            raise ValidationError({"entries": (
                f"{entry.user}'s {hours_text(entry.hours)} on {entry.project.code} for {day_text(entry.date)} "
                f"is {entry.get_status_display().lower()}, not submitted."
            )})
    return locked


@transaction.atomic
def time_entries_approve(*, actor: Any, entries: Iterable[TimeEntry]) -> list[TimeEntry]:
    """Approve submitted time of projects ``actor`` manages (all or nothing): each entry
    takes its person's cost rate and is locked; the billable time of time-and-materials
    projects is recorded as revenue for each (project, month) touched."""
    from tandem.people.models import Person

    locked = _decidable(actor, entries)
    people = {person.user_id: person for person in Person.objects.filter(user_id__in={e.user_id for e in locked})}
    now = timezone.now()
    for entry in locked:
        person = people.get(entry.user_id)
        if person is None:
            raise ValidationError({"entries": f"{entry.user} has no working profile with a cost rate: "
                                              "add one under Settings → People, then approve."})
        model_update(actor=actor, instance=entry, data={
            "status": TimeEntryStatus.APPROVED, "decided_by": actor, "decided_at": now, "return_reason": "",
            "cost_rate": person.cost_rate, "cost_currency": person.currency,
        })
    months = sorted({(entry.project_id, entry.date.replace(day=1)) for entry in locked
                     if entry.is_billable and feeds_revenue(entry.project)})
    projects = {entry.project_id: entry.project for entry in locked}
    for project_id, month in months:
        time_revenue_record(project=projects[project_id], month=month)
    return locked


def feeds_revenue(project: Project) -> bool:
    """Billable time earns revenue on time-and-materials projects of an account."""
    return project.account_id is not None and project.billing_type == BillingType.TIME_AND_MATERIALS


def time_revenue_source_key(project: Project, month: dt.date) -> str:
    return f"time:{project.pk}:{month:%Y-%m}"


def time_revenue_record(*, project: Project, month: dt.date) -> Any:
    """Record (again) the revenue of ``project``'s billable approved time in ``month``:
    hours per person × their rate for the account; :class:`NoRateError` refuses with a
    sentence naming the person. The approval that calls this has been checked; the
    revenue entry is written on its behalf (the system writes it, as an account's
    manager would)."""
    from tandem.people.models import Person

    account = project.account
    assert account is not None
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    per_person = list(
        TimeEntry.objects.filter(project=project, status=TimeEntryStatus.APPROVED, is_billable=True,
                                 date__gte=start, date__lt=end)
        .values("user_id").annotate(total=Sum("hours")).order_by("user_id")
    )
    users = {user.pk: user for user in get_user_model()._default_manager.filter(
        pk__in=[row["user_id"] for row in per_person])}
    titles = dict(Person.objects.filter(user_id__in=list(users)).values_list("user_id", "title"))
    amount, currency, hours = Decimal(0), account.currency, Decimal(0)
    for row in per_person:
        user = users[row["user_id"]]
        try:
            rate = rate_for(account=account, user=user, role_name=titles.get(user.pk, ""))
        except NoRateError as exc:
            raise ValidationError({"entries": (
                f"No hourly rate for {user} on {account.name}'s time: {exc.message} Add a rate for them "
                "(or their role) to the rate card, or return the time, then approve."
            )}) from exc
        amount += Decimal(row["total"]) * rate.hourly_rate
        currency = rate.currency
        hours += Decimal(row["total"])
    return revenue_time_record(
        actor=None, account=account, month=start, amount=quantize(amount), currency=currency,
        source_key=time_revenue_source_key(project, start),
        description=f"{project.code}: {hours_text(hours)} of billable time in {start:%B %Y}",
    )


@transaction.atomic
def time_entries_return(*, actor: Any, entries: Iterable[TimeEntry], reason: str) -> list[TimeEntry]:
    """Return submitted time to the people who recorded it, with the reason (all or
    nothing); each person is notified once with a link to the week."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the time goes back, so it can be fixed."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    locked = _decidable(actor, entries)
    now = timezone.now()
    for entry in locked:
        model_update(actor=actor, instance=entry, data={
            "status": TimeEntryStatus.REJECTED, "decided_by": actor, "decided_at": now, "return_reason": reason,
        })
    weeks: dict[tuple[int, dt.date], Any] = {}
    for entry in locked:
        weeks.setdefault((entry.user_id, week_start(entry.date)), entry.user)
    for (_user_id, week), user in weeks.items():
        notification_send(
            recipient=user, kind="time_returned", key=f"time_returned:{user.pk}:{week}:{now.timestamp()}",
            title=f"Time returned for the week of {week.day} {week:%b %Y}", body=reason,
            url=reverse("delivery:timesheet") + f"?week={week.isoformat()}",
        )
    return locked

