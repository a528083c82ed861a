"""The published OpenAPI schema and the server agree (security probe findings): what the
schema calls valid is accepted, and what the server enforces is declared.

* an integer field takes ``1.0`` (an integer to JSON Schema) and still refuses ``1.5``;
* e-mail fields are declared ``format: email`` (the contact's may also be empty);
* a user's time zone is declared as the enum of names the server accepts;
* dates and times declare the years 1900 to 2999 the server enforces.
"""

from __future__ import annotations

import json
import re
from typing import Any
from zoneinfo import available_timezones

import pytest

from tandem.clients.models import Account
from tests.clients.factories import make_account
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(admin_user) -> dict[str, Any]:
    return json.loads(client_for(admin_user).get("/api/v1/openapi.json").content)


def component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]["properties"]


def test_an_integral_float_is_an_integer(admin_user):
    account = make_account(owner=None, name="Acme")
    client = client_for(admin_user)
    body = {"version": 1.0, "check_in_days": 30.0}
    response = client.patch(f"/api/v1/accounts/{account.pk}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    account.refresh_from_db()
    assert (account.check_in_days, account.version) == (30, 2)
    refused = client.patch(f"/api/v1/accounts/{account.pk}", data=json.dumps({"version": 2, "check_in_days": 30.5}),
                           content_type="application/json")
    assert refused.status_code == 422
    assert list(json.loads(refused.content)["error"]["fields"]) == ["check_in_days"]
    assert Account.objects.get().check_in_days == 30


def test_booleans_and_numeric_text_stay_refused_as_integers(admin_user):
    account = make_account(owner=None, name="Acme")
    client = client_for(admin_user)
    for value in (True, "30"):
        response = client.patch(f"/api/v1/accounts/{account.pk}", data=json.dumps({"version": 1, "check_in_days": value}),
                                content_type="application/json")
        assert response.status_code == 422
    assert Account.objects.get().version == 1


def test_email_fields_declare_their_format(schema):
    contact = component(schema, "ContactCreateIn")["email"]
    assert contact["anyOf"] == [
        {"type": "string", "format": "email", "maxLength": 254},
        {"type": "string", "maxLength": 0},
    ]
    assert contact["default"] == ""
    user_email = {k: v for k, v in component(schema, "UserCreateIn")["email"].items() if k != "title"}
    assert user_email == {"type": "string", "format": "email", "maxLength": 254}
    assert component(schema, "UserUpdateIn")["email"]["format"] == "email"


def test_time_zone_is_the_enum_the_server_accepts(schema, admin_user):
    declared = component(schema, "UserCreateIn")["time_zone"]
    assert declared["enum"] == sorted(available_timezones()) and declared["default"] == "UTC"
    assert component(schema, "UserUpdateIn")["time_zone"]["enum"] == declared["enum"]
    response = client_for(admin_user).post(
        "/api/v1/users", data=json.dumps({"email": "z@example.test", "full_name": "Zed", "time_zone": "Mars/Olympus"}),
        content_type="application/json",
    )
    assert response.status_code == 422


def test_dates_declare_the_year_range(schema):
    text = json.dumps(schema)
    patterns = set(re.findall(r'"pattern": "(\^\(19[^"]*)"', text))
    assert patterns == {"^(19\\\\d\\\\d|2\\\\d\\\\d\\\\d)-"}
    interaction = component(schema, "InteractionCreateIn")["occurred_at"]
    options = interaction.get("anyOf", [interaction])
    assert any(option.get("pattern") == r"^(19\d\d|2\d\d\d)-" for option in options)
    assert re.match(r"^(19\d\d|2\d\d\d)-", "1899-12-31") is None
    assert re.match(r"^(19\d\d|2\d\d\d)-", "2999-12-31") is not None
