"""The API's contracts from tandem/core/api.py and config/api.py: the one error shape
for every failure, authentication (bearer tokens, session with CSRF), throttling, and
the published schema and docs."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from tandem.core.api import ninja_validation_fields
from tandem.core.errors import ConflictError
from tandem.core.models import AuditEntry
from tandem.people import services
from tandem.people.models import AccessToken, Team, TokenScope, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CSRF_TOKEN = "a" * 32  # a well-formed CSRF secret, set as cookie and header


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def call(client: Client, method: str, url: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (json.loads(response.content) if response.content else None)


def token_for(user: User, scope: str = TokenScope.READ_WRITE, **extra: Any) -> tuple[AccessToken, str]:
    return services.token_create(actor=None, user=user, name="script", scope=scope, **extra)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def team_state() -> tuple[list[dict[str, Any]], int]:
    return list(Team.objects.order_by("pk").values()), AuditEntry.objects.count()


NOT_AUTHENTICATED = {
    "error": {
        "code": "not_authenticated",
        "message": "Authentication required: log in, or send 'Authorization: Bearer <token>'.",
        "fields": {},
    }
}
BAD_TOKEN = {
    "error": {"code": "not_authenticated", "message": "The token is unknown, expired or revoked.", "fields": {}}
}


# --- Mapping ninja's validation errors to field names --------------------------------


def test_ninja_locations_become_field_names():
    errors = [
        {"loc": ("body", "payload", "email"), "type": "string_too_short", "msg": "String should have at least 3 characters"},
        {"loc": ("body", "payload", "roles", 1), "type": "literal_error", "msg": "Input should be 'admin'"},
        {"loc": ("body", "payload", "is_staff"), "type": "extra_forbidden", "msg": "Extra inputs are not permitted"},
        {"loc": ("body", "payload"), "type": "model_attributes_type", "msg": "Input should be a valid dictionary"},
        {"loc": ("query", "limit"), "type": "less_than_equal", "msg": "Input should be less than or equal to 200"},
        {"loc": ("path", "user_id"), "type": "int_parsing", "msg": "Input should be a valid integer"},
        {"loc": ("body", "payload", "version"), "type": "missing", "msg": "Field required"},
    ]

    assert ninja_validation_fields(errors) == {
        "email": ["String should have at least 3 characters"],
        "roles.1": ["Input should be 'admin'"],
        "is_staff": ["This field is unknown or read-only."],
        "__all__": ["The request body must be a JSON object."],
        "limit": ["Input should be less than or equal to 200"],
        "user_id": ["Input should be a valid integer"],
        "version": ["This field is required."],
    }


# --- Every error has the one shape ------------------------------------------------------


def test_401_without_credentials_on_every_operation(admin_user, team):
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    anonymous = Client()
    operations = 0

    for path, methods in schema["paths"].items():
        url = re.sub(r"\{[a-z_]+_id\}", "1", path.replace("{user_id}", str(admin_user.pk)).replace("{team_id}", str(team.pk)))
        for method in methods:
            body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
            response = getattr(anonymous, method)(url, **body)
            assert (response.status_code, json.loads(response.content)) == (401, NOT_AUTHENTICATED), (method, path)
            assert response["WWW-Authenticate"] == 'Bearer realm="tandem"'
            operations += 1

    assert operations == sum(len(methods) for methods in schema["paths"].values()) >= 48


def test_422_query_and_path_validation(admin_user):
    client = client_for(admin_user)

    assert call(client, "get", "/api/v1/users?limit=0&team_id=x&sort=age") == (
        422,
        {
            "error": {
                "code": "validation_error",
                "message": "Some fields are not valid: limit, team_id, sort.",
                "fields": {
                    "limit": ["Input should be greater than or equal to 1"],
                    "team_id": ["Input should be a valid integer, unable to parse string as an integer"],
                    "sort": ["Input should be 'name', '-name', 'email', '-email', 'team', '-team', 'joined' or '-joined'"],
                },
            }
        },
    )
    assert call(client, "get", "/api/v1/users/0")[1]["error"]["fields"] == {
        "user_id": ["Input should be greater than or equal to 1"]
    }
    assert call(client, "get", f"/api/v1/users/{2**63}")[1]["error"]["fields"] == {
        "user_id": ["Input should be less than or equal to 9223372036854775807"]
    }


def test_422_on_nul_characters_which_postgresql_would_refuse(admin_user):
    client = client_for(admin_user)

    query_status, query_body = call(client, "get", "/api/v1/users?search=a%00b")
    body_status, body_body = call(client, "post", "/api/v1/teams", {"name": "a\x00b"})

    assert (query_status, list(query_body["error"]["fields"])) == (422, ["search"])
    assert (body_status, list(body_body["error"]["fields"])) == (422, ["name"])
    assert not Team.objects.exists()


def test_422_body_that_is_not_an_object(admin_user):
    status, body = call(client_for(admin_user), "post", "/api/v1/teams", ["a", "list"])

    assert (status, body) == (
        422,
        {
            "error": {
                "code": "validation_error",
                "message": "The request is not valid.",
                "fields": {"__all__": ["The request body must be a JSON object."]},
            }
        },
    )


def test_400_body_that_is_not_json(admin_user):
    response = client_for(admin_user).post("/api/v1/teams", data="{name:", content_type="application/json")

    assert (response.status_code, json.loads(response.content)) == (
        400,
        {"error": {"code": "bad_request", "message": "The request body is not valid JSON.", "fields": {}}},
    )


def test_403_permission_denied(member):
    status, body = call(client_for(member), "post", "/api/v1/teams", {"name": "Mine"})

    assert (status, body) == (
        403,
        {"error": {"code": "permission_denied", "message": "You may not create a team.", "fields": {}}},
    )


def test_405_and_unknown_paths_answer_in_the_shape_too(admin_user):
    client = client_for(admin_user)

    put = client.put("/api/v1/teams")
    unknown = client.get("/api/v1/no-such-thing")
    root = client.get("/api/v1/")

    allowed = put["Allow"]
    assert sorted(allowed.split(", ")) == ["GET", "POST"]
    assert (put.status_code, json.loads(put.content)) == (
        405,
        {"error": {"code": "method_not_allowed", "message": f"PUT is not allowed here; use {allowed}.", "fields": {}}},
    )
    not_found = {
        "error": {
            "code": "not_found",
            "message": "No such API endpoint. The endpoints are listed at /api/v1/docs.",
            "fields": {},
        }
    }
    assert (unknown.status_code, json.loads(unknown.content)) == (404, not_found)
    assert (root.status_code, json.loads(root.content)) == (404, not_found)


@pytest.mark.parametrize(
    ("raised", "status", "expected"),
    [
        (PermissionDenied("Nope."), 403, {"code": "permission_denied", "message": "Nope.", "fields": {}}),
        (Http404("gone"), 404, {"code": "not_found", "message": "Not found.", "fields": {}}),
        (
            ConflictError(current_version=7),
            409,
            {
                "code": "conflict",
                "message": "This record was changed by someone else since you opened it. "
                "Reload it to see the latest version, then apply your change again.",
                "fields": {},
                "current_version": 7,
            },
        ),
        (
            IntegrityError("UNIQUE constraint failed: people_team.name"),
            409,
            {
                "code": "conflict",
                "message": "Another request changed the same data at the same time. Reload and try again.",
                "fields": {},
            },
        ),
    ],
)
def test_django_and_database_errors_are_mapped(admin_user, monkeypatch, raised, status, expected):
    def fail(**kwargs: Any) -> None:
        raise raised

    monkeypatch.setattr("tandem.people.services.team_create", fail)

    assert call(client_for(admin_user), "post", "/api/v1/teams", {"name": "X"}) == (status, {"error": expected})


@pytest.mark.parametrize("debug", [False, True])
def test_500_never_leaks_a_traceback(admin_user, monkeypatch, settings, debug, caplog):
    settings.DEBUG = debug

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr("tandem.people.selectors.user_list", fail)

    response = client_for(admin_user).get("/api/v1/users")

    assert (response.status_code, json.loads(response.content)) == (
        500,
        {
            "error": {
                "code": "server_error",
                "message": "Something went wrong on our side. It has been logged; please try again later.",
                "fields": {},
            }
        },
    )
    assert b"hunter2" not in response.content and b"Traceback" not in response.content
    assert "secret internals" in caplog.text  # logged for the operator


def test_429_when_throttled(admin_user, settings):
    settings.TANDEM_API_THROTTLE_RATE = "2/m"
    cache.clear()
    client = client_for(admin_user)
    try:
        statuses = [client.get("/api/v1/me").status_code for _ in range(2)]
        throttled = client.get("/api/v1/me")
    finally:
        cache.clear()

    assert statuses == [200, 200]
    assert (throttled.status_code, json.loads(throttled.content)) == (
        429,
        {"error": {"code": "throttled", "message": "Too many requests. Wait a moment, then try again.", "fields": {}}},
    )
    assert 1 <= int(throttled["Retry-After"]) <= 60


def test_throttle_counts_per_user_and_can_be_switched_off(admin_user, member, settings):
    settings.TANDEM_API_THROTTLE_RATE = "1/h"
    cache.clear()
    admin, other = client_for(admin_user), client_for(member)
    try:
        first = [admin.get("/api/v1/me").status_code, other.get("/api/v1/me").status_code]
        second = [admin.get("/api/v1/me").status_code, other.get("/api/v1/me").status_code]
        settings.TANDEM_API_THROTTLE_RATE = None
        switched_off = [admin.get("/api/v1/me").status_code for _ in range(3)]
    finally:
        cache.clear()

    assert (first, second, switched_off) == ([200, 200], [429, 429], [200, 200, 200])


# --- Bearer tokens -----------------------------------------------------------------------


def test_read_token_reads_and_records_when_it_was_used(member):
    token, secret = token_for(member, scope=TokenScope.READ)
    assert token.last_used_at is None
    started = timezone.now()

    status, body = call(Client(), "get", "/api/v1/me", **bearer(secret))

    assert (status, body["id"], body["cost_rate"]) == (200, member.pk, "60.00")
    token.refresh_from_db()
    assert started <= token.last_used_at <= timezone.now()


def test_read_token_cannot_write_and_changes_nothing(admin_user):
    _, secret = token_for(admin_user, scope=TokenScope.READ)
    before = team_state()

    status, body = call(Client(), "post", "/api/v1/teams", {"name": "Ops"}, **bearer(secret))

    assert (status, body) == (
        403,
        {"error": {"code": "token_read_only", "message": "This token is read-only: it may only read (GET).", "fields": {}}},
    )
    assert team_state() == before


def test_read_write_token_writes_without_csrf(admin_user):
    _, secret = token_for(admin_user, scope=TokenScope.READ_WRITE)
    client = Client(enforce_csrf_checks=True)

    status, body = call(client, "post", "/api/v1/teams", {"name": "Ops"}, **bearer(secret))

    assert (status, body["name"]) == (201, "Ops")
    entry = AuditEntry.objects.latest("id")
    assert (entry.actor_id, entry.object_repr) == (admin_user.pk, "Ops")


def test_revoked_token_is_401(member):
    token, secret = token_for(member)
    services.token_revoke(actor=member, token=token)

    assert call(Client(), "get", "/api/v1/me", **bearer(secret)) == (401, BAD_TOKEN)


def test_expired_token_is_401(member):
    token, secret = token_for(member, expires_at=timezone.now() + dt.timedelta(hours=1))
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert call(Client(), "get", "/api/v1/me", **bearer(secret)) == (401, BAD_TOKEN)


def test_token_of_a_disabled_user_is_401(admin_user, member):
    _, secret = token_for(member)
    services.user_deactivate(actor=admin_user, user=member)

    assert call(Client(), "get", "/api/v1/me", **bearer(secret)) == (401, BAD_TOKEN)


@pytest.mark.parametrize("secret", ["nonsense", "tdm_" + "x" * 43, ""])
def test_unknown_token_is_401_and_does_not_fall_back_to_the_session(member, secret):
    # A logged-in browser session is present, but a bad bearer token still decides.
    status, body = call(client_for(member), "get", "/api/v1/me", **bearer(secret))

    assert (status, body) == (401, BAD_TOKEN)


def test_another_authorization_scheme_is_not_a_token(member):
    status, body = call(Client(), "get", "/api/v1/me", Authorization="Basic bWVAZXhhbXBsZTpwdw==")

    assert (status, body) == (401, NOT_AUTHENTICATED)


# --- Session with CSRF -------------------------------------------------------------------


def csrf_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


def test_session_writes_need_the_csrf_token(admin_user, team):
    client = csrf_client(admin_user)
    before = team_state()

    answers = [
        call(client, "post", "/api/v1/teams", {"name": "Ops"}),
        call(client, "patch", f"/api/v1/teams/{team.pk}", {"version": 1, "name": "X"}),
        call(client, "delete", f"/api/v1/teams/{team.pk}"),
        call(client, "post", "/api/v1/teams", {"name": "Ops"}, **{"X-CSRFToken": "b" * 32}),
    ]

    denied = {
        "error": {
            "code": "csrf_failed",
            "message": "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.",
            "fields": {},
        }
    }
    assert answers == [(403, denied)] * 4
    assert team_state() == before


def test_session_write_with_the_csrf_token_succeeds(admin_user):
    status, body = call(csrf_client(admin_user), "post", "/api/v1/teams", {"name": "Ops"}, **{"X-CSRFToken": CSRF_TOKEN})

    assert (status, body["name"]) == (201, "Ops")


def test_session_reads_need_no_csrf_token(member):
    assert call(csrf_client(member), "get", "/api/v1/me")[0] == 200


def test_session_of_a_disabled_user_is_cut_off(admin_user, member):
    client = client_for(member)
    assert call(client, "get", "/api/v1/me")[0] == 200
    services.user_deactivate(actor=admin_user, user=member)

    assert call(client, "get", "/api/v1/me") == (401, NOT_AUTHENTICATED)


# --- Schema and docs ---------------------------------------------------------------------


def test_schema_is_public_openapi_3_1_and_documents_every_error():
    response = Client().get("/api/v1/openapi.json")
    schema = json.loads(response.content)

    assert response.status_code == 200
    assert (schema["openapi"], schema["info"]["title"], schema["info"]["version"]) == ("3.1.0", "Tandem API", "1")
    assert schema["components"]["securitySchemes"] == {
        "BearerTokenAuth": {"type": "http", "scheme": "bearer"},
        "SessionCsrfAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    documented = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation["security"] == [{"BearerTokenAuth": []}, {"SessionCsrfAuth": []}]
            errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
            for code in errors:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut"
            documented[operation["operationId"]] = (method, path, sorted(errors))

    people = {key: value for key, value in documented.items()
              if value[1] == "/api/v1/me" or value[1].startswith(("/api/v1/users", "/api/v1/teams"))}
    assert all(errors and "401" in errors for _, _, errors in documented.values())
    assert people == {
        "get_me": ("get", "/api/v1/me", ["401", "429"]),
        "list_users": ("get", "/api/v1/users", ["401", "422", "429"]),
        "create_user": ("post", "/api/v1/users", ["400", "401", "403", "409", "422", "429"]),
        "get_user": ("get", "/api/v1/users/{user_id}", ["401", "404", "422", "429"]),
        "update_user": ("patch", "/api/v1/users/{user_id}", ["400", "401", "403", "404", "409", "422", "429"]),
        "list_teams": ("get", "/api/v1/teams", ["401", "422", "429"]),
        "create_team": ("post", "/api/v1/teams", ["400", "401", "403", "409", "422", "429"]),
        "get_team": ("get", "/api/v1/teams/{team_id}", ["401", "404", "422", "429"]),
        "update_team": ("patch", "/api/v1/teams/{team_id}", ["400", "401", "403", "404", "409", "422", "429"]),
        "delete_team": ("delete", "/api/v1/teams/{team_id}", ["401", "403", "404", "409", "422", "429"]),
    }


def test_path_parameters_follow_the_url_kwarg_convention():
    from tandem.core.permissions import model_for_url_kwarg

    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    path_params = {
        parameter["name"]
        for methods in schema["paths"].values()
        for operation in methods.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }

    assert {"user_id", "team_id"} <= path_params
    assert all(name.endswith("_id") and model_for_url_kwarg(name) is not None for name in path_params), path_params
    assert {model_for_url_kwarg("user_id"), model_for_url_kwarg("team_id")} == {User, Team}


def test_docs_page_lists_every_operation_from_the_schema_without_a_cdn():
    from config.api import api

    response = Client().get("/api/v1/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="' in html
    assert '<a href="/api/v1/openapi.json">' in html
    schema = api.get_openapi_schema()
    operation_ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert operation_ids
    for operation_id in operation_ids:
        assert f'<h3 id="{operation_id}"' in html
    assert "http://" not in html and "https://" not in html
