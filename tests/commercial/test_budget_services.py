"""Budgets: one per account and year, permission-checked writes, the API with each
budget's year status in the base currency, pinned query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import Budget
from tandem.core.errors import PermissionDeniedError
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_budget, make_rate, make_revenue
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def am(team):
    return make_user(role=Role.ACCOUNT_MANAGER, email="budget-am@example.test", full_name="Bo Budget", team=team)


@pytest.fixture
def account(am):
    return make_account(owner=am, name="Alpha", currency="USD")


def test_create_defaults_to_the_account_currency_and_refuses_a_second_budget_for_the_year(am, account):
    budget = services.budget_create(actor=am, account=account, data={"year": 2031, "amount": D("50000")})
    assert (budget.year, budget.amount, budget.currency) == (2031, D("50000"), "USD")
    with pytest.raises(ValidationError) as error:
        services.budget_create(actor=am, account=account, data={"year": 2031, "amount": D("1")})
    assert "year" in error.value.message_dict
    assert Budget.objects.count() == 1


def test_update_and_delete_are_for_those_who_may_change_the_account(am, account, executive):
    budget = make_budget(account=account, year=2031, amount=D("100.00"))
    with pytest.raises(PermissionDeniedError):
        services.budget_update(actor=executive, budget=budget, data={"amount": D("5")})
    with pytest.raises(PermissionDeniedError):
        services.budget_delete(actor=executive, budget=budget)
    budget.refresh_from_db()
    assert (budget.amount, budget.version) == (D("100.00"), 1)
    updated = services.budget_update(actor=am, budget=budget, data={"amount": D("120.00"), "notes": "Raised in Q2"})
    assert (updated.amount, updated.version) == (D("120.00"), 2)


def call(user, method, url, body=None):
    client = client_for(user)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (json.loads(response.content) if response.content else None)


def test_budget_api_with_status_in_base_currency(am, account):
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.90")
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=D("1000.00"), currency="USD")
    status, body = call(am, "post", "/api/v1/budgets", {"account_id": account.pk, "year": 2031, "amount": "20000"})
    assert status == 201, body
    assert (body["amount"], body["currency"], body["status"]) == ("20000.00", "USD", {
        "base_currency": "EUR", "planned": "18000.00", "committed": "0.00", "won": "0.00", "billed": "900.00",
    })
    budget_id = body["id"]
    status, body = call(am, "patch", f"/api/v1/budgets/{budget_id}", {"version": 1, "amount": 10000})
    assert (status, body["status"]["planned"]) == (200, "9000.00")
    assert call(am, "post", "/api/v1/budgets", {"account_id": account.pk, "year": 2031, "amount": 1})[0] == 422
    assert call(am, "delete", f"/api/v1/budgets/{budget_id}?version=1")[0] == 409
    assert call(am, "delete", f"/api/v1/budgets/{budget_id}?version=2")[0] == 204


def test_budget_api_missing_rate_is_a_422_naming_currency_and_date(am, account):
    budget = make_budget(account=account, year=2031, amount=D("100.00"), currency="USD")
    status, body = call(am, "get", f"/api/v1/budgets/{budget.pk}")
    assert status == 422
    assert "USD" in body["error"]["message"] and "2031-01-01" in body["error"]["message"]


def test_budget_list_query_count_is_fixed(am, django_assert_num_queries):
    make_rate(currency="USD", date=dt.date(2030, 1, 1), rate="0.90")
    for index in range(6):
        account = make_account(owner=am, name=f"Client {index}", currency="USD" if index % 2 else "EUR")
        make_budget(account=account, year=2031, amount=D("1000.00"))
        make_revenue(account=account, month=dt.date(2031, 3, 1), amount=D("10.00"))
    client = client_for(am)
    client.get("/api/v1/budgets")
    # session, user, roles, count, rows; the base currency; then for every year on the
    # page at once: the budgets, committed / won / billed in one union, the rates (3)
    with django_assert_num_queries(9):
        body = json.loads(client.get("/api/v1/budgets?year=2031").content)
    assert body["count"] == 6
    assert {item["account"]["name"]: item["status"]["billed"] for item in body["items"]}["Client 1"] == "9.00"
