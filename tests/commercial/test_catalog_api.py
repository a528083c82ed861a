"""The catalog API: products (unit cost only for those who may see costs), price lists
with items, rate cards with lines, exchange rates, an account's terms, negotiated prices
and the price that applies; refusals change nothing; list query counts are pinned."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tandem.commercial import services
from tandem.commercial.models import AccountPricing, ExchangeRate, Product
from tandem.core.roles import Role
from tandem.people.selectors import calendar_get
from tests.authz import db_state, diff_tables
from tests.clients.factories import make_account
from tests.commercial.factories import make_price_list, make_product, make_rate
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def call(client: Client, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (json.loads(response.content) if response.content else None)


@pytest.fixture
def product():
    return make_product(name="Advisory day", code="ADV-D", list_price=Decimal("1200.00"), unit_cost=Decimal("700.00"))


def test_unit_cost_is_in_the_answer_only_for_those_who_may_see_costs(users_by_role, product):
    for role, shows in ((Role.ADMIN, True), (Role.EXECUTIVE, True), (Role.ACCOUNT_MANAGER, True),
                        (Role.PROJECT_MANAGER, False), (Role.MEMBER, False)):
        client = client_for(users_by_role[role])
        status, body = call(client, "get", f"{API}/products/{product.pk}")
        assert status == 200
        assert ("unit_cost" in body, body.get("unit_cost")) == (shows, "700.00" if shows else None), role
        status, page = call(client, "get", f"{API}/products")
        assert ("unit_cost" in page["items"][0]) is shows, role


def test_an_admin_creates_and_changes_a_product_and_a_member_may_not(admin_user, member, product):
    status, body = call(client_for(admin_user), "post", f"{API}/products", {
        "name": "Licence", "list_price": "80.50", "unit_cost": 20, "currency": "USD", "recurrence": "monthly", "unit": "seat",
    })
    assert status == 201
    assert (body["name"], body["list_price"], body["unit_cost"], body["currency"], body["recurrence"]) == (
        "Licence", "80.50", "20.00", "USD", "monthly",
    )
    before = db_state()
    status, body = call(client_for(member), "patch", f"{API}/products/{product.pk}", {"version": 1, "list_price": "1"})
    assert status == 403
    status, _ = call(client_for(member), "post", f"{API}/products", {"name": "X", "list_price": "1"})
    assert status == 403
    assert diff_tables(before, db_state()) == []
    status, body = call(client_for(admin_user), "patch", f"{API}/products/{product.pk}", {"version": 1, "list_price": "1250"})
    assert (status, body["list_price"], body["version"]) == (200, "1250.00", 2)
    status, body = call(client_for(admin_user), "patch", f"{API}/products/{product.pk}", {"version": 1, "list_price": "1"})
    assert status == 409


def test_a_product_body_refuses_unknown_fields(admin_user):
    status, body = call(client_for(admin_user), "post", f"{API}/products", {"name": "X", "list_price": "1", "id": 5})
    assert status == 422
    assert "id" in body["error"]["fields"]
    assert Product.objects.count() == 0


def test_price_list_with_items(admin_user, product):
    client = client_for(admin_user)
    status, body = call(client, "post", f"{API}/price-lists", {"name": "Public sector", "currency": "EUR"})
    assert status == 201
    price_list_id = body["id"]
    status, item = call(client, "post", f"{API}/price-lists/{price_list_id}/items", {"product_id": product.pk, "unit_price": "1000"})
    assert (status, item["unit_price"], item["product"]) == (201, "1000.00", {"id": product.pk, "name": "Advisory day"})
    status, again = call(client, "post", f"{API}/price-lists/{price_list_id}/items", {"product_id": product.pk, "unit_price": "900"})
    assert status == 422 and "product_id" in again["error"]["fields"]
    status, body = call(client, "get", f"{API}/price-lists/{price_list_id}")
    assert [(row["product"]["name"], row["unit_price"]) for row in body["items"]] == [("Advisory day", "1000.00")]
    status, body = call(client, "patch", f"{API}/price-list-items/{item['id']}", {"version": 1, "unit_price": "990"})
    assert (status, body["unit_price"]) == (200, "990.00")


def test_rate_card_with_lines(admin_user, member):
    client = client_for(admin_user)
    status, card = call(client, "post", f"{API}/rate-cards", {"name": "Standard", "is_default": True})
    assert status == 201
    status, line = call(client, "post", f"{API}/rate-cards/{card['id']}/lines", {"role_name": "Consultant", "hourly_rate": 120})
    assert (status, line["hourly_rate"], line["person"]) == (201, "120.00", None)
    status, line = call(client, "post", f"{API}/rate-cards/{card['id']}/lines", {"user_id": member.pk, "hourly_rate": "135"})
    assert (status, line["person"]["id"]) == (201, member.pk)
    status, both = call(client, "post", f"{API}/rate-cards/{card['id']}/lines", {"role_name": "X", "user_id": member.pk, "hourly_rate": 1})
    assert status == 422 and "role_name" in both["error"]["fields"]
    status, body = call(client, "get", f"{API}/rate-cards/{card['id']}")
    assert [(row["role_name"], row["hourly_rate"]) for row in body["lines"]] == [("Consultant", "120.00"), ("", "135.00")]


def test_exchange_rates(admin_user, account_manager):
    client = client_for(admin_user)
    status, body = call(client, "post", f"{API}/exchange-rates", {"date": "2031-01-01", "currency": "USD", "rate": "0.9215"})
    assert (status, body["rate"], body["currency"]) == (201, "0.9215", "USD")
    status, page = call(client_for(account_manager), "get", f"{API}/exchange-rates?currency=USD")
    assert (page["base_currency"], page["count"], page["items"][0]["date"]) == ("EUR", 1, "2031-01-01")
    before = db_state()
    status, _ = call(client_for(account_manager), "post", f"{API}/exchange-rates", {"date": "2031-02-01", "currency": "USD", "rate": 1})
    assert status == 403
    assert diff_tables(before, db_state()) == []
    status, body = call(client, "post", f"{API}/exchange-rates", {"date": "2031-02-01", "currency": "USD", "rate": 0})
    assert status == 422
    assert ExchangeRate.objects.count() == 1


@pytest.fixture
def accounts(account_manager):
    own = make_account(owner=account_manager, name="Acme")
    other = make_account(owner=make_user(role=Role.ACCOUNT_MANAGER, email="o@example.test", team=make_team(name="North")), name="Hidden")
    return own, other


def test_account_pricing_and_the_price_that_applies(account_manager, accounts, product):
    own, other = accounts
    client = client_for(account_manager)
    price_list = make_price_list(name="Public sector", items={product: Decimal("1000.00")})
    status, body = call(client, "get", f"{API}/accounts/{own.pk}/pricing")
    assert (status, body["version"], body["discount_percent"]) == (200, None, "0.00")
    status, body = call(client, "patch", f"{API}/accounts/{own.pk}/pricing", {"price_list_id": price_list.pk, "discount_percent": "5"})
    assert (status, body["price_list"], body["discount_percent"], body["version"]) == (
        200, {"id": price_list.pk, "name": "Public sector"}, "5.00", 1,
    )
    status, body = call(client, "get", f"{API}/accounts/{own.pk}/prices/{product.pk}?on=2031-06-01")
    assert status == 200
    assert body == {
        "account": {"id": own.pk, "name": "Acme"}, "product": {"id": product.pk, "name": "Advisory day"},
        "unit_price": "1000.00", "discount_percent": "5.00", "net_unit_price": "950.00", "currency": "EUR",
        "list_price": "1200.00", "list_currency": "EUR", "source": "price_list",
        "rule": "Price list “Public sector” of Acme, less Acme's account-wide 5% discount", "on": "2031-06-01",
    }
    status, price = call(client, "post", f"{API}/accounts/{own.pk}/prices", {"product_id": product.pk, "unit_price": "980"})
    assert (status, price["unit_price"], price["currency"], price["discount_percent"]) == (201, "980.00", "EUR", None)
    status, body = call(client, "get", f"{API}/accounts/{own.pk}/prices/{product.pk}?on=2031-06-01")
    assert (body["source"], body["net_unit_price"], body["rule"]) == (
        "account_price", "931.00", "Negotiated price for Acme, less Acme's account-wide 5% discount",
    )
    status, page = call(client, "get", f"{API}/accounts/{own.pk}/prices")
    assert [row["unit_price"] for row in page["items"]] == ["980.00"]
    # Another team's account does not exist for this account manager.
    before = db_state()
    for method, url, body in (
        ("get", f"{API}/accounts/{other.pk}/pricing", None),
        ("patch", f"{API}/accounts/{other.pk}/pricing", {"discount_percent": 50}),
        ("post", f"{API}/accounts/{other.pk}/prices", {"product_id": product.pk, "unit_price": 1}),
        ("get", f"{API}/accounts/{other.pk}/prices/{product.pk}", None),
    ):
        assert call(client, method, url, body)[0] == 404, (method, url)
    assert diff_tables(before, db_state()) == []


def test_an_executive_reads_an_account_s_terms_but_may_not_change_them(executive, accounts):
    own, _ = accounts
    services.account_pricing_update(actor=None, account=own, data={"discount_percent": Decimal("3")})
    before = db_state()
    status, _ = call(client_for(executive), "patch", f"{API}/accounts/{own.pk}/pricing", {"discount_percent": 50})
    assert status == 403
    assert diff_tables(before, db_state()) == []
    assert AccountPricing.objects.get(account=own).discount_percent == Decimal("3.00")


@pytest.mark.parametrize("size", [1, 12])
def test_list_query_counts_are_fixed(admin_user, account_manager, accounts, django_assert_num_queries, size):
    own, _ = accounts
    for number in range(size):
        product = make_product(name=f"P{number:03d}")
        services.account_price_create(actor=None, account=own, data={"product": product, "discount_percent": Decimal(1)})
        make_rate(currency="USD", date=dt.date(2031, 1, 1) + dt.timedelta(days=number), rate="0.9")
        make_price_list(name=f"L{number:03d}")
        services.rate_card_create(actor=None, data={"name": f"R{number:03d}"})
    calendar_get()  # the organisation's calendar (its base currency) exists
    client = client_for(account_manager)
    for url, queries in (
        (f"{API}/products", 2), (f"{API}/price-lists", 2), (f"{API}/rate-cards", 2),
        (f"{API}/exchange-rates", 3), (f"{API}/accounts/{own.pk}/prices", 3),
    ):
        with django_assert_num_queries(queries + 3):  # + the session, the user and their roles
            status, page = call(client, "get", url)
        assert status == 200 and page["count"] == size, url
