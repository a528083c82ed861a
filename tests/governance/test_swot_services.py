"""SWOT rules: ordered items, moves, a weakness / threat → a linked risk (once), an
opportunity → a sales opportunity of the account (a project's account; an internal
project refused), permissions with nothing changed; the API and the pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.commercial.models import Opportunity
from tandem.core.errors import PermissionDeniedError
from tandem.core.roles import Role
from tandem.governance.models import Risk, SwotItem
from tandem.governance.services.swot import (
    swot_item_move,
    swot_item_to_opportunity,
    swot_item_to_risk,
    swot_item_update,
)
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.delivery.factories import make_project
from tests.factories import make_user
from tests.governance.factories_risks import make_item, make_swot

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _texts(analysis, quadrant):
    return list(SwotItem.objects.filter(analysis=analysis, quadrant=quadrant).order_by("position")
                .values_list("text", flat=True))


def test_items_are_ordered_and_move_up_and_down():
    analysis = make_swot(project=make_project())
    first, second, third = (make_item(analysis, "strength", text) for text in ("A", "B", "C"))
    assert [first.position, second.position, third.position] == [0, 1, 2]
    swot_item_move(actor=None, item=third, direction="up")
    assert _texts(analysis, "strength") == ["A", "C", "B"]
    swot_item_move(actor=None, item=SwotItem.objects.get(pk=first.pk), direction="up")
    assert _texts(analysis, "strength") == ["A", "C", "B"]
    swot_item_move(actor=None, item=SwotItem.objects.get(pk=first.pk), direction="down")
    assert _texts(analysis, "strength") == ["C", "A", "B"]


def test_threat_becomes_a_linked_risk_once():
    project = make_project()
    analysis = make_swot(project=project)
    threat = make_item(analysis, "threat", "A competitor undercuts the renewal")
    risk = swot_item_to_risk(actor=project.manager, item=threat)
    assert (risk.project_id, risk.title, risk.probability, risk.impact, risk.owner) == (
        project.pk, "A competitor undercuts the renewal", 3, 3, project.manager)
    assert SwotItem.objects.get(pk=threat.pk).risk_id == risk.pk
    with pytest.raises(ValidationError):
        swot_item_to_risk(actor=project.manager, item=SwotItem.objects.get(pk=threat.pk))
    assert Risk.objects.count() == 1
    strength = make_item(analysis, "strength", "Good team")
    with pytest.raises(ValidationError) as refusal:
        swot_item_to_risk(actor=None, item=strength)
    assert list(refusal.value.message_dict) == ["quadrant"]


def test_opportunity_goes_to_the_projects_account_and_internal_projects_are_refused():
    account = make_account()
    project = make_project(account=account)
    analysis = make_swot(project=project)
    item = make_item(analysis, "opportunity", "Phase two: mobile app")
    opportunity = swot_item_to_opportunity(actor=None, item=item)
    assert (opportunity.account_id, opportunity.name) == (account.pk, "Phase two: mobile app")
    assert SwotItem.objects.get(pk=item.pk).opportunity_id == opportunity.pk
    with pytest.raises(ValidationError):
        swot_item_to_opportunity(actor=None, item=SwotItem.objects.get(pk=item.pk))
    internal = make_swot(project=make_project())
    lonely = make_item(internal, "opportunity", "Reuse the toolkit")
    with pytest.raises(ValidationError) as refusal:
        swot_item_to_opportunity(actor=None, item=lonely)
    assert "internal project" in refusal.value.message_dict["opportunity"][0]
    assert Opportunity.objects.count() == 1


def test_others_change_nothing():
    project = make_project()
    analysis = make_swot(project=project)
    item = make_item(analysis, "weakness", "Thin test coverage")
    member = make_user(role=Role.MEMBER)
    for call in (lambda: swot_item_update(actor=member, item=item, text="x"),
                 lambda: swot_item_move(actor=member, item=item, direction="down"),
                 lambda: swot_item_to_risk(actor=member, item=item)):
        with pytest.raises(PermissionDeniedError):
            call()
    stored = SwotItem.objects.get(pk=item.pk)
    assert (stored.text, stored.version, stored.risk_id) == ("Thin test coverage", 1, None)
    assert Risk.objects.count() == 0


def test_api_crud_and_conversions():
    manager = make_user(role=Role.ACCOUNT_MANAGER)
    account = make_account(owner=manager)
    client = client_for(manager)
    created = client.post(f"{API}/accounts/{account.pk}/swot-analyses", {"title": "Account plan 2027"},
                          content_type="application/json")
    assert created.status_code == 201
    analysis_id = created.json()["id"]
    item = client.post(f"{API}/swot-analyses/{analysis_id}/items", {"quadrant": "threat", "text": "Budget freeze"},
                       content_type="application/json").json()
    moved = client.patch(f"{API}/swot-items/{item['id']}", {"version": item["version"], "text": "Budget freeze in Q1"},
                         content_type="application/json")
    assert moved.status_code == 200 and moved.json()["text"] == "Budget freeze in Q1"
    risk = client.post(f"{API}/swot-items/{item['id']}/risk")
    assert risk.status_code == 201
    assert (risk.json()["account_id"], risk.json()["project_id"]) == (account.pk, None)
    body = client.get(f"{API}/swot-analyses/{analysis_id}").json()
    assert body["items"][0]["risk_id"] == risk.json()["id"]
    assert client.post(f"{API}/swot-items/{item['id']}/risk").status_code == 422


def test_pages_add_items_and_print():
    project = make_project()
    analysis = make_swot(project=project, title="Mid-project")
    client = client_for(project.manager)
    response = client.post(reverse("governance:swot_item_add", kwargs={"swot_analysis_id": analysis.pk}),
                           {"quadrant": "weakness", "text": "No staging server"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 302
    page = client.get(reverse("governance:swot_detail", kwargs={"swot_analysis_id": analysis.pk})).content.decode()
    assert "No staging server" in page and "Make it a risk" in page
    printed = client.get(reverse("governance:swot_print", kwargs={"swot_analysis_id": analysis.pk})).content.decode()
    assert 'data-testid="swot-print-grid"' in printed and "sidebar" not in printed
    item = SwotItem.objects.get(analysis=analysis)
    made = client.post(reverse("governance:swot_item_risk", kwargs={"swot_item_id": item.pk}))
    risk = Risk.objects.get(project=project)
    assert made["Location"] == reverse("governance:risk_detail", kwargs={"risk_id": risk.pk}) + "?edit=1#edit-risk"
