"""Cross-sell suggestions on a fixture whose right answer is known.

Target "Tally" (industry Retail, tier standard) bought an Audit. Similar accounts:
Beacon (Retail, key), Drift ("retail " — case and spaces do not matter, strategic),
Cobalt (Energy, standard — same tier) and Ember (Retail, standard); Nimbus (Energy, key)
is not similar. 4 similar accounts.

* Training: won by Beacon, Drift, Cobalt → 3 of 4 = 0.75, suggested first.
* Hosting: won by Drift, and Ember holds an active contract from an opportunity with it
  → 2 of 4 = 0.50, suggested.
* Audit: Tally already bought it. Onboarding: won by Cobalt and Ember, but Tally has an
  open opportunity with it. Support: one buyer (Beacon; Ember's is only open).
  Consulting: Beacon and Nimbus (not similar) → one similar buyer. Legacy: inactive.
  Workshop: lost by Beacon and Drift (lost deals are no purchase). None suggested.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tandem.commercial.selectors.cross_sell import cross_sell_suggestions
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract, make_line, make_opportunity, make_product
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


def _buy(account, *products, stage_name="Closed won"):
    opportunity = make_opportunity(account=account, stage_name=stage_name)
    for product in products:
        make_line(opportunity=opportunity, product=product, description=product.name)
    return opportunity


@pytest.fixture
def fixture(users_by_role):
    am = users_by_role[Role.ACCOUNT_MANAGER]
    nora = make_user(role=Role.ACCOUNT_MANAGER, email="nora@example.test", team=make_team(name="North"))
    p = {name: make_product(name=name) for name in ("Audit", "Training", "Hosting", "Onboarding", "Support", "Consulting", "Workshop")}
    p["Legacy"] = make_product(name="Legacy", is_active=False)
    tally = make_account(owner=am, name="Tally", industry="Retail", tier="standard")
    beacon = make_account(owner=am, name="Beacon", industry="Retail", tier="key")
    drift = make_account(owner=nora, name="Drift", industry="retail ", tier="strategic")
    cobalt = make_account(owner=am, name="Cobalt", industry="Energy", tier="standard")
    ember = make_account(owner=nora, name="Ember", industry="Retail", tier="standard")
    nimbus = make_account(owner=am, name="Nimbus", industry="Energy", tier="key")
    _buy(tally, p["Audit"])
    _buy(tally, p["Onboarding"], stage_name="Proposal")
    _buy(beacon, p["Training"], p["Audit"], p["Support"], p["Consulting"], p["Legacy"])
    _buy(drift, p["Training"], p["Hosting"], p["Audit"], p["Legacy"])
    _buy(cobalt, p["Training"], p["Onboarding"], p["Audit"])
    _buy(ember, p["Onboarding"])
    _buy(ember, p["Support"], stage_name="Negotiation")
    make_contract(account=ember, status="active", opportunity=_buy(ember, p["Hosting"], stage_name="Negotiation"))
    _buy(nimbus, p["Consulting"])
    _buy(beacon, p["Workshop"], stage_name="Closed lost")
    _buy(drift, p["Workshop"], stage_name="Closed lost")
    return {"am": am, "tally": tally, "products": p}


def test_the_suggestions_are_the_known_answer_with_their_reasons(fixture, users_by_role):
    suggestions = cross_sell_suggestions(user=users_by_role[Role.ADMIN], account=fixture["tally"])
    assert [(s.product_name, s.buyers, s.similar, s.score) for s in suggestions] == [
        ("Training", 3, 4, Decimal("0.75")),
        ("Hosting", 2, 4, Decimal("0.50")),
    ]
    assert [s.reason for s in suggestions] == [
        "Bought by 3 of 4 similar accounts: Beacon, Cobalt, Drift.",
        "Bought by 2 of 4 similar accounts: Drift, Ember.",
    ]
    assert suggestions[0].similar_by == "industry or tier"


def test_hidden_accounts_are_counted_never_named(fixture):
    suggestions = cross_sell_suggestions(user=fixture["am"], account=fixture["tally"])
    assert [s.reason for s in suggestions] == [
        "Bought by 3 of 4 similar accounts: Beacon, Cobalt (and 1 you cannot see).",
        "Bought by 2 of 4 similar accounts (2 you cannot see).",
    ]
    assert [[b.name for b in s.named_buyers] for s in suggestions] == [["Beacon", "Cobalt"], []]


def test_an_account_with_fewer_than_two_similar_accounts_gets_none(db, users_by_role):
    lonely = make_account(name="Lonely", industry="Mining", tier="strategic")
    other = make_account(name="Other", industry="Mining", tier="key")
    _buy(other, make_product(name="Drilling"))
    assert cross_sell_suggestions(user=users_by_role[Role.ADMIN], account=lonely) == []


def test_suggestions_read_a_fixed_number_of_queries(fixture, users_by_role, django_assert_num_queries):
    # similar accounts; the bought pairs with the account's own open lines and the
    # products' names (one query); the visible buyers
    with django_assert_num_queries(3):
        cross_sell_suggestions(user=users_by_role[Role.ADMIN], account=fixture["tally"])


def test_an_account_without_industry_is_similar_by_tier_only(db, users_by_role):
    blank = make_account(name="Blank", industry="", tier="key")
    peers = [make_account(name=f"Peer {n}", industry="", tier="key") for n in range(2)]
    make_account(name="Other tier", industry="", tier="standard")
    product = make_product(name="Licences")
    for peer in peers:
        _buy(peer, product)
    [suggestion] = cross_sell_suggestions(user=users_by_role[Role.ADMIN], account=blank)
    assert (suggestion.product_name, suggestion.buyers, suggestion.similar, suggestion.similar_by) == ("Licences", 2, 2, "tier")
