"""Capacity: per person and ISO week (Monday first), the hours they are **available**
and the hours **allocated** to projects, with over-allocation flagged.

* A person's *day* is ``weekly_capacity_hours ÷ n``, ``n`` = the number of working days
  in their working-days mask (``people.Person.working_days``).
* **available** (a week) = Σ over the person's working days of the week of the day's
  hours, less a whole day on an organisation holiday (``people.Holiday``) and less their
  time off (``people.TimeOff``: a whole day, or ``hours_per_day`` of it, never more than
  the day). A holiday that is also a day off counts once (as the holiday).
* **allocated** (a week) = Σ over the person's allocations on open projects
  (not templates, not completed or cancelled) of ``hours_per_week × d ÷ n``, ``d`` = the
  person's working days of the week inside the allocation's dates. Holidays and time off
  do not lower it: an allocation across a holiday week is what the flag is for.
* **over** when allocated > available; **free** = available − allocated.

The same per-day arithmetic answers "who has room" over any date range
(:func:`people_with_room`). Figures are exact fractions while adding, rounded to
hundredths (half up) at the end.

Reads are bounded whatever the number of people and weeks: the people with their
profiles (one query, the caller's page of them), their allocations, their time off and
the holidays of the range (one query each), then Python.

Who is shown: project managers, executives and admins (:func:`sees_capacity`) see every
active person; anyone else sees only themselves. The grid shows hours, never the reason
a person is away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from tandem.core.permissions import has_role, scoped, sees_everything
from tandem.core.roles import Role
from tandem.delivery.models import Allocation, Project, ProjectMember
from tandem.delivery.models.projects import OPEN_STATUSES
from tandem.people.models import Holiday, TimeOff, User

DEFAULT_WEEKS = 12
MAX_WEEKS = 26
CENT = Decimal("0.01")
ZERO = Fraction(0)


def sees_capacity(user: Any) -> bool:
    """Who sees everyone's capacity: project managers, executives and admins."""
    return sees_everything(user) or has_role(user, Role.PROJECT_MANAGER)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def hours(value: Fraction) -> Decimal:
    """Exact hours as hundredths, half up (``Fraction(40, 3)`` → ``13.33``)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def capacity_people(*, actor: Any, team_id: int | None = None) -> QuerySet[User]:
    """The active people whose capacity ``actor`` may see, by name, with their profile
    and team (one query when read)."""
    queryset = User.objects.filter(is_active=True, person__isnull=False).select_related("person", "person__team")
    if not sees_capacity(actor):
        queryset = queryset.filter(pk=actor.pk)
    if team_id is not None:
        queryset = queryset.filter(person__team_id=team_id)
    return queryset.order_by("full_name", "email", "pk")


# --- The arithmetic ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekLoad:
    week: dt.date
    capacity: Decimal
    holidays: Decimal
    time_off: Decimal
    available: Decimal
    allocated: Decimal

    @property
    def free(self) -> Decimal:
        return self.available - self.allocated

    @property
    def over(self) -> bool:
        return self.allocated > self.available

    @property
    def over_by(self) -> Decimal:
        return max(self.allocated - self.available, Decimal(0))


@dataclass(frozen=True)
class PersonCapacity:
    user: User
    weekly_capacity: Decimal
    weeks: list[WeekLoad]

    @property
    def team_name(self) -> str:
        team = self.user.person.team
        return team.name if team is not None else ""


@dataclass
class _Person:
    """One person's days: what each working day holds, as exact fractions."""

    day_hours: Fraction
    weekdays: frozenset[int]
    off: dict[dt.date, Fraction] = field(default_factory=dict)  # time off per day (≤ day_hours)
    allocations: list[tuple[dt.date, dt.date, Fraction]] = field(default_factory=list)

    @classmethod
    def of(cls, user: User) -> _Person:
        person = user.person
        weekdays = frozenset(day for day in range(7) if int(person.working_days) & (1 << day))
        capacity = Fraction(person.weekly_capacity_hours)
        return cls(day_hours=capacity / len(weekdays) if weekdays else ZERO, weekdays=weekdays)

    def per_week_share(self, hours_per_week: Fraction) -> Fraction:
        """An allocation's hours on one of the person's working days."""
        return hours_per_week / len(self.weekdays) if self.weekdays else ZERO


@dataclass(frozen=True)
class _Span:
    """Totals of a person over a span of days."""

    capacity: Fraction = ZERO
    holidays: Fraction = ZERO
    time_off: Fraction = ZERO
    allocated: Fraction = ZERO

    @property
    def available(self) -> Fraction:
        return self.capacity - self.holidays - self.time_off


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _load(users: Sequence[User], first: dt.date, last: dt.date) -> tuple[dict[int, _Person], frozenset[dt.date]]:
    """Each person's days between ``first`` and ``last`` (three queries: allocations,
    time off, holidays; none when there is nobody)."""
    people = {user.pk: _Person.of(user) for user in users}
    if not people:
        return people, frozenset()
    ids = list(people)
    allocations = (
        Allocation.objects.filter(user_id__in=ids, start_date__lte=last, end_date__gte=first,
                                  project__is_template=False, project__status__in=OPEN_STATUSES)
        .values_list("user_id", "start_date", "end_date", "hours_per_week")
    )
    for user_id, start, end, per_week in allocations:
        people[user_id].allocations.append((start, end, Fraction(per_week)))
    time_off = (
        TimeOff.objects.filter(person__user_id__in=ids, start_date__lte=last, end_date__gte=first)
        .values_list("person__user_id", "start_date", "end_date", "hours_per_day")
    )
    for user_id, start, end, per_day in time_off:
        person = people[user_id]
        off = person.day_hours if per_day is None else min(Fraction(per_day), person.day_hours)
        for day in _days(max(start, first), min(end, last)):
            # Two overlapping records of one day count the day once, at the larger share.
            person.off[day] = max(person.off.get(day, ZERO), off)
    holidays = frozenset(Holiday.objects.filter(date__gte=first, date__lte=last).values_list("date", flat=True))
    return people, holidays


class _Days:
    """Running counts over the days ``first`` … ``last`` (inclusive) for one person, so a
    span's totals cost a few look-ups instead of a walk over its days: working days,
    working days that are holidays, and the time off of the other working days."""

    def __init__(self, person: _Person, holidays: frozenset[dt.date], first: dt.date, last: dt.date) -> None:
        self.person, self.first = person, first
        working = [0]
        holiday = [0]
        day = first
        while day <= last:
            is_working = day.weekday() in person.weekdays
            working.append(working[-1] + is_working)
            holiday.append(holiday[-1] + (is_working and day in holidays))
            day += dt.timedelta(days=1)
        self.working, self.holiday = working, holiday
        self.off = sorted((day, hours) for day, hours in person.off.items()
                          if day.weekday() in person.weekdays and day not in holidays)

    def _index(self, day: dt.date) -> int:
        return min(max((day - self.first).days, 0), len(self.working) - 1)

    def working_days(self, first: dt.date, last: dt.date) -> int:
        if last < first:
            return 0
        return self.working[self._index(last + dt.timedelta(days=1))] - self.working[self._index(first)]

    def span(self, first: dt.date, last: dt.date) -> _Span:
        person = self.person
        start, stop = self._index(first), self._index(last + dt.timedelta(days=1))
        working = self.working[stop] - self.working[start]
        holidays = self.holiday[stop] - self.holiday[start]
        time_off = sum((hours for day, hours in self.off if first <= day <= last), ZERO)
        allocated = sum(
            (person.per_week_share(per_week) * self.working_days(max(begin, first), min(end, last))
             for begin, end, per_week in person.allocations if begin <= last and end >= first),
            ZERO,
        )
        return _Span(capacity=person.day_hours * working, holidays=person.day_hours * holidays, time_off=time_off,
                     allocated=allocated)


def capacity_grid(*, users: Sequence[User], start: dt.date, weeks: int) -> list[PersonCapacity]:
    """Each of ``users`` (read with their profile: :func:`capacity_people`) over
    ``weeks`` ISO weeks from the week of ``start``: three queries, whatever the numbers."""
    first = week_start(start)
    mondays = [first + dt.timedelta(weeks=number) for number in range(weeks)]
    last = mondays[-1] + dt.timedelta(days=6) if mondays else first
    people, holidays = _load(users, first, last)
    grid = []
    for user in users:
        days = _Days(people[user.pk], holidays, first, last)
        loads = []
        for monday in mondays:
            span = days.span(monday, monday + dt.timedelta(days=6))
            loads.append(WeekLoad(
                week=monday, capacity=hours(span.capacity), holidays=hours(span.holidays),
                time_off=hours(span.time_off), available=hours(span.available), allocated=hours(span.allocated),
            ))
        grid.append(PersonCapacity(user=user, weekly_capacity=user.person.weekly_capacity_hours, weeks=loads))
    return grid


def week_allocations(*, actor: Any, user: User, week: dt.date) -> tuple[list[tuple[Allocation, Decimal]], Decimal]:
    """The allocations behind one cell of the grid: those on projects ``actor`` may see,
    each with its hours in that week, and the hours on open projects ``actor`` may not see
    (counted in the cell, not named). Two queries: the visible allocations with their
    projects, then every allocation of the week (for the hidden hours)."""
    monday = week_start(week)
    sunday = monday + dt.timedelta(days=6)
    person = _Person.of(user)
    overlapping = Allocation.objects.filter(
        user=user, start_date__lte=sunday, end_date__gte=monday, project__is_template=False,
        project__status__in=OPEN_STATUSES,
    )
    visible = list(scoped(actor, overlapping).select_related("project").order_by("project__code", "start_date", "pk"))
    seen = {allocation.pk for allocation in visible}
    rows = []
    hidden = ZERO
    for allocation in visible:
        rows.append((allocation, hours(_allocation_hours(person, allocation.start_date, allocation.end_date,
                                                         Fraction(allocation.hours_per_week), monday, sunday))))
    for pk, start, end, per_week in overlapping.values_list("pk", "start_date", "end_date", "hours_per_week"):
        if pk not in seen:
            hidden += _allocation_hours(person, start, end, Fraction(per_week), monday, sunday)
    return rows, hours(hidden)


def _allocation_hours(person: _Person, start: dt.date, end: dt.date, per_week: Fraction, first: dt.date,
                      last: dt.date) -> Fraction:
    days = sum(1 for day in _days(max(start, first), min(end, last)) if day.weekday() in person.weekdays)
    return person.per_week_share(per_week) * days


# --- Who has room --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    """A person's hours between two dates: available, allocated and what is left."""

    user: User
    is_member: bool
    available: Decimal
    allocated: Decimal

    @property
    def free(self) -> Decimal:
        return self.available - self.allocated

    @property
    def over(self) -> bool:
        return self.allocated > self.available

    @property
    def over_by(self) -> Decimal:
        return max(self.allocated - self.available, Decimal(0))


OTHERS_SHOWN = 15


@dataclass(frozen=True)
class RoomList:
    first: dt.date
    last: dt.date
    team: list[Room]
    others: list[Room]
    others_count: int


def people_with_room(*, project: Project, start: dt.date, finish: dt.date, others: int = OTHERS_SHOWN) -> RoomList:
    """The project's team and the other active people, each ranked by free hours
    (available − allocated, over all their projects) from ``start`` to ``finish``
    (inclusive), the most room first; the ``others`` with the most room of the people
    outside the team. Four queries: people with their profiles and whether they are
    on the team, then allocations, time off and holidays."""
    first, last = min(start, finish), max(start, finish)
    on_team = Exists(ProjectMember.objects.filter(project=project, user_id=OuterRef("pk")))
    users = list(
        User.objects.filter(is_active=True, person__isnull=False)
        .select_related("person", "person__team")
        .annotate(on_team=on_team)
        .order_by("full_name", "email", "pk")
    )
    people, holidays = _load(users, first, last)
    team: list[Room] = []
    outside: list[Room] = []
    for user in users:
        span = _Days(people[user.pk], holidays, first, last).span(first, last)
        room = Room(user=user, is_member=bool(user.on_team),
                    available=hours(span.available), allocated=hours(span.allocated))
        (team if room.is_member else outside).append(room)
    for rows in (team, outside):
        rows.sort(key=lambda room: -room.free)  # stable: by name among equals
    return RoomList(first=first, last=last, team=team, others=outside[:others], others_count=len(outside))


__all__ = [
    "DEFAULT_WEEKS", "MAX_WEEKS", "PersonCapacity", "Room", "RoomList", "WeekLoad", "capacity_grid",
    "capacity_people", "hours", "people_with_room", "sees_capacity", "week_allocations", "week_start",
]


# --- Allocations (the Resources tab and the API) ---------------------------------------------


def allocation_list(*, project: Project) -> QuerySet[Allocation]:
    """The project's allocations with their people, by start (the caller has checked
    the project is visible)."""
    return (Allocation.objects.filter(project=project).select_related("user")
            .order_by("start_date", "user__full_name", "pk"))


def allocation_get(*, actor: Any, allocation_id: Any) -> Allocation:
    """One allocation the actor may see (its project's visibility), with its project and person."""
    from tandem.core.permissions import get_visible

    return get_visible(actor, Allocation.objects.select_related("project", "project__manager", "user"), allocation_id)


def task_assignment_get(*, task: Any, user: User) -> Any:
    """The assignment of ``user`` to ``task`` (the caller has checked the task is
    visible), or ``None``."""
    from tandem.delivery.models import TaskAssignment

    return TaskAssignment.objects.filter(task=task, user=user).select_related("task__project").first()
