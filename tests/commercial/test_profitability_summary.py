"""The revenue-and-pipeline summary of an account (the account page section)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.commercial.selectors.accounts import account_commercial_summary
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import (
    make_budget,
    make_contract,
    make_expense,
    make_opportunity,
    make_rate,
    make_revenue,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = dt.date(2031, 6, 15)


@pytest.fixture
def acme(users_by_role):
    """Acme (EUR) of the account manager. USD at 0.90 from 1 Jan 2031, 0.80 from 1 Jun.

    Open: 10,000 EUR at Qualification (10 %) and 5,000 USD closing 30 Jun at Proposal
    (50 %) = 4,000 EUR → amount 14,000.00, weighted 1,000 + 2,000 = 3,000.00. One won
    deal (not open). Active contracts: 1,000 EUR/month (2031) and 200 USD/month
    (2031, = 160.00 at today's 0.80) → MRR 1,160.00; an active contract that ended in
    2030 counts as active but adds no MRR; a draft contract counts for neither.
    Revenue 2031: 3,000 EUR + 1,000 USD in Feb (= 900.00) = 3,900.00 of a 10,000.00
    budget = 39.0 %; 2030 revenue does not count. Expenses 2031: 900.00 → margin
    3,000.00, 76.9 %.
    """
    am = users_by_role[Role.ACCOUNT_MANAGER]
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.90")
    make_rate(currency="USD", date=dt.date(2031, 6, 1), rate="0.80")
    account = make_account(owner=am, name="Acme", currency="EUR")
    make_opportunity(account=account, amount=D("10000.00"))
    make_opportunity(account=account, stage_name="Proposal", amount=D("5000.00"), currency="USD",
                     expected_close_date=dt.date(2031, 6, 30))
    make_opportunity(account=account, stage_name="Closed won", amount=D("99999.00"))
    make_contract(account=account, status="active", monthly_amount=D("1000.00"))
    make_contract(account=account, status="active", monthly_amount=D("200.00"), currency="USD")
    make_contract(account=account, status="active", monthly_amount=D("700.00"),
                  start_date=dt.date(2030, 1, 1), end_date=dt.date(2030, 12, 31))
    make_contract(account=account, status="draft", monthly_amount=D("5000.00"))
    make_revenue(account=account, month=dt.date(2031, 1, 1), amount=D("3000.00"))
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=D("1000.00"), currency="USD")
    make_revenue(account=account, month=dt.date(2030, 12, 1), amount=D("5555.00"))
    make_budget(account=account, year=2031, amount=D("10000.00"))
    make_expense(account=account, date=dt.date(2031, 3, 3), amount=D("900.00"))
    return account


def test_the_owner_sees_every_figure_with_the_margin(acme, users_by_role):
    summary = account_commercial_summary(user=users_by_role[Role.ACCOUNT_MANAGER], account=acme, today=TODAY)
    assert (summary.base_currency, summary.year) == ("EUR", 2031)
    assert (summary.open_opportunities, summary.open_amount_base, summary.open_weighted_base) == (2, D("14000.00"), D("3000.00"))
    assert (summary.active_contracts, summary.mrr_base) == (3, D("1160.00"))
    assert (summary.revenue_this_year_base, summary.budget_base, summary.budget_used_percent) == (
        D("3900.00"), D("10000.00"), D("39.0"),
    )
    assert (summary.costs_visible, summary.margin_base, summary.margin_percent) == (True, D("3000.00"), D("76.9"))


def test_a_team_mate_sees_the_pipeline_but_no_margin(acme, users_by_role):
    mate = make_user(role=Role.ACCOUNT_MANAGER, team=users_by_role[Role.ACCOUNT_MANAGER].person.team)
    summary = account_commercial_summary(user=mate, account=acme, today=TODAY)
    assert (summary.open_amount_base, summary.revenue_this_year_base) == (D("14000.00"), D("3900.00"))
    assert (summary.costs_visible, summary.margin_base, summary.margin_percent) == (False, None, None)


def test_the_executive_sees_the_margin(acme, users_by_role):
    summary = account_commercial_summary(user=users_by_role[Role.EXECUTIVE], account=acme, today=TODAY)
    assert summary.margin_base == D("3000.00")


def test_without_a_budget_there_is_no_percentage(users_by_role):
    account = make_account(owner=users_by_role[Role.ACCOUNT_MANAGER])
    summary = account_commercial_summary(user=users_by_role[Role.ADMIN], account=account, today=TODAY)
    assert (summary.budget_base, summary.budget_used_percent, summary.margin_base, summary.margin_percent) == (
        None, None, D("0"), None,
    )
