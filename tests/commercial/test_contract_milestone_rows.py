"""Contract milestones added, edited and removed in place on the contract page (HTMX):
each write goes through the milestone services and answers the section again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.commercial.models import BillingMilestone
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract, make_milestone
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Ada Manager")


def _rows():
    return list(BillingMilestone.objects.order_by("id").values_list("name", "due_date", "amount", "version"))


def test_add_edit_and_remove_a_milestone_in_place(am):
    contract = make_contract(account=make_account(owner=am), status="draft", currency="EUR")
    client = client_for(am)
    page = client.get(reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk})).content.decode()
    assert 'data-testid="milestone-add"' in page and 'hx-target="#milestones"' in page

    add = reverse("commercial:billing_milestone_create", kwargs={"contract_id": contract.pk})
    refused = client.post(add, {"name": "", "due_date": "2031-06-30", "amount": "4000"}, **HX)
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert _rows() == []
    added = client.post(add, {"name": "Go-live", "due_date": "2031-06-30", "amount": "4000"}, **HX)
    html = added.content.decode()
    assert added.status_code == 200 and 'id="milestones"' in html
    assert "<html" not in html and "Go-live" in html and "Billed 0.00 of 4,000.00 EUR." in html
    assert _rows() == [("Go-live", dt.date(2031, 6, 30), Decimal("4000.00"), 1)]
    milestone = BillingMilestone.objects.get()

    edit = reverse("commercial:billing_milestone_edit", kwargs={"billing_milestone_id": milestone.pk})
    assert client.get(edit)["Location"] == reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk}) + "#milestones"
    row = client.get(edit, **HX)
    assert row.status_code == 200 and 'data-testid="milestone-edit-row"' in row.content.decode()
    invalid = client.post(edit, {"name": "Go-live", "due_date": "", "amount": "4500", "version": 1}, **HX)
    assert invalid.status_code == 200 and 'data-testid="milestone-edit-row"' in invalid.content.decode()
    stale = client.post(edit, {"name": "Launch", "due_date": "2031-07-15", "amount": "4500", "version": 9}, **HX)
    assert stale.status_code == 409
    assert _rows() == [("Go-live", dt.date(2031, 6, 30), Decimal("4000.00"), 1)]
    saved = client.post(edit, {"name": "Launch", "due_date": "2031-07-15", "amount": "4500", "version": 1}, **HX)
    assert saved.status_code == 200 and saved["HX-Retarget"] == "#milestones"
    assert "Launch" in saved.content.decode() and "Billed 0.00 of 4,500.00 EUR." in saved.content.decode()
    assert _rows() == [("Launch", dt.date(2031, 7, 15), Decimal("4500.00"), 2)]

    delete = reverse("commercial:billing_milestone_delete", kwargs={"billing_milestone_id": milestone.pk})
    audits = AuditEntry.objects.count()
    removed = client.post(delete, {"version": 2}, **HX)
    assert removed.status_code == 200 and "No milestone payments." in removed.content.decode()
    assert _rows() == [] and AuditEntry.objects.count() == audits + 1


def test_a_billed_milestone_is_not_edited_and_the_refusal_shows_in_the_section(am):
    contract = make_contract(account=make_account(owner=am), status="active")
    billed = make_milestone(contract=contract, name="Kick-off", billed_on=dt.date(2031, 2, 1))
    client = client_for(am)
    page = client.get(reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk})).content.decode()
    assert reverse("commercial:billing_milestone_edit", kwargs={"billing_milestone_id": billed.pk}) not in page
    refused = client.post(reverse("commercial:billing_milestone_delete", kwargs={"billing_milestone_id": billed.pk}), {"version": 1}, **HX)
    assert refused.status_code == 200
    assert 'data-testid="milestone-error">A billed milestone is kept with its revenue; it cannot be deleted.<' in refused.content.decode()
    edit = client.post(reverse("commercial:billing_milestone_edit", kwargs={"billing_milestone_id": billed.pk}),
                       {"name": "Other", "due_date": "2031-03-01", "amount": "1", "version": 1}, **HX)
    assert "it no longer changes" in edit.content.decode()
    assert _rows() == [("Kick-off", dt.date(2031, 6, 30), Decimal("5000.00"), 1)]


def test_a_plain_post_without_htmx_goes_back_to_the_page(am):
    contract = make_contract(account=make_account(owner=am), status="draft")
    milestone = make_milestone(contract=contract)
    response = client_for(am).post(
        reverse("commercial:billing_milestone_edit", kwargs={"billing_milestone_id": milestone.pk}),
        {"name": "Acceptance", "due_date": "2031-09-30", "amount": "5000", "version": 1},
    )
    assert response["Location"] == reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk}) + "#milestones"
    assert _rows() == [("Acceptance", dt.date(2031, 9, 30), Decimal("5000.00"), 2)]


def test_others_may_not_edit_and_nothing_changes(am):
    contract = make_contract(account=make_account(owner=am), status="draft")
    milestone = make_milestone(contract=contract)
    edit = reverse("commercial:billing_milestone_edit", kwargs={"billing_milestone_id": milestone.pk})
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    stranger = make_user(role=Role.ACCOUNT_MANAGER, email="stranger@example.test")
    data = {"name": "Changed", "due_date": "2031-09-30", "amount": "1", "version": 1}
    assert client_for(executive).post(edit, data, **HX).status_code == 403
    assert client_for(stranger).post(edit, data, **HX).status_code == 404
    assert _rows() == [("Go-live", dt.date(2031, 6, 30), Decimal("5000.00"), 1)]
