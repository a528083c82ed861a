"""The people API (/api/v1/me, /users, /teams): exact answers per role, field-level
access to cost rates, mass assignment, versions, pagination and pinned query counts.

Error shapes, authentication and the schema are in tests/core/test_api_errors.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from tandem.core.models import AuditAction, AuditEntry
from tandem.core.roles import Role
from tandem.people.models import Person, RoleAssignment, Team, User
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; these tests create many users and check no passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]


def call(client: Client, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (json.loads(response.content) if response.content else None)


def iso(value: Any) -> str:
    """A datetime as the API writes it (ECMA-262: milliseconds, 'Z')."""
    return DjangoJSONEncoder().default(value)


def state() -> dict[str, Any]:
    """Everything a people write could touch, to assert that a denied write changed nothing."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "persons": list(Person.objects.order_by("pk").values()),
        "roles": list(RoleAssignment.objects.order_by("pk").values()),
        "teams": list(Team.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def user_json(user: User, *, team: Team | None, cost_rate: str | None, **overrides: Any) -> dict[str, Any]:
    user.refresh_from_db()
    data = {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "is_active": True,
        "roles": sorted(user.roles, key=Role.values.index),
        "time_zone": "UTC",
        "date_joined": iso(user.date_joined),
        "version": 1,
        "title": "",
        "team": {"id": team.pk, "name": team.name} if team else None,
        "weekly_capacity_hours": "40.00",
        "working_days": WEEKDAYS,
        "bill_rate": "120.00",
        "cost_rate": cost_rate,
        "currency": "EUR",
    }
    data.update(overrides)
    return data


# --- /me -------------------------------------------------------------------------------


def test_me_is_the_caller_with_roles_team_capacity_and_own_cost_rate(member, team):
    status, body = call(client_for(member), "get", "/api/v1/me")

    assert status == 200
    assert body == {
        "id": member.pk,
        "email": "member@example.test",
        "full_name": "Mel Member",
        "is_active": True,
        "roles": ["member"],
        "time_zone": "UTC",
        "date_joined": iso(User.objects.get(pk=member.pk).date_joined),
        "version": 1,
        "title": "",
        "team": {"id": team.pk, "name": "Delivery"},
        "weekly_capacity_hours": "40.00",
        "working_days": WEEKDAYS,
        "bill_rate": "120.00",
        "cost_rate": "60.00",
        "currency": "EUR",
    }


@pytest.mark.parametrize("role", Role.values)
def test_me_for_every_role_shows_own_roles_and_cost_rate(users_by_role, role):
    user = users_by_role[role]

    status, body = call(client_for(user), "get", "/api/v1/me")

    assert status == 200
    assert (body["id"], body["roles"], body["cost_rate"]) == (user.pk, [role], "60.00")


def test_me_of_an_account_without_person_profile_has_null_profile_fields(db):
    user = User.objects.create_user("bare@example.test", "x-unused-password-1", full_name="Bare")
    # create_user gives every user a profile; a row from before that (or deleted by
    # hand) must still answer.
    Person.objects.filter(user=user).delete()
    user = User.objects.get(pk=user.pk)

    status, body = call(client_for(user), "get", "/api/v1/me")

    assert status == 200
    assert body["roles"] == []
    assert [body[k] for k in ("title", "team", "weekly_capacity_hours", "working_days", "bill_rate", "cost_rate", "currency")] == [None] * 7


# --- GET /users ------------------------------------------------------------------------


def test_list_users_for_admin_is_exact(admin_user, member, team):
    status, body = call(client_for(admin_user), "get", "/api/v1/users")

    assert status == 200
    assert body == {
        "count": 2,
        "count_is_capped": False,
        "limit": 50,
        "offset": 0,
        "items": [
            user_json(admin_user, team=None, cost_rate="60.00"),
            user_json(member, team=team, cost_rate="60.00"),
        ],
    }


# Which cost rates each role sees in the list: its own always; others' only for admins
# and executives (PersonPolicy.restricted_fields).
@pytest.mark.parametrize(
    ("role", "sees_others"),
    [
        (Role.ADMIN, True),
        (Role.EXECUTIVE, True),
        (Role.ACCOUNT_MANAGER, False),
        (Role.PROJECT_MANAGER, False),
        (Role.MEMBER, False),
    ],
)
def test_cost_rate_is_null_unless_the_caller_may_see_it(users_by_role, role, sees_others):
    viewer = users_by_role[role]

    status, body = call(client_for(viewer), "get", "/api/v1/users")

    assert status == 200
    assert len(body["items"]) == 5
    for item in body["items"]:
        expected = "60.00" if sees_others or item["id"] == viewer.pk else None
        assert item["cost_rate"] == expected, item["email"]
        assert item["bill_rate"] == "120.00"


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER])
def test_cost_rate_of_another_user_is_hidden_in_detail_too(users_by_role, admin_user, role):
    status, body = call(client_for(users_by_role[role]), "get", f"/api/v1/users/{admin_user.pk}")

    assert status == 200
    assert body["cost_rate"] is None
    assert body["email"] == "admin@example.test"


def test_disabled_accounts_are_listed_only_for_admins_and_executives(users_by_role):
    gone = make_user(email="gone@example.test", full_name="Gone Person", is_staff=False)
    User.objects.filter(pk=gone.pk).update(is_active=False)

    seen = {}
    for role, user in users_by_role.items():
        status, body = call(client_for(user), "get", "/api/v1/users?limit=200")
        assert status == 200
        seen[role] = gone.pk in [item["id"] for item in body["items"]]
        detail_status, _ = call(client_for(user), "get", f"/api/v1/users/{gone.pk}")
        assert detail_status == (200 if seen[role] else 404)

    assert seen == {
        Role.ADMIN: True,
        Role.EXECUTIVE: True,
        Role.ACCOUNT_MANAGER: False,
        Role.PROJECT_MANAGER: False,
        Role.MEMBER: False,
    }


def test_list_users_filters_and_sort(admin_user, account_manager, project_manager, member, team):
    other_team = make_team(name="Sales")
    zed = make_user(full_name="Zed Zulu", email="zed@example.test", team=other_team, title="Analyst")
    client = client_for(admin_user)

    def ids(query: str) -> list[int]:
        status, body = call(client, "get", f"/api/v1/users?{query}")
        assert status == 200, body
        return [item["id"] for item in body["items"]]

    assert ids("search=analyst") == [zed.pk]
    assert ids("search=PAM") == [project_manager.pk]
    assert ids("role=member") == [member.pk, zed.pk]
    assert ids(f"team_id={team.pk}") == [account_manager.pk, member.pk, project_manager.pk]
    assert ids(f"team_id={other_team.pk}&role=member") == [zed.pk]
    assert ids("is_active=false") == []
    assert ids("sort=-name") == [zed.pk, project_manager.pk, member.pk, account_manager.pk, admin_user.pk]
    assert ids("sort=email") == [admin_user.pk, account_manager.pk, member.pk, project_manager.pk, zed.pk]


def test_list_users_paginates_with_limit_and_offset(admin_user, account_manager, project_manager, member):
    status, body = call(client_for(admin_user), "get", "/api/v1/users?limit=2&offset=1")

    assert status == 200
    assert (body["count"], body["count_is_capped"], body["limit"], body["offset"]) == (4, False, 2, 1)
    assert [item["id"] for item in body["items"]] == [account_manager.pk, member.pk]


def test_count_stops_at_the_cap_and_says_so(admin_user, member, project_manager, monkeypatch):
    monkeypatch.setattr("tandem.core.api.params.COUNT_CAP", 2)

    status, body = call(client_for(admin_user), "get", "/api/v1/users?limit=1")

    assert status == 200
    assert (body["count"], body["count_is_capped"], len(body["items"])) == (2, True, 1)


def test_page_size_is_bounded_by_settings(admin_user, settings):
    status, body = call(client_for(admin_user), "get", f"/api/v1/users?limit={settings.TANDEM_MAX_PAGE_SIZE + 1}")

    assert status == 422
    assert body["error"]["fields"] == {"limit": [f"Input should be less than or equal to {settings.TANDEM_MAX_PAGE_SIZE}"]}


# Queries per list call, whatever the data size and page size (QUALITY P3):
# session, user, the caller's roles, capped count, rows, roles of the rows.
USERS_LIST_QUERIES = 6
# session, user, the caller's roles, capped count, rows (lead and member count joined).
TEAMS_LIST_QUERIES = 5


@pytest.mark.parametrize("per_page", [10, 100])
@pytest.mark.parametrize("size", [15, 120])
def test_users_list_query_count_is_fixed(admin_user, django_assert_num_queries, per_page, size):
    teams = [make_team() for _ in range(4)]
    for number in range(size):
        make_user(team=teams[number % 4], roles=[Role.MEMBER, Role.PROJECT_MANAGER], password=None)
    client = client_for(admin_user)

    with django_assert_num_queries(USERS_LIST_QUERIES):
        status, body = call(client, "get", f"/api/v1/users?limit={per_page}&sort=team")

    assert status == 200
    assert len(body["items"]) == min(per_page, size + 1)
    assert {tuple(item["roles"]) for item in body["items"] if item["id"] != admin_user.pk} == {
        ("project_manager", "member")
    }


@pytest.mark.parametrize("per_page", [10, 100])
@pytest.mark.parametrize("size", [12, 110])
def test_teams_list_query_count_is_fixed(admin_user, django_assert_num_queries, per_page, size):
    for _ in range(size):
        make_team(lead=admin_user)
    client = client_for(admin_user)

    with django_assert_num_queries(TEAMS_LIST_QUERIES):
        status, body = call(client, "get", f"/api/v1/teams?limit={per_page}")

    assert status == 200
    assert len(body["items"]) == min(per_page, size)
    assert body["items"][0]["lead"] == {"id": admin_user.pk, "full_name": "Ada Admin"}


# --- GET /users/{user_id} --------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_every_role_reads_an_active_user(users_by_role, member, team, role):
    viewer = users_by_role[role]
    status, body = call(client_for(viewer), "get", f"/api/v1/users/{member.pk}")

    visible = role in {Role.ADMIN, Role.EXECUTIVE, Role.MEMBER}
    assert status == 200
    assert body == user_json(member, team=team, cost_rate="60.00" if visible else None)


def test_unknown_user_is_404(admin_user):
    status, body = call(client_for(admin_user), "get", "/api/v1/users/987654")

    assert (status, body) == (
        404,
        {"error": {"code": "not_found", "message": "No user with id 987654.", "fields": {}}},
    )


# --- POST /users -----------------------------------------------------------------------

NEW_USER = {
    "email": "New.Person@Example.test",
    "full_name": "New Person",
    "roles": ["project_manager"],
    "title": "Consultant",
    "weekly_capacity_hours": "32.5",
    "working_days": ["Mon", "Tue", "Wed", "Thu"],
    "cost_rate": "55.25",
    "bill_rate": 150,
    "time_zone": "Europe/London",
}


def test_admin_creates_a_user_with_profile_and_roles(admin_user, team):
    audit_before = AuditEntry.objects.count()

    status, body = call(client_for(admin_user), "post", "/api/v1/users", {**NEW_USER, "team_id": team.pk})

    assert status == 201
    user = User.objects.get(email="new.person@example.test")
    assert body == {
        "id": user.pk,
        "email": "new.person@example.test",
        "full_name": "New Person",
        "is_active": True,
        "roles": ["project_manager"],
        "time_zone": "Europe/London",
        "date_joined": iso(user.date_joined),
        "version": 1,
        "title": "Consultant",
        "team": {"id": team.pk, "name": "Delivery"},
        "weekly_capacity_hours": "32.50",
        "working_days": ["Mon", "Tue", "Wed", "Thu"],
        "bill_rate": "150.00",
        "cost_rate": "55.25",
        "currency": "EUR",
    }
    assert user.person.working_days == 0b0001111
    assert (user.is_staff, user.is_superuser, user.has_usable_password()) == (False, False, False)
    # the user and the person profile: one history entry each, by the admin
    entries = AuditEntry.objects.order_by("id")[audit_before:]
    assert [(e.action, e.actor_id, e.content_type.model) for e in entries] == [
        (AuditAction.CREATE, admin_user.pk, "user"),
        (AuditAction.CREATE, admin_user.pk, "person"),
    ]


def test_create_user_with_a_password_validates_it(admin_user):
    status, body = call(client_for(admin_user), "post", "/api/v1/users", {**NEW_USER, "password": "password"})

    assert status == 422
    assert body["error"]["fields"] == {
        "password": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
        ]
    }
    assert not User.objects.filter(email="new.person@example.test").exists()


def test_create_user_with_a_taken_email_is_422(admin_user, member):
    client = client_for(admin_user)
    before = state()

    status, body = call(client, "post", "/api/v1/users", {**NEW_USER, "email": "MEMBER@example.test"})

    assert (status, body) == (
        422,
        {
            "error": {
                "code": "validation_error",
                "message": "Some fields are not valid: email.",
                "fields": {"email": ["A user with this e-mail already exists."]},
            }
        },
    )
    assert state() == before


def test_create_user_reports_model_validation_per_field(admin_user):
    status, body = call(
        client_for(admin_user), "post", "/api/v1/users", {**NEW_USER, "email": "not-an-email", "time_zone": "Mars/Olympus"}
    )

    assert status == 422
    assert body["error"]["fields"] == {
        "email": ["Enter a valid email address."],
        "time_zone": ["Unknown time zone 'Mars/Olympus'."],
    }


def test_create_user_with_an_unknown_team_is_422_on_team_id(admin_user):
    status, body = call(client_for(admin_user), "post", "/api/v1/users", {**NEW_USER, "team_id": 99999})

    assert status == 422
    assert body["error"]["fields"] == {"team_id": ["No team with id 99999."]}


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER])
def test_only_admins_create_users_and_a_denied_create_changes_nothing(users_by_role, role):
    client = client_for(users_by_role[role])
    before = state()

    status, body = call(client, "post", "/api/v1/users", NEW_USER)

    assert (status, body["error"]["code"]) == (403, "permission_denied")
    assert state() == before


@pytest.mark.parametrize(
    "extra",
    [
        {"is_superuser": True},
        {"is_staff": True},
        {"id": 4242},
        {"version": 7},
        {"password_hash": "argon2$..."},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"last_login": "2020-01-01T00:00:00Z"},
        {"groups": [1]},
    ],
)
def test_create_user_refuses_unknown_and_read_only_fields(admin_user, extra):
    client = client_for(admin_user)
    before = state()

    status, body = call(client, "post", "/api/v1/users", {**NEW_USER, **extra})

    (name,) = extra
    assert status == 422
    assert body["error"]["fields"] == {name: ["This field is unknown or read-only."]}
    assert state() == before


# --- PATCH /users/{user_id} ------------------------------------------------------------


def test_admin_updates_a_user_with_the_version_read(admin_user, member, team):
    other_team = make_team(name="Sales")
    audit_before = AuditEntry.objects.count()

    status, body = call(
        client_for(admin_user),
        "patch",
        f"/api/v1/users/{member.pk}",
        {
            "version": 1,
            "full_name": "Mel Renamed",
            "team_id": other_team.pk,
            "cost_rate": "75.5",
            "working_days": ["Sat", "Sun"],
            "roles": ["member", "account_manager"],
        },
    )

    assert status == 200
    assert body == user_json(
        member,
        team=other_team,
        cost_rate="75.50",
        full_name="Mel Renamed",
        version=2,
        working_days=["Sat", "Sun"],
        roles=["account_manager", "member"],
    )
    member.refresh_from_db()
    assert (member.version, member.full_name, member.person.cost_rate) == (2, "Mel Renamed", Decimal("75.50"))
    changes = [e.changes for e in AuditEntry.objects.order_by("id")[audit_before:]]
    assert changes == [
        {"full_name": ["Mel Member", "Mel Renamed"]},
        {"team": [team.pk, other_team.pk], "cost_rate": ["60.00", "75.50"], "working_days": [31, 96]},
        {"roles": [["member"], ["account_manager", "member"]]},
    ]


def test_update_can_remove_the_team_with_null(admin_user, member):
    status, body = call(client_for(admin_user), "patch", f"/api/v1/users/{member.pk}", {"version": 1, "team_id": None})

    assert (status, body["team"]) == (200, None)
    assert Person.objects.get(user=member).team_id is None


def test_stale_version_is_409_with_the_current_version_and_writes_nothing(admin_user, member):
    client = client_for(admin_user)
    assert call(client, "patch", f"/api/v1/users/{member.pk}", {"version": 1, "title": "First"})[0] == 200
    before = state()

    status, body = call(client, "patch", f"/api/v1/users/{member.pk}", {"version": 1, "title": "Second"})

    assert (status, body) == (
        409,
        {
            "error": {
                "code": "conflict",
                "message": "This record was changed by someone else since you opened it. "
                "Reload it to see the latest version, then apply your change again.",
                "fields": {},
                "current_version": 2,
            }
        },
    )
    assert state() == before


def test_a_version_from_the_future_is_not_applied_either(admin_user, member):
    client = client_for(admin_user)
    before = state()

    status, body = call(client, "patch", f"/api/v1/users/{member.pk}", {"version": 9, "full_name": "X"})

    assert (status, body["error"]["current_version"]) == (409, 1)
    assert state() == before


def test_update_requires_the_version(admin_user, member):
    status, body = call(client_for(admin_user), "patch", f"/api/v1/users/{member.pk}", {"full_name": "X"})

    assert (status, body["error"]["fields"]) == (422, {"version": ["This field is required."]})


def test_null_is_refused_for_fields_that_cannot_be_empty(admin_user, member):
    client = client_for(admin_user)
    before = state()

    status, body = call(
        client, "patch", f"/api/v1/users/{member.pk}", {"version": 1, "full_name": None, "cost_rate": None}
    )

    assert status == 422
    assert sorted(body["error"]["fields"]) == ["cost_rate", "full_name"]
    assert state() == before


@pytest.mark.parametrize(
    "extra",
    [
        {"is_superuser": True},
        {"is_staff": True},
        {"id": 4242},
        {"password": "an-attempt-to-set-1"},
        {"password_hash": "argon2$..."},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"date_joined": "2020-01-01T00:00:00Z"},
        {"user_permissions": [1]},
    ],
)
def test_update_refuses_unknown_and_read_only_fields(admin_user, member, extra):
    client = client_for(admin_user)
    before = state()

    status, body = call(
        client, "patch", f"/api/v1/users/{member.pk}", {"version": 1, "title": "T", **extra}
    )

    (name,) = extra
    assert (status, body["error"]["fields"]) == (422, {name: ["This field is unknown or read-only."]})
    assert state() == before


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER])
@pytest.mark.parametrize(
    "change",
    [{"full_name": "Hacked"}, {"cost_rate": "1.00"}, {"roles": ["admin"]}, {"is_active": False}],
)
def test_non_admins_cannot_change_users_not_even_themselves(users_by_role, member, role, change):
    actor = users_by_role[role]
    client = client_for(actor)
    before = state()

    for target in {member.pk, actor.pk}:
        status, body = call(client, "patch", f"/api/v1/users/{target}", {"version": 1, **change})
        assert (status, body["error"]["code"]) == (403, "permission_denied")

    assert state() == before


def test_a_user_the_caller_cannot_see_is_404_even_for_a_write(member):
    gone = make_user(email="gone@example.test", full_name="Gone")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    client = client_for(member)
    before = state()

    status, body = call(client, "patch", f"/api/v1/users/{gone.pk}", {"version": 1, "full_name": "X"})

    assert (status, body["error"]["code"]) == (404, "not_found")
    assert state() == before


def test_admin_cannot_disable_themself(admin_user):
    status, body = call(client_for(admin_user), "patch", f"/api/v1/users/{admin_user.pk}", {"version": 1, "is_active": False})

    assert (status, body["error"]["fields"]) == (422, {"is_active": ["You cannot disable your own account."]})


# --- Teams -----------------------------------------------------------------------------


def team_json(team: Team, **overrides: Any) -> dict[str, Any]:
    team.refresh_from_db()
    data = {
        "id": team.pk,
        "name": team.name,
        "description": team.description,
        "lead": None,
        "member_count": 0,
        "version": team.version,
        "created_at": iso(team.created_at),
        "updated_at": iso(team.updated_at),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", Role.values)
def test_every_role_lists_and_reads_teams(users_by_role, team, role):
    alpha = make_team(name="Alpha", lead=users_by_role[Role.PROJECT_MANAGER])
    client = client_for(users_by_role[role])

    status, body = call(client, "get", "/api/v1/teams")
    detail_status, detail = call(client, "get", f"/api/v1/teams/{team.pk}")

    assert status == 200
    assert body == {
        "count": 2,
        "count_is_capped": False,
        "limit": 50,
        "offset": 0,
        "items": [
            team_json(alpha, lead={"id": users_by_role[Role.PROJECT_MANAGER].pk, "full_name": "Pam Project"}),
            team_json(team, member_count=3),
        ],
    }
    assert (detail_status, detail) == (200, team_json(team, member_count=3))


def test_list_teams_search(member, team):
    make_team(name="Sales")

    status, body = call(client_for(member), "get", "/api/v1/teams?search=sal")

    assert (status, [item["name"] for item in body["items"]]) == (200, ["Sales"])


def test_a_disabled_team_lead_is_shown_only_to_those_who_see_disabled_accounts(admin_user, member):
    lead = make_user(email="old-lead@example.test", full_name="Old Lead")
    team = make_team(name="Legacy", lead=lead)
    User.objects.filter(pk=lead.pk).update(is_active=False)

    assert call(client_for(member), "get", f"/api/v1/teams/{team.pk}")[1]["lead"] is None
    assert call(client_for(admin_user), "get", f"/api/v1/teams/{team.pk}")[1]["lead"] == {
        "id": lead.pk,
        "full_name": "Old Lead",
    }


def test_admin_creates_updates_and_deletes_a_team(admin_user, project_manager):
    client = client_for(admin_user)

    status, created = call(client, "post", "/api/v1/teams", {"name": " Platform ", "lead_id": project_manager.pk})
    assert status == 201
    team = Team.objects.get(name="Platform")
    lead = {"id": project_manager.pk, "full_name": "Pam Project"}
    assert created == team_json(team, lead=lead, version=1)

    status, updated = call(
        client, "patch", f"/api/v1/teams/{team.pk}", {"version": 1, "description": "Runs the platform", "lead_id": None}
    )
    assert status == 200
    assert updated == team_json(team, description="Runs the platform", version=2)

    status, body = call(client, "delete", f"/api/v1/teams/{team.pk}?version=2")
    assert (status, body) == (204, None)
    assert not Team.objects.filter(pk=team.pk).exists()
    assert list(
        AuditEntry.objects.filter(object_id=str(team.pk), content_type__model="team").order_by("id").values_list("action", "actor")
    ) == [
        (AuditAction.CREATE, admin_user.pk),
        (AuditAction.UPDATE, admin_user.pk),
        (AuditAction.DELETE, admin_user.pk),
    ]


def test_deleting_a_team_keeps_its_members(admin_user, member, team):
    status, _ = call(client_for(admin_user), "delete", f"/api/v1/teams/{team.pk}")

    assert status == 204
    assert User.objects.filter(pk=member.pk, is_active=True).exists()
    assert Person.objects.get(user=member).team_id is None


def test_team_name_must_be_unique(admin_user, team):
    client = client_for(admin_user)
    before = state()

    status, body = call(client, "post", "/api/v1/teams", {"name": "delivery"})

    assert (status, body["error"]["fields"]) == (422, {"name": ["A team with this name already exists."]})
    assert state() == before


def test_team_lead_must_exist(admin_user):
    status, body = call(client_for(admin_user), "post", "/api/v1/teams", {"name": "New", "lead_id": 99999})

    assert (status, body["error"]["fields"]) == (422, {"lead_id": ["No user with id 99999."]})


def test_stale_team_update_and_delete_are_409(admin_user, team):
    client = client_for(admin_user)
    assert call(client, "patch", f"/api/v1/teams/{team.pk}", {"version": 1, "description": "v2"})[0] == 200
    before = state()

    patch_status, patch_body = call(client, "patch", f"/api/v1/teams/{team.pk}", {"version": 1, "name": "Stale"})
    delete_status, delete_body = call(client, "delete", f"/api/v1/teams/{team.pk}?version=1")

    assert (patch_status, patch_body["error"]["code"], patch_body["error"]["current_version"]) == (409, "conflict", 2)
    assert (delete_status, delete_body["error"]["code"]) == (409, "conflict")
    assert state() == before


@pytest.mark.parametrize(
    "extra", [{"id": 5}, {"version": 3}, {"created_at": "2020-01-01T00:00:00Z"}, {"member_count": 9}, {"lead": 1}]
)
def test_create_team_refuses_unknown_and_read_only_fields(admin_user, extra):
    client = client_for(admin_user)
    before = state()

    status, body = call(client, "post", "/api/v1/teams", {"name": "Ops", **extra})

    (name,) = extra
    assert (status, body["error"]["fields"]) == (422, {name: ["This field is unknown or read-only."]})
    assert state() == before


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER])
def test_only_admins_write_teams_and_denied_writes_change_nothing(users_by_role, team, role):
    client = client_for(users_by_role[role])
    before = state()

    answers = [
        call(client, "post", "/api/v1/teams", {"name": "Mine"}),
        call(client, "patch", f"/api/v1/teams/{team.pk}", {"version": 1, "name": "Renamed"}),
        call(client, "delete", f"/api/v1/teams/{team.pk}"),
    ]

    assert [(status, body["error"]["code"]) for status, body in answers] == [(403, "permission_denied")] * 3
    assert state() == before


def test_unknown_team_is_404_for_read_write_and_delete(admin_user):
    client = client_for(admin_user)

    answers = [
        call(client, "get", "/api/v1/teams/424242"),
        call(client, "patch", "/api/v1/teams/424242", {"version": 1, "name": "X"}),
        call(client, "delete", "/api/v1/teams/424242"),
    ]

    assert answers == [
        (404, {"error": {"code": "not_found", "message": "No team with id 424242.", "fields": {}}})
    ] * 3
