"""Reads of people data, scoped to the acting user (STYLE rule 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet

from tandem.core.calendar import WorkingCalendar
from tandem.core.permissions import get_visible, policy_for, scoped
from tandem.core.request_memo import memo
from tandem.core.statements import compiled_sql, run_once_compiled
from tandem.people.models import (
    AccessToken,
    Holiday,
    OrganisationCalendar,
    Person,
    Team,
    TimeOff,
    User,
)

USER_SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("full_name", "id"),
    "-name": ("-full_name", "-id"),
    "email": ("email",),
    "-email": ("-email",),
    # People without a team sort last both ways, on SQLite and PostgreSQL alike.
    "team": (F("person__team__name").asc(nulls_last=True), "full_name", "id"),
    "-team": (F("person__team__name").desc(nulls_last=True), "full_name", "id"),
    "joined": ("date_joined", "id"),
    "-joined": ("-date_joined", "-id"),
}


@dataclass(frozen=True)
class UserFilters:
    search: str = ""
    role: str = ""
    team_id: int | None = None
    is_active: bool | None = None
    sort: str = "name"


def user_list(*, actor: Any, filters: UserFilters | None = None) -> QuerySet[User]:
    """Users the actor may see, with person, team and roles loaded (no N+1)."""
    filters = filters or UserFilters()
    queryset = scoped(actor, User).select_related("person", "person__team").prefetch_related(
        "role_assignments"
    )
    if filters.search:
        term = filters.search.strip()
        queryset = queryset.filter(
            Q(full_name__icontains=term) | Q(email__icontains=term) | Q(person__title__icontains=term)
        )
    if filters.role:
        queryset = queryset.filter(role_assignments__role=filters.role)
    if filters.team_id is not None:
        queryset = queryset.filter(person__team_id=filters.team_id)
    if filters.is_active is not None:
        queryset = queryset.filter(is_active=filters.is_active)
    return queryset.order_by(*USER_SORTS.get(filters.sort, USER_SORTS["name"]))


def user_get(*, actor: Any, user_id: Any) -> User:
    return get_visible(
        actor,
        User.objects.select_related("person", "person__team").prefetch_related("role_assignments"),
        user_id,
    )


def user_can_see_cost_rate(*, actor: Any, user: User) -> bool:
    person = getattr(user, "person", None)
    return policy_for(Person).can_see_restricted(actor, person)


def team_list(*, actor: Any, search: str = "") -> QuerySet[Team]:
    queryset = scoped(actor, Team).select_related("lead").annotate(
        member_count=Count("members", filter=Q(members__user__is_active=True))
    )
    if search:
        queryset = queryset.filter(name__icontains=search.strip())
    return queryset.order_by("name", "id")


def team_get(*, actor: Any, team_id: Any) -> Team:
    return get_visible(actor, Team.objects.select_related("lead"), team_id)


def team_members(*, actor: Any, team: Team) -> QuerySet[User]:
    return user_list(actor=actor, filters=UserFilters(team_id=team.pk))


def time_off_list(*, actor: Any, person: Person | None = None) -> QuerySet[TimeOff]:
    queryset = scoped(actor, TimeOff).select_related("person__user")
    if person is not None:
        queryset = queryset.filter(person=person)
    return queryset.order_by("-start_date", "-id")


def token_list(*, actor: Any) -> QuerySet[AccessToken]:
    """The actor's own tokens (admins manage others' through the admin)."""
    return scoped(actor, AccessToken).filter(user=actor).order_by("-created_at", "-id")


CALENDAR_PK = 1  # the organisation has one calendar


def calendar_get() -> OrganisationCalendar:
    calendar, _ = OrganisationCalendar.objects.get_or_create(pk=CALENDAR_PK)
    return calendar


CURRENCY_MEMO = "people.calendar_currency"


def calendar_currency() -> str:
    """The organisation's base currency, read once per request (:mod:`tandem.core.request_memo`;
    :func:`tandem.people.services.calendar_update` forgets it), in SQL compiled once
    (most pages that show money read it); the calendar is made on first use."""

    def read() -> str:
        rows = run_once_compiled(
            "people.calendar_currency", (CALENDAR_PK,),
            lambda: compiled_sql(OrganisationCalendar.objects.filter(pk=CALENDAR_PK).values("currency")),
        )
        return str(rows[0][0]) if rows else calendar_get().currency

    return memo(CURRENCY_MEMO, read)


def organisation_calendar(*, years: tuple[int, int] | None = None) -> WorkingCalendar:
    """The organisation calendar as a :class:`WorkingCalendar` value (two queries)."""
    row = calendar_get()
    holidays = Holiday.objects.filter(calendar=row)
    if years is not None:
        holidays = holidays.filter(date__year__gte=years[0], date__year__lte=years[1])
    return WorkingCalendar(
        time_zone=ZoneInfo(row.time_zone),
        day_start=row.day_start,
        day_end=row.day_end,
        working_weekdays=frozenset(d for d in range(7) if row.working_days & (1 << d)),
        holidays=frozenset(holidays.values_list("date", flat=True)),
    )


def holiday_list(*, actor: Any, year: int | None = None) -> QuerySet[Holiday]:
    queryset = scoped(actor, Holiday)
    if year is not None:
        queryset = queryset.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1))
    return queryset.order_by("date")


def team_detail(*, actor: Any, team_id: Any) -> Team:
    """One team with its lead and ``member_count`` (active members), exactly as
    :func:`team_list` shows it; :class:`NotFoundError` when not visible."""
    return get_visible(actor, team_list(actor=actor), team_id)
