"""The profitability page, the expense pages and the account page's commercial sections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tandem.commercial.models import Expense
from tandem.core.roles import Role
from tests.commercial.factories import make_expense
from tests.commercial.profit_fixtures import build_profit_world

pytestmark = pytest.mark.django_db
PERIOD = "start=2031-01-01&end=2031-02-28"


@pytest.fixture
def world(users_by_role):
    return build_profit_world(users_by_role)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_executive_sees_every_margin_and_totals(world, users_by_role):
    response = _client(users_by_role[Role.EXECUTIVE]).get(f"{reverse('commercial:profitability')}?{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="profitability-row"') == 3
    for figure in ("1,160.00 EUR", "80.0 %", "\u2212100.00 EUR", "\u221233.3 %", "3,750.00 EUR", "2,560.00 EUR"):
        assert figure in html, figure


def test_an_account_manager_sees_only_own_margins(world):
    html = _client(world["am"]).get(f"{reverse('commercial:profitability')}?{PERIOD}").content.decode()
    assert html.count('data-testid="profitability-row"') == 2  # Acme and the team-mate's Beta
    assert "1,160.00 EUR" in html and "Restricted to the account's owner" in html
    assert "1,500.00" not in html and "500.00 EUR" not in html  # Beta's margin and cost
    assert "Gamma" not in html


def test_the_trend_of_one_account(world):
    url = f"{reverse('commercial:profitability')}?account={world['acme'].pk}&start=2031-01-01&end=2031-03-31"
    html = _client(world["am"]).get(url).content.decode()
    assert 'data-testid="trend-table"' in html and "Month by month, Acme" in html
    assert "Mar 2031" in html and "\u22127,777.00 EUR" in html


def test_a_missing_rate_is_shown_not_guessed(world, users_by_role):
    make_expense(account=world["acme"], date=dt.date(2031, 1, 3), amount=Decimal("10"), currency="GBP")
    response = _client(users_by_role[Role.ADMIN]).get(f"{reverse('commercial:profitability')}?{PERIOD}")
    assert response.status_code == 422
    assert "No exchange rate for GBP on or before 2031-01-03" in response.content.decode()


def test_expense_list_export_and_query_count(world, users_by_role, django_assert_num_queries):
    client = _client(world["am"])
    html = client.get(reverse("commercial:expense_list")).content.decode()
    assert html.count('data-testid="list-row"') == 3  # Acme's three; Beta's is the team-mate's cost
    assert "Flights" in html and "100.00 USD" in html
    response = client.get(reverse("commercial:expense_list") + "?format=csv")
    csv = b"".join(response.streaming_content).decode()
    assert csv.count("\n") == 4 and "Beta" not in csv and "Flights" in csv
    # session, user, roles, notifications badge, capped count, rows, saved views: 7 at
    # any size (one more expense changes nothing).
    with django_assert_num_queries(7):
        client.get(reverse("commercial:expense_list"))
    make_expense(account=world["acme"], date=dt.date(2031, 1, 9), amount=Decimal("5"))
    with django_assert_num_queries(7):
        client.get(reverse("commercial:expense_list"))
    assert _client(users_by_role[Role.MEMBER]).get(reverse("commercial:expense_list")).content.decode().count('data-testid="list-row"') == 0


def test_record_change_and_remove_an_expense(world):
    client = _client(world["am"])
    acme = world["acme"]
    url = reverse("commercial:expense_create", kwargs={"account_id": acme.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2031-04-02", "description": "Hotel", "category": "Travel", "amount": "120.00", "currency": "EUR"})
    assert response.status_code == 302
    expense = Expense.objects.get(description="Hotel")
    edit = reverse("commercial:expense_edit", kwargs={"expense_id": expense.pk})
    response = client.post(edit, {"date": "2031-04-02", "description": "Hotel", "category": "Travel", "amount": "130.00", "currency": "EUR", "version": 1})
    assert response.status_code == 302
    stale = client.post(edit, {"date": "2031-04-02", "description": "Hotel", "amount": "1.00", "currency": "EUR", "version": 1})
    assert stale.status_code == 409
    expense.refresh_from_db()
    assert (expense.amount, expense.version) == (Decimal("130.00"), 2)
    assert client.post(edit, {"delete": "1", "version": 2}).status_code == 302
    assert not Expense.objects.filter(pk=expense.pk).exists()


def test_a_team_mate_may_not_record_on_anothers_account(world):
    client = _client(world["am"])
    url = reverse("commercial:expense_create", kwargs={"account_id": world["beta"].pk})
    before = Expense.objects.count()
    assert client.post(url, {"date": "2031-04-02", "description": "X", "amount": "1", "currency": "EUR"}).status_code == 403
    assert Expense.objects.count() == before


def test_the_account_page_shows_the_revenue_section_and_margin_only_to_the_owner(world, users_by_role):
    acme = world["acme"]
    url = reverse("commercial:account_sales", kwargs={"account_id": acme.pk})  # the account's Sales tab
    own = _client(world["am"]).get(url).content.decode()
    assert 'data-testid="revenue-pipeline"' in own and 'data-testid="account-margin"' in own
    projects_tab = reverse("delivery:account_projects", kwargs={"account_id": acme.pk})
    assert 'data-testid="cross-sell"' in _client(world["am"]).get(projects_tab).content.decode()
    from tests.factories import make_user

    mate = make_user(role=Role.ACCOUNT_MANAGER, team=world["am"].person.team)
    other = _client(mate).get(url).content.decode()
    assert 'data-testid="revenue-pipeline"' in other and 'data-testid="account-margin"' not in other
