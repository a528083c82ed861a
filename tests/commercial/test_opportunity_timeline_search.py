"""Opportunities on the account's timeline (opened, won, lost) and in the global search."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.clients.selectors import account_timeline
from tandem.commercial import services
from tandem.commercial.models import Opportunity
from tandem.core.search import search
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity

pytestmark = pytest.mark.django_db


def test_the_timeline_shows_opened_won_and_lost(account_manager):
    account = make_account(owner=account_manager, currency="EUR")
    won = services.opportunity_create(
        actor=account_manager, account=account,
        data={"name": "Phase 2", "amount": Decimal("5000"), "expected_close_date": dt.date(2031, 5, 1)},
    )
    services.opportunity_mark_won(actor=account_manager, opportunity=won, closed_on=dt.date(2031, 4, 2))
    lost = services.opportunity_create(
        actor=account_manager, account=account,
        data={"name": "Licences", "amount": Decimal("800"), "expected_close_date": dt.date(2031, 5, 1)},
    )
    services.opportunity_mark_lost(actor=account_manager, opportunity=lost, lost_reason="No budget", closed_on=dt.date(2031, 4, 3))
    entries = [(entry.kind, entry.title, entry.detail) for entry in account_timeline(actor=account_manager, account=account)
               if entry.kind.startswith("opportunity")]
    # Newest first: the closing days (2031) come after the creation times (now).
    assert entries == [
        ("opportunity_closed", "Opportunity lost: Licences", "€800.00 · No budget"),
        ("opportunity_closed", "Opportunity won: Phase 2", "€5,000.00"),
        ("opportunity", "Opportunity opened: Licences", "New business · €800.00 · expected to close 01 May 2031"),
        ("opportunity", "Opportunity opened: Phase 2", "New business · €5,000.00 · expected to close 01 May 2031"),
    ]


def test_search_finds_opportunities_the_user_may_see(account_manager, member):
    account = make_account(owner=account_manager, name="Acme")
    make_opportunity(account=account, name="Zephyr roll-out")
    hits = [hit for hit in search(actor=account_manager, query="zephyr") if hit.label == "Opportunity"]
    assert [hit.title for hit in hits] == ["Zephyr roll-out"]
    assert not [hit for hit in search(actor=member, query="zephyr") if hit.label == "Opportunity"]
    assert Opportunity.objects.count() == 1


def test_quotes_sent_and_accepted_are_on_the_timeline_with_links_and_their_own_filter(account_manager):
    account = make_account(owner=account_manager, currency="EUR")
    opportunity = services.opportunity_create(
        actor=account_manager, account=account, data={"name": "Audit", "expected_close_date": dt.date(2031, 5, 1)}
    )
    services.opportunity_line_create(
        actor=account_manager, opportunity=opportunity, data={"description": "Audit days", "quantity": Decimal("4"), "unit_price": Decimal("900")}
    )
    draft = services.quote_create(
        actor=account_manager, opportunity=opportunity, valid_until=dt.date(2031, 2, 28), issued_on=dt.date(2031, 2, 1)
    )
    sent = services.quote_send(actor=account_manager, quote=draft)
    services.quote_accept(
        actor=account_manager, quote=sent, accepted_by_name="Dana Client",
        accepted_at=dt.datetime(2031, 2, 10, 15, 0, tzinfo=dt.UTC),
    )
    entries = account_timeline(actor=account_manager, account=account, kinds={"quote"})
    assert [(entry.kind, entry.title, entry.detail) for entry in entries] == [
        ("quote_answered", f"Quote {sent.number} accepted by Dana Client", "€3,600.00"),
        ("quote", f"Quote {sent.number} sent: Audit", "€3,600.00 · valid until 28 Feb 2031"),
    ]
    assert {entry.extra["url"] for entry in entries} == {f"/sales/quotes/{sent.pk}/"}
