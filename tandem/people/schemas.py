"""Shapes of the people API: what goes in (validated, unknown fields refused) and what
comes out (built from rows by :func:`user_out` / :func:`team_out`).

Output schemas are plain pydantic models fed with dicts, not ninja ``Schema`` resolvers
over model instances: validating a dict is done in pydantic's compiled core, which keeps
the list endpoints close to a hand-written ``JsonResponse`` (QUALITY P7).

Field-level access: ``cost_rate`` is restricted (``PersonPolicy.restricted_fields``).
Every user schema carries it, and it is ``null`` when the caller may not see it
(:func:`tandem.people.selectors.user_can_see_cost_rate`: admins, executives and the
person themself). A person always has a cost rate, so ``null`` only ever means "hidden".

Mass assignment: every input schema forbids unknown fields (422 naming the field), so
``id``, ``is_superuser``, ``is_staff``, ``password`` (on update), ``created_at`` or a
version of one's own choosing can never be written. ``version`` in an update body is
the version the client read; the server checks it and bumps it itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from tandem.core.api import MAX_ID, PageMeta, PageParams, email_text, optional, text, time_zone_text
from tandem.core.permissions import sees_everything
from tandem.core.roles import Role
from tandem.people.models import WEEKDAY_NAMES, Team, User
from tandem.people.selectors import USER_SORTS, user_can_see_cost_rate

Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
RoleName = Literal["admin", "executive", "account_manager", "project_manager", "member"]
assert set(RoleName.__args__) == set(Role.values)  # type: ignore[attr-defined]
UserSort = Literal["name", "-name", "email", "-email", "team", "-team", "joined", "-joined"]
assert set(UserSort.__args__) == set(USER_SORTS)  # type: ignore[attr-defined]


def _decimal_input(*, maximum: str, integer_digits: int, description: str) -> Any:
    """A decimal in a body: a JSON number or a string such as ``"60.50"`` (at most two
    decimal places; money is never a float on the way in)."""
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(maximum)},
                {"type": "string", "pattern": rf"^\d{{1,{integer_digits}}}(\.\d{{1,2}})?$"},
            ],
            "description": description,
        }
    )


Hours = Annotated[
    Decimal,
    Field(ge=0, le=168, max_digits=5, decimal_places=2),
    _decimal_input(maximum="168", integer_digits=3, description="Hours per week, 0 to 168."),
]
Rate = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2),
    _decimal_input(
        maximum="99999999.99", integer_digits=8, description="Per hour, in the person's currency."
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")]
DecimalString = Annotated[str, Field(pattern=r"^-?\d+\.\d+$", description="A decimal number as a string, e.g. \"40.00\".")]
ReferenceId = Annotated[int, Field(ge=1, le=MAX_ID)]


def working_days_mask(days: Sequence[str]) -> int:
    """``["Mon", "Tue"]`` → the bit mask of ``Person.working_days`` (bit 0 = Monday)."""
    mask = 0
    for name in days:
        mask |= 1 << WEEKDAY_NAMES.index(name)
    return mask


def working_days_names(mask: int) -> list[str]:
    return [name for day, name in enumerate(WEEKDAY_NAMES) if mask & (1 << day)]


# --- Out -------------------------------------------------------------------------------


class TeamRef(BaseModel):
    id: int
    name: str


class UserRef(BaseModel):
    id: int
    full_name: str


class UserOut(BaseModel):
    """A user with their person profile. Profile fields are ``null`` for an account that
    has no profile (one made by ``createsuperuser``); ``cost_rate`` is also ``null`` when
    the caller may not see it."""

    id: int
    email: str
    full_name: str
    is_active: bool
    roles: list[RoleName]
    time_zone: str
    date_joined: dt.datetime
    version: int
    title: str | None
    team: TeamRef | None
    weekly_capacity_hours: DecimalString | None
    working_days: list[Weekday] | None
    bill_rate: DecimalString | None
    cost_rate: DecimalString | None = Field(
        description="Hourly cost to the firm; null unless you are an admin, an executive or this person."
    )
    currency: str | None


class UserPage(PageMeta):
    items: list[UserOut]


class TeamOut(BaseModel):
    """A team. ``lead`` is ``null`` when there is none, or when it is a disabled account
    and the caller may not see disabled accounts. ``member_count`` counts active members."""

    id: int
    name: str
    description: str
    lead: UserRef | None
    member_count: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class TeamPage(PageMeta):
    items: list[TeamOut]


def user_out(user: User, *, actor: Any) -> dict[str, Any]:
    """The :class:`UserOut` fields of ``user`` as seen by ``actor`` (no queries when the
    user was read by ``user_list`` / ``user_get``: person, team and roles are loaded)."""
    person = getattr(user, "person", None)  # RelatedObjectDoesNotExist is an AttributeError
    roles = user.roles
    data: dict[str, Any] = {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "is_active": user.is_active,
        "roles": [role for role in Role.values if role in roles],
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "version": user.version,
    }
    if person is None:
        data.update(
            title=None, team=None, weekly_capacity_hours=None, working_days=None,
            bill_rate=None, cost_rate=None, currency=None,
        )
        return data
    team = person.team
    data.update(
        title=person.title,
        team={"id": team.pk, "name": team.name} if team is not None else None,
        weekly_capacity_hours=str(person.weekly_capacity_hours),
        working_days=working_days_names(person.working_days),
        bill_rate=str(person.bill_rate),
        cost_rate=str(person.cost_rate) if user_can_see_cost_rate(actor=actor, user=user) else None,
        currency=person.currency,
    )
    return data


def team_out(team: Team, *, actor: Any) -> dict[str, Any]:
    """The :class:`TeamOut` fields of ``team`` (read by ``team_list`` / ``team_detail``)."""
    lead = team.lead
    # Mirrors UserPolicy.scope on a loaded row: disabled accounts are visible only to
    # those who see everything (and to themselves), so their name is not shown either.
    lead_visible = lead is not None and (
        lead.is_active or lead.pk == getattr(actor, "pk", None) or sees_everything(actor)
    )
    return {
        "id": team.pk,
        "name": team.name,
        "description": team.description,
        "lead": {"id": lead.pk, "full_name": lead.full_name} if lead is not None and lead_visible else None,
        "member_count": getattr(team, "member_count", 0),
        "version": team.version,
        "created_at": team.created_at,
        "updated_at": team.updated_at,
    }


# --- In --------------------------------------------------------------------------------


class StrictIn(BaseModel):
    """Base of request bodies: unknown (or read-only) fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class UserListQuery(PageParams):
    search: str = text(default="", max_length=100, description="Part of the name, e-mail or title.")
    role: RoleName | None = Field(default=None, description="Only users holding this role.")
    team_id: ReferenceId | None = Field(default=None, description="Only members of this team.")
    is_active: bool | None = Field(default=None, description="Only active (true) or disabled (false) accounts.")
    sort: UserSort = Field(default="name", description="Order; a leading '-' reverses it.")


class TeamListQuery(PageParams):
    search: str = text(default="", max_length=100, description="Part of the team name.")


def _default_roles() -> list[RoleName]:
    return ["member"]


def _default_working_days() -> list[Weekday]:
    return ["Mon", "Tue", "Wed", "Thu", "Fri"]


class UserCreateIn(StrictIn):
    """A new user. Without ``password`` the user sets one through "forgot password"."""

    email: str = email_text()
    full_name: str = text(min_length=1, max_length=150)
    password: str | None = text(default=None, min_length=1, max_length=128, description="Write-only.")
    roles: list[RoleName] = Field(default_factory=_default_roles, min_length=1, max_length=5)
    time_zone: str = time_zone_text(default="UTC")
    title: str = text(default="", max_length=120)
    team_id: ReferenceId | None = None
    weekly_capacity_hours: Hours = Decimal("40")
    working_days: list[Weekday] = Field(default_factory=_default_working_days, max_length=7)
    cost_rate: Rate = Decimal("0")
    bill_rate: Rate = Decimal("0")


class UserUpdateIn(StrictIn):
    """Changes to a user: send ``version`` (as read) and only the fields to change."""

    version: int = Field(ge=1, le=MAX_ID, description="The version you read; a stale one answers 409.")
    email: str = email_text(default=None)
    full_name: str = optional(pattern=r"^[^\x00]*$", min_length=1, max_length=150)
    is_active: bool = optional()
    time_zone: str = time_zone_text(default=None)
    roles: list[RoleName] = optional(min_length=1, max_length=5)
    title: str = optional(pattern=r"^[^\x00]*$", max_length=120)
    team_id: ReferenceId | None = optional(description="null removes the user from their team.")
    weekly_capacity_hours: Hours = optional()
    working_days: list[Weekday] = optional(max_length=7)
    cost_rate: Rate = optional()
    bill_rate: Rate = optional()
    currency: Currency = optional()


class TeamCreateIn(StrictIn):
    name: str = text(min_length=1, max_length=100)
    description: str = text(default="", max_length=2000)
    lead_id: ReferenceId | None = None


class TeamUpdateIn(StrictIn):
    """Changes to a team: send ``version`` (as read) and only the fields to change."""

    version: int = Field(ge=1, le=MAX_ID, description="The version you read; a stale one answers 409.")
    name: str = optional(pattern=r"^[^\x00]*$", min_length=1, max_length=100)
    description: str = optional(pattern=r"^[^\x00]*$", max_length=2000)
    lead_id: ReferenceId | None = optional(description="null removes the lead.")


class VersionQuery(BaseModel):
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you read; a stale one answers 409."
    )
