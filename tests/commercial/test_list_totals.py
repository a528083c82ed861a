"""The money totals of the opportunity and revenue lists through the list framework's
totals hook: worked out inline while the count is exact; beyond the count cap (lowered
here to one row) the page runs no sum and offers "Work out the totals", whose
``?totals=all`` fragment sums exactly the filtered rows the reader may see."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tandem.core import pagination
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity, make_rate, make_revenue
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db
D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}
OPPORTUNITIES = reverse("commercial:opportunity_list")
REVENUE = reverse("commercial:revenue_list")


@pytest.fixture
def book(account_manager):
    """The account manager's Acme (EUR deals of 10,000 at 10 % and 4,000 at 50 %, a USD
    deal of 1,000 at 0.90, a lost one; revenue of 100 EUR and 1,000 USD) and the North
    team's Delta (a deal and revenue of 7,000 EUR), which the account manager may not see."""
    make_rate(currency="USD", date=dt.date(2020, 1, 1), rate="0.90")
    other = make_user(
        role=Role.ACCOUNT_MANAGER, email="north@example.test", team=make_team(name="North")
    )
    acme = make_account(owner=account_manager, name="Acme", currency="EUR")
    delta = make_account(owner=other, name="Delta", currency="EUR")
    make_opportunity(account=acme, name="Phase 2", amount=D("10000.00"), probability=10)
    make_opportunity(
        account=acme, name="Licences", amount=D("4000.00"), probability=50, stage_name="Proposal"
    )
    make_opportunity(
        account=acme, name="Dollars", amount=D("1000.00"), currency="USD", probability=20
    )
    make_opportunity(account=acme, name="Old deal", stage_name="Closed lost", amount=D("999.00"))
    make_opportunity(account=delta, name="Northern", amount=D("7000.00"), probability=10)
    make_revenue(account=acme, month=dt.date(2031, 1, 1), amount=D("100.00"), currency="EUR")
    make_revenue(account=acme, month=dt.date(2031, 3, 1), amount=D("1000.00"), currency="USD")
    make_revenue(account=delta, month=dt.date(2031, 2, 1), amount=D("7000.00"), currency="EUR")
    return other


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_COUNT_CAP", 1)


def totals_of(response: Any) -> tuple[Any, ...]:
    totals = response.context["totals"]
    if hasattr(totals, "weighted_base"):
        return (totals.count, totals.amount_base, totals.weighted_base)
    return (totals.amount, totals.currency)


def sums(queries: Any) -> list[str]:
    return [query["sql"] for query in queries if "SUM(" in query["sql"].upper()]


def text(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:dd|p|div)>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


# --- Under the cap: inline, as before --------------------------------------------------------


def test_under_the_cap_both_lists_show_their_exact_totals(account_manager, book):
    client = client_for(account_manager)
    response = client.get(OPPORTUNITIES, {"status": "open"})
    html = response.content.decode()
    # 10,000 + 4,000 + 1,000 USD × 0.90; weighted 1,000 + 2,000 + 180
    assert totals_of(response) == (3, D("14900.00"), D("3180.00"))
    assert (text(html, "totals-amount"), text(html, "totals-weighted")) == (
        "€14,900.00",
        "€3,180.00",
    )
    assert 'data-testid="totals-deferred"' not in html
    response = client.get(REVENUE)
    assert totals_of(response) == (D("1000.00"), "EUR")  # 100 + 1,000 USD × 0.90
    assert text(response.content.decode(), "revenue-total") == (
        "Total of these entries: €1,000.00 (in EUR, each month at its exchange rate)"
    )


# --- Beyond the cap: offered, not worked out -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "full", "noun"),
    [
        # session, user, roles; the stages and the owners; the base currency; the count
        # with the totals (one query); rows; the saved views; the badge
        (OPPORTUNITIES, {"status": "open"}, 10, "opportunities"),
        # session, user, roles; the owners; the base currency; the count with the total
        # (one query); rows; the saved views; the badge
        (REVENUE, {}, 9, "revenue entries"),
    ],
)
def test_beyond_the_cap_the_page_shows_no_total_and_reads_no_more_rows(
    account_manager, book, monkeypatch, django_assert_num_queries, url, query, full, noun
):
    client = client_for(account_manager)
    client.get(url, query)  # warm caches (content types)
    with django_assert_num_queries(full) as exact:
        client.get(url, query)
    # The count and the totals are one query.
    (counted,) = sums(exact.captured_queries)
    assert "LIMIT 1001" in counted and "<= 1000 THEN" in counted
    monkeypatch.setattr(pagination, "PAGE_COUNT_CAP", 1)
    with django_assert_num_queries(full) as beyond:  # the same queries as within the cap (QUALITY.md P3)
        response = client.get(url, query)
    html = response.content.decode()
    (counted,) = sums(beyond.captured_queries)
    # The count reads two rows, whatever the list holds; the sums only within the cap.
    assert "LIMIT 2" in counted and "<= 1 THEN" in counted
    assert response.context["page"].total_display == "1+" and "totals" not in response.context
    assert (
        text(html, "totals-deferred")
        == f"Totals of more than 1 {noun} are worked out when you ask. Work out the totals"
    )
    link = "?".join(
        (url, "&amp;".join(f"{key}={value}" for key, value in {**query, "totals": "all"}.items()))
    )
    assert f'href="{link}" hx-get="{link}"' in html
    assert 'data-testid="totals-amount"' not in html and 'data-testid="revenue-total"' not in html


# --- The fragment: the same filters and scope -------------------------------------------------


def test_the_opportunity_fragment_sums_the_filtered_rows_the_reader_may_see(
    account_manager, executive, book, capped, django_assert_num_queries
):
    client = client_for(account_manager)
    client.get(OPPORTUNITIES, {"status": "open", "totals": "all"}, **HTMX)
    # session, user, roles; the stages and the owners (the filter form); the base currency
    # and the totals: no count, no rows, no saved views
    with django_assert_num_queries(7):
        response = client.get(OPPORTUNITIES, {"status": "open", "totals": "all"}, **HTMX)
    html = response.content.decode()
    assert (
        html.strip().startswith('<div id="opportunity-results-totals"')
        and 'data-testid="list-row"' not in html
    )
    assert totals_of(response) == (3, D("14900.00"), D("3180.00"))  # not Delta's 7,000
    assert text(html, "totals-amount") == "€14,900.00"
    response = client.get(OPPORTUNITIES, {"status": "open", "q": "Phase", "totals": "all"}, **HTMX)
    assert totals_of(response) == (1, D("10000.00"), D("1000.00"))
    response = client_for(executive).get(OPPORTUNITIES, {"status": "open", "totals": "all"}, **HTMX)
    assert totals_of(response) == (4, D("21900.00"), D("3880.00"))


def test_the_account_managers_default_view_keeps_its_filter_in_the_fragment(
    account_manager, book, capped
):
    # "My open pipeline" opens without a query string: its link carries its filters
    client = client_for(account_manager)
    html = client.get(OPPORTUNITIES).content.decode()
    assert "?status=open&amp;owner=me&amp;totals=all" in html
    response = client.get(OPPORTUNITIES, {"totals": "all"}, **HTMX)  # even a bare ask opens on it
    assert totals_of(response) == (3, D("14900.00"), D("3180.00"))


def test_the_revenue_fragment_sums_the_filtered_rows_the_reader_may_see(
    account_manager, executive, book, capped
):
    client = client_for(account_manager)
    response = client.get(REVENUE, {"totals": "all"}, **HTMX)
    html = response.content.decode()
    assert (
        html.strip().startswith('<div id="revenue-results-totals"')
        and 'data-testid="list-row"' not in html
    )
    assert totals_of(response) == (D("1000.00"), "EUR")  # not Delta's 7,000
    response = client.get(REVENUE, {"month_from": "2031-02", "totals": "all"}, **HTMX)
    assert totals_of(response) == (D("900.00"), "EUR")
    response = client_for(executive).get(REVENUE, {"totals": "all"}, **HTMX)
    assert totals_of(response) == (D("8000.00"), "EUR")


def test_a_missing_rate_is_written_in_place_of_the_totals(account_manager, book, capped):
    acme = make_account(owner=account_manager, name="Yen Co", currency="JPY")
    make_opportunity(
        account=acme, name="Yen deal", currency="JPY", expected_close_date=dt.date(2031, 2, 3)
    )
    html = (
        client_for(account_manager)
        .get(OPPORTUNITIES, {"status": "open", "totals": "all"}, **HTMX)
        .content.decode()
    )
    assert text(html, "totals-error").startswith(
        "The totals cannot be worked out: No exchange rate for JPY on or before 2031-02-03"
    )


def test_without_javascript_the_link_opens_the_page_with_its_totals(account_manager, book, capped):
    client = client_for(account_manager)
    response = client.get(OPPORTUNITIES, {"status": "open", "totals": "all"})
    html = response.content.decode()
    assert [row["name"] for row in response.context["rows"]] == ["Phase 2", "Licences", "Dollars"]
    assert response.context["page"].total_display == "1+" and "<h1" in html
    assert (
        text(html, "totals-amount") == "€14,900.00" and 'data-testid="totals-deferred"' not in html
    )
    assert "totals=all" not in response.context["next_query"]  # paging on does not sum again
    response = client.get(REVENUE, {"totals": "all"})
    assert totals_of(response) == (D("1000.00"), "EUR") and "<h1" in response.content.decode()
