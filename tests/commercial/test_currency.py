"""Conversion to the base currency: the latest rate on or before the amount's date, the
last rate known for a later date, a missing rate is an error naming currency and date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.commercial.currency import MissingRateError, RateTable, rate_on, to_base
from tests.commercial.factories import make_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def usd_rates():
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.9000")
    make_rate(currency="USD", date=dt.date(2031, 2, 1), rate="0.9200")
    make_rate(currency="USD", date=dt.date(2031, 3, 1), rate="0.9100")


def test_the_base_currency_converts_at_1_without_a_rate():
    assert to_base(Decimal("123.45"), "EUR", dt.date(2031, 1, 1)) == Decimal("123.45")


@pytest.mark.parametrize(
    ("day", "expected_rate", "expected_amount"),
    [
        (dt.date(2031, 1, 1), "0.9000", "900.00"),  # the rate's own day
        (dt.date(2031, 1, 31), "0.9000", "900.00"),  # latest on or before
        (dt.date(2031, 2, 15), "0.9200", "920.00"),
        (dt.date(2031, 3, 1), "0.9100", "910.00"),
        (dt.date(2035, 7, 1), "0.9100", "910.00"),  # a future date uses the latest rate known
    ],
)
def test_an_amount_converts_at_the_latest_rate_on_or_before_its_date(usd_rates, day, expected_rate, expected_amount):
    assert rate_on("USD", day) == Decimal(expected_rate)
    assert to_base(Decimal("1000.00"), "USD", day) == Decimal(expected_amount)
    assert RateTable(["USD"]).to_base(Decimal("1000.00"), "USD", day) == Decimal(expected_amount)


def test_conversion_rounds_half_up_to_the_cent(usd_rates):
    assert to_base(Decimal("0.05"), "USD", dt.date(2031, 1, 1)) == Decimal("0.05")  # 0.045 → 0.05
    assert to_base(Decimal("333.33"), "USD", dt.date(2031, 2, 1)) == Decimal("306.66")  # 306.6636


def test_a_date_before_the_first_rate_is_an_error_naming_currency_and_date(usd_rates):
    with pytest.raises(MissingRateError) as error:
        to_base(Decimal("10"), "USD", dt.date(2030, 12, 31))
    assert (error.value.currency, error.value.date) == ("USD", dt.date(2030, 12, 31))
    assert error.value.message.startswith("No exchange rate for USD on or before 2030-12-31")
    with pytest.raises(MissingRateError):
        RateTable(["USD"]).rate("USD", dt.date(2030, 12, 31))


def test_a_currency_without_any_rate_is_an_error_never_1():
    with pytest.raises(MissingRateError) as error:
        to_base(Decimal("10"), "GBP", dt.date(2031, 1, 1))
    assert "GBP on or before 2031-01-01" in error.value.message


def test_require_rates_names_the_earliest_date_without_a_rate_in_one_query(usd_rates, django_assert_num_queries):
    from tandem.commercial.currency import require_rates
    from tandem.commercial.models import RevenueEntry
    from tests.clients.factories import make_account
    from tests.commercial.factories import make_revenue

    make_rate(currency="GBP", date=dt.date(2031, 1, 1), rate="1.1500")
    account = make_account(name="Rates")
    for currency, month in (("USD", dt.date(2031, 3, 1)), ("GBP", dt.date(2031, 2, 1)), ("EUR", dt.date(2029, 1, 1))):
        make_revenue(account=account, month=month, amount=Decimal("10.00"), currency=currency)
    entries = RevenueEntry.objects.filter(account=account)
    with django_assert_num_queries(1):  # two foreign currencies, both with rates: one query
        require_rates(entries, currency_field="currency", date_field="month", base="EUR")
    make_revenue(account=account, month=dt.date(2030, 12, 1), amount=Decimal("1.00"), currency="USD")
    make_revenue(account=account, month=dt.date(2030, 11, 1), amount=Decimal("1.00"), currency="USD")
    with django_assert_num_queries(1), pytest.raises(MissingRateError) as error:
        require_rates(entries, currency_field="currency", date_field="month", base="EUR")
    assert (error.value.currency, error.value.date) == ("USD", dt.date(2030, 11, 1))


def test_a_sum_checked_in_its_own_query_names_a_missing_rate(usd_rates, django_assert_num_queries):
    from django.db.models import Sum

    from tandem.commercial.currency import base_amount, checked_aggregate
    from tandem.commercial.models import RevenueEntry
    from tests.clients.factories import make_account
    from tests.commercial.factories import make_revenue

    account = make_account(name="Checked")
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=Decimal("100.00"), currency="USD")
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=Decimal("5.00"), currency="EUR")
    entries = RevenueEntry.objects.filter(account=account)
    converted = base_amount("amount", "currency", "month", base="EUR")

    def total() -> dict:
        return checked_aggregate(entries, converted=converted, currency_field="currency", date_field="month",
                                 base="EUR", total=Sum(converted))

    with django_assert_num_queries(1):
        assert Decimal(total()["total"]).quantize(Decimal("0.01")) == Decimal("97.00")  # 100 × 0.92 + 5
    make_revenue(account=account, month=dt.date(2030, 6, 1), amount=Decimal("1.00"), currency="USD")
    with django_assert_num_queries(2), pytest.raises(MissingRateError) as error:  # the sum, then the check
        total()
    assert (error.value.currency, error.value.date) == ("USD", dt.date(2030, 6, 1))


def test_base_sums_group_by_rate_in_force_and_name_a_missing_rate(usd_rates, django_assert_num_queries):
    """revenue_total through base_sums: one grouped query (each group's sum times the rate
    in force on its month, added in Decimal); a missing rate is named after a second query."""
    from tandem.commercial.models import RevenueEntry
    from tandem.commercial.selectors.revenue import revenue_total
    from tests.clients.factories import make_account
    from tests.commercial.factories import make_revenue

    account = make_account(name="Grouped")
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=Decimal("100.00"), currency="USD")
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=Decimal("0.01"), currency="USD")
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=Decimal("5.00"), currency="EUR")
    entries = RevenueEntry.objects.filter(account=account)
    with django_assert_num_queries(1):
        assert revenue_total(entries, base="EUR") == Decimal("97.01")  # 100.01 × 0.92 = 92.0092, + 5
    make_revenue(account=account, month=dt.date(2030, 6, 1), amount=Decimal("1.00"), currency="USD")
    with django_assert_num_queries(2), pytest.raises(MissingRateError) as error:  # the sums, then the check
        revenue_total(entries, base="EUR")
    assert (error.value.currency, error.value.date) == ("USD", dt.date(2030, 6, 1))


def test_capped_sums_count_first_and_sum_only_within_the_cap(usd_rates, django_assert_num_queries):
    """A list page's count and totals in one query: within the cap the same total as
    without it; beyond it the count stops at cap + 1, nothing is summed and a missing rate
    (of rows that would not be shown) is not an error."""
    from tandem.commercial.models import RevenueEntry
    from tandem.commercial.selectors.revenue import revenue_count_and_total
    from tests.clients.factories import make_account
    from tests.commercial.factories import make_revenue

    account = make_account(name="Capped")
    for amount in ("100.00", "0.01"):
        make_revenue(account=account, month=dt.date(2031, 2, 1), amount=Decimal(amount), currency="USD")
    make_revenue(account=account, month=dt.date(2031, 2, 1), amount=Decimal("5.00"), currency="EUR")
    entries = RevenueEntry.objects.filter(account=account)
    with django_assert_num_queries(1):
        assert revenue_count_and_total(entries, base="EUR", cap=3) == (3, Decimal("97.01"))
    with django_assert_num_queries(1):
        assert revenue_count_and_total(entries, base="EUR", cap=2) == (3, Decimal("0.00"))  # 2 + 1 counted
    make_revenue(account=account, month=dt.date(2030, 6, 1), amount=Decimal("1.00"), currency="USD")  # no rate yet
    with django_assert_num_queries(1):
        assert revenue_count_and_total(entries, base="EUR", cap=2) == (3, Decimal("0.00"))
    with pytest.raises(MissingRateError):
        revenue_count_and_total(entries, base="EUR", cap=4)
