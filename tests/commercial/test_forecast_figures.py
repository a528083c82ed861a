"""The forecast, MRR and budget status against figures worked out by hand
(tests/commercial/forecast_fixtures.py and docs/forecast.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.commercial.currency import MissingRateError
from tandem.commercial.selectors.forecast import forecast, forecast_breakdown
from tandem.commercial.selectors.revenue import budget_status, mrr_by_month
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import (
    make_budget,
    make_contract,
    make_milestone,
    make_opportunity,
    make_rate,
    make_revenue,
)
from tests.commercial.forecast_fixtures import (
    EXPECTED,
    EXPECTED_BEA,
    START,
    as_rows,
    build_book,
    grow_book,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def book(admin_user):
    return build_book()


def test_forecast_of_everything_matches_the_hand_computed_months(book, admin_user):
    assert as_rows(forecast(user=admin_user, months=3, start=START)) == EXPECTED


def test_worst_case_is_contracted_plus_milestones(book, admin_user):
    months = forecast(user=admin_user, months=3, start=START)
    assert [m.worst_case for m in months] == [D("3000.00"), D("1560.00"), D("1200.00")]


def test_owner_filter_keeps_one_account_managers_contracts_and_deals(book, admin_user):
    assert as_rows(forecast(user=admin_user, months=3, start=START, owner=book.bea)) == EXPECTED_BEA
    assert as_rows(forecast(user=admin_user, months=3, start=START, owner=book.bea.pk)) == EXPECTED_BEA


def test_account_filter(book, admin_user):
    rows = as_rows(forecast(user=admin_user, months=3, start=START, account=book.bravo))
    assert rows == [
        ("2031-01", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"),
        ("2031-02", "450.00", "0.00", "1350.00", "2250.00", "2250.00", "1800.00"),
        ("2031-03", "400.00", "800.00", "26.67", "1200.00", "1200.00", "1226.67"),
    ]


def test_an_account_manager_sees_only_their_book(book):
    assert as_rows(forecast(user=book.bea, months=3, start=START)) == EXPECTED_BEA


def test_a_member_sees_an_empty_forecast(book, member):
    assert all(row[1:] == ("0.00",) * 6 for row in as_rows(forecast(user=member, months=3, start=START)))


def test_breakdown_by_account_manager_and_by_account_adds_up(book, admin_user):
    by_owner = forecast_breakdown(user=admin_user, by="owner", months=3, start=START)
    assert [(g.name, f"{g.sum('total'):.2f}", f"{g.sum('commit'):.2f}") for g in by_owner] == [
        ("Alan Account", "10026.67", "7450.00"), ("Bea Broker", "660.00", "110.00"),
    ]
    by_account = forecast_breakdown(user=admin_user, by="account", months=3, start=START)
    assert [(g.name, f"{g.sum('total'):.2f}") for g in by_account] == [
        ("Alpha", "7000.00"), ("Bravo", "3026.67"), ("Charlie", "660.00"),
    ]


def test_forecast_costs_a_fixed_number_of_queries(book, admin_user, django_assert_num_queries):
    forecast(user=admin_user, months=3, start=START)  # the first read creates the calendar row
    # The whole organisation's: the base currency, the contracted sums, the month sums of
    # milestones and deals, the rates. One account manager's: the base currency, their
    # contracts, milestones and deals, the rates. Whatever the months or the records.
    with django_assert_num_queries(4):
        forecast(user=admin_user, months=12, start=START)
    with django_assert_num_queries(5):
        forecast(user=admin_user, months=12, start=START, owner=book.alan)
    grow_book(book, 30)
    with django_assert_num_queries(4):
        forecast(user=admin_user, months=12, start=START)
    with django_assert_num_queries(5):
        forecast(user=admin_user, months=12, start=START, owner=book.alan)
    with django_assert_num_queries(6):  # and the names of the groups
        forecast_breakdown(user=admin_user, by="account", months=12, start=START)


def test_forecast_looks_rates_up_per_day_not_per_row_and_reads_each_window_from_an_index(book, admin_user):
    forecast(user=admin_user, months=3, start=START)  # the first read creates the calendar row
    with CaptureQueriesContext(connection) as captured:  # one account manager's: from the records
        forecast(user=admin_user, months=12, start=START, owner=book.alan)
    contracts, milestones, deals, rates = [query["sql"] for query in captured.captured_queries][-4:]
    assert "commercial_exchangerate" not in contracts
    assert rates.startswith('SELECT "commercial_exchangerate"."currency"')
    # Milestones and deals: summed per day and currency first (the inner query, no rate
    # look-up), then per month and rate date, one rate look-up per day and currency.
    for sql, table in ((milestones, "commercial_billingmilestone"), (deals, "commercial_opportunity")):
        inner = sql[sql.index(" FROM (SELECT ") : sql.rindex(") days GROUP BY")]
        assert table in inner
        assert "commercial_exchangerate" not in inner
        assert sql.count("commercial_exchangerate") == 1
    if connection.vendor != "sqlite":
        return  # PostgreSQL chooses by its statistics: a handful of rows is read from the table
    plans = []
    for sql in (contracts, milestones, deals):  # the captured SQL has its values inlined
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans.append([row[3] for row in cursor.fetchall()])
    contract_plan, milestone_plan, deal_plan = plans
    assert contract_plan[0] == (
        "SEARCH commercial_contract USING COVERING INDEX contract_active_forecast_idx (status=? AND start_date<?)"
    )
    assert milestone_plan[1:3] == [
        "SEARCH commercial_billingmilestone USING COVERING INDEX billing_milestone_unbilled_idx "
        "(billed_on=? AND due_date>? AND due_date<?)",
        "SEARCH commercial_contract USING INTEGER PRIMARY KEY (rowid=?)",
    ]
    # The deals are summed per day in the index's order, without a sort, before the
    # few day rows are grouped again (the rate look-ups run on those).
    assert deal_plan[:3] == [
        "CO-ROUTINE days",
        "SEARCH commercial_opportunity USING COVERING INDEX opportunity_open_forecast_idx "
        "(status=? AND expected_close_date>? AND expected_close_date<?)",
        "SCAN days",
    ]


def test_a_rate_that_changes_within_a_month_converts_each_row_at_its_own_date(book, admin_user):
    # USD 0.90 from 1 January, 0.85 from 15 February (new), 0.80 from 1 March. Bravo's
    # deals of February: O2 2,000 at 75 % (commit) on the 20th; two more on the 14th and
    # the 15th; a milestone on the 14th and one on the 28th.
    make_rate(currency="USD", date=dt.date(2031, 2, 15), rate="0.85")
    make_opportunity(account=book.bravo, amount=D("1000.00"), currency="USD", probability=20,
                     forecast_category="pipeline", expected_close_date=dt.date(2031, 2, 14))
    make_opportunity(account=book.bravo, amount=D("1000.00"), currency="USD", probability=20,
                     forecast_category="pipeline", expected_close_date=dt.date(2031, 2, 15))
    contract = book.records["c2"]
    make_milestone(contract=contract, due_date=dt.date(2031, 2, 14), amount=D("100.00"))
    make_milestone(contract=contract, due_date=dt.date(2031, 2, 28), amount=D("100.00"))
    february = as_rows(forecast(user=admin_user, months=3, start=START, account=book.bravo))[1]
    # The whole organisation's February adds Alpha's contract (1,000.00) and Charlie's
    # milestone (110.00): the month's sums are not enough when a rate changes within it,
    # so the records are read and each row still converts at its own date's rate
    # (at February's first rate, the weighted pipeline would be 1,710.00).
    whole = as_rows(forecast(user=admin_user, months=3, start=START))[1]
    assert whole == ("2031-02", "1450.00", "285.00", "1625.00", "3435.00", "3435.00", "3360.00")
    # contracted: 500 × 0.90 (the month's first day) = 450.00
    # milestones: 100 × 0.90 + 100 × 0.85 = 175.00
    # weighted: 1,500 × 0.85 (O2, the 20th) + 200 × 0.90 + 200 × 0.85 = 1,275 + 180 + 170 = 1,625.00
    # commit: 450 + 175 + 2,000 × 0.85 = 2,325.00; total: 450 + 175 + 1,625 = 2,250.00
    assert february == ("2031-02", "450.00", "175.00", "1625.00", "2325.00", "2325.00", "2250.00")


def test_a_missing_rate_names_the_currency_and_the_date(book, admin_user):
    make_opportunity(account=book.alpha, amount=D("100.00"), currency="JPY", probability=20,
                     forecast_category="pipeline", expected_close_date=dt.date(2031, 2, 3))
    with pytest.raises(MissingRateError) as error:
        forecast(user=admin_user, months=3, start=START)
    assert (error.value.currency, error.value.date) == ("JPY", dt.date(2031, 2, 3))
    assert "JPY" in error.value.message and "2031-02-03" in error.value.message


def test_mrr_by_month_converts_each_month_at_its_rate(admin_user):
    am = make_user(role=Role.ACCOUNT_MANAGER, email="mrr@example.test")
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.90")
    make_rate(currency="USD", date=dt.date(2031, 3, 1), rate="0.80")
    usd = make_account(owner=am, name="Bravo", currency="USD")
    eur = make_account(owner=am, name="Alpha", currency="EUR")
    contract = make_contract(account=usd, status="active", monthly_amount=D("500.00"), currency="USD")
    for month in (dt.date(2031, 2, 1), dt.date(2031, 3, 1)):
        make_revenue(account=usd, contract=contract, kind="recurring", month=month, amount=D("500.00"), currency="USD")
    make_revenue(account=eur, kind="recurring", month=dt.date(2031, 3, 1), amount=D("1200.00"), currency="EUR")
    make_revenue(account=eur, kind="one_off", month=dt.date(2031, 3, 1), amount=D("9999.00"), currency="EUR")
    series = mrr_by_month(admin_user, months=3, end=dt.date(2031, 3, 17))
    assert series.months == [dt.date(2031, 1, 1), dt.date(2031, 2, 1), dt.date(2031, 3, 1)]
    assert [(a.account_name, a.amounts) for a in series.accounts] == [
        ("Alpha", [D("0.00"), D("0.00"), D("1200.00")]),
        ("Bravo", [D("0.00"), D("450.00"), D("400.00")]),
    ]
    assert series.totals == [D("0.00"), D("450.00"), D("1600.00")]
    only = mrr_by_month(admin_user, account=usd, months=3, end=dt.date(2031, 3, 1))
    assert only.totals == [D("0.00"), D("450.00"), D("400.00")]


def test_budget_status_planned_committed_won_billed_in_base_currency(admin_user):
    am = make_user(role=Role.ACCOUNT_MANAGER, email="budget@example.test")
    make_rate(currency="USD", date=dt.date(2030, 12, 1), rate="0.90")
    make_rate(currency="USD", date=dt.date(2031, 6, 1), rate="0.80")
    make_rate(currency="GBP", date=dt.date(2031, 1, 1), rate="1.10")
    account = make_account(owner=am, name="Bravo", currency="USD")
    make_budget(account=account, year=2031, amount=D("100000.00"), currency="USD")  # at 2031-01-01: 90,000
    # committed: active 20,000 USD starting 2031-03-01 (0.90 → 18,000) + negotiation 10,000 USD from
    # 2031-07-01 (0.80 → 8,000); a draft one and one starting in 2030 are out.
    make_contract(account=account, status="active", value=D("20000.00"), currency="USD", start_date=dt.date(2031, 3, 1))
    make_contract(account=account, status="negotiation", value=D("10000.00"), currency="USD",
                  start_date=dt.date(2031, 7, 1))
    make_contract(account=account, status="draft", value=D("5000.00"), currency="USD", start_date=dt.date(2031, 3, 1))
    make_contract(account=account, status="active", value=D("7000.00"), currency="USD", start_date=dt.date(2030, 3, 1),
                  end_date=dt.date(2031, 12, 31))
    # won: 5,000 GBP closed 2031-02-01 (1.10 → 5,500) + 1,000 USD closed 2031-06-15 (0.80 → 800)
    make_opportunity(account=account, stage_name="Closed won", amount=D("5000.00"), currency="GBP",
                     expected_close_date=dt.date(2031, 2, 1))
    make_opportunity(account=account, stage_name="Closed won", amount=D("1000.00"), currency="USD",
                     expected_close_date=dt.date(2031, 6, 15))
    make_opportunity(account=account, amount=D("3000.00"), currency="USD", expected_close_date=dt.date(2031, 6, 15))
    # billed: 1,000 USD in January (900) + 500 USD in June (400) + 200 GBP in May (220); 2030 is out.
    make_revenue(account=account, month=dt.date(2031, 1, 1), amount=D("1000.00"), currency="USD")
    make_revenue(account=account, month=dt.date(2031, 6, 1), amount=D("500.00"), currency="USD")
    make_revenue(account=account, month=dt.date(2031, 5, 1), amount=D("200.00"), currency="GBP")
    make_revenue(account=account, month=dt.date(2030, 12, 1), amount=D("800.00"), currency="USD")
    status = budget_status(user=admin_user, account=account, year=2031)
    assert (status.base_currency, status.planned, status.committed, status.won, status.billed) == (
        "EUR", D("90000.00"), D("26000.00"), D("6300.00"), D("1520.00"),
    )
    assert status.billed_percent == D("2")
    empty = budget_status(user=admin_user, account=account, year=2032)
    assert (empty.planned, empty.committed, empty.won, empty.billed) == (None, D("0.00"), D("0.00"), D("0.00"))
