"""Project requests: the record page (what was sold, its status, Decline with a reason),
the list under Sales, the decline service and its API; reached from the account, the
won opportunity and the contract."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.commercial import services
from tandem.commercial.models import ProjectRequest
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROWS = re.compile(r'data-testid="list-row"')


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Ada Manager")


@pytest.fixture
def other_am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test", full_name="Otto Other")


def _converted(owner, *, name="Rollout", account_name="Acme"):
    """A won opportunity with two lines, converted: its contract and project request."""
    account = make_account(owner=owner, currency="EUR", name=account_name)
    opportunity = make_opportunity(
        account=account, owner=owner, name=name, currency="EUR", expected_close_date=dt.date(2031, 4, 1),
    )
    for description, quantity, price in (("Discovery workshop", "2", "1500.00"), ("Build sprints", "4", "6000.00")):
        services.opportunity_line_create(
            actor=owner, opportunity=opportunity,
            data={"description": description, "quantity": Decimal(quantity), "unit_price": Decimal(price)},
        )
    opportunity.refresh_from_db()
    services.opportunity_mark_won(actor=owner, opportunity=opportunity, closed_on=dt.date(2031, 3, 20))
    opportunity.refresh_from_db()
    result = services.opportunity_convert(actor=owner, opportunity=opportunity)
    assert result.contract is not None and result.project_request is not None
    return result.project_request


def _detail_url(item):
    return reverse("commercial:project_request_detail", kwargs={"project_request_id": item.pk})


# --- The service -----------------------------------------------------------------------------


def test_decline_needs_a_reason_and_is_versioned_and_audited(am):
    item = _converted(am)
    with pytest.raises(ValidationError) as missing:
        services.project_request_decline(actor=am, project_request=item, reason="  ")
    assert missing.value.message_dict == {"reason": ["Say why the request is declined."]}
    with pytest.raises(ConflictError):
        services.project_request_decline(actor=am, project_request=item, reason="Client paused", expected_version=item.version + 1)
    item.refresh_from_db()
    assert (item.status, item.decline_reason, item.version) == ("open", "", 1)
    audits_before = AuditEntry.objects.count()
    declined = services.project_request_decline(
        actor=am, project_request=item, reason="The client moved the work in-house", expected_version=1,
    )
    stored = ProjectRequest.objects.get(pk=item.pk)
    assert (stored.status, stored.decline_reason, stored.version) == ("declined", "The client moved the work in-house", 2)
    assert declined.status == "declined"
    assert AuditEntry.objects.count() == audits_before + 1
    with pytest.raises(ValidationError) as again:
        services.project_request_decline(actor=am, project_request=stored, reason="Twice")
    assert again.value.message_dict == {"status": ["This request was declined already."]}
    with pytest.raises(ValidationError):
        services.project_request_accept(actor=None, project_request=stored)


def test_another_account_manager_may_not_decline_and_nothing_changes(am, other_am):
    item = _converted(am)
    audits_before = AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.project_request_decline(actor=other_am, project_request=item, reason="Not mine")
    stored = ProjectRequest.objects.get(pk=item.pk)
    assert (stored.status, stored.decline_reason, stored.version) == ("open", "", 1)
    assert AuditEntry.objects.count() == audits_before


# --- The record page -------------------------------------------------------------------------


def test_the_page_shows_what_was_sold_and_that_it_waits_for_delivery(am):
    item = _converted(am)
    response = client_for(am).get(_detail_url(item))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="project-request-status">Waiting for delivery<' in html
    assert "Waiting for delivery: the delivery team starts the project from this request, asked to begin on 20 Mar 2031." in html
    assert html.count('data-testid="project-request-line"') == 2
    assert "Discovery workshop" in html and "Build sprints" in html
    assert 'data-testid="project-request-budget">€27,000.00<' in html
    assert item.contract.number in html and "20 Mar 2031 – 19 Mar 2032" in html
    assert reverse("commercial:opportunity_detail", kwargs={"opportunity_id": item.opportunity_id}) in html
    assert 'data-testid="decline-form"' in html
    assert "coming soon" not in html.lower()


def test_decline_from_the_page_with_a_reason(am):
    item = _converted(am)
    client = client_for(am)
    url = reverse("commercial:project_request_decline", kwargs={"project_request_id": item.pk})
    refused = client.post(url, {"reason": "", "version": item.version})
    assert refused.status_code == 422 and "This field is required." in refused.content.decode()
    assert ProjectRequest.objects.get(pk=item.pk).status == "open"
    stale = client.post(url, {"reason": "Paused", "version": item.version + 5})
    assert stale.status_code == 409
    assert ProjectRequest.objects.get(pk=item.pk).status == "open"
    done = client.post(url, {"reason": "The client paused the programme", "version": item.version})
    assert done.status_code == 302 and done["Location"] == _detail_url(item)
    page = client.get(_detail_url(item)).content.decode()
    assert "Declined: The client paused the programme" in page and 'data-testid="decline-form"' not in page
    again = client.post(url, {"reason": "Twice", "version": 2}, follow=True)
    assert "This request was declined already." in again.content.decode()
    assert ProjectRequest.objects.get(pk=item.pk).decline_reason == "The client paused the programme"


def test_those_who_may_not_change_the_account_see_no_decline_and_are_refused(am, other_am):
    item = _converted(am)
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    page = client_for(executive).get(_detail_url(item))
    assert page.status_code == 200 and 'data-testid="decline-form"' not in page.content.decode()
    url = reverse("commercial:project_request_decline", kwargs={"project_request_id": item.pk})
    assert client_for(executive).post(url, {"reason": "No", "version": 1}).status_code == 403
    assert client_for(other_am).get(_detail_url(item)).status_code == 404
    assert client_for(other_am).post(url, {"reason": "No", "version": 1}).status_code == 404
    assert ProjectRequest.objects.get(pk=item.pk).status == "open"


def test_the_request_is_linked_from_the_account_the_opportunity_and_the_contract(am):
    item = _converted(am)
    client = client_for(am)
    link = f'href="{_detail_url(item)}"'
    account_page = client.get(reverse("delivery:account_projects", kwargs={"account_id": item.account_id})).content.decode()
    opportunity_page = client.get(reverse("commercial:opportunity_detail", kwargs={"opportunity_id": item.opportunity_id})).content.decode()
    contract_page = client.get(reverse("commercial:contract_detail", kwargs={"contract_id": item.contract_id})).content.decode()
    assert link in account_page and link in opportunity_page and link in contract_page
    board = client.get(reverse("commercial:pipeline_board")).content.decode()
    assert f'href="{reverse("commercial:project_request_list")}"' in board


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_the_requests_waiting_for_delivery_the_user_may_see(am, other_am, django_assert_num_queries):
    waiting = _converted(am, name="Rollout", account_name="Acme")
    declined = _converted(am, name="Pilot", account_name="Globex")
    services.project_request_decline(actor=am, project_request=declined, reason="Lost to budget cuts")
    _converted(other_am, name="Hidden", account_name="Initech")
    client = client_for(am)
    url = reverse("commercial:project_request_list")
    client.get(url)  # warm the session
    # session, user, roles, the capped count, the rows, saved views, layout: the same
    # for one row and for two (no query per row)
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert len(ROWS.findall(html)) == 1
    assert "Rollout" in html and "Pilot" not in html and "Hidden" not in html
    assert _detail_url(waiting) in html
    with django_assert_num_queries(7):
        everything = client.get(url + "?view=all").content.decode()
    assert len(ROWS.findall(everything)) == 2 and "Pilot" in everything and "Hidden" not in everything
    for_account = client.get(url + f"?view=all&account={declined.account_id}").content.decode()
    assert len(ROWS.findall(for_account)) == 1 and "Pilot" in for_account
    assert len(ROWS.findall(client_for(other_am).get(url).content.decode())) == 1


# --- The API ---------------------------------------------------------------------------------


def test_the_api_declines_with_a_reason(am, other_am):
    item = _converted(am)
    url = f"/api/v1/project-requests/{item.pk}/decline"
    client = client_for(am)
    missing = client.post(url, {"version": 1}, content_type="application/json")
    assert missing.status_code == 422
    assert client_for(other_am).post(url, {"reason": "x", "version": 1}, content_type="application/json").status_code == 404
    stale = client.post(url, {"reason": "Paused", "version": 7}, content_type="application/json")
    assert stale.status_code == 409
    assert ProjectRequest.objects.get(pk=item.pk).status == "open"
    done = client.post(url, {"reason": "Paused by the client", "version": 1}, content_type="application/json")
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["decline_reason"], body["version"]) == ("declined", "Paused by the client", 2)
    assert client.get(f"/api/v1/project-requests/{item.pk}").json()["decline_reason"] == "Paused by the client"
