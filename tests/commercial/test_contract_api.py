"""The contracts API: create, negotiate (rounds with their change), activate, bill a
milestone, convert a won opportunity twice, project requests; strict bodies, 409 on a
stale version, 404 for another's contract with nothing changed; pinned query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.commercial.models import Contract, ProjectRequest, RevenueEntry
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract, make_opportunity
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Ada Manager")


def _send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def test_a_contract_from_draft_to_billed_milestone(am):
    account = make_account(owner=am, currency="GBP")
    client = client_for(am)
    created = _send(client, "post", f"{API}/contracts", {
        "account_id": account.pk, "title": "Managed cloud", "start_date": "2031-04-01", "end_date": "2032-03-31",
        "value": "0", "kind": "subscription",
    })
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["status"], body["currency"], body["owner"]["full_name"]) == ("C-2031-0001", "draft", "GBP", "Ada Manager")
    contract_id = body["id"]
    first = _send(client, "post", f"{API}/contracts/{contract_id}/rounds", {"value": "60000", "monthly_amount": "5000"})
    second = _send(client, "post", f"{API}/contracts/{contract_id}/rounds",
                   {"party": "client", "value": "54000.00", "monthly_amount": "4500.00"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert (second.json()["number"], second.json()["value_change"]) == (2, "-6000.00")
    stale = _send(client, "patch", f"{API}/negotiation-rounds/{second.json()['id']}", {"version": 99, "outcome": "accepted"})
    assert stale.status_code == 409
    accepted = _send(client, "patch", f"{API}/negotiation-rounds/{second.json()['id']}", {"version": 1, "outcome": "accepted"})
    assert accepted.json()["outcome"] == "accepted"
    activated = _send(client, "post", f"{API}/contracts/{contract_id}/activate", {"signed_on": "2031-03-28"})
    assert activated.status_code == 200
    assert (activated.json()["status"], activated.json()["value"], activated.json()["monthly_amount"]) == ("active", "54000.00", "4500.00")
    milestone = _send(client, "post", f"{API}/contracts/{contract_id}/milestones",
                      {"name": "Migration done", "due_date": "2031-06-30", "amount": "7500"})
    assert milestone.status_code == 201
    billed = _send(client, "post", f"{API}/billing-milestones/{milestone.json()['id']}/bill", {"on": "2031-07-02"})
    assert (billed.status_code, billed.json()["billed_on"]) == (200, "2031-07-02")
    assert list(RevenueEntry.objects.values_list("kind", "month", "amount", "currency")) == [
        ("milestone", dt.date(2031, 7, 1), Decimal("7500.00"), "GBP"),
    ]
    again = _send(client, "post", f"{API}/billing-milestones/{milestone.json()['id']}/bill", {})
    assert again.status_code == 422
    detail = client.get(f"{API}/contracts/{contract_id}").json()
    assert [(r["number"], r["outcome"], r["value_change"]) for r in detail["rounds"]] == [
        (1, "countered", None), (2, "accepted", "-6000.00"),
    ]
    refused = _send(client, "post", f"{API}/contracts/{contract_id}/negotiate", {})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["status"] == [
        "An active contract cannot go into negotiation: it can only expire or be terminated."
    ]


def test_bodies_are_strict_and_another_managers_contract_is_not_found(am):
    other = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    contract = make_contract(account=make_account(owner=other), status="active")
    client = client_for(am)
    assert _send(client, "post", f"{API}/contracts", {"account_id": contract.account_id, "title": "x", "start_date": "2031-01-01", "status": "active"}).status_code == 422
    response = _send(client, "post", f"{API}/contracts/{contract.pk}/terminate", {"reason": "Mine now"})
    assert response.status_code == 404
    contract.refresh_from_db()
    assert (contract.status, contract.version) == ("active", 1)


def test_convert_twice_answers_the_same_records(am):
    won = make_opportunity(account=make_account(owner=am), owner=am, stage_name="Closed won", amount=Decimal("18000.00"),
                           expected_close_date=dt.date(2031, 5, 1))
    client = client_for(am)
    first = _send(client, "post", f"{API}/opportunities/{won.pk}/convert", {})
    second = _send(client, "post", f"{API}/opportunities/{won.pk}/convert", {})
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["created_contract"], second.json()["created_contract"]) == (True, False)
    assert first.json()["contract"]["id"] == second.json()["contract"]["id"]
    assert first.json()["project_request"]["budget"] == "18000.00"
    assert (Contract.objects.count(), ProjectRequest.objects.count()) == (1, 1)
    listed = client.get(f"{API}/project-requests").json()
    assert (listed["count"], listed["items"][0]["status"]) == (1, "open")


@pytest.mark.parametrize("rows", [2, 6])
def test_the_list_costs_the_same_queries_at_any_size(am, rows):
    account = make_account(owner=am)
    for _ in range(rows):
        make_contract(account=account, status="active")
    client = client_for(am)
    client.get(f"{API}/contracts")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/contracts?status=active&mine=true")
    assert response.json()["count"] == rows
    assert len(queries) == 5  # session, user (+ roles), capped count, rows with account and owner
