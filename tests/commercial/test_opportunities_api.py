"""The pipeline API: /opportunities (lines inline), /move, lines, /stages; pinned query
counts; denied writes change nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tandem.commercial.models import Opportunity, OpportunityLine
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity, make_product, stage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"


def call(client: Client, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(client, method)(API + url, **kwargs)
    return response.status_code, (json.loads(response.content) if response.content else None)


@pytest.fixture
def account(account_manager):
    return make_account(owner=account_manager, name="Acme", currency="EUR")


@pytest.fixture
def am(account_manager):
    return client_for(account_manager)


def test_list_with_filters_and_a_pinned_query_count(account, am, django_assert_num_queries):
    make_opportunity(account=account, name="Open one", amount=Decimal("1000.00"), probability=10)
    make_opportunity(account=account, name="Won one", stage_name="Closed won")
    call(am, "get", "/opportunities")
    with django_assert_num_queries(5):  # session, user, roles, count, rows
        status, body = call(am, "get", "/opportunities?status=open")
    assert status == 200
    assert [(item["name"], item["amount"], item["weighted_amount"], item["stage_name"]) for item in body["items"]] == [
        ("Open one", "1000.00", "100.00", "Qualification"),
    ]
    for number in range(10):
        make_opportunity(account=account, name=f"More {number}")
    with django_assert_num_queries(5):
        call(am, "get", "/opportunities?status=open")


def test_create_get_with_lines_update_delete(account, am, account_manager):
    status, body = call(am, "post", "/opportunities", {
        "account_id": account.pk, "name": "Phase 2", "type": "upsell", "expected_close_date": "2031-06-30",
        "amount": "5000.00", "stage_id": stage("Proposal").pk,
    })
    assert status == 201, body
    assert (body["stage_name"], body["probability"], body["currency"], body["owner_id"], body["lines"]) == (
        "Proposal", 50, "EUR", account_manager.pk, [],
    )
    opportunity_id = body["id"]
    product = make_product(name="Training day")
    status, line = call(am, "post", f"/opportunities/{opportunity_id}/lines", {
        "product_id": product.pk, "quantity": "3", "unit_price": "900.00", "discount_percent": "10",
    })
    assert status == 201, line
    assert (line["description"], line["amount"]) == ("Training day", "2430.00")
    status, body = call(am, "get", f"/opportunities/{opportunity_id}")
    assert (body["amount"], body["amount_from_lines"], [row["id"] for row in body["lines"]]) == ("2430.00", True, [line["id"]])

    status, updated = call(am, "patch", f"/opportunity-lines/{line['id']}", {"version": line["version"], "quantity": "1"})
    assert (status, updated["amount"]) == (200, "810.00")
    status, body = call(am, "patch", f"/opportunities/{opportunity_id}", {"version": body["version"], "amount": "1.00"})
    assert status == 422 and "amount" in json.dumps(body)
    status, body = call(am, "get", f"/opportunities/{opportunity_id}")
    status, renamed = call(am, "patch", f"/opportunities/{opportunity_id}", {"version": body["version"], "next_step": "Send the quote"})
    assert (status, renamed["next_step"]) == (200, "Send the quote")
    assert call(am, "delete", f"/opportunity-lines/{line['id']}")[0] == 204
    assert call(am, "delete", f"/opportunities/{opportunity_id}")[0] == 204
    assert not Opportunity.objects.filter(pk=opportunity_id).exists()


def test_move_checks_version_and_lost_reason(account, am):
    opportunity = make_opportunity(account=account)
    url = f"/opportunities/{opportunity.pk}/move"
    status, body = call(am, "post", url, {"stage_id": stage("Negotiation").pk, "version": 1})
    assert (status, body["stage_name"], body["probability"], body["forecast_category"]) == (200, "Negotiation", 75, "commit")
    status, _ = call(am, "post", url, {"stage_id": stage("Proposal").pk, "version": 1})
    assert status == 409
    status, body = call(am, "post", url, {"stage_id": stage("Closed lost").pk, "version": 2})
    assert status == 422 and "lost_reason" in json.dumps(body)
    status, body = call(am, "post", url, {"stage_id": stage("Closed lost").pk, "version": 2, "lost_reason": "Price"})
    assert (status, body["status"], body["lost_reason"]) == (200, "lost", "Price")


def test_denied_writes_change_nothing(account, executive, member):
    opportunity = make_opportunity(account=account, name="Phase 2")
    line = make_line(opportunity=opportunity)
    exec_client, member_client = client_for(executive), client_for(member)
    assert call(exec_client, "post", f"/opportunities/{opportunity.pk}/move", {"stage_id": stage("Proposal").pk, "version": 1})[0] == 403
    assert call(exec_client, "patch", f"/opportunities/{opportunity.pk}", {"version": 1, "name": "X"})[0] == 403
    assert call(member_client, "get", f"/opportunities/{opportunity.pk}")[0] == 404
    assert call(member_client, "delete", f"/opportunity-lines/{line.pk}")[0] == 404
    status, body = call(member_client, "post", "/opportunities", {"account_id": account.pk, "name": "X", "expected_close_date": "2031-01-01"})
    assert status == 422 and "account_id" in json.dumps(body)  # an account they may not see
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.stage.name, opportunity.version) == ("Phase 2", "Qualification", 1)
    assert OpportunityLine.objects.count() == 1 and Opportunity.objects.count() == 1


def test_unknown_fields_are_refused(account, am):
    status, _ = call(am, "post", "/opportunities", {
        "account_id": account.pk, "name": "X", "expected_close_date": "2031-01-01", "status": "won",
    })
    assert status == 422
    assert not Opportunity.objects.exists()


def test_stages(am, django_assert_num_queries):
    call(am, "get", "/stages")
    with django_assert_num_queries(4):  # session, user, roles, stages
        status, body = call(am, "get", "/stages")
    assert status == 200
    assert [(item["name"], item["probability"], item["outcome"]) for item in body["items"]][:2] == [
        ("Qualification", 10, "open"), ("Discovery", 25, "open"),
    ]


def test_list_filters_by_close_dates(account, am):
    import datetime as dt

    make_opportunity(account=account, name="April", expected_close_date=dt.date(2031, 4, 15))
    make_opportunity(account=account, name="July", expected_close_date=dt.date(2031, 7, 1))
    status, body = call(am, "get", "/opportunities?close_from=2031-04-01&close_to=2031-06-30")
    assert (status, [item["name"] for item in body["items"]]) == (200, ["April"])
