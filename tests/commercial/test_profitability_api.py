"""The profitability, trend, account summary, cross-sell and expense API."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from tandem.commercial.models import Expense
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_expense, make_revenue
from tests.commercial.profit_fixtures import build_profit_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users_by_role):
    return build_profit_world(users_by_role)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_profitability_for_an_executive_and_an_account_manager(world, users_by_role):
    body = _client(users_by_role[Role.EXECUTIVE]).get("/api/v1/profitability?start=2031-01-01&end=2031-02-28").json()
    assert body["base_currency"] == "EUR"
    assert [(r["account"]["name"], r["revenue"], r["cost"], r["margin"], r["margin_percent"]) for r in body["rows"]] == [
        ("Beta", "2000.00", "500.00", "1500.00", "75.0"),
        ("Acme", "1450.00", "290.00", "1160.00", "80.0"),
        ("Gamma", "300.00", "400.00", "-100.00", "-33.3"),
    ]
    assert body["totals"] == {"revenue": "3750.00", "cost": "1190.00", "margin": "2560.00", "margin_percent": "68.3"}
    mine = _client(world["am"]).get("/api/v1/profitability?start=2031-01-01&end=2031-02-28").json()
    assert [(r["account"]["name"], r["cost"], r["margin"]) for r in mine["rows"]] == [("Beta", None, None), ("Acme", "290.00", "1160.00")]
    assert mine["totals"] == {"revenue": "3450.00", "cost": None, "margin": None, "margin_percent": None}


def test_profitability_of_a_hidden_account_is_404(world):
    response = _client(world["am"]).get(f"/api/v1/profitability?account={world['gamma'].pk}")
    assert response.status_code == 404


def test_trend_is_for_those_who_see_the_costs(world):
    client = _client(world["am"])
    body = client.get(f"/api/v1/accounts/{world['acme'].pk}/profitability-trend?months=2&end=2031-02-01").json()
    assert body["months"] == [
        {"month": "2031-01", "revenue": "1000.00", "cost": "200.00", "margin": "800.00", "margin_percent": "80.0"},
        {"month": "2031-02", "revenue": "450.00", "cost": "90.00", "margin": "360.00", "margin_percent": "80.0"},
    ]
    assert client.get(f"/api/v1/accounts/{world['beta'].pk}/profitability-trend").status_code == 403
    assert client.get(f"/api/v1/accounts/{world['gamma'].pk}/profitability-trend").status_code == 404


def test_summary_hides_the_margin_from_a_team_mate(world, users_by_role):
    acme = world["acme"]
    own = _client(world["am"]).get(f"/api/v1/accounts/{acme.pk}/commercial-summary").json()
    assert own["margin_this_year"] is not None
    other = _client(world["tess"]).get(f"/api/v1/accounts/{acme.pk}/commercial-summary").json()
    assert (other["margin_this_year"], other["margin_percent"]) == (None, None)


def test_cross_sell_answers_for_a_visible_account(world):
    body = _client(world["am"]).get(f"/api/v1/accounts/{world['acme'].pk}/cross-sell").json()
    assert body == {"account": {"id": world["acme"].pk, "name": "Acme"}, "suggestions": []}


def test_expenses_crud_and_scoping(world, users_by_role, django_assert_num_queries):
    client = _client(world["am"])
    with django_assert_num_queries(5):  # session, user, the user's roles, count, rows (with the account)
        listed = client.get("/api/v1/expenses").json()
    assert listed["count"] == 3 and {item["account"]["name"] for item in listed["items"]} == {"Acme"}
    created = client.post(
        "/api/v1/expenses", json.dumps({"account_id": world["acme"].pk, "date": "2031-04-01", "description": "Licence", "amount": "49.90"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    expense = created.json()
    assert (expense["currency"], expense["amount"], expense["version"]) == ("EUR", "49.90", 1)
    patched = client.patch(f"/api/v1/expenses/{expense['id']}", json.dumps({"version": 1, "amount": 55}), content_type="application/json")
    assert patched.json()["amount"] == "55.00"
    stale = client.patch(f"/api/v1/expenses/{expense['id']}", json.dumps({"version": 1, "amount": 1}), content_type="application/json")
    assert stale.status_code == 409
    refused = client.post(
        "/api/v1/expenses", json.dumps({"account_id": world["beta"].pk, "date": "2031-04-01", "description": "X", "amount": 1}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert client.delete(f"/api/v1/expenses/{expense['id']}?version=2").status_code == 204
    assert not Expense.objects.filter(description__in=["Licence", "X"]).exists()
    tess_expense = Expense.objects.get(account=world["beta"])
    assert client.get(f"/api/v1/expenses/{tess_expense.pk}").status_code == 404
    assert _client(users_by_role[Role.MEMBER]).get("/api/v1/expenses").json()["count"] == 0


def test_an_unknown_body_field_is_refused(world):
    response = _client(world["am"]).post(
        "/api/v1/expenses",
        json.dumps({"account_id": world["acme"].pk, "date": "2031-04-01", "description": "X", "amount": 1, "version": 3}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Expense.objects.filter(description="X").count() == 0


def test_profitability_costs_the_same_queries_at_any_size_and_a_missing_rate_is_422(world, users_by_role, django_assert_num_queries):
    client = _client(users_by_role[Role.EXECUTIVE])
    url = "/api/v1/profitability?start=2031-01-01&end=2031-02-28"
    client.get(url)
    # session, user, roles; the calendar (base currency, read once per request); per
    # source (revenue, expenses, time) the sums, which count the amounts that converted too;
    # the account names.
    with django_assert_num_queries(8) as captured:
        client.get(url)
    for number in range(5):
        extra = make_account(name=f"Extra {number}")
        make_revenue(account=extra, month=dt.date(2031, 1, 1), amount=Decimal("10"))
        make_expense(account=extra, date=dt.date(2031, 1, 2), amount=Decimal("1"))
    with django_assert_num_queries(len(captured)):
        assert len(client.get(url).json()["rows"]) == 8
    make_expense(account=world["acme"], date=dt.date(2031, 1, 3), amount=Decimal("10"), currency="GBP")
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "missing_exchange_rate"
