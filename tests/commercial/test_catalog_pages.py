"""The catalog pages: product list (unit cost only for those who may see costs, pinned
query count), product create/edit, price lists with items, rate cards with lines, an
account's pricing page with the price that applies and its rule, exchange rates with
the CSV upload. Refusals change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.commercial import services
from tandem.commercial.models import (
    AccountPrice,
    ExchangeRate,
    PriceListItem,
    Product,
    RateCardLine,
)
from tandem.core.roles import Role
from tandem.people.selectors import calendar_get
from tests.authz import db_state, diff_tables
from tests.clients.factories import make_account
from tests.commercial.factories import make_price_list, make_product, make_rate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def product():
    return make_product(name="Advisory day", category="Consulting", list_price=Decimal("1200.00"), unit_cost=Decimal("700.00"))


def test_the_product_list_shows_the_unit_cost_only_to_those_who_may_see_costs(users_by_role, product):
    for role, shows in ((Role.ADMIN, True), (Role.ACCOUNT_MANAGER, True), (Role.MEMBER, False), (Role.PROJECT_MANAGER, False)):
        response = client_for(users_by_role[role]).get(reverse("commercial:product_list"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Advisory day" in body and "1,200.00 EUR" in body
        assert ("700.00" in body, "Unit cost" in body) == (shows, shows), role
        export = client_for(users_by_role[role]).get(reverse("commercial:product_list") + "?format=csv")
        csv_text = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
        assert ("Unit cost" in csv_text, "700.00" in csv_text) == (shows, shows), role


@pytest.mark.parametrize("size", [1, 30])
def test_the_product_list_query_count_is_fixed(member, django_assert_num_queries, size):
    for number in range(size):
        make_product(name=f"Product {number:03d}", category=f"C{number % 3}")
    calendar_get()
    client = client_for(member)
    client.get(reverse("commercial:product_list"))
    with django_assert_num_queries(6):  # session, user, roles, categories, count, rows
        response = client.get(reverse("commercial:product_list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="list-row"') == size


def test_an_admin_creates_and_edits_a_product_and_a_member_only_reads_it(admin_user, member, product):
    client = client_for(admin_user)
    response = client.post(reverse("commercial:product_create"), {
        "name": "Licence", "unit": "seat", "recurrence": "monthly", "pricing_strategy": "subscription",
        "list_price": "80", "unit_cost": "20", "currency": "usd", "is_active": "on",
    })
    assert response.status_code == 302
    licence = Product.objects.get(name="Licence")
    assert (licence.currency, licence.unit_cost, licence.list_price) == ("USD", Decimal("20.00"), Decimal("80.00"))
    response = client.post(reverse("commercial:product_edit", kwargs={"product_id": product.pk}), {
        "name": "Advisory day", "unit": "day", "recurrence": "one_off", "pricing_strategy": "fixed_fee",
        "list_price": "1250", "unit_cost": "700", "currency": "EUR", "is_active": "on", "version": product.version,
    })
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.list_price == Decimal("1250.00")
    reader = client_for(member)
    page = reader.get(reverse("commercial:product_edit", kwargs={"product_id": product.pk}))
    assert page.status_code == 200 and "Administrators change the catalog." in page.content.decode()
    assert "700.00" not in page.content.decode()
    before = db_state()
    assert reader.post(reverse("commercial:product_edit", kwargs={"product_id": product.pk}), {"name": "X", "version": 2}).status_code == 403
    assert reader.post(reverse("commercial:product_create"), {"name": "X"}).status_code == 403
    assert diff_tables(before, db_state()) == []


def test_price_list_items_are_added_changed_and_removed(admin_user, product):
    price_list = make_price_list(name="Public sector")
    client = client_for(admin_user)
    url = reverse("commercial:price_list_detail", kwargs={"price_list_id": price_list.pk})
    assert client.post(url, {"action": "add_item", "product": product.pk, "unit_price": "1000"}).status_code == 302
    item = PriceListItem.objects.get(price_list=price_list)
    assert item.unit_price == Decimal("1000.00")
    assert client.post(url, {"action": "save_items", f"price-{item.pk}": "990.50"}).status_code == 302
    item.refresh_from_db()
    assert item.unit_price == Decimal("990.50")
    page = client.get(url).content.decode()
    assert "Advisory day" in page and 'value="990.50"' in page
    assert client.post(url, {"action": "remove_item", "item": item.pk}).status_code == 302
    assert not PriceListItem.objects.exists()


def test_rate_card_lines_are_added_and_removed(admin_user, member):
    card = services.rate_card_create(actor=None, data={"name": "Standard", "is_default": True})
    client = client_for(admin_user)
    url = reverse("commercial:rate_card_detail", kwargs={"rate_card_id": card.pk})
    assert client.post(url, {"action": "add_line", "role_name": "Consultant", "hourly_rate": "120"}).status_code == 302
    assert client.post(url, {"action": "add_line", "person": member.pk, "hourly_rate": "135"}).status_code == 302
    assert sorted((line.role_name, str(line.hourly_rate)) for line in RateCardLine.objects.all()) == [("", "135.00"), ("Consultant", "120.00")]
    response = client.post(url, {"action": "add_line", "role_name": "consultant", "hourly_rate": "1"})
    assert response.status_code == 200 and "already has a rate" in response.content.decode()


def test_the_account_pricing_page_shows_the_price_that_applies_with_its_rule(account_manager, executive, product):
    account = make_account(owner=account_manager, name="Acme")
    price_list = make_price_list(name="Public sector", items={product: Decimal("1000.00")})
    client = client_for(account_manager)
    url = reverse("commercial:account_pricing", kwargs={"account_id": account.pk})
    response = client.post(url, {"action": "terms", "price_list": price_list.pk, "discount_percent": "5", "payment_terms_days": "30"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Price list “Public sector” of Acme, less Acme&#x27;s account-wide 5% discount" in body
    assert "950.00 EUR" in body
    response = client.post(url, {"action": "add_price", "product": product.pk, "unit_price": "980", "valid_until": "2099-12-31"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Negotiated price for Acme (until 31 Dec 2099), less Acme&#x27;s account-wide 5% discount" in body
    assert "931.00 EUR" in body
    # An executive reads the page, may not change the terms.
    reader = client_for(executive)
    assert reader.get(url).status_code == 200
    before = db_state()
    assert reader.post(url, {"action": "add_price", "product": product.pk, "unit_price": "1"}).status_code == 403
    assert diff_tables(before, db_state()) == []
    assert AccountPrice.objects.get().unit_price == Decimal("980.00")


def test_exchange_rates_page_adds_and_uploads_rates(admin_user, member):
    calendar_get()
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.9")
    client = client_for(admin_user)
    url = reverse("commercial:exchange_rates")
    body = client.get(url).content.decode()
    assert 'data-testid="base-currency">EUR<' in body and "0.9 EUR" in body
    assert client.post(url, {"action": "add", "date": "2031-02-01", "currency": "gbp", "rate": "1.17"}).status_code == 302
    upload = SimpleUploadedFile("rates.csv", b"date,currency,rate\n2031-03-01,USD,0.91\n2031-03-01,XX,1\n", content_type="text/csv")
    response = client.post(url, {"action": "upload", "file": upload})
    assert response.status_code == 400
    assert "row 3, column currency" in response.content.decode()
    assert ExchangeRate.objects.count() == 2
    upload = SimpleUploadedFile("rates.csv", b"date,currency,rate\n2031-03-01,USD,0.91\n", content_type="text/csv")
    assert client.post(url, {"action": "upload", "file": upload}).status_code == 302
    assert ExchangeRate.objects.count() == 3
    before = db_state()
    assert client_for(member).post(url, {"action": "add", "date": "2031-04-01", "currency": "USD", "rate": "1"}).status_code == 403
    assert diff_tables(before, db_state()) == []
    assert "Add a rate" not in client_for(member).get(url).content.decode()


def test_products_are_found_by_the_global_search_without_their_cost(member, product):
    from tandem.core import search

    hits = search.search(actor=member, query="advisory", types=[Product])
    assert [(hit.title, hit.subtitle) for hit in hits] == [("Advisory day", "Consulting · 1,200.00 EUR")]
    assert search.search(actor=member, query="700", types=[Product]) == []
