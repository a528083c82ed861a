"""The delivery API's writes: projects, tasks (the tree and progress), dependencies and
the Monte Carlo forecast. Each endpoint's answer exactly; strict bodies (422 on an
unknown field), versions (409), 404 for what the caller may not see, 403 for what they
see but may not change, 422 on a body field naming an object they may not see; local
times of the project's calendar in and out; query counts of the list endpoints."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Dependency, Project, ProjectMember, Task, TaskAssignment
from tandem.people.selectors import calendar_get
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"
UNKNOWN = ["This field is unknown or read-only."]


@pytest.fixture(autouse=True)
def _paris(settings):
    """The organisation works 09:00–17:00 in Paris: local times in and out are Paris
    times, stored instants UTC (one hour earlier in winter)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    calendar = calendar_get()
    calendar.time_zone = "Europe/Paris"
    calendar.save()


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{url}", body, content_type="application/json")


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(f"{API}{url}", body, content_type="application/json")


def _error(response: Any) -> tuple[int, dict[str, list[str]]]:
    return response.status_code, response.json()["error"]["fields"]


# --- Projects ---------------------------------------------------------------------------


def test_a_project_is_created_changed_and_moved_along_its_lifecycle() -> None:
    manager = make_manager(full_name="Pia Planner")
    client = client_for(manager)
    response = _post(client, "/projects", {
        "code": "acme-web", "name": "Website", "start_date": "2027-01-04", "due_date": "2027-03-31",
        "budget": "12000.50", "budget_hours": 120, "billing_type": "time_and_materials",
        "scope_statement": "A new site", "in_scope": "Pages", "out_of_scope": "Shop", "status": "planning",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    project_id = body.pop("id")
    assert body == {
        "code": "ACME-WEB", "name": "Website", "status": "planning", "account": None,
        "manager": {"id": manager.pk, "full_name": "Pia Planner"}, "start_date": "2027-01-04",
        "due_date": "2027-03-31", "completed_on": None, "scheduled_start": None, "scheduled_finish": None,
        "budget": "12000.50", "currency": "EUR", "budget_hours": "120.00", "billing_type": "time_and_materials",
        "is_template": False, "version": 1, "description": "", "scope_statement": "A new site",
        "in_scope": "Pages", "out_of_scope": "Shop",
    }
    assert list(ProjectMember.objects.filter(project=project_id).values_list("user", "role")) == [
        (manager.pk, "Project manager")]

    changed = _patch(client, f"/projects/{project_id}", {"version": 1, "name": "Web site", "budget": 15000})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["budget"], changed.json()["version"]) == ("Web site", "15000.00", 2)
    stale = _patch(client, f"/projects/{project_id}", {"version": 1, "name": "Lost"})
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2
    assert _error(_patch(client, f"/projects/{project_id}", {"version": 2, "colour": "red"})) == (
        422, {"colour": UNKNOWN})
    assert _error(_patch(client, f"/projects/{project_id}", {"name": "No version"})) == (
        422, {"version": ["This field is required."]})

    active = _post(client, f"/projects/{project_id}/status", {"status": "active", "version": 2})
    assert (active.status_code, active.json()["status"], active.json()["version"]) == (200, "active", 3)
    assert _error(_post(client, f"/projects/{project_id}/status", {"status": "proposed", "version": 3})) == (422, {
        "status": ["An active project cannot become proposed: it can move to cancelled, completed or on hold."]})
    assert _post(client, f"/projects/{project_id}/status", {"status": "on_hold", "version": 2}).status_code == 409
    assert Project.objects.get(pk=project_id).name == "Web site"


def test_project_bodies_are_strict_and_name_only_what_the_caller_sees() -> None:
    manager = make_manager()
    client = client_for(manager)
    hidden_account = make_account(owner=make_user(role=Role.ACCOUNT_MANAGER))
    base = {"code": "X-1", "name": "X", "start_date": "2027-01-04"}
    assert _error(_post(client, "/projects", {**base, "scheduled_finish": "2027-02-01T17:00:00"})) == (
        422, {"scheduled_finish": UNKNOWN})
    assert _error(_post(client, "/projects", {**base, "status": "active"})) == (
        422, {"status": ["Input should be 'proposed' or 'planning'"]})
    assert _error(_post(client, "/projects", {**base, "account_id": hidden_account.pk})) == (
        422, {"account_id": [f"No account with id {hidden_account.pk}."]})
    member = make_user(role=Role.MEMBER)
    assert _error(_post(client, "/projects", {**base, "manager_id": member.pk})) == (
        422, {"manager_id": ["The manager must be an active project manager."]})
    assert _post(client_for(member), "/projects", base).status_code == 403
    assert Project.objects.count() == 0


def test_who_may_change_a_project() -> None:
    am = make_user(role=Role.ACCOUNT_MANAGER)
    manager = make_manager()
    member = make_user(role=Role.MEMBER)
    project = make_project(manager=manager, account=make_account(owner=am))
    services.project_member_add(actor=manager, project=project, user=member)
    for user, status in ((make_user(role=Role.EXECUTIVE), 403), (am, 403), (member, 403), (make_manager(), 404),
                         (make_user(role=Role.MEMBER), 404), (make_user(role=Role.ADMIN), 200), (manager, 200)):
        project.refresh_from_db()
        response = _patch(client_for(user), f"/projects/{project.pk}", {"version": project.version, "name": "New"})
        assert response.status_code == status, (user.roles, response.content)
        status_move = _post(client_for(user), f"/projects/{project.pk}/status", {
            "status": "cancelled", "version": 99})
        assert status_move.status_code == (409 if status == 200 else status), user.roles


# --- Tasks ------------------------------------------------------------------------------


def _tree(project: Project) -> list[tuple[str, str]]:
    return list(Task.objects.filter(project=project).order_by("outline_index").values_list("wbs", "name"))


def test_tasks_are_created_in_local_time_and_answered_in_full() -> None:
    manager = make_manager()
    member = make_user(role=Role.MEMBER, full_name="Mo Member")
    project = make_project(manager=manager, start_date=dt.date(2027, 1, 4))
    services.project_member_add(actor=manager, project=project, user=member)
    client = client_for(manager)
    design = _post(client, f"/projects/{project.pk}/tasks", {"name": "Design", "duration_minutes": 960})
    assert design.status_code == 201, design.content
    response = _post(client, f"/projects/{project.pk}/tasks", {
        "name": "Build", "duration_minutes": 240, "work_minutes": 480, "optimistic_minutes": 120,
        "likely_minutes": 240, "pessimistic_minutes": 600, "priority": "high", "constraint_type": "snet",
        "constraint_date": "2027-01-06T13:00:00", "deadline": "2027-01-08T16:00:00Z", "assignee_ids": [member.pk],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    task = Task.objects.get(pk=body["id"])
    # Paris local 13:00 is 12:00 UTC; the deadline came with its offset.
    assert (task.constraint_date, task.deadline) == (
        dt.datetime(2027, 1, 6, 12, tzinfo=dt.UTC), dt.datetime(2027, 1, 8, 16, tzinfo=dt.UTC))
    assert body == {
        "id": task.pk, "parent_id": None, "wbs": "2", "outline_level": 1, "name": "Build", "is_summary": False,
        "is_milestone": False, "duration_minutes": 240, "work_minutes": 480, "optimistic_minutes": 120,
        "likely_minutes": 240, "pessimistic_minutes": 600, "status": "to_do", "percent_complete": 0,
        "priority": "high", "constraint_type": "snet", "early_start": "2027-01-06T13:00:00",
        "early_finish": "2027-01-06T17:00:00", "is_critical": True, "external_id": "", "version": 1,
        "project_id": project.pk, "description": "", "constraint_date": "2027-01-06T13:00:00",
        "deadline": "2027-01-08T17:00:00", "due_date": None, "completed_on": None, "actual_start": None,
        "actual_finish": None, "late_start": "2027-01-06T13:00:00", "late_finish": "2027-01-06T17:00:00",
        "total_float_hours": 0.0, "assignees": [{"id": member.pk, "full_name": "Mo Member"}],
    }
    assert client.get(f"{API}/tasks/{task.pk}").json() == body
    assert _error(_post(client, f"/projects/{project.pk}/tasks", {"name": "X", "wbs": "9"})) == (422, {"wbs": UNKNOWN})
    assert _error(_post(client, f"/projects/{project.pk}/tasks", {
        "name": "X", "optimistic_minutes": 500, "likely_minutes": 400})) == (
        422, {"optimistic_minutes": ["The optimistic estimate cannot exceed the most likely one."]})
    assert _error(_post(client, f"/projects/{project.pk}/tasks", {"name": "X", "constraint_date": "Monday"}))[0] == 422
    assert _error(_post(client, f"/projects/{project.pk}/tasks", {"name": "X", "assignee_ids": [member.pk, member.pk]})) == (
        422, {"assignee_ids": [f"{member} is already assigned to X."]})
    assert Task.objects.filter(project=project).count() == 2


def test_a_task_is_changed_with_its_version_and_reschedules_the_plan() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    first = make_task(project=project, name="First", duration_minutes=480)
    second = make_task(project=project, name="Second", duration_minutes=480)
    make_dependency(first, second)
    client = client_for(manager)
    response = _patch(client, f"/tasks/{first.pk}", {"version": first.version, "duration_minutes": 960, "name": "Longer"})
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["early_finish"], response.json()["version"]) == (
        "Longer", "2027-01-05T17:00:00", first.version + 1)
    assert client.get(f"{API}/tasks/{second.pk}").json()["early_start"] == "2027-01-06T09:00:00"
    stale = _patch(client, f"/tasks/{first.pk}", {"version": first.version, "name": "Lost"})
    assert (stale.status_code, stale.json()["error"]["current_version"]) == (409, first.version + 1)
    assert _error(_patch(client, f"/tasks/{first.pk}", {"version": 2, "parent_id": second.pk})) == (
        422, {"parent_id": UNKNOWN})


def test_the_tree_moves_with_versions() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    a, b, c = (make_task(project=project, name=name) for name in "ABC")
    client = client_for(manager)
    indented = _post(client, f"/tasks/{b.pk}/indent", {"version": b.version})
    assert (indented.status_code, indented.json()["parent_id"], indented.json()["wbs"]) == (200, a.pk, "1.1")
    assert _tree(project) == [("1", "A"), ("1.1", "B"), ("2", "C")]
    assert _post(client, f"/tasks/{b.pk}/outdent", {"version": b.version}).status_code == 409
    outdented = _post(client, f"/tasks/{b.pk}/outdent", {"version": indented.json()["version"]})
    assert (outdented.json()["parent_id"], outdented.json()["wbs"]) == (None, "2")
    moved = _post(client, f"/tasks/{c.pk}/move", {"parent_id": a.pk, "position": 0, "version": c.version})
    assert (moved.status_code, moved.json()["wbs"]) == (200, "1.1")
    assert _tree(project) == [("1", "A"), ("1.1", "C"), ("2", "B")]
    assert _error(_post(client, f"/tasks/{a.pk}/move", {"parent_id": c.pk, "version": a.version})) == (
        422, {"parent_id": ["A task cannot move under itself or one of its own tasks."]})
    assert _error(_post(client, f"/tasks/{a.pk}/indent", {"version": a.version})) == (
        422, {"parent_id": ["There is no task above to indent under."]})
    # Who may not change the plan hears so before hearing there is nothing to indent under.
    executive = client_for(make_user(role=Role.EXECUTIVE))
    assert _post(executive, f"/tasks/{a.pk}/indent", {"version": a.version}).status_code == 403
    assert _post(executive, f"/tasks/{a.pk}/outdent", {"version": a.version}).status_code == 403
    elsewhere = make_task(project=make_project(manager=manager), name="Elsewhere")
    assert _error(_post(client, f"/tasks/{b.pk}/move", {"parent_id": elsewhere.pk, "version": 3})) == (
        422, {"parent_id": ["Name a task of this project."]})
    assert _error(_post(client, f"/tasks/{b.pk}/move", {"version": 3})) == (422, {"parent_id": ["This field is required."]})


def test_assignees_report_progress_others_may_not() -> None:
    manager = make_manager()
    assignee = make_user(role=Role.MEMBER)
    teammate = make_user(role=Role.MEMBER)
    project = make_project(manager=manager)
    for user in (assignee, teammate):
        services.project_member_add(actor=manager, project=project, user=user)
    task = make_task(project=project, name="Build", duration_minutes=960)
    services.task_assign(actor=manager, task=task, user=assignee)
    body = {"version": task.version, "percent_complete": 50, "actual_start": "2027-01-04T10:00:00"}
    assert _post(client_for(teammate), f"/tasks/{task.pk}/progress", body).status_code == 403
    assert _post(client_for(make_user(role=Role.MEMBER)), f"/tasks/{task.pk}/progress", body).status_code == 404
    assert _post(client_for(assignee), f"/tasks/{task.pk}/progress", {**body, "name": "Mine"}).status_code == 422
    response = _post(client_for(assignee), f"/tasks/{task.pk}/progress", body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["status"], answer["percent_complete"], answer["actual_start"], answer["early_start"],
            answer["early_finish"]) == ("in_progress", 50, "2027-01-04T10:00:00", "2027-01-04T10:00:00",
                                        "2027-01-06T10:00:00")
    assert _post(client_for(assignee), f"/tasks/{task.pk}/progress", body).status_code == 409
    assert _patch(client_for(assignee), f"/tasks/{task.pk}", {"version": answer["version"], "name": "X"}).status_code == 403
    done = _post(client_for(manager), f"/tasks/{task.pk}/progress", {"version": answer["version"], "status": "done"})
    assert (done.json()["status"], done.json()["percent_complete"]) == ("done", 100)


def test_a_task_is_deleted_with_its_version() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    parent = make_task(project=project, name="Phase")
    child = make_task(project=project, parent=parent, name="Step")
    after = make_task(project=project, name="After")
    make_dependency(child, after)
    parent.refresh_from_db()
    client = client_for(manager)
    assert client.delete(f"{API}/tasks/{parent.pk}?version={parent.version + 1}").status_code == 409
    assert client_for(make_user(role=Role.EXECUTIVE)).delete(f"{API}/tasks/{parent.pk}").status_code == 403
    assert client.delete(f"{API}/tasks/{parent.pk}?version={parent.version}").status_code == 204
    assert _tree(project) == [("1", "After")]
    assert Dependency.objects.filter(project=project).count() == 0
    assert client.get(f"{API}/tasks/{parent.pk}").status_code == 404


# --- Dependencies ------------------------------------------------------------------------


def test_dependencies_are_made_changed_and_a_loop_is_named() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    a, b, c = (make_task(project=project, name=name, duration_minutes=480) for name in ("Design", "Build", "Test"))
    client = client_for(manager)
    made = _post(client, f"/projects/{project.pk}/dependencies", {"predecessor_id": a.pk, "successor_id": b.pk})
    assert made.status_code == 201, made.content
    link_id = made.json()["id"]
    assert made.json() == {
        "id": link_id, "project_id": project.pk, "predecessor": {"id": a.pk, "wbs": "1", "name": "Design"},
        "successor": {"id": b.pk, "wbs": "2", "name": "Build"}, "kind": "FS", "lag_minutes": 0, "version": 1,
    }
    assert _post(client, f"/projects/{project.pk}/dependencies", {
        "predecessor_id": b.pk, "successor_id": c.pk, "kind": "SS", "lag_minutes": 240}).status_code == 201
    loop = _post(client, f"/projects/{project.pk}/dependencies", {"predecessor_id": c.pk, "successor_id": a.pk})
    assert _error(loop) == (422, {"predecessor_id": [
        "These tasks depend on each other in a loop: Design → Build → Test → Design."]})
    assert _error(_post(client, f"/projects/{project.pk}/dependencies", {
        "predecessor_id": a.pk, "successor_id": c.pk, "lag": 5})) == (422, {"lag": UNKNOWN})
    other = make_task(project=make_project(manager=manager), name="Elsewhere")
    assert _error(_post(client, f"/projects/{project.pk}/dependencies", {
        "predecessor_id": other.pk, "successor_id": c.pk})) == (422, {"predecessor_id": ["Name a task of this project."]})
    assert Dependency.objects.filter(project=project).count() == 2

    changed = _patch(client, f"/dependencies/{link_id}", {"version": 1, "lag_minutes": 480})
    assert (changed.status_code, changed.json()["lag_minutes"], changed.json()["version"]) == (200, 480, 2)
    assert client.get(f"{API}/tasks/{b.pk}").json()["early_start"] == "2027-01-06T09:00:00"
    assert _patch(client, f"/dependencies/{link_id}", {"version": 1, "kind": "SS"}).status_code == 409
    listed = client.get(f"{API}/projects/{project.pk}/dependencies").json()
    assert [(row["predecessor"]["name"], row["successor"]["name"], row["kind"], row["lag_minutes"])
            for row in listed["items"]] == [("Design", "Build", "FS", 480), ("Build", "Test", "SS", 240)]
    assert client.delete(f"{API}/dependencies/{link_id}?version=1").status_code == 409
    assert client.delete(f"{API}/dependencies/{link_id}?version=2").status_code == 204
    assert client.get(f"{API}/tasks/{b.pk}").json()["early_start"] == "2027-01-04T09:00:00"


def test_dependencies_per_role() -> None:
    am = make_user(role=Role.ACCOUNT_MANAGER)
    manager = make_manager()
    project = make_project(manager=manager, account=make_account(owner=am))
    a, b = make_task(project=project), make_task(project=project)
    link = make_dependency(a, b)
    for user, read, write in ((am, 200, 403), (make_user(role=Role.EXECUTIVE), 200, 403), (make_manager(), 404, 404)):
        client = client_for(user)
        assert client.get(f"{API}/projects/{project.pk}/dependencies").status_code == read
        assert client.get(f"{API}/dependencies/{link.pk}").status_code == read
        assert _patch(client, f"/dependencies/{link.pk}", {"version": 1, "lag_minutes": 60}).status_code == write
        assert client.delete(f"{API}/dependencies/{link.pk}").status_code == write
        assert _post(client, f"/projects/{project.pk}/dependencies", {
            "predecessor_id": b.pk, "successor_id": a.pk}).status_code == (403 if read == 200 else 404)
    assert Dependency.objects.get(pk=link.pk).version == 1


# --- Forecast ---------------------------------------------------------------------------


def test_the_forecast_is_seeded_and_in_local_times() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    design = make_task(project=project, name="Design", duration_minutes=960, optimistic_minutes=480,
                       likely_minutes=960, pessimistic_minutes=1920)
    build = make_task(project=project, name="Build", duration_minutes=1440, optimistic_minutes=960,
                      likely_minutes=1440, pessimistic_minutes=2880)
    review = make_task(project=project, name="Review", duration_minutes=480)  # no estimates: its duration
    make_dependency(design, build)
    make_dependency(design, review)
    client = client_for(manager)
    # Means (PERT): 1,040 + 1,600 minutes, about five and a half days from Monday 09:00.
    response = client.get(f"{API}/projects/{project.pk}/forecast?runs=4000&seed=7")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "runs": 4000, "seed": 7, "p50": "2027-01-11T12:36:00", "p80": "2027-01-12T11:18:00",
        "p95": "2027-01-13T09:15:00", "deterministic_finish": "2027-01-08T17:00:00",
        "tasks": [
            {"id": design.pk, "wbs": "1", "name": "Design", "criticality": 1.0},
            {"id": build.pk, "wbs": "2", "name": "Build", "criticality": 1.0},
            {"id": review.pk, "wbs": "3", "name": "Review", "criticality": 0.0},
        ],
    }
    assert client.get(f"{API}/projects/{project.pk}/forecast?runs=4000&seed=7").json() == body
    assert client.get(f"{API}/projects/{project.pk}/forecast?runs=4000&seed=8").json()["p50"] != body["p50"]
    assert _error(client.get(f"{API}/projects/{project.pk}/forecast?runs=20001"))[0] == 422
    assert client_for(make_manager()).get(f"{API}/projects/{project.pk}/forecast").status_code == 404
    empty = make_project(manager=manager)
    assert client.get(f"{API}/projects/{empty.pk}/forecast?runs=10").json() == {
        "runs": 10, "seed": 1, "p50": None, "p80": None, "p95": None, "deterministic_finish": None, "tasks": []}


# --- Query counts ------------------------------------------------------------------------


def test_query_counts_do_not_grow_with_the_plan() -> None:
    manager = make_manager()
    counts = []
    for size in (3, 30):
        project = make_project(manager=manager)
        tasks = [make_task(project=project, optimistic_minutes=240, likely_minutes=480, pessimistic_minutes=960)
                 for _ in range(size)]
        for before, after in itertools.pairwise(tasks):
            make_dependency(before, after)
        client = client_for(manager)
        with CaptureQueriesContext(connection) as links:
            assert client.get(f"{API}/projects/{project.pk}/dependencies?limit=100").json()["count"] == size - 1
        with CaptureQueriesContext(connection) as forecast:
            assert len(client.get(f"{API}/projects/{project.pk}/forecast?runs=50").json()["tasks"]) == size
        with CaptureQueriesContext(connection) as task:
            assert client.get(f"{API}/tasks/{tasks[1].pk}").status_code == 200
        counts.append((len(links), len(forecast), len(task)))
    assert counts[0] == counts[1]
    # Session, user, roles (3) and the project (or task), then: the capped count and the
    # page of links with both tasks; the organisation calendar (2), the plan's tasks,
    # links and estimates; the assignees and the time zone.
    assert counts[0] == (6, 9, 6)
    assert TaskAssignment.objects.count() == 0
