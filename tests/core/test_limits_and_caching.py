"""Security probe findings on the HTTP side: an API body over the size limit is a 413 in
the one error shape (not a 500), and every answer to a logged-in user (page, API answer,
export) carries ``Cache-Control: no-store`` while anonymous pages keep theirs."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tandem.people import services
from tandem.people.models import Team, TokenScope
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_api_body_over_the_limit_is_413_in_the_error_shape(admin_user, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 2000})
    response = client_for(admin_user).post("/api/v1/teams", data=body, content_type="application/json")
    assert (response.status_code, json.loads(response.content)) == (
        413,
        {"error": {"code": "payload_too_large",
                   "message": "The request body is larger than the limit of 1,000 bytes (TANDEM_MAX_UPLOAD_BYTES).",
                   "fields": {}}},
    )
    assert not Team.objects.exists()
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelname == "ERROR"]


def test_api_body_over_the_limit_with_a_token_is_413_too(admin_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _, secret = services.token_create(actor=None, user=admin_user, name="s", scope=TokenScope.READ_WRITE)
    response = Client().post("/api/v1/teams", data=json.dumps({"name": "x" * 2000}),
                             content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "payload_too_large"


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_logged_in_page_api_answer_and_export_are_not_stored(admin_user):
    client = client_for(admin_user)
    page = client.get("/")
    api = client.get("/api/v1/users")
    export = client.get("/clients/accounts/?format=csv")
    assert [r.status_code for r in (page, api, export)] == [200, 200, 200]
    assert export["Content-Type"].startswith("text/csv")
    for response in (page, api, export):
        assert no_store(response), response.get("Cache-Control")
        assert "private" in response["Cache-Control"]


def test_token_answers_are_not_stored(member):
    _, secret = services.token_create(actor=None, user=member, name="s", scope=TokenScope.READ)
    response = Client().get("/api/v1/users", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and no_store(response)


def test_anonymous_answers_keep_their_caching():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert not no_store(response)


def test_error_pages_for_logged_in_users_are_not_stored(member):
    response = client_for(member).get("/clients/accounts/999999/")
    assert response.status_code == 404
    assert no_store(response)
