"""Contract pages: the list (filters, pinned queries), the home card equal to its list,
the record page (rounds as a history, milestones), create / edit / lifecycle actions,
won → contract → project request from the opportunity, the account's timeline and
project requests."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.clients.selectors import account_timeline
from tandem.commercial import services
from tandem.commercial.home_contracts import renewals_due_card
from tandem.commercial.models import Contract, ProjectRequest, RevenueEntry
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract, make_milestone, make_opportunity
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
# session + user + roles, the owner choices, the capped count, the rows, saved views, layout
QUERIES_PER_LIST_PAGE = 8
TOTAL = re.compile(r'data-testid="list-total">([\d,]+)\+? ')


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Ada Manager")


@pytest.fixture
def other_am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test", full_name="Otto Other")


def _total(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    match = TOTAL.search(html)
    if match is None:
        assert 'data-testid="empty-state"' in html
        return 0
    return int(match.group(1).replace(",", ""))


def _ending(account, days, **data):
    today = timezone.localdate()
    return make_contract(
        account=account, status="active", start_date=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=days), **data,
    )


def test_the_renewals_card_equals_the_list_it_links_to(am, other_am):
    mine, theirs = make_account(owner=am), make_account(owner=other_am)
    _ending(mine, 10, title="Soon")
    _ending(mine, 90, title="Edge")
    _ending(mine, -3, title="Past its end, not yet expired")
    _ending(mine, 91)  # too far
    make_contract(account=mine, status="negotiation", start_date=dt.date(2020, 1, 1), end_date=timezone.localdate() + dt.timedelta(days=5))
    _ending(theirs, 10)  # not mine
    card = renewals_due_card(am)
    assert card.url == reverse("commercial:contract_list") + "?status=active&ending_within=90&owner=me"
    assert card.count == 3
    assert _total(client_for(am), card.url) == 3
    assert [row.label for row in card.rows] == ["Past its end, not yet expired", "Soon", "Edge"]
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    everyone = renewals_due_card(executive)
    assert (everyone.count, _total(client_for(executive), everyone.url)) == (4, 4)
    assert "owner" not in everyone.url
    nobody = make_user(role=Role.ACCOUNT_MANAGER, email="new@example.test")
    assert renewals_due_card(nobody) is None  # nothing to renew: no card


def test_the_list_filters_and_costs_a_fixed_number_of_queries(am, other_am, django_assert_num_queries):
    account = make_account(owner=am, name="Acme")
    for index in range(3):
        make_contract(account=account, status="active", kind="retainer", title=f"Retainer {index}")
    make_contract(account=account, status="draft", title="Draft deal")
    make_contract(account=make_account(owner=other_am), status="active", title="Hidden")
    client = client_for(am)
    base = reverse("commercial:contract_list")
    assert _total(client, base) == 4  # "My contracts"
    assert _total(client, base + "?status=active") == 3
    assert _total(client, base + "?kind=sow") == 1
    assert _total(client, base + f"?account={account.pk}&status=draft") == 1
    html = client.get(base + "?q=draft").content.decode()
    assert "Draft deal" in html and "Retainer 0" not in html and "Hidden" not in html
    client.get(base + "?status=active")  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(base + "?status=active")
    make_contract(account=account, status="active", title="One more")
    with CaptureQueriesContext(connection) as more:
        client.get(base + "?status=active")
    assert len(few) == len(more) == QUERIES_PER_LIST_PAGE
    export = client.get(base + "?status=active&format=csv")
    assert export.status_code == 200 and b"".join(export.streaming_content).decode().count(",Retainer,") == 3


def test_the_record_shows_how_the_deal_moved(am):
    account = make_account(owner=am, currency="EUR")
    contract = services.contract_create(
        actor=am, account=account,
        data={"title": "Support", "start_date": dt.date(2031, 1, 1), "end_date": dt.date(2031, 12, 31), "value": Decimal(0)},
    )
    services.negotiation_round_create(actor=am, contract=contract, data={"value": Decimal("20000")})
    services.negotiation_round_create(
        actor=am, contract=contract, data={"party": "client", "client_contact_name": "Dana", "value": Decimal("16000")}
    )
    response = client_for(am).get(reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="negotiation-round"') == 2
    assert "Round 2: Client proposed (Dana)" in html
    assert re.search(r'data-testid="round-delta">-4,000\.00 vs round 1', html)
    assert "Waiting for an answer" in html and "Record the answer" in html


def test_create_negotiate_accept_activate_bill_through_the_pages(am):
    account = make_account(owner=am, currency="EUR")
    client = client_for(am)
    response = client.post(
        reverse("commercial:contract_create") + f"?account={account.pk}",
        {"account": account.pk, "title": "Platform", "kind": "sow", "pricing_strategy": "fixed_fee", "value": "9000",
         "monthly_amount": "", "currency": "eur", "start_date": "2031-02-01", "end_date": "2032-01-31",
         "renewal_term_months": "12", "notice_days": "60", "terms": ""},
    )
    contract = Contract.objects.get()
    assert response.status_code == 302 and (contract.number, contract.currency, contract.status) == ("C-2031-0001", "EUR", "draft")
    client.post(reverse("commercial:negotiation_round_create", kwargs={"contract_id": contract.pk}),
                {"party": "us", "value": "9500", "monthly_amount": "0"})
    round_one = contract.rounds.get()
    client.post(reverse("commercial:negotiation_round_answer", kwargs={"negotiation_round_id": round_one.pk}),
                {"outcome": "accepted", "note": "Signed off by procurement", "version": round_one.version})
    contract.refresh_from_db()
    assert (contract.status, contract.value) == ("negotiation", Decimal("9500.00"))
    client.post(reverse("commercial:contract_activate", kwargs={"contract_id": contract.pk}),
                {"signed_on": "2031-01-20", "version": contract.version})
    contract.refresh_from_db()
    assert (contract.status, contract.signed_on) == ("active", dt.date(2031, 1, 20))
    milestone = make_milestone(contract=contract, amount=Decimal("3000.00"))
    client.post(reverse("commercial:billing_milestone_bill", kwargs={"billing_milestone_id": milestone.pk}),
                {"on": "2031-06-30", "version": milestone.version})
    assert list(RevenueEntry.objects.values_list("kind", "month", "amount")) == [("milestone", dt.date(2031, 6, 1), Decimal("3000.00"))]
    refused = client.post(reverse("commercial:contract_expire", kwargs={"contract_id": contract.pk}), {"version": contract.version}, follow=True)
    assert "terminate it to end it early" in refused.content.decode()
    contract.refresh_from_db()
    assert contract.status == "active"


def test_another_account_manager_cannot_act_and_nothing_changes(am, other_am):
    contract = make_contract(account=make_account(owner=am), status="draft")
    client = client_for(other_am)
    url = reverse("commercial:contract_negotiate", kwargs={"contract_id": contract.pk})
    assert client.post(url, {"version": 1}).status_code == 404
    contract.refresh_from_db()
    assert (contract.status, contract.version) == ("draft", 1)


def test_convert_from_the_opportunity_page_and_see_the_request_on_the_account(am):
    account = make_account(owner=am, currency="EUR")
    won = make_opportunity(account=account, owner=am, stage_name="Closed won", name="Rollout", amount=Decimal("30000.00"),
                           currency="EUR", expected_close_date=dt.date(2031, 4, 1))
    partial = render_to_string("commercial/contracts/_from_opportunity.html", {"opportunity": won})
    assert "Create the contract and the project request" in partial
    client = client_for(am)
    url = reverse("commercial:opportunity_convert", kwargs={"opportunity_id": won.pk})
    first = client.post(url)
    second = client.post(url)
    contract = Contract.objects.get()
    assert first["Location"] == second["Location"] == reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk})
    assert (Contract.objects.count(), ProjectRequest.objects.count()) == (1, 1)
    won.refresh_from_db()
    partial = render_to_string("commercial/contracts/_from_opportunity.html", {"opportunity": won})
    assert contract.number in partial and "Create the contract" not in partial
    page = client.get(reverse("delivery:account_projects", kwargs={"account_id": account.pk})).content.decode()
    assert "Project requests" in page and "Rollout" in page and "Waiting for delivery" in page and "30,000.00 EUR" in page


def test_the_account_timeline_shows_contracts_signed_and_ended(am):
    account = make_account(owner=am)
    make_contract(account=account, status="active", title="Support", signed_on=dt.date(2031, 1, 5))
    make_contract(account=account, status="terminated", title="Pilot", start_date=dt.date(2030, 1, 1),
                  terminated_on=dt.date(2030, 6, 1), termination_reason="Budget cut")
    make_contract(account=account, status="draft", title="Not yet")
    titles = [entry.title for entry in account_timeline(actor=am, account=account, kinds={"contract"})]
    assert titles == ["Contract signed: Support", "Contract terminated: Pilot", "Contract signed: Pilot"]


def test_the_record_offers_the_actions_of_its_status_only_to_those_who_may_change_it(am):
    account = make_account(owner=am)
    active = make_contract(account=account, status="active", monthly_amount=Decimal("500.00"))
    make_milestone(contract=active, name="Acceptance")
    closed = make_contract(account=account, status="terminated", terminated_on=dt.date(2031, 3, 1), termination_reason="Merged")
    owner_page = client_for(am).get(reverse("commercial:contract_detail", kwargs={"contract_id": active.pk})).content.decode()
    assert "Bill<span" in owner_page and "Terminate the contract" in owner_page and "Record a proposal" not in owner_page
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    read_only = client_for(executive).get(reverse("commercial:contract_detail", kwargs={"contract_id": active.pk}))
    assert read_only.status_code == 200
    assert "Bill<span" not in read_only.content.decode() and "Terminate the contract" not in read_only.content.decode()
    ended = client_for(am).get(reverse("commercial:contract_detail", kwargs={"contract_id": closed.pk})).content.decode()
    assert "Ended early" in ended and "Merged" in ended and 'data-testid="edit-record"' not in ended
    edit = client_for(am).get(reverse("commercial:contract_edit", kwargs={"contract_id": active.pk}))
    assert edit.status_code == 200 and 'name="version"' in edit.content.decode()
