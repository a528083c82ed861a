"""Pipeline stages: the services' rules and the settings page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.commercial import services
from tandem.commercial.models import Stage
from tandem.core.errors import PermissionDeniedError
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity, stage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_admin_adds_renames_and_reorders(admin_user):
    added = services.stage_create(actor=admin_user, data={"name": "Demo", "probability": 35, "forecast_category": "best_case"})
    assert (added.outcome, added.order, added.probability) == ("open", 100, 35)
    renamed = services.stage_update(actor=admin_user, stage=added, data={"name": "Product demo", "order": 25})
    assert (renamed.name, renamed.order) == ("Product demo", 25)


def test_a_closing_stage_keeps_its_figures(admin_user):
    won = stage("Closed won")
    services.stage_update(actor=admin_user, stage=won, data={"name": "Signed", "probability": 40})
    won.refresh_from_db()
    assert (won.name, won.probability, won.forecast_category) == ("Signed", 100, "closed")


def test_a_stage_in_use_cannot_be_deleted(admin_user, account_manager):
    make_opportunity(account=make_account(owner=account_manager), stage_name="Discovery")
    with pytest.raises(ValidationError, match="deactivate it instead"):
        services.stage_delete(actor=admin_user, stage=stage("Discovery"))
    assert Stage.objects.filter(name="Discovery").exists()
    services.stage_update(actor=admin_user, stage=stage("Discovery"), data={"is_active": False})
    assert stage("Discovery").is_active is False


def test_the_last_won_stage_stays(admin_user):
    with pytest.raises(ValidationError, match="at least one active won stage"):
        services.stage_update(actor=admin_user, stage=stage("Closed won"), data={"is_active": False})
    unused = services.stage_create(actor=admin_user, data={"name": "Spare"})
    services.stage_delete(actor=admin_user, stage=unused)
    assert not Stage.objects.filter(name="Spare").exists()


def test_an_account_manager_cannot_change_stages(account_manager):
    with pytest.raises(PermissionDeniedError):
        services.stage_update(actor=account_manager, stage=stage("Proposal"), data={"probability": 99})
    assert stage("Proposal").probability == 50


def test_the_settings_page_saves_a_row_and_adds_a_stage(admin_user):
    client = client_for(admin_user)
    proposal = stage("Proposal")
    response = client.post(reverse("commercial:stage_edit", kwargs={"stage_id": proposal.pk}), {
        "name": "Proposal sent", "order": "30", "probability": "60", "forecast_category": "best_case",
        "outcome": "open", "is_active": "on", "version": proposal.version,
    })
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.name, proposal.probability) == ("Proposal sent", 60)
    response = client.post(reverse("commercial:stage_add"), {"name": "Demo", "probability": "30", "forecast_category": "pipeline", "outcome": "open", "is_active": "on"})
    assert response.status_code == 302
    assert Stage.objects.get(name="Demo").probability == 30
    body = client.get(reverse("commercial:stage_settings")).content.decode()
    assert "Proposal sent" in body and "Demo" in body
