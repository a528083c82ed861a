"""Catalog services: who may write, restricted unit cost, deletion of a product in use,
one negotiated price per product, dates of a price list. Refusals change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import Product
from tandem.core.errors import PermissionDeniedError
from tandem.core.roles import Role
from tests.authz import db_state, diff_tables
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity, make_product, seed_stages
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_product_on_an_opportunity_line_cannot_be_deleted(admin_user):
    seed_stages()
    product = make_product(name="Advisory day")
    opportunity = make_opportunity(account=make_account(owner=make_user(role=Role.ACCOUNT_MANAGER, email="am2@example.test")))
    make_line(opportunity=opportunity, product=product)
    before = db_state()
    with pytest.raises(ValidationError) as error:
        services.product_delete(actor=admin_user, product=product)
    assert error.value.message_dict == {
        "product": ["Advisory day is on opportunity or quote lines: mark it inactive instead of deleting it."]
    }
    assert diff_tables(before, db_state()) == []
    unused = make_product(name="Unused")
    services.product_delete(actor=admin_user, product=unused)
    assert list(Product.objects.values_list("name", flat=True)) == ["Advisory day"]


def test_only_admins_write_the_catalog(account_manager, member):
    product = make_product(name="Advisory day")
    before = db_state()
    for actor in (account_manager, member):
        with pytest.raises(PermissionDeniedError):
            services.product_update(actor=actor, product=product, data={"list_price": Decimal("1")})
        with pytest.raises(PermissionDeniedError):
            services.price_list_create(actor=actor, data={"name": "X"})
        with pytest.raises(PermissionDeniedError):
            services.rate_card_create(actor=actor, data={"name": "X"})
    assert diff_tables(before, db_state()) == []


def test_one_negotiated_price_per_product_and_a_price_or_a_discount(account_manager):
    account = make_account(owner=account_manager)
    product = make_product()
    services.account_price_create(actor=account_manager, account=account, data={"product": product, "unit_price": Decimal("10")})
    with pytest.raises(ValidationError) as error:
        services.account_price_create(actor=account_manager, account=account, data={"product": product, "unit_price": Decimal("9")})
    assert "product" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.account_price_create(actor=account_manager, account=account, data={"product": make_product()})
    assert error.value.message_dict == {"unit_price": ["Give a negotiated unit price, a discount, or both."]}


def test_an_account_manager_of_another_team_may_not_change_an_account_s_pricing(account_manager):
    from tests.factories import make_team

    account = make_account(owner=account_manager)
    outsider = make_user(role=Role.ACCOUNT_MANAGER, email="out@example.test", team=make_team(name="North"))
    before = db_state()
    with pytest.raises(PermissionDeniedError):
        services.account_pricing_update(actor=outsider, account=account, data={"discount_percent": Decimal("50")})
    assert diff_tables(before, db_state()) == []


def test_a_price_list_ends_after_it_starts(admin_user):
    with pytest.raises(ValidationError) as error:
        services.price_list_create(
            actor=admin_user, data={"name": "X", "valid_from": dt.date(2031, 2, 1), "valid_until": dt.date(2031, 1, 1)}
        )
    assert error.value.message_dict == {"valid_until": ["The end date is before the start date."]}
