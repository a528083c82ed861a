"""The pipeline board: columns with counts and totals, moving a card (HTMX POST checked
for permission and version), lost asking for a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity, stage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def account(account_manager):
    return make_account(owner=account_manager, name="Acme")


@pytest.fixture
def am_client(account_manager):
    return client_for(account_manager)


def _move(client, opportunity, stage_name, *, version=None, reason="", htmx=True):
    url = reverse("commercial:opportunity_move", kwargs={"opportunity_id": opportunity.pk})
    data = {"stage": stage(stage_name).pk, "version": version or opportunity.version, "lost_reason": reason, "filters": "status=open"}
    return client.post(url, data, **(HTMX if htmx else {}))


def test_the_board_has_columns_with_counts_and_totals(account, am_client):
    make_opportunity(account=account, name="A", amount=Decimal("1000.00"), probability=10)
    make_opportunity(account=account, name="B", amount=Decimal("2000.00"), probability=10)
    make_opportunity(account=account, name="C", amount=Decimal("5000.00"), stage_name="Proposal", probability=50)
    response = am_client.get(reverse("commercial:pipeline_board"))
    assert response.status_code == 200
    columns = {column.stage.name: column for column in response.context["columns"]}
    assert list(columns) == ["Qualification", "Discovery", "Proposal", "Negotiation", "Closed won", "Closed lost"]
    assert (columns["Qualification"].totals.count, columns["Qualification"].totals.amount_base) == (2, Decimal("3000.00"))
    assert columns["Proposal"].totals.weighted_base == Decimal("2500.00")
    body = response.content.decode()
    assert "€3,000.00" in body and 'data-testid="move-select"' in body


def test_the_board_query_count_is_constant(account, am_client, django_assert_num_queries):
    make_opportunity(account=account)
    url = reverse("commercial:pipeline_board")
    am_client.get(url)
    with django_assert_num_queries(11):
        am_client.get(url)
    for _ in range(10):
        make_opportunity(account=account)
    with django_assert_num_queries(11):
        am_client.get(url)


def test_moving_a_card_changes_its_stage_and_answers_the_board(account, am_client):
    opportunity = make_opportunity(account=account, name="Phase 2")
    response = _move(am_client, opportunity, "Proposal")
    assert response.status_code == 200
    assert "Phase 2 moved to Proposal." in response.content.decode()
    opportunity.refresh_from_db()
    assert (opportunity.stage.name, opportunity.probability, opportunity.version) == ("Proposal", 50, 2)


def test_a_stale_version_is_a_409_and_changes_nothing(account, am_client):
    opportunity = make_opportunity(account=account, name="Phase 2")
    _move(am_client, opportunity, "Discovery")
    response = _move(am_client, opportunity, "Proposal", version=1)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Discovery"


def test_someone_who_may_not_change_it_is_refused_and_nothing_changes(account, executive):
    opportunity = make_opportunity(account=account, name="Phase 2")
    response = _move(client_for(executive), opportunity, "Proposal")
    assert response.status_code == 403
    opportunity.refresh_from_db()
    assert (opportunity.stage.name, opportunity.version) == ("Qualification", 1)


def test_a_member_does_not_see_it(account, member):
    opportunity = make_opportunity(account=account)
    assert _move(client_for(member), opportunity, "Proposal").status_code == 404


def test_lost_asks_why_first(account, am_client):
    opportunity = make_opportunity(account=account, name="Phase 2")
    response = _move(am_client, opportunity, "Closed lost")
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#opportunity-card-{opportunity.pk}"
    assert "Why was Phase 2 lost?" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.status == "open"
    response = _move(am_client, opportunity, "Closed lost", reason="Chose a competitor")
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.lost_reason) == ("lost", "Chose a competitor")


def test_the_move_to_select_works_without_script(account, am_client):
    opportunity = make_opportunity(account=account, name="Phase 2")
    response = _move(am_client, opportunity, "Negotiation", htmx=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("commercial:pipeline_board") + "?status=open"
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Negotiation"


def test_a_missing_rate_leaves_the_cards_and_says_why(account_manager, am_client):
    usd = make_account(owner=account_manager, currency="USD")
    make_opportunity(account=usd, name="Dollar deal", currency="USD")
    response = am_client.get(reverse("commercial:pipeline_board"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dollar deal" in body
    assert "No exchange rate for USD on or before 2031-03-31" in body
    columns = {column.stage.name: column for column in response.context["columns"]}
    assert columns["Qualification"].totals.count == 1
