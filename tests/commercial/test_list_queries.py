"""The sales lists' query counts (QUALITY.md P3): pinned, at most 12 a page, and the same
at 10 and 100 rows a page, with few rows and with many, in the base currency and two
foreign ones (the budgets' statuses over two years)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import (
    make_budget,
    make_contract,
    make_opportunity,
    make_quote,
    make_rate,
    make_revenue,
)
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal
CURRENCIES = ("EUR", "USD", "GBP")  # the base (EUR) and two foreign currencies

# Every page: session, user, roles (3), the saved views (1) and the top bar's badge (1);
# then each list's own: the filter form's choices, its count and its rows, and its totals.
PAGES = {
    # the stages and the owners; the base currency; the count with the totals (1 query),
    # rows: the same within the count cap and beyond it
    "commercial:opportunity_list": 10,
    # the owners; the base currency; the count with the total (1 query), rows
    "commercial:revenue_list": 9,
    # the owners; count, rows; the base currency, then the statuses of every year on the
    # page: the budgets, committed / won / billed in one union, the rates (3)
    "commercial:budget_list": 12,
    # the owners; count, rows
    "commercial:contract_list": 8,
    # count, rows
    "commercial:quote_list": 7,
}


@pytest.fixture
def am(team):
    make_rate(currency="USD", date=dt.date(2020, 1, 1), rate="0.90")
    make_rate(currency="GBP", date=dt.date(2020, 1, 1), rate="1.15")
    return make_user(role=Role.ACCOUNT_MANAGER, email="lists-am@example.test", full_name="Lee Lists", team=team)


def _add(am, count: int, start: int) -> None:
    """``count`` accounts, each with a deal, a quote, a contract, a revenue entry and a
    budget, in turn in each currency and over two years."""
    for index in range(start, start + count):
        currency = CURRENCIES[index % 3]
        year = 2030 + index % 2
        account = make_account(owner=am, name=f"Client {index:03d}", currency=currency)
        opportunity = make_opportunity(account=account, currency=currency, expected_close_date=dt.date(year, 3, 31))
        make_opportunity(account=account, currency=currency, stage_name="Closed won", expected_close_date=dt.date(year, 2, 1))
        make_quote(opportunity=opportunity)
        make_contract(account=account, currency=currency, status="active", start_date=dt.date(year, 1, 1),
                      end_date=dt.date(year, 12, 31))
        make_revenue(account=account, month=dt.date(year, 3, 1), amount=D("100.00"), currency=currency)
        make_budget(account=account, year=year, amount=D("1000.00"), currency=currency)


def _counts(client, name: str, django_assert_num_queries, queries: int) -> None:
    url = reverse(name)
    for per_page in (10, 100):
        with django_assert_num_queries(queries):
            response = client.get(url, {"per_page": per_page, "status": ""})
        assert response.status_code == 200, name


def test_sales_lists_cost_the_same_queries_at_any_size(am, django_assert_num_queries):
    client = client_for(am)
    _add(am, 6, 0)
    for name in PAGES:
        client.get(reverse(name))  # warm caches (content types)
    for name, queries in PAGES.items():
        _counts(client, name, django_assert_num_queries, queries)
    _add(am, 114, 6)
    for name, queries in PAGES.items():
        _counts(client, name, django_assert_num_queries, queries)
    rows = client.get(reverse("commercial:budget_list"), {"per_page": 100}).context["rows"]
    assert len(rows) == 100
    assert {row["currency"] for row, _, _ in rows} == set(CURRENCIES)
    assert {row["year"] for row, _, _ in rows} == {2030, 2031}
    assert all(status is not None and not error for _, status, error in rows)  # every year converted
