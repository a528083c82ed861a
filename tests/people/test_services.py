"""People services: exact results of each write, and denials that change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.models import AuditAction, AuditEntry
from tandem.core.roles import Role
from tandem.people import services
from tandem.people.models import Holiday, Person, RoleAssignment, Team, TimeOff, User
from tandem.people.selectors import calendar_get
from tests.authz import (
    db_state,
    diff_tables,
)
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db
NON_ADMINS = [Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER]


@contextmanager
def changes_nothing() -> Iterator[None]:
    """Asserts that no row of any table changed (the audit trail included)."""
    before = db_state()
    yield
    assert diff_tables(before, db_state()) == []


def audit_actions(instance: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_id=str(instance.pk), content_type__model=type(instance).__name__.lower()
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Users ---------------------------------------------------------------------------------


def test_user_create_builds_user_profile_roles_and_history(admin_user: User, team: Team) -> None:
    user = services.user_create(
        actor=admin_user,
        email="  New.Person@Example.TEST ",
        full_name=" Nia New ",
        password="a-long-unusual-secret-4",
        roles=[Role.PROJECT_MANAGER, Role.MEMBER, Role.MEMBER],
        title="Consultant",
        team=team,
        weekly_capacity_hours=Decimal("32"),
        working_days=0b0001111,
        cost_rate=Decimal("55.50"),
        bill_rate=Decimal("110"),
    )
    user = User.objects.get(pk=user.pk)
    assert (user.email, user.full_name, user.is_active, user.is_staff) == (
        "new.person@example.test", "Nia New", True, False,
    )  # fmt: skip
    assert set(user.role_assignments.values_list("role", flat=True)) == {
        Role.PROJECT_MANAGER,
        Role.MEMBER,
    }
    person = Person.objects.get(user=user)
    assert (person.title, person.team, person.weekly_capacity_hours, person.working_days) == (
        "Consultant", team, Decimal("32.00"), 0b0001111,
    )  # fmt: skip
    assert (person.cost_rate, person.bill_rate, person.version) == (
        Decimal("55.50"),
        Decimal("110.00"),
        1,
    )
    assert sorted(person.working_weekdays) == [0, 1, 2, 3]  # Monday to Thursday
    assert audit_actions(user) == [AuditAction.CREATE]
    assert audit_actions(person) == [AuditAction.CREATE]
    assert (
        AuditEntry.objects.get(object_id=str(user.pk), content_type__model="user").actor_id
        == admin_user.pk
    )


def test_admins_are_staff() -> None:
    admin = make_user(role=Role.ADMIN, email="root@example.test")
    assert admin.is_staff is True
    assert make_user(role=Role.EXECUTIVE).is_staff is False


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "member@example.test"}, "email"),
        ({"email": "MEMBER@example.test"}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"roles": ["wizard"]}, "roles"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"weekly_capacity_hours": Decimal("200")}, "weekly_capacity_hours"),
    ],
)
def test_user_create_validation_changes_nothing(
    admin_user: User, member: User, kwargs: dict[str, Any], field: str
) -> None:
    data: dict[str, Any] = {"email": "fresh@example.test", "full_name": "Fresh", **kwargs}
    with changes_nothing(), pytest.raises(ValidationError) as excinfo:
        services.user_create(actor=admin_user, **data)
    assert field in excinfo.value.message_dict


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admins_create_users(users_by_role: dict[str, User], role: str) -> None:
    with changes_nothing(), pytest.raises(PermissionDeniedError):
        services.user_create(actor=users_by_role[role], email="x@example.test", full_name="X")


def test_user_update_changes_account_profile_and_roles(
    admin_user: User, member: User, team: Team
) -> None:
    ops = make_team(name="Ops")
    services.user_update(
        actor=admin_user,
        user=member,
        data={"full_name": "Mel Martin", "email": "MEL@example.test", "title": "Lead", "team": ops},
        expected_version=1,
        roles=[Role.PROJECT_MANAGER],
    )
    member = User.objects.get(pk=member.pk)
    assert (member.full_name, member.email, member.version) == ("Mel Martin", "mel@example.test", 2)
    assert list(member.role_assignments.values_list("role", flat=True)) == [Role.PROJECT_MANAGER]
    person = Person.objects.get(user=member)
    assert (person.title, person.team_id, person.version) == ("Lead", ops.pk, 2)
    entries = list(
        AuditEntry.objects.filter(action=AuditAction.UPDATE)
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert entries == [
        {
            "email": ["member@example.test", "mel@example.test"],
            "full_name": ["Mel Member", "Mel Martin"],
        },
        {"team": [team.pk, ops.pk], "title": ["", "Lead"]},
        {"roles": [[Role.MEMBER], [Role.PROJECT_MANAGER]]},
    ]


def test_granting_and_removing_admin_follows_staff(admin_user: User, member: User) -> None:
    services.user_update(actor=admin_user, user=member, data={}, roles=[Role.ADMIN, Role.MEMBER])
    assert User.objects.get(pk=member.pk).is_staff is True
    services.user_update(actor=admin_user, user=member, data={}, roles=[Role.MEMBER])
    assert User.objects.get(pk=member.pk).is_staff is False


def test_user_update_refusals_change_nothing(
    admin_user: User, member: User, executive: User
) -> None:
    cases: list[tuple[Callable[[], Any], type[Exception], str | None]] = [
        (lambda: services.user_update(actor=admin_user, user=member, data={"email": "exec@example.test"}), ValidationError, "email"),
        (lambda: services.user_update(actor=admin_user, user=member, data={"password": "x"}), ValidationError, "password"),
        (lambda: services.user_update(actor=admin_user, user=member, data={"is_staff": True}), ValidationError, "is_staff"),
        (lambda: services.user_update(actor=admin_user, user=admin_user, data={"is_active": False}), ValidationError, "is_active"),
        (lambda: services.user_update(actor=admin_user, user=admin_user, data={}, roles=[Role.MEMBER]), ValidationError, "roles"),
        (lambda: services.user_update(actor=admin_user, user=member, data={}, roles=["wizard"]), ValidationError, "roles"),
        (lambda: services.user_update(actor=admin_user, user=member, data={"full_name": "X"}, expected_version=7), ConflictError, None),
        (lambda: services.user_update(actor=executive, user=member, data={"full_name": "X"}), PermissionDeniedError, None),
        (lambda: services.user_update(actor=member, user=member, data={"full_name": "X"}), PermissionDeniedError, None),
        (lambda: services.user_update(actor=member, user=member, data={}, roles=[Role.ADMIN]), PermissionDeniedError, None),
    ]  # fmt: skip
    for call, error, field in cases:
        with changes_nothing(), pytest.raises(error) as excinfo:
            call()
        if field is not None:
            assert field in excinfo.value.message_dict  # type: ignore[attr-defined]


def test_user_deactivate(admin_user: User, member: User) -> None:
    services.user_deactivate(actor=admin_user, user=member, expected_version=1)
    member = User.objects.get(pk=member.pk)
    assert (member.is_active, member.version) == (False, 2)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).get()
    assert entry.changes == {"is_active": [True, False]}


# --- Teams ---------------------------------------------------------------------------------


def test_team_create_update_delete(admin_user: User, member: User) -> None:
    team = services.team_create(actor=admin_user, name="  Design ", description="UX", lead=member)
    assert (team.name, team.description, team.lead, team.version) == ("Design", "UX", member, 1)
    services.team_update(
        actor=admin_user, team=team, data={"name": "Studio", "lead": None}, expected_version=1
    )
    team = Team.objects.get(pk=team.pk)
    assert (team.name, team.lead, team.version) == ("Studio", None, 2)
    Person.objects.filter(user=member).update(team=team)
    services.team_delete(actor=admin_user, team=team, expected_version=2)
    assert not Team.objects.filter(pk=team.pk).exists()
    assert Person.objects.get(user=member).team is None  # members stay, without a team
    assert audit_actions(team) == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]


def test_team_names_are_unique_ignoring_case(admin_user: User, team: Team) -> None:
    with changes_nothing(), pytest.raises(ValidationError) as excinfo:
        services.team_create(actor=admin_user, name="delivery")
    assert excinfo.value.message_dict == {"name": ["A team with this name already exists."]}
    other = make_team(name="Ops")
    with changes_nothing(), pytest.raises(ValidationError):
        services.team_update(actor=admin_user, team=other, data={"name": " DELIVERY "})
    services.team_update(actor=admin_user, team=team, data={"name": "DELIVERY"})  # itself: fine
    assert Team.objects.get(pk=team.pk).name == "DELIVERY"


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admins_write_teams(users_by_role: dict[str, User], team: Team, role: str) -> None:
    actor = users_by_role[role]
    for call in (
        lambda: services.team_create(actor=actor, name="Rogue"),
        lambda: services.team_update(actor=actor, team=team, data={"name": "Rogue"}),
        lambda: services.team_delete(actor=actor, team=team),
    ):
        with changes_nothing(), pytest.raises(PermissionDeniedError):
            call()


def test_stale_team_edit_and_delete_are_conflicts(admin_user: User, team: Team) -> None:
    services.team_update(actor=admin_user, team=team, data={"description": "v2"})
    stale = Team.objects.get(pk=team.pk)
    for call in (
        lambda: services.team_update(
            actor=admin_user, team=stale, data={"name": "X"}, expected_version=1
        ),
        lambda: services.team_delete(actor=admin_user, team=stale, expected_version=1),
    ):
        with changes_nothing(), pytest.raises(ConflictError):
            call()


# --- Time off, calendar, holidays ---------------------------------------------------------


def test_time_off_is_recorded_by_the_person_or_an_admin(
    admin_user: User, member: User, project_manager: User
) -> None:
    own = services.time_off_create(
        actor=member, person=member.person, start_date=dt.date(2030, 8, 5),
        end_date=dt.date(2030, 8, 9), kind="vacation", note="Summer",
    )  # fmt: skip
    own = TimeOff.objects.get(pk=own.pk)
    assert (own.person, own.start_date, own.end_date, own.kind, own.note, own.hours_per_day) == (
        member.person, dt.date(2030, 8, 5), dt.date(2030, 8, 9), "vacation", "Summer", None,
    )  # fmt: skip
    by_admin = services.time_off_create(
        actor=admin_user, person=member.person, start_date=dt.date(2030, 9, 1),
        end_date=dt.date(2030, 9, 1), kind="sick", hours_per_day=Decimal("4"),
    )  # fmt: skip
    assert (
        AuditEntry.objects.get(object_id=str(by_admin.pk), content_type__model="timeoff").actor
        == admin_user
    )
    with changes_nothing(), pytest.raises(PermissionDeniedError):
        services.time_off_create(
            actor=project_manager, person=member.person,
            start_date=dt.date(2030, 10, 1), end_date=dt.date(2030, 10, 2),
        )  # fmt: skip
    with changes_nothing(), pytest.raises(ValidationError) as excinfo:
        services.time_off_create(
            actor=member, person=member.person,
            start_date=dt.date(2030, 10, 2), end_date=dt.date(2030, 10, 1),
        )  # fmt: skip
    assert list(excinfo.value.message_dict) == ["end_date"]
    with changes_nothing(), pytest.raises(PermissionDeniedError):
        services.time_off_delete(actor=project_manager, time_off=own)
    services.time_off_delete(actor=member, time_off=own)
    assert list(TimeOff.objects.values_list("pk", flat=True)) == [by_admin.pk]


def test_calendar_and_holidays_are_for_admins(admin_user: User, member: User) -> None:
    calendar = calendar_get()
    services.calendar_update(
        actor=admin_user, calendar=calendar,
        data={"time_zone": "Europe/London", "day_start": dt.time(8, 30)}, expected_version=1,
    )  # fmt: skip
    calendar.refresh_from_db()
    assert (calendar.time_zone, calendar.day_start, calendar.version) == (
        "Europe/London",
        dt.time(8, 30),
        2,
    )
    holiday = services.holiday_create(
        actor=admin_user, calendar=calendar, date=dt.date(2030, 12, 25), name="Christmas"
    )
    assert (holiday.date, holiday.name) == (dt.date(2030, 12, 25), "Christmas")
    with changes_nothing(), pytest.raises(ValidationError) as excinfo:
        services.holiday_create(
            actor=admin_user, calendar=calendar, date=dt.date(2030, 12, 25), name="Again"
        )
    assert excinfo.value.message_dict == {"date": ["2030-12-25 is already a holiday."]}
    for call in (
        lambda: services.calendar_update(actor=member, calendar=calendar, data={"name": "Mine"}),
        lambda: services.holiday_create(
            actor=member, calendar=calendar, date=dt.date(2030, 1, 1), name="Mine"
        ),
        lambda: services.holiday_delete(actor=member, holiday=holiday),
    ):
        with changes_nothing(), pytest.raises(PermissionDeniedError):
            call()
    with changes_nothing(), pytest.raises(ValidationError) as excinfo:
        services.calendar_update(actor=admin_user, calendar=calendar, data={"version": 9})
    assert list(excinfo.value.message_dict) == ["version"]
    with changes_nothing(), pytest.raises(ValidationError) as excinfo:
        services.calendar_update(
            actor=admin_user, calendar=calendar, data={"day_end": dt.time(8)}, expected_version=2
        )
    assert list(excinfo.value.message_dict) == ["day_end"]
    services.holiday_delete(actor=admin_user, holiday=holiday)
    assert Holiday.objects.count() == 0
    assert RoleAssignment.objects.filter(user=member).count() == 1
