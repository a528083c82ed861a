"""The price that applies to an account (account price → its price list → list price,
then the discount) and the hourly rate (account's card else the default; person beats
role), each with its rule, against values worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.commercial import services
from tandem.commercial.pricing import NoRateError, PriceBook, price_for, rate_for
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_price_list, make_product
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ON = dt.date(2031, 6, 1)


@pytest.fixture
def account():
    return make_account(name="Acme", currency="EUR")


@pytest.fixture
def product():
    return make_product(name="Advisory day", list_price=Decimal("1200.00"), currency="EUR")


def test_without_terms_the_list_price_applies(account, product):
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.unit_price, applied.currency, applied.discount_percent, applied.source) == (
        Decimal("1200.00"), "EUR", Decimal(0), "list_price",
    )
    assert applied.rule == "List price"
    assert applied.net_unit_price == Decimal("1200.00")


def test_the_price_list_beats_the_list_price_and_the_account_discount_applies(account, product):
    price_list = make_price_list(name="Public sector", currency="EUR", items={product: Decimal("1000.00")})
    services.account_pricing_update(actor=None, account=account, data={"price_list": price_list, "discount_percent": Decimal("5")})
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.unit_price, applied.list_price, applied.discount_percent, applied.source) == (
        Decimal("1000.00"), Decimal("1200.00"), Decimal("5"), "price_list",
    )
    assert applied.rule == "Price list “Public sector” of Acme, less Acme's account-wide 5% discount"
    assert applied.net_unit_price == Decimal("950.00")  # 1000 × 0.95


def test_a_product_missing_from_the_price_list_falls_back_to_its_list_price(account, product):
    other = make_product(name="Licence", list_price=Decimal("80.00"))
    price_list = make_price_list(name="Public sector", items={other: Decimal("70.00")})
    services.account_pricing_update(actor=None, account=account, data={"price_list": price_list})
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.unit_price, applied.source, applied.rule) == (Decimal("1200.00"), "list_price", "List price")


def test_a_price_list_outside_its_dates_or_inactive_does_not_apply(account, product):
    price_list = make_price_list(name="2030 prices", valid_until=dt.date(2030, 12, 31), items={product: Decimal("900.00")})
    services.account_pricing_update(actor=None, account=account, data={"price_list": price_list})
    assert price_for(account=account, product=product, on=ON).source == "list_price"
    assert price_for(account=account, product=product, on=dt.date(2030, 12, 31)).unit_price == Decimal("900.00")
    services.price_list_update(actor=None, price_list=price_list, data={"is_active": False, "valid_until": None})
    assert price_for(account=account, product=product, on=ON).source == "list_price"


def test_the_negotiated_price_beats_the_price_list_and_its_own_discount_beats_the_account_discount(account, product):
    price_list = make_price_list(name="Public sector", items={product: Decimal("1000.00")})
    services.account_pricing_update(actor=None, account=account, data={"price_list": price_list, "discount_percent": Decimal("5")})
    services.account_price_create(
        actor=None, account=account,
        data={"product": product, "unit_price": Decimal("980.00"), "discount_percent": Decimal("12.5"), "valid_until": dt.date(2031, 12, 31)},
    )
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.unit_price, applied.discount_percent, applied.source) == (Decimal("980.00"), Decimal("12.5"), "account_price")
    assert applied.rule == (
        "Negotiated price for Acme (until 31 Dec 2031), less the 12.5% discount negotiated for Advisory day"
    )
    assert applied.net_unit_price == Decimal("857.50")  # 980 × 0.875


def test_a_negotiated_discount_alone_applies_to_the_price_list_price(account, product):
    price_list = make_price_list(name="Public sector", items={product: Decimal("1000.00")})
    services.account_pricing_update(actor=None, account=account, data={"price_list": price_list, "discount_percent": Decimal("5")})
    services.account_price_create(actor=None, account=account, data={"product": product, "discount_percent": Decimal("10")})
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.unit_price, applied.discount_percent, applied.source) == (Decimal("1000.00"), Decimal("10"), "price_list")
    assert applied.rule == "Price list “Public sector” of Acme, less the 10% discount negotiated for Advisory day"
    assert applied.net_unit_price == Decimal("900.00")


def test_an_expired_negotiated_price_no_longer_applies(account, product):
    services.account_price_create(
        actor=None, account=account, data={"product": product, "unit_price": Decimal("999.00"), "valid_until": dt.date(2031, 5, 31)}
    )
    assert price_for(account=account, product=product, on=dt.date(2031, 5, 31)).unit_price == Decimal("999.00")
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.unit_price, applied.source) == (Decimal("1200.00"), "list_price")


def test_the_negotiated_price_keeps_its_own_currency(account, product):
    services.account_price_create(actor=None, account=account, data={"product": product, "unit_price": Decimal("1300.00"), "currency": "usd"})
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.unit_price, applied.currency, applied.list_price, applied.list_currency) == (
        Decimal("1300.00"), "USD", Decimal("1200.00"), "EUR",
    )


def test_the_price_book_reads_many_products_in_three_queries(account, product, django_assert_num_queries):
    products = [product, *(make_product(list_price=Decimal(100 + n)) for n in range(5))]
    price_list = make_price_list(name="Public sector", items={products[1]: Decimal("50.00")})
    services.account_pricing_update(actor=None, account=account, data={"price_list": price_list})
    services.account_price_create(actor=None, account=account, data={"product": products[2], "unit_price": Decimal("10.00")})
    with django_assert_num_queries(3):
        book = PriceBook(account, on=ON)
        prices = [book.price(item) for item in products]
    assert [price.source for price in prices] == ["list_price", "price_list", "account_price", "list_price", "list_price", "list_price"]
    assert [price.unit_price for price in prices][:3] == [Decimal("1200.00"), Decimal("50.00"), Decimal("10.00")]


# --- Rates ---------------------------------------------------------------------------------


@pytest.fixture
def consultant():
    return make_user(role=Role.MEMBER, email="dana@example.test", full_name="Dana Reyes")


def _card(name, *, is_default=False, currency="EUR"):
    return services.rate_card_create(actor=None, data={"name": name, "is_default": is_default, "currency": currency})


def test_the_default_card_applies_without_an_account_card_and_the_person_beats_the_role(account, consultant):
    card = _card("Standard", is_default=True)
    services.rate_card_line_create(actor=None, rate_card=card, data={"role_name": "Consultant", "hourly_rate": Decimal("120")})
    services.rate_card_line_create(actor=None, rate_card=card, data={"person": consultant, "hourly_rate": Decimal("135")})
    by_role = rate_for(account=account, role_name="consultant")
    assert (by_role.hourly_rate, by_role.currency, by_role.source) == (Decimal("120.00"), "EUR", "role")
    assert by_role.rule == "The Consultant rate on the default rate card “Standard”"
    by_person = rate_for(account=account, user=consultant, role_name="Consultant")
    assert (by_person.hourly_rate, by_person.source) == (Decimal("135.00"), "person")
    assert by_person.rule == "Dana Reyes's own rate on the default rate card “Standard”"


def test_the_account_card_beats_the_default_card(account):
    default = _card("Standard", is_default=True)
    services.rate_card_line_create(actor=None, rate_card=default, data={"role_name": "Consultant", "hourly_rate": Decimal("120")})
    own = _card("Acme framework", currency="GBP")
    services.rate_card_line_create(actor=None, rate_card=own, data={"role_name": "Consultant", "hourly_rate": Decimal("99.50")})
    services.account_pricing_update(actor=None, account=account, data={"rate_card": own})
    applied = rate_for(account=account, role_name="Consultant")
    assert (applied.hourly_rate, applied.currency, applied.rate_card) == (Decimal("99.50"), "GBP", "Acme framework")
    assert applied.rule == "The Consultant rate on Acme's rate card “Acme framework”"


def test_no_line_for_the_role_is_an_error_naming_the_card(account):
    _card("Standard", is_default=True)
    with pytest.raises(NoRateError) as error:
        rate_for(account=account, role_name="Architect")
    assert error.value.message == "The rate card “Standard” has no rate for the role “Architect”."


def test_no_card_at_all_is_an_error(account):
    with pytest.raises(NoRateError) as error:
        rate_for(account=account, role_name="Consultant")
    assert error.value.message == "Acme has no rate card and no default rate card is set."


def test_making_a_card_the_default_takes_the_mark_off_the_other(admin_user):
    first = _card("Standard", is_default=True)
    second = services.rate_card_create(actor=admin_user, data={"name": "2032", "is_default": True})
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_a_negotiated_price_without_a_discount_leaves_the_account_wide_discount(account, product):
    services.account_pricing_update(actor=None, account=account, data={"discount_percent": Decimal("5")})
    row = services.account_price_create(actor=None, account=account, data={"product": product, "unit_price": Decimal("980.00")})
    assert row.discount_percent is None
    applied = price_for(account=account, product=product, on=ON)
    assert (applied.discount_percent, applied.net_unit_price) == (Decimal("5.00"), Decimal("931.00"))
    assert applied.rule == "Negotiated price for Acme, less Acme's account-wide 5% discount"
