"""The status reports API: list, make the draft (201, then 200 for the same draft), get,
PATCH with version (409 when stale), publish, delete a draft, the portfolio; denials
change nothing; list query counts do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.roles import Role
from tandem.core.services import model_create
from tandem.delivery import services as delivery_services
from tandem.delivery.models import Project
from tandem.governance.models import StatusReport
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project
from tests.factories import make_user
from tests.governance.factories_reports import PERIOD_END, report_project

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def world():
    world = report_project()
    member = make_user(role=Role.MEMBER)
    delivery_services.project_member_add(actor=None, project=world["project"], user=member)
    world["member"] = member
    return world


def published(project, day: int, rag: str = "green") -> StatusReport:
    return model_create(actor=None, model=StatusReport, data={
        "project": project, "period_start": dt.date(2026, 12, day), "period_end": dt.date(2026, 12, day),
        "status": "published", "published_at": dt.datetime(2026, 12, day, 12, tzinfo=dt.UTC),
        "overall_rag": rag, "schedule_rag": rag, "budget_rag": "green", "scope_rag": "green"})


def test_draft_edit_publish_through_the_api(world):
    project, client = world["project"], client_for(world["manager"])
    made = client.post(f"{API}/projects/{project.pk}/status-reports", {"period_end": "2027-01-20"},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["period_start"], body["period_end"], body["status"], body["overall_rag"]) == (
        "2027-01-07", "2027-01-20", "draft", "red")
    assert body["facts"][0] == {"section": "progress", "text": "Progress: 60.0 % complete.",
                                "url": f"/delivery/projects/{project.pk}/#plan"}
    again = client.post(f"{API}/projects/{project.pk}/status-reports", {}, content_type="application/json")
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    url = f"{API}/status-reports/{body['id']}"
    changed = client.patch(url, {"version": 1, "overall_rag": "amber", "summary": "Recovering"},
                           content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["overall_rag"], changed.json()["version"]) == ("amber", 2)
    stale = client.patch(url, {"version": 1, "summary": "Mine"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    bad = client.patch(url, {"version": 2, "scope_rag": "blue"}, content_type="application/json")
    assert bad.status_code == 422 and "scope_rag" in bad.json()["error"]["fields"]
    done = client.post(f"{url}/publish", {"version": 2}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "published"
    late = client.patch(url, {"version": 3, "summary": "x"}, content_type="application/json")
    assert late.status_code == 422 and late.json()["error"]["fields"] == {
        "status": ["This report is published: it can no longer be changed."]}
    assert client.delete(url).status_code == 422
    report = StatusReport.objects.get(pk=body["id"])
    assert (report.summary, report.overall_rag, report.status) == ("Recovering", "amber", "published")


def test_denials_change_nothing(world):
    project = world["project"]
    report = StatusReport.objects.create(project=project, period_start=dt.date(2027, 1, 7), period_end=PERIOD_END)
    member, outsider = client_for(world["member"]), client_for(make_manager())
    url = f"{API}/status-reports/{report.pk}"
    assert member.get(url).status_code == 200
    assert member.patch(url, {"version": 1, "summary": "x"}, content_type="application/json").status_code == 403
    assert member.post(f"{url}/publish", {}, content_type="application/json").status_code == 403
    assert member.delete(url).status_code == 403
    assert member.post(f"{API}/projects/{project.pk}/status-reports", {},
                       content_type="application/json").status_code == 403
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{API}/projects/{project.pk}/status-reports").status_code == 404
    fresh = StatusReport.objects.get(pk=report.pk)
    assert (fresh.status, fresh.summary, fresh.version) == ("draft", "", 1)
    assert StatusReport.objects.count() == 1


def test_delete_a_draft(world):
    report = StatusReport.objects.create(project=world["project"], period_start=dt.date(2027, 1, 7),
                                         period_end=PERIOD_END)
    client = client_for(world["manager"])
    assert client.delete(f"{API}/status-reports/{report.pk}?version=2").status_code == 409
    assert client.delete(f"{API}/status-reports/{report.pk}?version=1").status_code == 204
    assert not StatusReport.objects.exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def test_list_and_portfolio_queries_do_not_grow(world):
    project, manager = world["project"], world["manager"]
    Project.objects.filter(pk=project.pk).update(status="active")
    client = client_for(manager)
    published(project, 1, "amber")
    one, listed = _queries(client, f"{API}/projects/{project.pk}/status-reports")
    assert listed["count"] == 1
    portfolio_one, rows = _queries(client, f"{API}/status-reports?manager_id={manager.pk}")
    for day in range(2, 21):
        published(project, day, "red" if day == 20 else "green")
        other = make_project(manager=manager)
        Project.objects.filter(pk=other.pk).update(status="active")
        published(other, day)
    many, listed = _queries(client, f"{API}/projects/{project.pk}/status-reports")
    assert listed["count"] == 20 and many == one
    portfolio_many, rows = _queries(client, f"{API}/status-reports?manager_id={manager.pk}")
    assert portfolio_many == portfolio_one
    assert rows["count"] == 20
    by_id = {row["project_id"]: row for row in rows["items"]}
    assert (by_id[project.pk]["overall_rag"], by_id[project.pk]["latest_period_end"]) == ("red", "2026-12-20")
    _count, red = _queries(client, f"{API}/status-reports?rag=red&manager_id={manager.pk}")
    assert [row["project_id"] for row in red["items"]] == [project.pk]
