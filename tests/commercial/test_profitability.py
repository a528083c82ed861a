"""Profitability: revenue − cost per account and period, margin %, trend; figures
computed by hand (tests/commercial/profit_fixtures.py, docs/profitability.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.commercial.costs import COST_SOURCES, register_cost_source
from tandem.commercial.currency import MissingRateError
from tandem.commercial.selectors.profitability import (
    account_profitability,
    margin_percent,
    profitability_totals,
    profitability_trend,
)
from tandem.core.roles import Role
from tests.commercial.factories import make_expense
from tests.commercial.profit_fixtures import PERIOD, build_profit_world

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world(users_by_role):
    return build_profit_world(users_by_role)


def _table(rows):
    return [(r.account_name, r.revenue_base, r.cost_base, r.margin, r.margin_percent) for r in rows]


def test_executive_sees_every_account_with_cost_and_margin(world, users_by_role):
    rows = account_profitability(user=users_by_role[Role.EXECUTIVE], **PERIOD)
    assert _table(rows) == [
        ("Beta", D("2000.00"), D("500.00"), D("1500.00"), D("75.0")),
        ("Acme", D("1450.00"), D("290.00"), D("1160.00"), D("80.0")),
        ("Gamma", D("300.00"), D("400.00"), D("-100.00"), D("-33.3")),
    ]
    totals = profitability_totals(rows)
    assert (totals.revenue_base, totals.cost_base, totals.margin, totals.margin_percent) == (
        D("3750.00"), D("1190.00"), D("2560.00"), D("68.3"),
    )


def test_account_manager_sees_margins_of_own_accounts_only(world, users_by_role):
    rows = account_profitability(user=world["am"], **PERIOD)
    assert _table(rows) == [
        ("Beta", D("2000.00"), None, None, None),  # the team-mate's: revenue only
        ("Acme", D("1450.00"), D("290.00"), D("1160.00"), D("80.0")),
    ]
    totals = profitability_totals(rows)
    assert (totals.revenue_base, totals.cost_base, totals.margin) == (D("3450.00"), None, None)


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.MEMBER])
def test_members_and_project_managers_see_no_account_here(world, users_by_role, role):
    assert account_profitability(user=users_by_role[role], **PERIOD) == []


def test_one_account_and_the_period_bounds(world, users_by_role):
    rows = account_profitability(
        user=users_by_role[Role.ADMIN], start=dt.date(2031, 2, 1), end=dt.date(2031, 3, 31), account=world["acme"]
    )
    # Feb revenue 450.00; Feb expense 90.00 + 1 Mar expense 7,777.00.
    assert _table(rows) == [("Acme", D("450.00"), D("7867.00"), D("-7417.00"), D("-1648.2"))]


def test_margin_percent_rounds_half_up_and_is_none_without_revenue():
    assert margin_percent(D("3"), D("1")) == D("33.3")
    assert margin_percent(D("8"), D("1")) == D("12.5")
    assert margin_percent(D("0"), D("-5")) is None


def test_trend_by_month_for_one_account(world, users_by_role):
    trend = profitability_trend(user=world["am"], account=world["acme"], months=4, end=dt.date(2031, 3, 10))
    assert [(m.month, m.revenue_base, m.cost_base, m.margin, m.margin_percent) for m in trend] == [
        (dt.date(2030, 12, 1), D("9999.00"), D("0.00"), D("9999.00"), D("100.0")),
        (dt.date(2031, 1, 1), D("1000.00"), D("200.00"), D("800.00"), D("80.0")),
        (dt.date(2031, 2, 1), D("450.00"), D("90.00"), D("360.00"), D("80.0")),
        (dt.date(2031, 3, 1), D("0.00"), D("7777.00"), D("-7777.00"), None),
    ]


def test_trend_is_empty_for_those_who_may_not_see_the_costs(world, users_by_role):
    assert profitability_trend(user=world["am"], account=world["beta"], months=3, end=dt.date(2031, 3, 1)) == []
    assert profitability_trend(user=users_by_role[Role.MEMBER], months=3, end=dt.date(2031, 3, 1)) == []


def test_trend_of_all_accounts_an_account_manager_owns(world, users_by_role):
    trend = profitability_trend(user=world["am"], months=1, end=dt.date(2031, 1, 31))
    assert [(m.revenue_base, m.cost_base) for m in trend] == [(D("1000.00"), D("200.00"))]  # Acme only
    everyone = profitability_trend(user=users_by_role[Role.EXECUTIVE], months=1, end=dt.date(2031, 1, 31))
    assert [(m.revenue_base, m.cost_base) for m in everyone] == [(D("3300.00"), D("1100.00"))]


def test_a_missing_rate_is_an_error_naming_currency_and_date(world, users_by_role):
    make_expense(account=world["acme"], date=dt.date(2031, 1, 3), amount=D("10"), currency="GBP")
    with pytest.raises(MissingRateError) as error:
        account_profitability(user=users_by_role[Role.ADMIN], **PERIOD)
    assert "GBP on or before 2031-01-03" in error.value.message


def test_a_registered_cost_source_adds_to_the_cost(world, users_by_role):
    acme = world["acme"]

    @register_cost_source(key="test_time", label="Time")
    def time_cost(*, account_ids, start, end, base):
        return [(acme.pk, dt.date(2031, 1, 1), D("10.005"))]

    try:
        rows = account_profitability(user=users_by_role[Role.ADMIN], account=acme, **PERIOD)
    finally:
        COST_SOURCES.pop("test_time")
    assert _table(rows) == [("Acme", D("1450.00"), D("300.01"), D("1149.99"), D("79.3"))]


def test_profitability_reads_a_fixed_number_of_queries(world, users_by_role, django_assert_num_queries):
    # The calendar (base currency); per source (revenue, expenses, time) the grouped sums, which
    # also count the amounts that converted (the rates are read again only to name a
    # missing one); the account names; the rows and currencies do not add queries.
    with django_assert_num_queries(5):
        account_profitability(user=users_by_role[Role.EXECUTIVE], **PERIOD)
