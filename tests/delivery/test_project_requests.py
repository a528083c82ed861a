"""A won deal's project request taken up by delivery: the project gets the request's
account, contract, name, budget and start; the request is accepted in the same step;
project managers see the requests waiting for them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial.models import ProjectRequest, ProjectRequestStatus
from tandem.commercial.services import opportunity_convert
from tandem.core.models import AuditEntry
from tandem.core.permissions import scoped
from tandem.core.roles import Role
from tandem.delivery.models import ProjectStatus
from tandem.delivery.services import project_start_from_request
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity, seed_stages
from tests.delivery.factories import make_manager
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_row() -> ProjectRequest:
    seed_stages()
    am = make_user(role=Role.ACCOUNT_MANAGER)
    account = make_account(owner=am, currency="GBP")
    won = make_opportunity(account=account, owner=am, stage_name="Closed won", amount=Decimal("18000.00"),
                           name="Portal rebuild")
    converted = opportunity_convert(actor=am, opportunity=won, start=dt.date(2031, 4, 1))
    assert converted.project_request is not None
    return converted.project_request


def test_a_project_manager_starts_the_project(request_row) -> None:
    manager = make_manager()
    # Project managers see every request (delivery's queue), not only their accounts'.
    assert list(scoped(manager, ProjectRequest)) == [request_row]
    project = project_start_from_request(actor=manager, project_request=request_row, data={"code": "PORTAL"})
    assert (project.code, project.account, project.contract, project.manager, project.status) == (
        "PORTAL", request_row.account, request_row.contract, manager, ProjectStatus.PLANNING)
    assert (project.budget, project.currency, project.name) == (request_row.budget, request_row.currency, request_row.name)
    request_row.refresh_from_db()
    assert request_row.status == ProjectRequestStatus.ACCEPTED
    assert request_row.project == project
    # The history names the project manager who took the request up.
    entry = AuditEntry.objects.filter(object_id=str(request_row.pk), content_type__model="projectrequest").order_by("id").last()
    assert entry is not None and entry.actor == manager
    with pytest.raises(ValidationError, match="A project was already started from this request"):
        project_start_from_request(actor=manager, project_request=request_row, data={"code": "PORTAL-2"})


def test_members_cannot_take_requests_up(request_row) -> None:
    from tandem.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        project_start_from_request(actor=make_user(role=Role.MEMBER), project_request=request_row,
                                   data={"code": "NOPE"})
    request_row.refresh_from_db()
    assert request_row.status == ProjectRequestStatus.OPEN
