"""The forecast, revenue and budget pages: figures shown, the chart's data and its table,
views, filters, pinned query counts, a missing rate as a message, and the writes."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.commercial.models import Budget, RevenueEntry
from tests.commercial.factories import make_budget, make_opportunity, make_revenue
from tests.commercial.forecast_fixtures import build_book
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def book(admin_user, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2031, 1, 15))
    return build_book()


def chart_data(html: str) -> dict:
    match = re.search(r'<script id="forecast-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart's data is on the page"
    return json.loads(match.group(1))


def test_forecast_page_shows_the_chart_data_and_the_table(book, admin_user):
    response = client_for(admin_user).get("/sales/forecast/")
    html = response.content.decode()
    assert response.status_code == 200
    data = chart_data(html)
    assert data["labels"][:3] == ["Jan 2031", "Feb 2031", "Mar 2031"]
    assert [(s["label"], s["data"][:3]) for s in data["series"]] == [
        ("Contracted recurring", [1000.0, 1450.0, 400.0]),
        ("Scheduled milestones", [2000.0, 110.0, 800.0]),
        ("Weighted pipeline", [3000.0, 1350.0, 576.67]),
    ]
    assert 'data-testid="forecast-table"' in html
    assert "€6,000.00" in html and "€1,776.67" in html  # January and March totals
    assert 'data-testid="by-owner"' in html and "Bea Broker" in html
    assert 'data-testid="by-account"' in html and "Charlie" in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_best_case_view_stacks_commit_and_best_case_deals(book, admin_user):
    html = client_for(admin_user).get("/sales/forecast/?view=best").content.decode()
    data = chart_data(html)
    assert [(s["label"], s["data"][:3]) for s in data["series"]][2:] == [
        ("Commit deals", [0.0, 1800.0, 0.0]), ("Best-case deals", [0.0, 0.0, 1100.0]),
    ]
    worst = chart_data(client_for(admin_user).get("/sales/forecast/?view=worst").content.decode())
    assert [s["label"] for s in worst["series"]] == ["Contracted recurring", "Scheduled milestones"]


def test_forecast_page_owner_filter(book, admin_user):
    data = chart_data(client_for(admin_user).get(f"/sales/forecast/?owner={book.bea.pk}").content.decode())
    assert [s["data"][:3] for s in data["series"]] == [[0.0, 0.0, 0.0], [0.0, 110.0, 0.0], [0.0, 0.0, 550.0]]


def test_forecast_page_query_count_is_fixed(book, admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    client.get("/sales/forecast/")
    # the layout and the owners filter, then three forecasts (all, by owner, by account)
    # and the two name look-ups; the base currency read once and each rate check one query
    with django_assert_num_queries(20):
        assert client.get("/sales/forecast/").status_code == 200


def test_forecast_page_says_which_rate_is_missing(book, admin_user):
    make_opportunity(account=book.alpha, amount=D("100.00"), currency="JPY", probability=20,
                     forecast_category="pipeline", expected_close_date=dt.date(2031, 2, 3))
    html = client_for(admin_user).get("/sales/forecast/").content.decode()
    assert 'data-testid="rate-error"' in html and "JPY" in html and "2031-02-03" in html


def test_revenue_list_with_total_and_filters(book, admin_user, django_assert_num_queries):
    make_revenue(account=book.alpha, month=dt.date(2031, 1, 1), amount=D("100.00"), currency="EUR", description="Workshop")
    make_revenue(account=book.bravo, month=dt.date(2031, 3, 1), amount=D("1000.00"), currency="USD")
    client = client_for(admin_user)
    html = client.get("/sales/revenue/").content.decode()
    assert html.count('data-testid="list-row"') == 2
    assert "€900.00" in html  # 100 EUR + 1,000 USD at 0.80
    html = client.get(f"/sales/revenue/?account={book.alpha.pk}").content.decode()
    assert html.count('data-testid="list-row"') == 1 and "Workshop" in html
    html = client.get("/sales/revenue/?month_from=2031-02").content.decode()
    assert html.count('data-testid="list-row"') == 1
    client.get("/sales/revenue/?kind=one_off")
    # session, user, roles, owners, count, rows, the base currency, the total (one query:
    # the rates are checked only when an amount found none), saved views, badge
    with django_assert_num_queries(10):
        client.get("/sales/revenue/?kind=one_off")


def test_revenue_create_and_edit_pages(book):
    client = client_for(book.alan)
    assert client.get(f"/sales/revenue/new/?account={book.alpha.pk}").status_code == 200
    response = client.post("/sales/revenue/new/", {
        "account": book.alpha.pk, "kind": "one_off", "month": "2031-02", "amount": "250.00", "currency": "EUR",
        "description": "Training day",
    })
    assert response.status_code == 302
    entry = RevenueEntry.objects.get(description="Training day")
    assert (entry.month, entry.amount) == (dt.date(2031, 2, 1), D("250.00"))
    response = client.post(f"/sales/revenue/{entry.pk}/", {
        "account": book.alpha.pk, "kind": "one_off", "month": "2031-02", "amount": "300.00", "currency": "EUR",
        "description": "Training day", "version": 1,
    })
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.amount, entry.version) == (D("300.00"), 2)
    assert client_for(book.bea).get(f"/sales/revenue/{entry.pk}/").status_code == 404
    response = client.post(f"/sales/revenue/{entry.pk}/", {"delete": "1", "version": 2})
    assert response.status_code == 302 and not RevenueEntry.objects.filter(pk=entry.pk).exists()


def test_budget_pages(book, admin_user, executive):
    client = client_for(book.alan)
    response = client.post(f"/sales/accounts/{book.alpha.pk}/budgets/", {"year": 2031, "amount": "40000", "currency": "EUR"})
    assert response.status_code == 302
    budget = Budget.objects.get(account=book.alpha)
    make_revenue(account=book.alpha, month=dt.date(2031, 1, 1), amount=D("4000.00"), currency="EUR")
    html = client.get(f"/sales/accounts/{book.alpha.pk}/budgets/").content.decode()
    assert "€40,000.00" in html and "€4,000.00" in html and "10% of plan" in html
    make_revenue(account=book.alpha, contract=book.records["c1"], kind="recurring", month=dt.date(2031, 1, 1),
                 amount=D("1000.00"), currency="EUR")
    html = client.get(f"/sales/accounts/{book.alpha.pk}/budgets/").content.decode()
    mrr = re.search(r'data-testid="account-mrr">(.*?)</table>', html, re.S)
    assert mrr and mrr.group(1).count("<tr>") == 13 and "Jan 2031" in mrr.group(1) and "€1,000.00" in mrr.group(1)
    assert "kind=recurring&amp;month_from=2031-01&amp;month_to=2031-01" in mrr.group(1)
    assert client_for(executive).post(
        f"/sales/accounts/{book.alpha.pk}/budgets/", {"year": 2032, "amount": "1", "currency": "EUR"}
    ).status_code == 403
    assert Budget.objects.count() == 1
    response = client.post(f"/sales/budgets/{budget.pk}/", {"year": 2031, "amount": "45000", "currency": "EUR", "version": 1})
    assert response.status_code == 302
    make_budget(account=book.charlie, year=2031, amount=D("1000.00"), currency="GBP")
    html = client_for(admin_user).get("/sales/budgets/").content.decode()
    assert html.count('data-testid="list-row"') == 2 and "€45,000.00" in html
    assert client_for(book.bea).get("/sales/budgets/").content.decode().count('data-testid="list-row"') == 1


def test_recurring_revenue_shows_read_only(book):
    entry = make_revenue(account=book.alpha, contract=book.records["c1"], kind="recurring", month=dt.date(2031, 1, 1),
                         amount=D("1000.00"), currency="EUR")
    client = client_for(book.alan)
    html = client.get(f"/sales/revenue/{entry.pk}/").content.decode()
    assert 'data-testid="revenue-read-only"' in html and "change the contract" in html
    assert client.post(f"/sales/revenue/{entry.pk}/", {"delete": "1", "version": 1}).status_code == 403
    assert RevenueEntry.objects.filter(pk=entry.pk).exists()


def test_budget_list_query_count_is_fixed(book, admin_user, django_assert_num_queries):
    for account in (book.alpha, book.bravo, book.charlie):
        make_budget(account=account, year=2031, amount=D("1000.00"))
    client = client_for(admin_user)
    client.get("/sales/budgets/?year=2031")
    # the list's own (layout, saved views, owners, count, rows) plus the statuses: the
    # base currency, the budgets, committed / won / billed in one union, the rates,
    # whatever the currencies (USD, GBP here) and years.
    with django_assert_num_queries(12):
        html = client.get("/sales/budgets/?year=2031").content.decode()
    assert html.count('data-testid="list-row"') == 3
