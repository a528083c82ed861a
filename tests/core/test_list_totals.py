"""The list framework's totals hook (ListView.totals_template / totals): worked out
inline while the count is exact, offered with "Work out the totals" beyond the count cap
(no sum query then), and the ``?totals=all`` fragment of the same list: its filters, its
permission scope.

A small list of accounts with the sum of their annual revenue, on its own URL and its own
two templates (held in memory), so the framework is tested apart from any domain list."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.db.models import Count, Sum
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from tandem.clients.selectors import AccountFilters, account_list
from tandem.core import lists, pagination
from tandem.core.errors import DomainError
from tandem.core.lists import Column, ListFilterForm, ListView
from tandem.core.roles import Role
from tandem.core.rows import esc, joined
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/test-totals/"

PAGE = """{% partialdef list-results inline %}<div id="{{ results_id }}">{% include "lists/_totals.html" %}
<ul>{{ rows_html }}</ul><p data-testid="list-total">{{ page.total_display }}</p></div>{% endpartialdef %}"""
TOTALS = """<p data-testid="test-totals">{{ totals.count }} accounts, {{ totals.revenue }}</p>"""


class TierForm(ListFilterForm):
    sort_keys = ("name",)
    default_sort = "name"

    tier = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("key", "Key"), ("standard", "Standard")]
    )


class RevenueSumList(ListView):
    """Accounts by name with the sum of their annual revenue (not registered: no saved views)."""

    key = "test-totals"
    url_name = "test_totals"
    title, noun = "Accounts", "accounts"
    template = "test/list.html"
    results_id = "test-results"
    filter_form = TierForm
    columns = (Column("Name", sort="name"),)
    row_fields = ("id", "name")
    saved_views = False
    totals_template = "test/totals.html"
    totals_errors = (DomainError,)
    fails = False

    def selection(self, values: Any, *, for_count: bool) -> Any:
        return account_list(
            actor=self.actor, filters=AccountFilters(tier=values["tier"]), for_count=for_count
        )

    def write_rows(self, rows: Any) -> Any:
        return joined(f"<li>{esc(row['name'])}</li>" for row in rows)

    def totals(self, selection: Any) -> dict[str, Any]:
        if self.fails:
            raise DomainError("No exchange rate for JPY.")
        return selection.order_by().aggregate(count=Count("id"), revenue=Sum("annual_revenue"))


urlpatterns = [
    path(URL.strip("/") + "/", RevenueSumList.as_view(), name="test_totals"),
    *site_urlpatterns,
]


@pytest.fixture(autouse=True)
def _test_list(settings):
    settings.ROOT_URLCONF = __name__
    engine = dict(settings.TEMPLATES[0])
    engine["APP_DIRS"] = False
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            (
                "django.template.loaders.locmem.Loader",
                {"test/list.html": PAGE, "test/totals.html": TOTALS},
            ),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]


@pytest.fixture
def book(account_manager):
    """Three accounts of the account manager (two key ones), one of an account manager
    of another team whom ``account_manager`` may not see."""
    other = make_user(
        role=Role.ACCOUNT_MANAGER, email="north@example.test", team=make_team(name="North")
    )
    make_account(owner=account_manager, name="Acme", tier="key", annual_revenue=Decimal("1000.50"))
    make_account(owner=account_manager, name="Bolt", tier="key", annual_revenue=Decimal("200.25"))
    make_account(
        owner=account_manager, name="Cobalt", tier="standard", annual_revenue=Decimal("30.00")
    )
    make_account(owner=other, name="Delta", tier="key", annual_revenue=Decimal("7000.00"))
    return other


def shown_totals(html: str) -> str:
    found = re.search(r'data-testid="test-totals">([^<]*)<', html)
    return found.group(1) if found else ""


def sum_queries(queries: Any) -> list[str]:
    return [query["sql"] for query in queries if "SUM(" in query["sql"].upper()]


def test_totals_are_worked_out_inline_under_the_cap(account_manager, book):
    client = client_for(account_manager)
    response = client.get(URL)
    html = response.content.decode()
    assert response.context["totals"] == {"count": 3, "revenue": Decimal("1230.75")}
    assert shown_totals(html) == "3 accounts, 1230.75"
    assert 'data-testid="totals-deferred"' not in html
    response = client.get(
        URL, {"tier": "key"}, **HTMX
    )  # a filter change swaps the results with their totals
    assert shown_totals(response.content.decode()) == "2 accounts, 1200.75"


def test_beyond_the_cap_the_page_offers_the_totals_and_sums_nothing(
    account_manager, book, monkeypatch, django_assert_num_queries
):
    client = client_for(account_manager)
    client.get(URL, {"tier": "key"})  # warm caches
    with django_assert_num_queries(6) as under_cap:  # session, user, roles; count, rows; the sum
        client.get(URL, {"tier": "key"})
    assert len(sum_queries(under_cap.captured_queries)) == 1
    monkeypatch.setattr(pagination, "PAGE_COUNT_CAP", 1)
    with django_assert_num_queries(5) as capped:  # the same, without the sum
        response = client.get(URL, {"tier": "key", "page": "2", "per_page": "1"})
    html = response.content.decode()
    assert sum_queries(capped.captured_queries) == []
    assert "totals" not in response.context
    assert response.context["page"].total_is_capped and response.context["totals_deferred"] is True
    assert "Totals of more than 1 accounts are worked out when you ask." in html
    link = f"{URL}?tier=key&amp;per_page=1&amp;page=2&amp;totals=all"
    assert f'href="{link}" hx-get="{link}"' in html and 'hx-target="#test-results-totals"' in html
    assert shown_totals(html) == ""


def test_the_totals_fragment_sums_the_filtered_rows_the_reader_may_see(
    account_manager, executive, book, monkeypatch
):
    monkeypatch.setattr(pagination, "PAGE_COUNT_CAP", 1)
    response = client_for(account_manager).get(URL, {"tier": "key", "totals": "all"}, **HTMX)
    html = response.content.decode()
    assert html.strip().startswith('<div id="test-results-totals"')
    assert (
        "<ul>" not in html and 'data-testid="list-total"' not in html
    )  # the totals alone, not the rows
    assert shown_totals(html) == "2 accounts, 1200.75"  # not Delta, which is another team's
    response = client_for(executive).get(URL, {"tier": "key", "totals": "all"}, **HTMX)
    assert shown_totals(response.content.decode()) == "3 accounts, 8200.75"


def test_the_fragment_costs_no_count_and_no_rows(account_manager, book, django_assert_num_queries):
    client = client_for(account_manager)
    client.get(URL, {"totals": "all"}, **HTMX)
    with django_assert_num_queries(4) as queries:  # session, user, roles; the sum
        client.get(URL, {"totals": "all"}, **HTMX)
    assert len(sum_queries(queries.captured_queries)) == 1


def test_without_javascript_the_link_opens_the_page_with_its_totals(
    account_manager, book, monkeypatch
):
    monkeypatch.setattr(pagination, "PAGE_COUNT_CAP", 1)
    response = client_for(account_manager).get(URL, {"tier": "key", "totals": "all"})
    html = response.content.decode()
    assert [row["name"] for row in response.context["rows"]] == ["Acme", "Bolt"]
    assert response.context["page"].total_display == "1+"
    assert shown_totals(html) == "2 accounts, 1200.75"
    assert 'data-testid="totals-deferred"' not in html
    # the page's own links (sorting, pages) do not carry the totals on
    assert all("totals" not in header.url_query for header in response.context["headers"])


def test_an_error_is_written_in_place_of_the_totals(account_manager, book, monkeypatch):
    monkeypatch.setattr(RevenueSumList, "fails", True)
    html = client_for(account_manager).get(URL).content.decode()
    assert (
        'data-testid="totals-error">The totals cannot be worked out: No exchange rate for JPY.</div>'
        in html
    )


def test_only_the_totals_ask_is_not_a_query_of_its_own():
    from django.http import QueryDict

    assert not lists.has_query(QueryDict("totals=all"))
    assert lists.has_query(QueryDict("totals=all&tier=key"))
    assert lists.normalise_query("tier=key&totals=all") == "tier=key"
