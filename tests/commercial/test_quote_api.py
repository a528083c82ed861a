"""``/api/v1/quotes``: exact answers, the lifecycle actions, refusals by role (and that
they change nothing), versions, and pinned query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tandem.commercial import services
from tandem.commercial.models import Opportunity, Quote
from tandem.core.roles import Role
from tests.authz import db_state, diff_tables
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity, make_product
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

API = "/api/v1"
VALID = "2999-01-31"


def call(client: Client, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (response.json() if response.content else None)


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Alan Account")


@pytest.fixture
def opportunity(am):
    account = make_account(owner=am, name="Acme", currency="USD")
    opportunity = make_opportunity(account=account, name="Rollout", currency="USD", stage_name="Negotiation")
    product = make_product(name="Licence", unit="seat")
    make_line(opportunity=opportunity, product=product, description="Licence", quantity=Decimal("10"),
              unit_price=Decimal("99.90"), amount=Decimal("999.00"))
    return opportunity


def test_create_then_read_with_lines(am, opportunity):
    client = client_for(am)
    status, body = call(client, "post", f"{API}/quotes", {
        "opportunity_id": opportunity.pk, "valid_until": VALID, "terms": "Net 30",
    })
    assert status == 201, body
    year = dt.date.today().year
    quote = Quote.objects.get()
    assert body == {
        "id": quote.pk, "number": f"Q-{year}-0001", "revision": 1, "status": "draft", "is_expired": False,
        "opportunity": {"id": opportunity.pk, "name": "Rollout", "status": "open"},
        "account": {"id": opportunity.account_id, "name": "Acme"},
        "owner": {"id": am.pk, "full_name": "Alan Account"},
        "issued_on": quote.issued_on.isoformat(), "valid_until": VALID, "currency": "USD", "total": "999.00",
        "terms": "Net 30", "notes": "", "accepted_at": None, "accepted_by_name": "",
        "lines": [{
            "product_id": quote.lines.get().product_id, "description": "Licence", "quantity": "10.00", "unit": "seat",
            "unit_price": "99.90", "discount_percent": "0.00", "amount": "999.00",
        }],
        "version": 1, "created_at": body["created_at"], "updated_at": body["updated_at"],
    }
    status, read = call(client, "get", f"{API}/quotes/{quote.pk}")
    assert (status, read) == (200, body)


def test_create_refusals_name_the_body_field(am, opportunity):
    client = client_for(am)
    empty = make_opportunity(account=opportunity.account)
    before = db_state()
    status, body = call(client, "post", f"{API}/quotes", {"opportunity_id": empty.pk, "valid_until": VALID})
    assert status == 422
    assert body["error"]["fields"] == {
        "opportunity_id": ["The opportunity has no lines yet: add what you are offering, then quote it."]
    }
    status, body = call(client, "post", f"{API}/quotes", {"opportunity_id": opportunity.pk, "valid_until": "2001-01-01"})
    assert status == 422
    assert list(body["error"]["fields"]) == ["valid_until"]
    status, body = call(client, "post", f"{API}/quotes", {"opportunity_id": opportunity.pk, "valid_until": VALID, "number": "Q-1"})
    assert status == 422
    assert list(body["error"]["fields"]) == ["number"]
    assert diff_tables(before, db_state()) == []


def test_send_accept_wins_the_opportunity(am, opportunity):
    client = client_for(am)
    quote = services.quote_create(actor=am, opportunity=opportunity, valid_until=dt.date(2999, 1, 31))
    status, body = call(client, "post", f"{API}/quotes/{quote.pk}/send", {"version": 1})
    assert (status, body["status"], body["version"]) == (200, "sent", 2)
    status, body = call(client, "post", f"{API}/quotes/{quote.pk}/accept", {"version": 1, "accepted_by_name": "Jo"})
    assert status == 409
    status, body = call(client, "post", f"{API}/quotes/{quote.pk}/accept", {"version": 2, "accepted_by_name": "Jo"})
    assert status == 200, body
    assert (body["status"], body["accepted_by_name"], body["opportunity"]["status"]) == ("accepted", "Jo", "won")
    assert Opportunity.objects.get(pk=opportunity.pk).status == "won"


def test_revise_and_decline(am, opportunity):
    client = client_for(am)
    quote = services.quote_create(actor=am, opportunity=opportunity, valid_until=dt.date(2999, 1, 31))
    status, body = call(client, "post", f"{API}/quotes/{quote.pk}/decline", {"version": 1})
    assert (status, body["status"]) == (200, "declined")
    status, body = call(client, "post", f"{API}/quotes/{quote.pk}/revise", {"version": 2, "terms": "Net 45"})
    assert status == 201, body
    assert (body["number"], body["revision"], body["status"], body["terms"]) == (quote.number, 2, "draft", "Net 45")
    assert Quote.objects.get(pk=quote.pk).status == "superseded"
    status, body = call(client, "post", f"{API}/quotes/{quote.pk}/accept", {"version": 3, "accepted_by_name": "Jo"})
    assert status == 422
    assert list(body["error"]["fields"]) == ["revision"]


def test_roles(am, opportunity):
    quote = services.quote_create(actor=am, opportunity=opportunity, valid_until=dt.date(2999, 1, 31))
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    stranger = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    before = db_state()
    status, _ = call(client_for(executive), "get", f"{API}/quotes/{quote.pk}")
    assert status == 200
    status, _ = call(client_for(executive), "post", f"{API}/quotes/{quote.pk}/accept", {"version": 1, "accepted_by_name": "Jo"})
    assert status == 403
    status, _ = call(client_for(stranger), "get", f"{API}/quotes/{quote.pk}")
    assert status == 404
    status, body = call(client_for(stranger), "post", f"{API}/quotes", {"opportunity_id": opportunity.pk, "valid_until": VALID})
    assert (status, list(body["error"]["fields"])) == (422, ["opportunity_id"])
    status, body = call(client_for(stranger), "get", f"{API}/quotes")
    assert (status, body["count"]) == (200, 0)
    assert diff_tables(before, db_state()) == []


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_is_fixed(am, opportunity, django_assert_num_queries, size):
    for _ in range(size):
        services.quote_create(actor=am, opportunity=opportunity, valid_until=dt.date(2999, 1, 31))
    client = client_for(am)
    client.get(f"{API}/quotes?limit=1")  # the session and the user are read once per client
    with django_assert_num_queries(5):  # the session and user (3), the capped count, the rows
        status, body = call(client, "get", f"{API}/quotes?limit=20&opportunity_id={opportunity.pk}")
    assert (status, body["count"], len(body["items"])) == (200, size, min(size, 20))
    assert [item["number"] for item in body["items"]][:2] == sorted(
        [item["number"] for item in body["items"]], reverse=True
    )[:2]
