"""Quotes and contracts in the global search: found by number and account name, only
by those who may see their account, and never carrying a cost figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tandem.commercial import services
from tandem.commercial.models import Contract, Quote
from tandem.core.models import SearchEntry
from tandem.core.roles import Role
from tandem.core.search import search
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract, make_opportunity, make_product
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Ada Manager")


@pytest.fixture
def other_am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test", full_name="Otto Other")


def _quote(owner, account_name):
    account = make_account(owner=owner, name=account_name, currency="EUR")
    opportunity = make_opportunity(account=account, owner=owner, name=f"{account_name} audit", currency="EUR")
    product = make_product(name="Security audit", list_price=Decimal("2500.00"), unit_cost=Decimal("1777.00"))
    services.opportunity_line_create(actor=owner, opportunity=opportunity, data={"product": product, "description": "Security audit", "quantity": Decimal("2"), "unit_price": Decimal("2500.00")})
    return services.quote_create(actor=owner, opportunity=opportunity, valid_until=dt.date(2031, 2, 28), issued_on=dt.date(2031, 2, 1))


def _hits(actor, query, label):
    return [(hit.title, hit.subtitle, hit.url) for hit in search(actor=actor, query=query) if hit.label == label]


def test_quotes_are_found_by_number_and_account_name_by_those_who_see_them(am, other_am):
    quote = _quote(am, "Zephyr Logistics")
    hidden = _quote(other_am, "Quasar Foods")
    expected = [(f"Quote {quote.number}", "Zephyr Logistics · Zephyr Logistics audit · Draft",
                 reverse("commercial:quote_detail", args=[quote.pk]))]
    assert _hits(am, "zephyr", "Quote") == expected
    assert _hits(am, quote.number, "Quote") == expected
    # The other account manager's quote: not found by its account's name nor its number.
    assert _hits(am, "quasar", "Quote") == []
    assert hidden.number != quote.number and _hits(am, hidden.number, "Quote") == []
    assert _hits(other_am, "zephyr", "Quote") == []
    assert [title for title, _, _ in _hits(other_am, "quasar", "Quote")] == [f"Quote {hidden.number}"]
    member = make_user(role=Role.MEMBER, email="member@example.test")
    assert _hits(member, "zephyr", "Quote") == []
    assert Quote.objects.count() == 2


def test_the_search_page_leaves_out_a_hidden_accounts_quote(am, other_am):
    _quote(other_am, "Quasar Foods")
    html = client_for(am).get(reverse("core:search"), {"q": "quasar"}).content.decode()
    assert "Quasar Foods" not in html
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    assert "Quasar Foods" in client_for(executive).get(reverse("core:search"), {"q": "quasar"}).content.decode()


def test_no_cost_figure_is_indexed_with_a_quote(am):
    quote = _quote(am, "Zephyr Logistics")
    entry = SearchEntry.objects.get(content_type=ContentType.objects.get_for_model(Quote), object_id=quote.pk)
    indexed = f"{entry.title} {entry.subtitle} {entry.text}"
    assert "1777" not in indexed and "1,777" not in indexed
    assert _hits(am, "1777", "Quote") == []


def test_contracts_are_found_by_number_title_and_account(am, other_am):
    mine = make_contract(account=make_account(owner=am, name="Zephyr Logistics"), title="Managed hosting",
                         number="C-2031-0042", currency="EUR", value=Decimal("48000.00"), status="active")
    theirs = make_contract(account=make_account(owner=other_am, name="Quasar Foods"), title="Managed hosting",
                           number="C-2031-0043")
    expected = [("C-2031-0042 Managed hosting", "Zephyr Logistics · Active · €48,000.00",
                 reverse("commercial:contract_detail", args=[mine.pk]))]
    assert _hits(am, "C-2031-0042", "Contract") == expected
    assert _hits(am, "zephyr", "Contract") == expected
    assert _hits(am, "managed hosting", "Contract") == expected
    assert _hits(am, "quasar", "Contract") == [] and _hits(am, theirs.number, "Contract") == []
    assert [title for title, _, _ in _hits(other_am, "hosting", "Contract")] == ["C-2031-0043 Managed hosting"]
    assert Contract.objects.count() == 2
