"""The budget API: expenses (list, create, read, change, delete; the receipt as
multipart), earned value at a status date with costs withheld from those who may not
see them; permissions and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import ProjectExpense
from tests.conftest import client_for
from tests.delivery.factories import make_manager
from tests.delivery.test_budget_earned_value import STATUS, expense, worked_example
from tests.delivery.test_budget_expenses import EXE, PNG
from tests.factories import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    project = worked_example()
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    services.project_member_add(actor=None, project=project, user=member)
    return {"project": project, "manager": project.manager, "member": member, "outsider": make_manager()}


def test_earned_value_for_the_manager(world) -> None:
    project = world["project"]
    response = client_for(world["manager"]).get(f"{API}/projects/{project.pk}/earned-value?status_date={STATUS}")
    assert response.status_code == 200
    body = response.json()
    baseline_id = body.pop("baseline_id")
    assert baseline_id == project.baselines.get().pk
    assert body == {
        "project_id": project.pk, "status_date": "2027-01-20", "currency": "EUR", "weight": "work",
        "costs_visible": True, "bac": "100000.00", "planned_percent": "90.0000", "done_percent": "60.0000",
        "pv": "90000.00", "ev": "60000.00", "ac": "75000.00", "ac_time": "66000.00", "ac_expenses": "9000.00",
        "approved_hours": "66.00", "uncosted_hours": "0.00", "spent_percent": "75.0000", "cv": "-15000.00",
        "sv": "-30000.00", "cpi": "0.8000", "spi": "0.6667", "eac": "125000.00", "etc": "50000.00",
        "vac": "-25000.00", "tcpi": "1.6000", "notes": {},
    }


def test_earned_value_withholds_costs_from_a_member(world) -> None:
    project = world["project"]
    body = client_for(world["member"]).get(f"{API}/projects/{project.pk}/earned-value?status_date={STATUS}").json()
    assert body["costs_visible"] is False
    assert [body[name] for name in ("ac", "ac_time", "cv", "cpi", "eac", "etc", "vac", "tcpi", "spent_percent")] == [
        None] * 9
    assert (body["pv"], body["ev"], body["spi"]) == ("90000.00", "60000.00", "0.6667")
    assert body["notes"]["cpi"].startswith("hidden:")
    response = client_for(world["outsider"]).get(f"{API}/projects/{project.pk}/earned-value")
    assert response.status_code == 404


def test_not_measurable_figures_are_null_with_a_reason(world) -> None:
    project = services.project_create(actor=None, data={
        "code": "NEW-1", "name": "New", "start_date": dt.date(2027, 1, 4), "manager": world["manager"]})
    body = client_for(world["manager"]).get(f"{API}/projects/{project.pk}/earned-value?status_date=2027-01-20").json()
    assert (body["cpi"], body["eac"], body["tcpi"]) == (None, None, None)
    assert body["notes"]["cpi"] == "not measurable yet: nothing spent so far (AC is zero)."


def test_expense_crud_through_the_api(world) -> None:
    project, manager, member = world["project"], world["manager"], world["member"]
    client = client_for(manager)
    created = client.post(f"{API}/projects/{project.pk}/expenses", {
        "date": "2027-01-19", "description": "Licence", "category": "Software", "amount": "1200.00",
        "spent_by_id": member.pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert {key: body[key] for key in ("description", "amount", "currency", "has_receipt", "receipt_url", "version")} == {
        "description": "Licence", "amount": "1200.00", "currency": "EUR", "has_receipt": False, "receipt_url": None,
        "version": 1}
    assert body["spent_by"] == {"id": member.pk, "full_name": "Max Member"}
    expense_id = body["id"]
    changed = client.patch(f"{API}/project-expenses/{expense_id}", {"version": 1, "amount": 1250},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["amount"] == "1250.00" and changed.json()["version"] == 2
    stale = client.patch(f"{API}/project-expenses/{expense_id}", {"version": 1, "amount": 1},
                         content_type="application/json")
    assert stale.status_code == 409
    unknown = client.patch(f"{API}/project-expenses/{expense_id}", {"version": 2, "project_id": 1},
                           content_type="application/json")
    assert unknown.status_code == 422
    assert client.delete(f"{API}/project-expenses/{expense_id}?version=1").status_code == 409
    assert client.delete(f"{API}/project-expenses/{expense_id}?version=2").status_code == 204
    assert not ProjectExpense.objects.filter(pk=expense_id).exists()


def test_a_spender_outside_the_team_is_refused_on_its_field(world) -> None:
    project = world["project"]
    response = client_for(world["manager"]).post(f"{API}/projects/{project.pk}/expenses", {
        "date": "2027-01-19", "description": "Licence", "amount": "10", "spent_by_id": world["outsider"].pk},
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["spent_by_id"] == [f"{world['outsider']} is not on this project's team."]


def test_members_read_but_may_not_write(world) -> None:
    project, member = world["project"], world["member"]
    target = ProjectExpense.objects.filter(project=project).first()
    client = client_for(member)
    count = ProjectExpense.objects.count()
    assert client.get(f"{API}/project-expenses/{target.pk}").status_code == 200
    assert client.post(f"{API}/projects/{project.pk}/expenses", {
        "date": "2027-01-19", "description": "X", "amount": "1"}, content_type="application/json").status_code == 403
    assert client.patch(f"{API}/project-expenses/{target.pk}", {"version": 1, "amount": 1},
                        content_type="application/json").status_code == 403
    assert client.delete(f"{API}/project-expenses/{target.pk}").status_code == 403
    assert client.post(f"{API}/project-expenses/{target.pk}/receipt",
                       {"receipt": SimpleUploadedFile("r.png", PNG)}).status_code == 403
    assert ProjectExpense.objects.count() == count
    target.refresh_from_db()
    assert target.version == 1 and not target.receipt
    outsider = client_for(world["outsider"])
    assert outsider.get(f"{API}/project-expenses/{target.pk}").status_code == 404
    assert outsider.get(f"{API}/projects/{project.pk}/expenses").status_code == 404


def test_the_receipt_upload_checks_type_and_size(world, settings) -> None:
    target = ProjectExpense.objects.filter(project=world["project"]).first()
    client = client_for(world["manager"])
    refused = client.post(f"{API}/project-expenses/{target.pk}/receipt",
                          {"receipt": SimpleUploadedFile("photo.png", EXE, content_type="image/png")})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["receipt"] == [
        "Attach the receipt as a PDF, PNG or JPEG file (this file is none of these)."]
    settings.TANDEM_RECEIPT_MAX_BYTES = 32
    too_big = client.post(f"{API}/project-expenses/{target.pk}/receipt", {"receipt": SimpleUploadedFile("r.png", PNG)})
    assert too_big.status_code == 422
    assert too_big.json()["error"]["fields"]["receipt"] == ["The receipt is larger than 32 bytes; attach a smaller scan or photo."]
    missing = client.post(f"{API}/project-expenses/{target.pk}/receipt", {"note": "x"})
    assert missing.status_code == 422 and "file part named receipt" in missing.json()["error"]["fields"]["receipt"][0]
    target.refresh_from_db()
    assert not target.receipt and target.version == 1
    settings.TANDEM_RECEIPT_MAX_BYTES = 1024
    accepted = client.post(f"{API}/project-expenses/{target.pk}/receipt?version=1", {"receipt": SimpleUploadedFile("r.png", PNG)})
    assert accepted.status_code == 200
    assert accepted.json()["has_receipt"] is True
    assert accepted.json()["receipt_url"] == f"/delivery/expenses/{target.pk}/receipt/"


def test_query_counts_are_pinned(world) -> None:
    project = world["project"]
    client = client_for(world["manager"])
    counts = []
    for _size in range(2):
        with CaptureQueriesContext(connection) as listing:
            assert client.get(f"{API}/projects/{project.pk}/expenses").status_code == 200
        with CaptureQueriesContext(connection) as value:
            assert client.get(f"{API}/projects/{project.pk}/earned-value?status_date={STATUS}").status_code == 200
        counts.append((len(listing), len(value)))
        for day in range(1, 6):
            expense(project, day=dt.date(2027, 1, day), amount="3")
    # Auth (session, user, roles), the project, the count, the rows; the earned value:
    # auth, the project, the calendar's time zone, six for the figures.
    assert counts == [(6, 11), (6, 11)]
    assert Decimal(client.get(f"{API}/projects/{project.pk}/earned-value?status_date={STATUS}").json()["ac"]) == Decimal(
        "75030.00")  # two rounds of 5 × 3.00
