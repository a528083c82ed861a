"""Policies of the people models, role by role, with exact expectations; and the
fetchers that turn them into 404 (not visible) and 403 (visible, not changeable)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models

from tandem.core.errors import NotFoundError, PermissionDeniedError
from tandem.core.permissions import (
    get_changeable,
    get_visible,
    has_role,
    is_admin,
    model_for_url_kwarg,
    policy_for,
    registered_models,
    scoped,
    sees_everything,
    url_kwarg_for,
)
from tandem.core.roles import Role
from tandem.people import services
from tandem.people.models import (
    AccessToken,
    Holiday,
    OrganisationCalendar,
    Person,
    Team,
    TimeOff,
    User,
)
from tandem.people.selectors import calendar_get
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER]


@pytest.fixture
def world(users_by_role: dict[str, User], team: Team) -> dict[str, Any]:
    """A small organisation: the five role users (AM, PM and member in "Delivery"), a
    team "Ops" led by the project manager with Olly in it, Stan in no team, Gus disabled;
    time off for the member, Olly and Stan; a token each for member, executive, admin."""
    pm = users_by_role[Role.PROJECT_MANAGER]
    ops = make_team(name="Ops", lead=pm)
    olly = make_user(email="olly@example.test", full_name="Olly Ops", team=ops)
    stan = make_user(email="stan@example.test", full_name="Stan Solo")
    gus = make_user(email="gus@example.test", full_name="Gus Gone")
    User.objects.filter(pk=gus.pk).update(is_active=False)
    time_off = {}
    for name, user in [("member", users_by_role[Role.MEMBER]), ("olly", olly), ("stan", stan)]:
        time_off[name] = services.time_off_create(
            actor=user,
            person=user.person,
            start_date=dt.date(2025, 7, 1),
            end_date=dt.date(2025, 7, 4),
        )
    tokens = {}
    for role in (Role.MEMBER, Role.EXECUTIVE, Role.ADMIN):
        owner = users_by_role[role]
        tokens[role], _ = services.token_create(actor=owner, user=owner, name=f"{role} script")
    holiday = services.holiday_create(
        actor=None, calendar=calendar_get(), date=dt.date(2025, 12, 25), name="Christmas"
    )
    return {
        "users": users_by_role,
        "ops": ops,
        "olly": olly,
        "stan": stan,
        "gus": gus,
        "time_off": time_off,
        "tokens": tokens,
        "holiday": holiday,
    }


def names(queryset: models.QuerySet[Any], attribute: str) -> set[str]:
    values = set()
    for obj in queryset:
        value: Any = obj
        for part in attribute.split("."):
            value = getattr(value, part)
        values.add(str(value))
    return values


ALL_USERS = {
    "Ada Admin", "Eve Executive", "Alan Account", "Pam Project", "Mel Member",
    "Olly Ops", "Stan Solo", "Gus Gone",
}  # fmt: skip
ACTIVE_USERS = ALL_USERS - {"Gus Gone"}


@pytest.mark.parametrize("role", ROLES)
def test_user_and_person_scope(world: dict[str, Any], role: str) -> None:
    actor = world["users"][role]
    expected = ALL_USERS if role in (Role.ADMIN, Role.EXECUTIVE) else ACTIVE_USERS
    assert names(scoped(actor, User), "full_name") == expected
    assert names(scoped(actor, Person).select_related("user"), "user.full_name") == expected


def test_disabled_user_still_sees_nothing(world: dict[str, Any]) -> None:
    gus = User.objects.get(pk=world["gus"].pk)
    for model in registered_models():
        assert scoped(gus, model).count() == 0, model
    for model in registered_models():
        assert scoped(AnonymousUser(), model).count() == 0, model


@pytest.mark.parametrize("role", ROLES)
def test_user_person_team_calendar_holiday_changes_are_for_admins(
    world: dict[str, Any], role: str
) -> None:
    actor = world["users"][role]
    admin = role == Role.ADMIN
    stan = world["stan"]
    for model in (User, Person, Team, OrganisationCalendar, Holiday):
        assert policy_for(model).can_create(actor) is admin, model
    for obj in (stan, stan.person, world["ops"], calendar_get(), world["holiday"]):
        assert policy_for(obj).can_change(actor, obj) is admin, obj
        assert policy_for(obj).can_delete(actor, obj) is admin, obj
    # Even on themselves: only admins edit accounts and profiles.
    assert policy_for(User).can_change(actor, actor) is admin
    assert policy_for(Person).can_change(actor, actor.person) is admin


@pytest.mark.parametrize("role", ROLES)
def test_teams_calendar_and_holidays_are_visible_to_everyone(
    world: dict[str, Any], role: str
) -> None:
    actor = world["users"][role]
    assert names(scoped(actor, Team), "name") == {"Delivery", "Ops"}
    assert scoped(actor, OrganisationCalendar).count() == 1
    assert names(scoped(actor, Holiday), "name") == {"Christmas"}


TIME_OFF_VISIBLE = {
    Role.ADMIN: {"member", "olly", "stan"},
    Role.EXECUTIVE: {"member", "olly", "stan"},
    Role.ACCOUNT_MANAGER: set(),
    Role.PROJECT_MANAGER: {"olly"},  # leads Ops
    Role.MEMBER: {"member"},  # their own
}
TIME_OFF_CHANGEABLE = {
    Role.ADMIN: {"member", "olly", "stan"},
    Role.EXECUTIVE: set(),
    Role.ACCOUNT_MANAGER: set(),
    Role.PROJECT_MANAGER: set(),
    Role.MEMBER: {"member"},
}


@pytest.mark.parametrize("role", ROLES)
def test_time_off_scope_and_changes(world: dict[str, Any], role: str) -> None:
    actor = world["users"][role]
    by_pk = {obj.pk: name for name, obj in world["time_off"].items()}
    visible = {by_pk[pk] for pk in scoped(actor, TimeOff).values_list("pk", flat=True)}
    assert visible == TIME_OFF_VISIBLE[role]
    policy = policy_for(TimeOff)
    changeable = {name for name, obj in world["time_off"].items() if policy.can_change(actor, obj)}
    assert changeable == TIME_OFF_CHANGEABLE[role]
    assert policy.can_create(actor) is True


TOKENS_VISIBLE = {
    Role.ADMIN: {Role.MEMBER, Role.EXECUTIVE, Role.ADMIN},
    Role.EXECUTIVE: {Role.EXECUTIVE},  # tokens are personal, even for executives
    Role.ACCOUNT_MANAGER: set(),
    Role.PROJECT_MANAGER: set(),
    Role.MEMBER: {Role.MEMBER},
}


@pytest.mark.parametrize("role", ROLES)
def test_tokens_are_personal(world: dict[str, Any], role: str) -> None:
    actor = world["users"][role]
    by_pk = {obj.pk: owner for owner, obj in world["tokens"].items()}
    visible = {by_pk[pk] for pk in scoped(actor, AccessToken).values_list("pk", flat=True)}
    assert visible == TOKENS_VISIBLE[role]
    policy = policy_for(AccessToken)
    changeable = {owner for owner, obj in world["tokens"].items() if policy.can_change(actor, obj)}
    assert changeable == TOKENS_VISIBLE[role]
    assert policy.can_create(actor) is True


@pytest.mark.parametrize("role", ROLES)
def test_cost_rate_is_restricted(world: dict[str, Any], role: str) -> None:
    actor = world["users"][role]
    policy = policy_for(Person)
    assert policy.restricted_fields == frozenset({"cost_rate"})
    everything = role in (Role.ADMIN, Role.EXECUTIVE)
    assert policy.can_see_restricted(actor, world["stan"].person) is everything
    assert policy.can_see_restricted(actor, actor.person) is True  # their own rate
    assert policy.can_see_restricted(actor, None) is everything


def test_get_visible_and_get_changeable(world: dict[str, Any]) -> None:
    member = world["users"][Role.MEMBER]
    executive = world["users"][Role.EXECUTIVE]
    stan_leave = world["time_off"]["stan"]
    own_leave = world["time_off"]["member"]
    with pytest.raises(NotFoundError):
        get_visible(member, TimeOff, stan_leave.pk)
    with pytest.raises(NotFoundError):
        get_changeable(member, TimeOff, stan_leave.pk)  # 404 before 403: no existence leak
    with pytest.raises(NotFoundError):
        get_visible(member, TimeOff, 10**9)
    with pytest.raises(NotFoundError):
        get_visible(member, TimeOff, "not-a-number")
    assert get_changeable(member, TimeOff, own_leave.pk) == own_leave
    assert get_visible(executive, TimeOff, stan_leave.pk) == stan_leave
    with pytest.raises(PermissionDeniedError) as excinfo:
        get_changeable(executive, TimeOff, stan_leave.pk)
    assert excinfo.value.status_code == 403
    with pytest.raises(NotFoundError):
        get_visible(member, User, world["gus"].pk)  # disabled accounts are hidden
    assert get_visible(executive, User, world["gus"].pk) == world["gus"]


def test_role_helpers(world: dict[str, Any]) -> None:
    users = world["users"]
    assert is_admin(users[Role.ADMIN]) is True
    assert is_admin(users[Role.EXECUTIVE]) is False
    assert sees_everything(users[Role.EXECUTIVE]) is True
    assert sees_everything(users[Role.PROJECT_MANAGER]) is False
    assert has_role(users[Role.MEMBER], Role.MEMBER, Role.ADMIN) is True
    assert has_role(users[Role.MEMBER], Role.ADMIN) is False
    assert has_role(AnonymousUser(), Role.MEMBER) is False
    superuser = make_user(role=Role.MEMBER, email="root@example.test")
    User.objects.filter(pk=superuser.pk).update(is_superuser=True)
    assert is_admin(User.objects.get(pk=superuser.pk)) is True
    disabled_admin = make_user(role=Role.ADMIN, email="old-admin@example.test")
    disabled_admin.is_active = False
    assert is_admin(disabled_admin) is False
    assert has_role(disabled_admin, Role.ADMIN) is False


def test_url_kwarg_convention() -> None:
    assert url_kwarg_for(User) == "user_id"
    assert url_kwarg_for(AccessToken) == "access_token_id"
    assert url_kwarg_for(TimeOff) == "time_off_id"
    assert url_kwarg_for(OrganisationCalendar) == "organisation_calendar_id"
    for model in registered_models():
        assert model_for_url_kwarg(url_kwarg_for(model)) is model
    assert model_for_url_kwarg("pk") is None
    assert model_for_url_kwarg("widget_id") is None


def test_every_registered_policy_answers_for_every_role(world: dict[str, Any]) -> None:
    """No policy raises for any role (e.g. reading an attribute only some users have)."""
    from tests.authz import World, build_records

    # One record of every other registered model (clients, imports, notifications).
    build_records(World(users=world["users"], extra={"stan": world["stan"]}))
    for model in registered_models():
        policy = policy_for(model)
        obj = model._default_manager.first()
        assert obj is not None, model
        for role in ROLES:
            actor = world["users"][role]
            policy.scope(actor, model._default_manager.all()).count()
            assert isinstance(policy.can_create(actor), bool)
            assert isinstance(policy.can_change(actor, obj), bool)
            assert isinstance(policy.can_delete(actor, obj), bool)
