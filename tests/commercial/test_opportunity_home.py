"""The "Pipeline closing this quarter" home card: its number equals the list's count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.commercial.home import org_pipeline_this_quarter, pipeline_this_quarter
from tandem.commercial.views.opportunities import quarter_bounds
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_quarter_bounds():
    assert quarter_bounds(dt.date(2031, 2, 10)) == (dt.date(2031, 1, 1), dt.date(2031, 3, 31))
    assert quarter_bounds(dt.date(2031, 11, 30)) == (dt.date(2031, 10, 1), dt.date(2031, 12, 31))


def test_the_card_counts_what_the_list_behind_it_shows(account_manager, executive):
    start, end = quarter_bounds(timezone.localdate())
    mine = make_account(owner=account_manager)
    other = make_account(owner=make_user(role="account_manager"))
    make_opportunity(account=mine, owner=account_manager, expected_close_date=start, amount=Decimal("1000.00"), probability=10)
    make_opportunity(account=mine, owner=account_manager, expected_close_date=end, amount=Decimal("3000.00"), probability=50)
    make_opportunity(account=mine, owner=account_manager, expected_close_date=end + dt.timedelta(days=1))  # next quarter
    make_opportunity(account=mine, owner=account_manager, expected_close_date=start, stage_name="Closed won")  # closed
    make_opportunity(account=other, owner=other.owner, expected_close_date=start)  # not theirs

    card = pipeline_this_quarter(account_manager)
    assert card.count == 2
    assert card.url == (
        reverse("commercial:opportunity_list")
        + f"?status=open&owner=me&close_from={start.isoformat()}&close_to={end.isoformat()}"
    )
    assert "€4,000.00" in card.caption and "€1,600.00" in card.caption
    response = client_for(account_manager).get(card.url)
    assert response.context["page"].total_display == "2"
    assert response.context["totals"].count == card.count

    org_card = org_pipeline_this_quarter(executive)
    assert org_card.count == 3
    response = client_for(executive).get(org_card.url)
    assert response.context["totals"].count == 3


def test_the_home_page_shows_the_card(account_manager):
    make_account(owner=account_manager)
    body = client_for(account_manager).get(reverse("home")).content.decode()
    assert "Pipeline closing this quarter" in body


def test_the_home_page_with_both_sales_cards_costs_fixed_queries(account_manager, django_assert_num_queries):
    from tests.commercial.factories import make_contract, make_rate

    make_rate(currency="USD", date=dt.date(2020, 1, 1), rate="0.90")
    _start, end = quarter_bounds(timezone.localdate())
    today = timezone.localdate()
    client = client_for(account_manager)

    def add(count: int) -> None:
        for _ in range(count):
            account = make_account(owner=account_manager)
            make_opportunity(account=account, owner=account_manager, expected_close_date=end, currency="USD")
            make_contract(account=account, status="active", start_date=today - dt.timedelta(days=300),
                          end_date=today + dt.timedelta(days=30))

    add(2)
    client.get(reverse("home"))
    # session, user, roles; every card's number in one query (the clients', the pipeline's,
    # the renewals'; the client cards have nothing to list); the renewals' first rows; the
    # pipeline's total: the base currency and one query (its rates checked in it).
    with django_assert_num_queries(7):
        body = client.get(reverse("home")).content.decode()
    assert 'data-card="pipeline_this_quarter"' in body and 'data-card="renewals_due"' in body
    add(8)
    with django_assert_num_queries(7):
        response = client.get(reverse("home"))
    cards = {card.key: card for card in response.context["cards"]}
    assert (cards["pipeline_this_quarter"].count, cards["renewals_due"].count) == (10, 10)
    assert "$" not in cards["pipeline_this_quarter"].caption  # summed in the base currency
