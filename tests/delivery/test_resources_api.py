"""The resources API: allocations (list, create, read, change, delete) and capacity.
Exact answers; strict bodies (422 on an unknown field, on hours out of range, on dates
out of order, naming the field); versions (409); a member may not allocate (403,
nothing changed); an outsider finds nothing (404); query counts pinned, the same with
more people and weeks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Allocation, ProjectMember
from tandem.people.models import Holiday, TimeOff
from tandem.people.selectors import calendar_get
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"
MONDAY = dt.date(2027, 1, 4)
D = Decimal
# /capacity: session, user, roles (3 for a session-authenticated API call: see below);
# the capped count and the page of people (2); allocations, time off, holidays (3).
CAPACITY_QUERIES = 8
# /projects/{id}/allocations: the caller (3); the project (1); count and rows (2).
ALLOCATION_LIST_QUERIES = 6


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{url}", body, content_type="application/json")


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(f"{API}{url}", body, content_type="application/json")


def _fields(response: Any) -> dict[str, list[str]]:
    return response.json()["error"]["fields"]


@pytest.fixture
def world():
    team = make_team(name="Build")
    manager = make_manager(full_name="Pia Manager")
    member = make_user(role=Role.MEMBER, full_name="Ana Analyst", team=team)
    outsider = make_user(role=Role.MEMBER, full_name="Oli Outsider")
    project = make_project(manager=manager, code="WEB-1", name="Website")
    services.project_member_add(actor=None, project=project, user=member)
    return {"manager": manager, "member": member, "outsider": outsider, "project": project, "team": team}


def test_allocations_are_created_listed_changed_and_deleted(world) -> None:
    client = client_for(world["manager"])
    project = world["project"]
    newcomer = make_user(full_name="Nia Newcomer")
    response = _post(client, f"/projects/{project.pk}/allocations", {
        "user_id": newcomer.pk, "start_date": "2027-01-04", "end_date": "2027-01-31", "hours_per_week": "12.5",
        "note": "Copywriting"})
    assert response.status_code == 201, response.content
    body = response.json()
    allocation_id = body.pop("id")
    assert body == {
        "project": {"id": project.pk, "code": "WEB-1", "name": "Website"},
        "user": {"id": newcomer.pk, "full_name": "Nia Newcomer"},
        "start_date": "2027-01-04", "end_date": "2027-01-31", "hours_per_week": "12.50", "note": "Copywriting",
        "version": 1,
    }
    assert ProjectMember.objects.filter(project=project, user=newcomer).exists()
    with CaptureQueriesContext(connection) as queries:
        listed = client.get(f"{API}/projects/{project.pk}/allocations").json()
    assert len(queries) == ALLOCATION_LIST_QUERIES
    assert (listed["count"], [item["id"] for item in listed["items"]]) == (1, [allocation_id])
    assert client.get(f"{API}/allocations/{allocation_id}").json()["hours_per_week"] == "12.50"
    changed = _patch(client, f"/allocations/{allocation_id}", {"version": 1, "hours_per_week": 20,
                                                                "end_date": "2027-02-28"})
    assert changed.status_code == 200
    assert (changed.json()["hours_per_week"], changed.json()["end_date"], changed.json()["version"]) == (
        "20.00", "2027-02-28", 2)
    stale = _patch(client, f"/allocations/{allocation_id}", {"version": 1, "hours_per_week": 8})
    assert stale.status_code == 409
    assert client.delete(f"{API}/allocations/{allocation_id}?version=1").status_code == 409
    assert client.delete(f"{API}/allocations/{allocation_id}?version=2").status_code == 204
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"end_date": "2027-01-01"}, "end_date", "The allocation cannot end before it starts."),
    ({"hours_per_week": 169}, "hours_per_week", None),
    ({"hours_per_week": "1.234"}, "hours_per_week", None),
    ({"hours_per_week": True}, "hours_per_week", None),
    ({"project_id": 1}, "project_id", "This field is unknown or read-only."),
    ({"user_id": 987654321}, "user_id", None),
])
def test_bad_bodies_name_their_field(world, body, field, message) -> None:
    full = {"user_id": world["member"].pk, "start_date": "2027-01-04", "end_date": "2027-01-31",
            "hours_per_week": 8, **body}
    response = _post(client_for(world["manager"]), f"/projects/{world['project'].pk}/allocations", full)
    assert response.status_code == 422
    fields = _fields(response)
    assert list(fields) == [field]
    if message is not None:
        assert fields[field] == [message]
    assert not Allocation.objects.exists()


def test_a_member_may_not_allocate_and_an_outsider_finds_nothing(world) -> None:
    project = world["project"]
    allocation = services.allocation_create(actor=None, project=project, data={
        "user": world["member"], "start_date": MONDAY, "end_date": MONDAY + dt.timedelta(days=6),
        "hours_per_week": D(8)})
    body = {"user_id": world["member"].pk, "start_date": "2027-01-04", "end_date": "2027-01-31", "hours_per_week": 8}
    member = client_for(world["member"])
    assert member.get(f"{API}/projects/{project.pk}/allocations").status_code == 200
    assert _post(member, f"/projects/{project.pk}/allocations", body).status_code == 403
    assert _patch(member, f"/allocations/{allocation.pk}", {"version": 1, "hours_per_week": 40}).status_code == 403
    assert member.delete(f"{API}/allocations/{allocation.pk}").status_code == 403
    outsider = client_for(world["outsider"])
    assert outsider.get(f"{API}/projects/{project.pk}/allocations").status_code == 404
    assert _post(outsider, f"/projects/{project.pk}/allocations", body).status_code == 404
    assert outsider.get(f"{API}/allocations/{allocation.pk}").status_code == 404
    assert _patch(outsider, f"/allocations/{allocation.pk}", {"version": 1, "hours_per_week": 40}).status_code == 404
    assert list(Allocation.objects.values_list("pk", "version", "hours_per_week")) == [(allocation.pk, 1, D("8.00"))]


def test_capacity_per_person_and_week(world) -> None:
    """The worked example: a holiday Monday and two days off leave 16 h of 40; 24 h
    allocated is 8 h over."""
    member = world["member"]
    Holiday.objects.create(calendar=calendar_get(), date=MONDAY, name="New Year (observed)")
    TimeOff.objects.create(person=member.person, start_date=MONDAY + dt.timedelta(days=1),
                           end_date=MONDAY + dt.timedelta(days=2))
    services.allocation_create(actor=None, project=world["project"], data={
        # To Wednesday 13 January: 3 of the second week's 5 days, 24 × 3 ÷ 5 = 14.40 h.
        "user": member, "start_date": MONDAY, "end_date": MONDAY + dt.timedelta(days=9), "hours_per_week": D(24)})
    response = client_for(world["manager"]).get(f"{API}/capacity",
                                                 {"start": "2027-01-06", "weeks": 2, "team": world["team"].pk})
    assert response.status_code == 200
    assert response.json() == {
        "count": 1, "count_is_capped": False, "limit": 50, "offset": 0, "start": "2027-01-04",
        "items": [{
            "user": {"id": member.pk, "full_name": "Ana Analyst"}, "team": "Build", "weekly_capacity_hours": "40.00",
            "weeks": [
                {"week": "2027-01-04", "capacity": "40.00", "holidays": "8.00", "time_off": "16.00",
                 "available": "16.00", "allocated": "24.00", "free": "-8.00", "over": True},
                {"week": "2027-01-11", "capacity": "40.00", "holidays": "0.00", "time_off": "0.00",
                 "available": "40.00", "allocated": "14.40", "free": "25.60", "over": False},
            ],
        }],
    }


def test_capacity_costs_the_same_queries_with_more_people_and_weeks(world) -> None:
    client = client_for(world["manager"])
    counts = []
    for weeks in (2, 20):
        for _ in range(4):
            user = make_user()
            services.allocation_create(actor=None, project=world["project"], data={
                "user": user, "start_date": MONDAY, "end_date": MONDAY + dt.timedelta(days=200),
                "hours_per_week": D(10)})
            TimeOff.objects.create(person=user.person, start_date=MONDAY, end_date=MONDAY)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}/capacity", {"start": "2027-01-04", "weeks": weeks})
        assert response.status_code == 200 and len(response.json()["items"][0]["weeks"]) == weeks
        counts.append(len(queries))
    assert counts == [CAPACITY_QUERIES, CAPACITY_QUERIES]


def test_a_member_sees_only_their_own_capacity(world) -> None:
    body = client_for(world["member"]).get(f"{API}/capacity", {"weeks": 1}).json()
    assert [item["user"]["full_name"] for item in body["items"]] == ["Ana Analyst"]
    assert client_for(world["member"]).get(f"{API}/capacity", {"weeks": 27}).status_code == 422
