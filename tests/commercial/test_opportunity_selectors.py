"""Pipeline selectors: scoping, filters and base-currency totals computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.commercial.currency import MissingRateError
from tandem.commercial.selectors.opportunities import (
    OpportunityFilters,
    board_columns,
    opportunity_list,
    pipeline_totals,
)
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity, make_rate
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test")


@pytest.fixture
def other_am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")


def test_totals_convert_each_amount_at_its_date_and_weight_by_probability(am):
    """EUR base. 10,000 EUR at 10 % + 2,000 USD at 50 % (rate 0.90 from 1 Jan 2031,
    0.80 from 1 Mar 2031; closing 15 Feb → 0.90) = 10,000 + 1,800 = 11,800 EUR;
    weighted 1,000 + 900 = 1,900 EUR."""
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.90")
    make_rate(currency="USD", date=dt.date(2031, 3, 1), rate="0.80")
    eur = make_account(owner=am, currency="EUR")
    usd = make_account(owner=am, currency="USD")
    make_opportunity(account=eur, amount=Decimal("10000.00"), currency="EUR", probability=10)
    make_opportunity(
        account=usd, amount=Decimal("2000.00"), currency="USD", probability=50, expected_close_date=dt.date(2031, 2, 15)
    )
    totals = pipeline_totals(opportunity_list(actor=am))
    assert (totals.count, totals.amount_base, totals.weighted_base, totals.currency) == (
        2, Decimal("11800.00"), Decimal("1900.00"), "EUR",
    )


def test_a_missing_rate_is_an_error_naming_the_currency_and_date(am):
    usd = make_account(owner=am, currency="USD")
    make_opportunity(account=usd, amount=Decimal("100"), currency="USD", expected_close_date=dt.date(2031, 2, 15))
    with pytest.raises(MissingRateError, match="USD on or before 2031-02-15"):
        pipeline_totals(opportunity_list(actor=am))


def test_an_account_manager_sees_only_their_accounts_and_the_filters_narrow(am, other_am):
    mine = make_account(owner=am)
    theirs = make_account(owner=other_am)
    first = make_opportunity(account=mine, name="Mine", expected_close_date=dt.date(2031, 4, 1))
    make_opportunity(account=mine, name="Won one", stage_name="Closed won")
    make_opportunity(account=theirs, name="Theirs")
    assert [row.name for row in opportunity_list(actor=am)] == ["Won one", "Mine"]
    narrowed = opportunity_list(
        actor=am, filters=OpportunityFilters(status="open", close_from=dt.date(2031, 4, 1), close_to=dt.date(2031, 6, 30))
    )
    assert list(narrowed) == [first]
    assert opportunity_list(actor=am, filters=OpportunityFilters(status="open"), for_count=True).count() == 1


def test_the_board_has_a_column_per_stage_with_counts_and_totals(am):
    account = make_account(owner=am)
    make_opportunity(account=account, amount=Decimal("1000.00"), probability=10)
    make_opportunity(account=account, amount=Decimal("3000.00"), probability=10)
    make_opportunity(account=account, stage_name="Closed won", amount=Decimal("500.00"))
    columns = {column.stage.name: column for column in board_columns(actor=am, filters=OpportunityFilters())}
    qualification = columns["Qualification"]
    assert (qualification.totals.count, qualification.totals.amount_base, qualification.totals.weighted_base) == (
        2, Decimal("4000.00"), Decimal("400.00"),
    )
    assert columns["Closed won"].totals.amount_base == Decimal("500.00")
    assert [column.stage.outcome for column in board_columns(actor=am, filters=OpportunityFilters())][-2:] == ["won", "lost"]
