"""The delivery API's reads: projects, the schedule (the shape the issue fixes, local
times of the project's calendar) and the plan; visibility per role; query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.people.selectors import calendar_get
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"
PINNED = (6, 7, 6)


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _plan(project):
    design = make_task(project=project, name="Design", external_id="10")
    build = make_task(project=project, name="Build", duration_minutes=1440, external_id="11")
    review = make_task(project=project, name="Review", duration_minutes=240)
    done = make_task(project=project, name="Go-live", is_milestone=True)
    make_dependency(design, build)
    make_dependency(design, review, kind="SS", lag_minutes=480)
    make_dependency(build, done)
    make_dependency(review, done)


def test_the_schedule_in_local_times_of_the_calendar() -> None:
    # The organisation works 09:00–17:00 in Paris: stored instants are UTC, the API
    # answers Paris local time without an offset.
    calendar = calendar_get()
    calendar.time_zone = "Europe/Paris"
    calendar.save()
    manager = make_manager()
    project = make_project(manager=manager, start_date=dt.date(2027, 1, 4))
    _plan(project)
    response = client_for(manager).get(f"{API}/projects/{project.pk}/schedule")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start"], body["finish"]) == ("2027-01-04T09:00:00", "2027-01-07T17:00:00")
    rows = [(t["wbs"], t["name"], t["external_id"], t["early_start"], t["early_finish"], t["late_start"],
             t["late_finish"], t["total_float_hours"], t["is_critical"], t["is_milestone"]) for t in body["tasks"]]
    assert rows == [
        ("1", "Design", "10", "2027-01-04T09:00:00", "2027-01-04T17:00:00", "2027-01-04T09:00:00",
         "2027-01-04T17:00:00", 0.0, True, False),
        ("2", "Build", "11", "2027-01-05T09:00:00", "2027-01-07T17:00:00", "2027-01-05T09:00:00",
         "2027-01-07T17:00:00", 0.0, True, False),
        ("3", "Review", "", "2027-01-05T09:00:00", "2027-01-05T13:00:00", "2027-01-07T13:00:00",
         "2027-01-07T17:00:00", 20.0, False, False),
        ("4", "Go-live", "", "2027-01-07T17:00:00", "2027-01-07T17:00:00", "2027-01-07T17:00:00",
         "2027-01-07T17:00:00", 0.0, True, True),
    ]
    assert set(body["tasks"][0]) == {"id", "external_id", "wbs", "name", "early_start", "early_finish",
                                     "late_start", "late_finish", "total_float_hours", "is_critical", "is_milestone"}


def test_who_sees_a_project() -> None:
    am = make_user(role=Role.ACCOUNT_MANAGER)
    manager = make_manager()
    member = make_user(role=Role.MEMBER)
    outsider_pm = make_manager()
    executive = make_user(role=Role.EXECUTIVE)
    project = make_project(manager=manager, account=make_account(owner=am))
    services.project_member_add(actor=manager, project=project, user=member)
    for user, status in ((manager, 200), (member, 200), (am, 200), (executive, 200), (outsider_pm, 404),
                         (make_user(role=Role.MEMBER), 404)):
        response = client_for(user).get(f"{API}/projects/{project.pk}/schedule")
        assert response.status_code == status, user
        listed = client_for(user).get(f"{API}/projects").json()
        assert [item["code"] for item in listed["items"]] == ([project.code] if status == 200 else [])


def test_query_counts_do_not_grow_with_the_plan() -> None:
    manager = make_manager()
    counts = []
    for size in (3, 40):
        project = make_project(manager=manager)
        for _ in range(size):
            make_task(project=project)
        client = client_for(manager)
        with CaptureQueriesContext(connection) as schedule_queries:
            assert client.get(f"{API}/projects/{project.pk}/schedule").status_code == 200
        with CaptureQueriesContext(connection) as task_queries:
            assert client.get(f"{API}/projects/{project.pk}/tasks?limit=100").json()["count"] == size
        with CaptureQueriesContext(connection) as list_queries:
            assert client.get(f"{API}/projects").status_code == 200
        counts.append((len(schedule_queries), len(task_queries), len(list_queries)))
    assert counts[0] == counts[1]
    # Session, user, roles (3); the project; the calendar's time zone; the tasks (the
    # page of tasks and the project list add their capped count).
    assert counts[0] == PINNED
