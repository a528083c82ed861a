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
from tests.commercial.forecast_fixtures import build_book, grow_book
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


def table_rows(html: str, testid: str) -> list[tuple[str, ...]]:
    """The body rows of the table ``data-testid=testid``: each cell's text."""
    match = re.search(rf'<table[^>]*data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, f"{testid} is on the page"
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    ]


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
    assert "vendor/chartjs/chart.umd.min.js" in html
    # The breakdowns are not computed with the page: each loads when it is opened.
    assert 'data-testid="by-owner"' not in html
    assert 'data-testid="by-account"' not in html and "Charlie" not in html
    assert 'hx-get="?view=expected&amp;breakdown=owner" hx-trigger="toggle once"' in html
    assert 'hx-get="?view=expected&amp;breakdown=account" hx-trigger="toggle once"' in html
    assert '<a href="?view=expected&amp;breakdown=account#breakdown-account">' in html


# The 12-month sums (January to December 2031): the worked example's three months, plus
# Bravo's 500 USD a month at 0.80 from April to December (9 × 400.00 = 3,600.00).
BY_OWNER = [
    ("Alan Account", "€6,450.00", "€2,800.00", "€4,376.67", "€13,626.67"),
    ("Bea Broker", "€0.00", "€110.00", "€550.00", "€660.00"),
]
BY_ACCOUNT = [
    ("Alpha", "€2,000.00", "€2,000.00", "€3,000.00", "€7,000.00"),
    ("Bravo", "€4,450.00", "€800.00", "€1,376.67", "€6,626.67"),
    ("Charlie", "€0.00", "€110.00", "€550.00", "€660.00"),
]


def test_a_breakdown_opened_by_htmx_is_its_fragment(book, admin_user):
    client = client_for(admin_user)
    response = client.get("/sales/forecast/?breakdown=owner", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-testid="forecast-table"' not in html
    assert table_rows(html, "by-owner") == BY_OWNER
    assert f'href="?owner={book.bea.pk}&amp;view=expected"' in html
    html = client.get("/sales/forecast/?breakdown=account&view=commit", headers={"HX-Request": "true"}).content.decode()
    # The last column follows the view: commit = contracted + milestones + commit deals.
    assert [row[0::4] for row in table_rows(html, "by-account")] == [
        ("Alpha", "€4,000.00"), ("Bravo", "€7,050.00"), ("Charlie", "€110.00"),
    ]


def test_a_breakdown_opened_without_javascript_is_the_page_with_it_open(book, admin_user):
    html = client_for(admin_user).get("/sales/forecast/?breakdown=account").content.decode()
    assert 'data-testid="forecast-table"' in html
    assert '<details class="forecast-breakdown border-top" id="breakdown-account" open>' in html
    assert table_rows(html, "by-account") == BY_ACCOUNT
    assert 'data-testid="by-owner"' not in html
    # The view tabs keep the open breakdown.
    assert '<a class="nav-link" href="?view=best&amp;breakdown=account">Best case</a>' in html


def test_breakdowns_follow_the_filters(book, admin_user):
    html = client_for(admin_user).get(
        f"/sales/forecast/?breakdown=account&owner={book.alan.pk}", headers={"HX-Request": "true"}
    ).content.decode()
    assert [row[0] for row in table_rows(html, "by-account")] == ["Alpha", "Bravo"]
    html = client_for(admin_user).get(
        f"/sales/forecast/?breakdown=owner&account={book.charlie.pk}", headers={"HX-Request": "true"}
    ).content.decode()
    assert table_rows(html, "by-owner") == [BY_OWNER[1]]


def test_the_account_breakdown_lists_the_largest_accounts(book, admin_user, monkeypatch):
    monkeypatch.setattr("tandem.commercial.views.forecast.BREAKDOWN_ROWS", 2)
    html = client_for(admin_user).get("/sales/forecast/?breakdown=account", headers={"HX-Request": "true"}).content.decode()
    assert table_rows(html, "by-account") == BY_ACCOUNT[:2]
    assert "The 2 largest; 1 more account with a forecast" in html


def test_account_picker_searches_the_accounts_and_shows_the_chosen_one(book, admin_user):
    client = client_for(admin_user)
    html = client.get("/sales/forecast/").content.decode()
    assert '<label class="form-label" for="id_account">Account</label>' in html
    assert ('<select aria-describedby="id_account_helptext" class="form-select" data-account-search="/api/v1/accounts" '
            'id="id_account" name="account"><option value="" selected>All accounts</option></select>') in html
    assert "vendor/tom-select/js/tom-select.complete.min.js" in html
    html = client.get(f"/sales/forecast/?account={book.charlie.pk}").content.decode()
    assert (f'<option value="">All accounts</option><option value="{book.charlie.pk}" selected>Charlie</option>') in html
    assert "Revenue forecast for Charlie" in html
    assert [s["data"][:3] for s in chart_data(html)["series"]] == [[0.0, 0.0, 0.0], [0.0, 110.0, 0.0], [0.0, 0.0, 550.0]]
    # What the picker asks the accounts API for answers the names it shows.
    response = client.get("/api/v1/accounts?search=char&limit=20&sort=name")
    assert [(item["id"], item["name"]) for item in json.loads(response.content)["items"]] == [(book.charlie.pk, "Charlie")]


def test_an_account_the_user_may_not_see_is_not_applied(book):
    html = client_for(book.bea).get(f"/sales/forecast/?account={book.alpha.pk}").content.decode()
    assert "Revenue forecast for" not in html and "Alpha" not in html
    assert [s["data"][:3] for s in chart_data(html)["series"]] == [[0.0, 0.0, 0.0], [0.0, 110.0, 0.0], [0.0, 0.0, 550.0]]


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
    pages = ("/sales/forecast/", f"/sales/forecast/?account={book.bravo.pk}&owner={book.alan.pk}&view=best")
    for page in pages:
        client.get(page)

    def count() -> list[int]:
        counts = []
        for page, queries in zip(pages, (9, 11), strict=True):
            # session, user, roles, the owners filter, [the account], the calendar, the
            # contracts, milestones and deals (the whole organisation's: the contracted
            # sums and the month sums; a filtered forecast's: three grouped sums of the
            # records), the rates, the notifications
            with django_assert_num_queries(queries) as captured:
                assert client.get(page).status_code == 200
            counts.append(len(captured))
        return counts

    assert count() == [9, 11]
    grow_book(book, 30)
    assert count() == [9, 11]


def test_breakdown_query_count_is_fixed(book, admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    pages = ("/sales/forecast/?breakdown=owner", "/sales/forecast/?breakdown=account")
    for page in pages:
        client.get(page, headers={"HX-Request": "true"})

    def count() -> None:
        for page in pages:
            # session, user, roles, the owners filter, the calendar, the three grouped
            # sums, the rates, the groups' names
            with django_assert_num_queries(10):
                assert client.get(page, headers={"HX-Request": "true"}).status_code == 200

    count()
    grow_book(book, 30)
    count()
    # The page with a breakdown open: the page's nine and the breakdown's five (the base
    # currency is read once per request).
    with django_assert_num_queries(14):
        assert client.get(pages[1]).status_code == 200


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
    # session, user, roles, owners, the base currency, the count with the total (one
    # query: the rates are checked only when an amount found none), rows, saved views, badge
    with django_assert_num_queries(9):
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


def test_forecast_rows_match_the_template_they_replace():
    """forecast_rows writes what the month table's template loop wrote: the month, each
    figure as money, the contracted figure linked to the contracts and the weighted
    pipeline to the month's deals when there are links, everything escaped."""
    from django.template import Context, Template

    from tandem.commercial.selectors.forecast import ForecastMonth
    from tandem.commercial.views.common import money, month_label
    from tandem.commercial.views.forecast import forecast_rows

    months = [
        ForecastMonth(dt.date(2031, 1, 1), D("1000.00"), D("250.50"), D("-12.25"), D("1300.00"), D("1400.00"), D("1238.25")),
        ForecastMonth(dt.date(2031, 2, 1), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00")),
    ]
    reference = Template(
        "{% for row in rows %}"
        '\n              <tr data-month="{{ row.iso }}">'
        '\n                <th scope="row">{{ row.label }}</th>'
        '\n                <td class="text-end text-nowrap">{% if contracts_url %}<a href="{{ contracts_url }}">{{ row.contracted }}</a>{% else %}{{ row.contracted }}{% endif %}</td>'
        '\n                <td class="text-end text-nowrap">{{ row.milestones }}</td>'
        '\n                <td class="text-end text-nowrap">{% if row.pipeline_url %}<a href="{{ row.pipeline_url }}">{{ row.weighted_pipeline }}</a>{% else %}{{ row.weighted_pipeline }}{% endif %}</td>'
        '\n                <td class="text-end text-nowrap">{{ row.commit }}</td>'
        '\n                <td class="text-end text-nowrap">{{ row.best_case }}</td>'
        '\n                <td class="text-end text-nowrap">{{ row.worst_case }}</td>'
        '\n                <td class="text-end text-nowrap fw-bold">{{ row.total }}</td>'
        "\n              </tr>{% endfor %}"
    )
    for currency, contracts_url, link in (
        ("EUR", "/sales/contracts/?status=active&owner=3", lambda month: f"/sales/opportunities/?close_from={month.isoformat()}&x=<'\">"),
        ("CHF", "", lambda month: ""),
        ("<b>", "", lambda month: "" if month.month == 1 else "/x?a=1&b=2"),
    ):
        rows = [
            {
                "label": month_label(m.month), "iso": f"{m.month:%Y-%m}",
                "contracted": money(m.contracted, currency), "milestones": money(m.milestones, currency),
                "weighted_pipeline": money(m.weighted_pipeline, currency), "commit": money(m.commit, currency),
                "best_case": money(m.best_case, currency), "worst_case": money(m.worst_case, currency),
                "total": money(m.total, currency), "pipeline_url": link(m.month),
            }
            for m in months
        ]
        expected = reference.render(Context({"rows": rows, "contracts_url": contracts_url}))
        assert str(forecast_rows(months, currency, contracts_url=contracts_url, pipeline_link=link)) == expected
