"""The Gantt: its rows (``GET /api/v1/projects/{id}/gantt``: window, folding, links,
baseline, local times, the same query count at 10 and 1,200 tasks), a dragged bar
(``POST /api/v1/tasks/{id}/dates``: a move is a "start no earlier than", a resize a
duration, a stale version 409, a summary 422, a member 403, nothing changed on a
refusal) and the page (who may drag, who may not see it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.delivery import services
from tandem.delivery.models import Baseline, BaselineTask, Project, Task
from tandem.delivery.selectors.gantt import EXPAND_ALL_UP_TO
from tandem.people.selectors import calendar_get
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"
PARIS = dt.timezone(dt.timedelta(hours=1))  # Paris in winter


@pytest.fixture(autouse=True)
def _paris(settings):
    """09:00–17:00 in Paris, Monday to Friday: local times in and out are Paris times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    calendar = calendar_get()
    calendar.time_zone = "Europe/Paris"
    calendar.save()


def _plan(manager: Any) -> dict[str, Any]:
    """Design (summary) holding Wireframes (2 days) → Build (3 days); Launch, a
    milestone after Build; a baseline saved before Build grew by a day, and an older
    one that must not show."""
    project = make_project(manager=manager, code="WEB")
    design = make_task(project=project, name="Design", duration_minutes=0)
    wireframes = make_task(project=project, parent=design, name="Wireframes", duration_minutes=960)
    build = make_task(project=project, parent=design, name="Build", duration_minutes=1440)
    launch = make_task(project=project, name="Launch <go-live>", is_milestone=True)
    make_dependency(wireframes, build)
    make_dependency(build, launch)
    older = Baseline.objects.create(project=project, name="First cut")
    BaselineTask.objects.create(baseline=older, task=build, start=dt.datetime(2027, 1, 4, 8, tzinfo=dt.UTC),
                                finish=dt.datetime(2027, 1, 4, 16, tzinfo=dt.UTC))
    latest = Baseline.objects.create(project=project, name="Signed off")
    BaselineTask.objects.create(baseline=latest, task=build, start=dt.datetime(2027, 1, 6, 8, tzinfo=dt.UTC),
                                finish=dt.datetime(2027, 1, 7, 16, tzinfo=dt.UTC))
    BaselineTask.objects.create(baseline=latest, task=launch, start=dt.datetime(2027, 1, 7, 16, tzinfo=dt.UTC),
                                finish=dt.datetime(2027, 1, 7, 16, tzinfo=dt.UTC))
    return {"project": project, "design": design, "wireframes": wireframes, "build": build, "launch": launch}


def _gantt(client: Any, project: Project, query: str = "") -> Any:
    return client.get(f"{API}/projects/{project.pk}/gantt{query}")


def test_the_rows_come_in_outline_order_with_links_baseline_and_local_times() -> None:
    manager = make_manager()
    plan = _plan(manager)
    response = _gantt(client_for(manager), plan["project"])
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body.pop("rows")
    assert body == {"offset": 0, "limit": 200, "depth": 0, "visible_count": 4, "task_count": 4,
                    "baseline": "Signed off"}
    design, wireframes, build, launch = (plan[name] for name in ("design", "wireframes", "build", "launch"))
    assert rows == [
        {"id": design.pk, "parent_id": None, "name": "Design", "wbs": "1", "level": 1,
         "start": "2027-01-04T09:00:00", "end": "2027-01-08T17:00:00", "progress": 0, "is_summary": True,
         "is_milestone": False, "is_critical": True, "collapsed": False, "dependencies": [],
         "baseline_start": None, "baseline_finish": None, "version": Task.objects.get(pk=design.pk).version},
        {"id": wireframes.pk, "parent_id": design.pk, "name": "Wireframes", "wbs": "1.1", "level": 2,
         "start": "2027-01-04T09:00:00", "end": "2027-01-05T17:00:00", "progress": 0, "is_summary": False,
         "is_milestone": False, "is_critical": True, "collapsed": False, "dependencies": [],
         "baseline_start": None, "baseline_finish": None, "version": 1},
        {"id": build.pk, "parent_id": design.pk, "name": "Build", "wbs": "1.2", "level": 2,
         "start": "2027-01-06T09:00:00", "end": "2027-01-08T17:00:00", "progress": 0, "is_summary": False,
         "is_milestone": False, "is_critical": True, "collapsed": False, "dependencies": [wireframes.pk],
         "baseline_start": "2027-01-06T09:00:00", "baseline_finish": "2027-01-07T17:00:00", "version": 1},
        {"id": launch.pk, "parent_id": None, "name": "Launch <go-live>", "wbs": "2", "level": 1,
         "start": "2027-01-08T17:00:00", "end": "2027-01-08T17:00:00", "progress": 0, "is_summary": False,
         "is_milestone": True, "is_critical": True, "collapsed": False, "dependencies": [build.pk],
         "baseline_start": "2027-01-07T17:00:00", "baseline_finish": "2027-01-07T17:00:00", "version": 1},
    ]


def test_a_folded_summary_hides_its_tasks_and_a_window_pages_through_the_rows() -> None:
    manager = make_manager()
    plan = _plan(manager)
    client = client_for(manager)
    body = _gantt(client, plan["project"], f"?collapsed={plan['design'].pk}").json()
    assert [(row["name"], row["collapsed"]) for row in body["rows"]] == [("Design", True), ("Launch <go-live>", False)]
    assert (body["visible_count"], body["task_count"]) == (2, 4)
    # A link to a task outside the rows draws no arrow.
    assert body["rows"][1]["dependencies"] == []
    window = _gantt(client, plan["project"], "?offset=1&limit=2").json()
    assert [row["name"] for row in window["rows"]] == ["Wireframes", "Build"]
    assert window["rows"][1]["dependencies"] == [plan["wireframes"].pk]
    assert (window["offset"], window["limit"], window["visible_count"]) == (1, 2, 4)
    beyond = _gantt(client, plan["project"], "?offset=10").json()
    assert (beyond["rows"], beyond["visible_count"]) == ([], 4)
    assert _gantt(client, plan["project"], "?limit=501").status_code == 422


def _big_plan(project: Project, phases: int) -> None:
    from tandem.bench.measures.schedule import build_plan

    build_plan(project, phases=phases, per_phase=9)
    services.project_reschedule(project=project)


def test_a_big_plan_opens_at_its_top_level_and_a_summary_expands() -> None:
    manager = make_manager()
    project = make_project(manager=manager, code="BIG")
    _big_plan(project, phases=40)  # 400 tasks
    assert Task.objects.filter(project=project).count() > EXPAND_ALL_UP_TO
    client = client_for(manager)
    body = _gantt(client, project).json()
    assert (body["depth"], body["visible_count"], body["task_count"], len(body["rows"])) == (1, 40, 400, 40)
    assert all(row["collapsed"] and row["level"] == 1 for row in body["rows"])
    second = body["rows"][1]
    opened = _gantt(client, project, f"?expanded={second['id']}&limit=12").json()
    assert opened["visible_count"] == 49
    assert [row["wbs"] for row in opened["rows"]] == ["1", "2", *(f"2.{n}" for n in range(1, 10)), "3"]
    assert opened["rows"][1]["collapsed"] is False
    every_level = _gantt(client, project, "?depth=0&limit=3").json()
    assert (every_level["visible_count"], [row["wbs"] for row in every_level["rows"]]) == (400, ["1", "1.1", "1.2"])


def _count_queries(client: Any, project: Project, query: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _gantt(client, project, query)
    assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_plan() -> None:
    manager = make_manager()
    client = client_for(manager)
    small = make_project(manager=manager, code="SMALL")
    first = make_task(project=small, name="Phase")
    for number in range(9):
        make_task(project=small, parent=first, name=f"Step {number}")
    Baseline.objects.create(project=small, name="B1")
    big = make_project(manager=manager, code="LARGE")
    _big_plan(big, phases=120)  # 1,200 tasks
    Baseline.objects.create(project=big, name="B1")
    big_phase = Task.objects.filter(project=big, outline_level=1).order_by("outline_index").values_list("pk", flat=True)
    assert Task.objects.filter(project=big).count() == 1200
    # Every level: session, user, roles, project, time zone, plan size, window, links,
    # baseline, its rows. Folded (the big plan's default): and the visible rows' count.
    assert _count_queries(client, small, "") == _count_queries(client, big, "?depth=0") == 10
    assert _count_queries(client, small, "?depth=1") == _count_queries(client, big, "") == 11
    # Named folds cost one query each, whatever their number.
    folds_small = f"?depth=1&expanded={first.pk}&collapsed={first.pk}"
    folds_big = f"?expanded={big_phase[0]}&expanded={big_phase[1]}&collapsed={big_phase[2]}&collapsed={big_phase[3]}"
    assert _count_queries(client, small, folds_small) == _count_queries(client, big, folds_big) == 13


# --- Who sees it ------------------------------------------------------------------------------


def test_members_read_the_chart_outsiders_get_404_and_only_the_manager_may_drag() -> None:
    manager = make_manager()
    plan = _plan(manager)
    project = plan["project"]
    member = make_user()
    services.project_member_add(actor=manager, project=project, user=member)
    outsider = make_user()
    assert _gantt(client_for(member), project).status_code == 200
    assert _gantt(client_for(outsider), project).status_code == 404
    page = reverse("delivery:project_gantt", kwargs={"project_id": project.pk})
    manager_page = client_for(manager).get(page)
    member_page = client_for(member).get(page)
    assert manager_page.status_code == member_page.status_code == 200
    assert 'data-can-change="true"' in manager_page.content.decode()
    assert 'data-can-change="false"' in member_page.content.decode()
    assert 'aria-current="page"><i class="ti ti-chart-bar me-1" aria-hidden="true"></i>Gantt' in member_page.content.decode()
    assert client_for(outsider).get(page).status_code == 404


# --- Dragging a bar ---------------------------------------------------------------------------


def _dates(client: Any, task: Task, start: str, finish: str, version: int) -> Any:
    return client.post(f"{API}/tasks/{task.pk}/dates", {"version": version, "start": start, "finish": finish},
                       content_type="application/json")


def _schedule(*tasks: Task) -> list[tuple[str, str]]:
    rows = Task.objects.in_bulk([task.pk for task in tasks])
    return [(rows[task.pk].early_start.astimezone(PARIS).strftime("%a %d %H:%M"),  # type: ignore[union-attr]
             rows[task.pk].early_finish.astimezone(PARIS).strftime("%a %d %H:%M"))  # type: ignore[union-attr]
            for task in tasks]


def test_moving_a_bar_sets_start_no_earlier_than_and_its_successors_follow() -> None:
    manager = make_manager()
    plan = _plan(manager)
    build, launch = plan["build"], plan["launch"]
    # Build covers Wed 6 – Fri 8; moved two days later (same length): Fri 8 – Sun 10.
    response = _dates(client_for(manager), build, "2027-01-08", "2027-01-10", version=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["constraint_type"], body["constraint_date"], body["version"]) == ("snet", "2027-01-08T00:00:00", 2)
    assert body["duration_minutes"] == 1440
    # Three working days from Friday: Fri, Mon, Tue; the launch follows.
    assert _schedule(build, launch) == [("Fri 08 09:00", "Tue 12 17:00"), ("Tue 12 17:00", "Tue 12 17:00")]


def test_resizing_a_bar_sets_its_duration_in_working_time() -> None:
    manager = make_manager()
    plan = _plan(manager)
    build, launch = plan["build"], plan["launch"]
    # Build's end dragged from Fri 8 to Mon 11: Wed, Thu, Fri, Mon = 4 working days.
    response = _dates(client_for(manager), build, "2027-01-06", "2027-01-11", version=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["duration_minutes"], body["constraint_type"]) == (4 * 480, "asap")
    assert _schedule(build, launch) == [("Wed 06 09:00", "Mon 11 17:00"), ("Mon 11 17:00", "Mon 11 17:00")]


def test_a_refused_drag_changes_nothing() -> None:
    manager = make_manager()
    plan = _plan(manager)
    project, build, design = plan["project"], plan["build"], plan["design"]
    member = make_user()
    services.project_member_add(actor=manager, project=project, user=member)
    before = list(Task.objects.filter(project=project).order_by("pk").values())
    stale = _dates(client_for(manager), build, "2027-01-08", "2027-01-10", version=7)
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 1
    summary = _dates(client_for(manager), design, "2027-01-11", "2027-01-15", version=1)
    assert summary.status_code == 422
    assert summary.json()["error"]["fields"] == {
        "start": ["Design is a summary task: its dates come from its tasks, move those."]}
    backwards = _dates(client_for(manager), build, "2027-01-08", "2027-01-07", version=1)
    assert backwards.json()["error"]["fields"] == {"finish": ["The last day cannot come before the first."]}
    weekend = _dates(client_for(manager), build, "2027-01-09", "2027-01-10", version=1)
    assert weekend.status_code == 422
    far = _dates(client_for(manager), build, "2027-01-08", "2999-12-30", version=1)
    assert far.json()["error"]["fields"] == {"finish": [
        "30 December 2999 is too far from the project's start (04 January 2027): choose a day within ten years of it."]}
    assert _dates(client_for(member), build, "2027-01-08", "2027-01-10", version=1).status_code == 403
    assert _dates(client_for(make_user()), build, "2027-01-08", "2027-01-10", version=1).status_code == 404
    assert list(Task.objects.filter(project=project).order_by("pk").values()) == before
