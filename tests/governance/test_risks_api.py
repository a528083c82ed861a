"""The risk register API: create (201, field errors), list with filters, PATCH with
version (409 on stale), occurred with tasks, contingency tasks (once), exposure,
permissions (403 / 404 with nothing changed) and list query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.roles import Role
from tandem.delivery import services as delivery
from tandem.delivery.models import Task
from tandem.governance.models import Risk
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.delivery.factories import make_project
from tests.factories import make_user
from tests.governance.factories_risks import make_risk

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_create_list_and_filter():
    project = make_project()
    client = client_for(project.manager)
    response = client.post(f"{API}/projects/{project.pk}/risks", {
        "title": "Vendor API changes", "probability": 4, "impact": 4, "category": "technical",
        "owner_id": project.manager.pk, "contingency_plan": "1. Pin the version\n2. Write an adapter"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["score_word"], body["status"], body["owner"]["id"]) == (16, "High", "open",
                                                                                       project.manager.pk)
    make_risk(project=project, title="Low one", probability=1, impact=2)
    listed = client.get(f"{API}/projects/{project.pk}/risks").json()
    assert [item["title"] for item in listed["items"]] == ["Vendor API changes", "Low one"]
    assert [item["title"] for item in client.get(f"{API}/risks", {"probability": 1}).json()["items"]] == ["Low one"]


def test_create_names_the_bad_field():
    project = make_project()
    response = client_for(project.manager).post(f"{API}/projects/{project.pk}/risks",
                                                {"title": "x", "probability": 7, "impact": 2},
                                                content_type="application/json")
    assert response.status_code == 422
    assert "probability" in response.json()["error"]["fields"]
    assert Risk.objects.count() == 0


def test_patch_with_version_and_conflict():
    project = make_project()
    risk = make_risk(project=project)
    client = client_for(project.manager)
    ok = client.patch(f"{API}/risks/{risk.pk}", {"version": 1, "impact": 5}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["score"] == 15
    stale = client.patch(f"{API}/risks/{risk.pk}", {"version": 1, "impact": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert Risk.objects.get(pk=risk.pk).impact == 5


def test_occurred_with_tasks_and_contingency_refused_twice():
    project = make_project()
    risk = make_risk(project=project, title="Budget cut", contingency_plan="Cut scope\n\nRe-plan")
    client = client_for(project.manager)
    response = client.post(f"{API}/risks/{risk.pk}/occurred", {"make_tasks": True}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "occurred" and response.json()["contingency_done"] is True
    assert Task.objects.filter(project=project).count() == 3
    again = client.post(f"{API}/risks/{risk.pk}/contingency-tasks")
    assert again.status_code == 422
    assert "contingency_plan" in again.json()["error"]["fields"]


def test_contingency_tasks_endpoint_answers_the_tasks():
    project = make_project()
    risk = make_risk(project=project, title="Lab lost", contingency_plan="- Rent a lab\n- Move tests")
    response = client_for(project.manager).post(f"{API}/risks/{risk.pk}/contingency-tasks")
    assert response.status_code == 201
    names = list(Task.objects.filter(pk__in=response.json()["task_ids"]).order_by("outline_index")
                 .values_list("name", flat=True))
    assert names == ["Contingency: Lab lost", "Rent a lab", "Move tests"]


def test_exposure_endpoint():
    project = make_project()
    make_risk(project=project, probability=3, impact=4)
    make_risk(project=project, probability=2, impact=5)
    body = client_for(project.manager).get(f"{API}/projects/{project.pk}/risk-exposure").json()
    assert (body["exposure"], body["open_risks"]) == (22, 2)
    assert body["heat_map"][2][3] == 1 and body["heat_map"][3][4] == 1
    assert sum(map(sum, body["heat_map"])) == 2
    assert [(point["exposure"], point["open_risks"]) for point in body["trend"]] == [(22, 2)]


def test_account_risks_and_permissions():
    manager = make_user(role=Role.ACCOUNT_MANAGER)
    account = make_account(owner=manager)
    response = client_for(manager).post(f"{API}/accounts/{account.pk}/risks",
                                        {"title": "Renewal doubt", "probability": 3, "impact": 5},
                                        content_type="application/json")
    assert response.status_code == 201
    project = make_project()
    member = make_user(role=Role.MEMBER)
    delivery.project_member_add(actor=None, project=project, user=member)
    risk = make_risk(project=project)
    member_client = client_for(member)
    assert member_client.get(f"{API}/risks/{risk.pk}").status_code == 200
    assert member_client.patch(f"{API}/risks/{risk.pk}", {"version": 1, "title": "Hacked"},
                               content_type="application/json").status_code == 403
    assert member_client.post(f"{API}/risks/{risk.pk}/occurred", {}, content_type="application/json").status_code == 403
    outsider = client_for(make_user(role=Role.MEMBER))
    assert outsider.get(f"{API}/risks/{risk.pk}").status_code == 404
    assert outsider.delete(f"{API}/risks/{risk.pk}").status_code == 404
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.title, stored.status, stored.version) == ("Key developer leaves", "open", 1)


def test_list_query_count_is_the_same_at_1_and_30():
    project = make_project()
    owner = make_user(role=Role.MEMBER)
    make_risk(project=project, owner=owner)
    client = client_for(project.manager)
    client.get(f"{API}/risks")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/risks").status_code == 200
        return len(queries)

    one = count()
    for number in range(29):
        make_risk(project=project, title=f"R{number}", owner=owner)
    assert count() == one
    assert one == 5
