"""Editing the plan in place on the project page: each HTMX action changes exactly the
rows it should and answers the plan section again with the rescheduled dates; a stale
version is refused with a message; who sees the project but does not manage it gets 403,
who does not see it 404, and nothing changes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Dependency, Task
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
# Indenting one task of a three-task plan: session, user, roles (3); the task with its
# project (1); task_indent and task_move (savepoints, re-reads of the task and its
# parent, the position, the version-checked UPDATE with its audit entry and checks: 19);
# the outline refresh (2); the reschedule (calendar, tasks, links, one UPDATE per moved
# task, the project: 10); the task re-read (1); then the section (the project twice,
# the calendar, the window, its assignees: 6). It does not grow with the plan's size
# beyond the reschedule's UPDATEs of the tasks whose dates moved.
INDENT_QUERIES = 45


def _plan(project):
    return [(task.wbs, task.name) for task in Task.objects.filter(project=project).order_by("outline_index")]


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="plan-row[^"]*" id="task-(\d+)"', html)


def _state(project):
    return (list(Task.objects.filter(project=project).order_by("pk").values_list(
        "pk", "parent_id", "position", "wbs", "name", "duration_minutes", "version", "early_start", "early_finish")),
        Dependency.objects.filter(project=project).count())


@pytest.fixture
def world():
    manager = make_manager(full_name="Pia Manager")
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    outsider = make_manager(full_name="Otto Other")
    project = make_project(manager=manager, code="EDIT-1")
    services.project_member_add(actor=manager, project=project, user=member)
    first = make_task(project=project, name="Design", duration_minutes=960)
    second = make_task(project=project, name="Build", duration_minutes=480)
    third = make_task(project=project, name="Launch", is_milestone=True)
    make_dependency(second, third)
    return {"manager": manager, "member": member, "outsider": outsider, "project": project,
            "tasks": [Task.objects.get(pk=task.pk) for task in (first, second, third)]}


def _url(name: str, task: Task) -> str:
    return reverse(f"delivery:{name}", kwargs={"task_id": task.pk})


def test_edit_mode_shows_each_rows_labelled_buttons_to_the_manager_only(world) -> None:
    project = world["project"]
    url = reverse("delivery:project_detail", kwargs={"project_id": project.pk}) + "?edit=1"
    html = client_for(world["manager"]).get(url).content.decode()
    design = world["tasks"][0]
    for label in ("Edit", "Add a task below", "Move up", "Move down", "Outdent", "Indent", "Assign people to",
                  "Delete"):
        assert f'aria-label="{label} Design"' in html
    assert f'href="/delivery/tasks/{design.pk}/assign/"' in html
    assert 'data-testid="plan-add"' in html and 'data-testid="plan-edit-done"' in html
    member_html = client_for(world["member"]).get(url).content.decode()
    assert 'aria-label="Indent Design"' not in member_html and 'data-testid="plan-add"' not in member_html
    assert 'data-testid="plan-edit"' not in member_html and 'data-testid="plan-export"' in member_html


def test_indenting_changes_that_task_and_answers_the_section(world, django_assert_num_queries) -> None:
    design, build, launch = world["tasks"]
    client = client_for(world["manager"])
    audit = AuditEntry.objects.count()
    with django_assert_num_queries(INDENT_QUERIES):
        response = client.post(_url("plan_task_indent", build), {"version": build.version, "plan_page": 1}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert _plan(world["project"]) == [("1", "Design"), ("1.1", "Build"), ("2", "Launch")]
    assert _rows(html) == [str(design.pk), str(build.pk), str(launch.pk)]
    assert 'data-testid="plan-message">Build is now 1.1.</div>' in html
    assert re.search(r'aria-label="Indent Build" data-action="indent" autofocus', html)
    assert Task.objects.get(pk=design.pk).is_summary and Task.objects.get(pk=build.pk).version == build.version + 1
    assert AuditEntry.objects.count() == audit + 1  # the one task moved


def test_outdent_move_up_and_down(world) -> None:
    design, build, launch = world["tasks"]
    client = client_for(world["manager"])
    client.post(_url("plan_task_indent", build), {"version": build.version}, **HX)
    build.refresh_from_db()
    response = client.post(_url("plan_task_outdent", build), {"version": build.version}, **HX)
    assert 'Build is now 2.' in response.content.decode()
    assert _plan(world["project"]) == [("1", "Design"), ("2", "Build"), ("3", "Launch")]
    launch.refresh_from_db()
    client.post(_url("plan_task_move_up", launch), {"version": launch.version}, **HX)
    assert _plan(world["project"]) == [("1", "Design"), ("2", "Launch"), ("3", "Build")]
    design.refresh_from_db()
    client.post(_url("plan_task_move_down", design), {"version": design.version}, **HX)
    assert _plan(world["project"]) == [("1", "Launch"), ("2", "Design"), ("3", "Build")]
    launch.refresh_from_db()
    refused = client.post(_url("plan_task_move_up", launch), {"version": launch.version}, **HX)
    assert refused.status_code == 200
    assert 'data-testid="plan-problem">Launch is already the first of its level.</div>' in refused.content.decode()


def test_a_stale_version_is_refused_and_changes_nothing(world) -> None:
    _design, build, _launch = world["tasks"]
    before = _state(world["project"])
    response = client_for(world["manager"]).post(_url("plan_task_indent", build), {"version": build.version + 5}, **HX)
    assert response.status_code == 409
    assert "Build was changed by someone else since you loaded the plan" in response.content.decode()
    assert _state(world["project"]) == before


@pytest.mark.parametrize("name", ["plan_task_indent", "plan_task_outdent", "plan_task_move_up",
                                  "plan_task_move_down", "plan_task_delete", "plan_task_edit"])
def test_a_member_gets_403_and_an_outsider_404_and_nothing_changes(world, name) -> None:
    build = world["tasks"][1]
    before = _state(world["project"])
    body = {"version": build.version, "name": "Hacked", "status": "done", "percent_complete": 100,
            "priority": "normal", "constraint_type": "asap"}
    assert client_for(world["member"]).post(_url(name, build), body, **HX).status_code == 403
    assert client_for(world["outsider"]).post(_url(name, build), body, **HX).status_code == 404
    assert _state(world["project"]) == before


def test_editing_a_task_saves_only_what_changed_and_reschedules(world) -> None:
    _design, build, launch = world["tasks"]
    client = client_for(world["manager"])
    form = client.get(_url("plan_task_edit", build), {"plan_page": 1}, **HX)
    assert form["HX-Retarget"] == f"#task-{build.pk}"
    assert 'value="Build"' in form.content.decode() and 'value="1"' in form.content.decode()  # 480 min = 1 day
    body = {"version": build.version, "name": "Build it", "duration_days": "3", "work_hours": "20",
            "optimistic_days": "2", "likely_days": "3", "pessimistic_days": "5", "status": "in_progress",
            "percent_complete": "10", "priority": "high", "constraint_type": "asap", "constraint_date": ""}
    response = client.post(_url("plan_task_edit", build), body, **HX)
    assert response.status_code == 200 and "Build it saved." in response.content.decode()
    build.refresh_from_db()
    assert (build.name, build.duration_minutes, build.work_minutes, build.optimistic_minutes,
            build.likely_minutes, build.pessimistic_minutes, build.status, build.percent_complete,
            build.priority) == ("Build it", 1440, 1200, 960, 1440, 2400, "in_progress", 10, "high")
    old_start = launch.early_start
    launch.refresh_from_db()
    assert (launch.early_start - old_start).days == 2  # its predecessor lasts two working days longer
    entry = AuditEntry.objects.filter(object_id=str(build.pk), action="update").latest("pk")
    assert sorted(entry.changes) == ["duration_minutes", "likely_minutes", "name", "optimistic_minutes",
                                     "percent_complete", "pessimistic_minutes", "priority", "status",
                                     "work_minutes"]


def test_an_invalid_edit_stays_on_the_row_with_the_message_by_its_field(world) -> None:
    design = world["tasks"][0]
    before = _state(world["project"])
    body = {"version": design.version, "name": "Design", "duration_days": "2", "optimistic_days": "4",
            "likely_days": "3", "status": "to_do", "percent_complete": "0", "priority": "normal",
            "constraint_type": "snet", "constraint_date": ""}
    response = client_for(world["manager"]).post(_url("plan_task_edit", design), body, **HX)
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#task-{design.pk}"
    assert "This constraint needs a date." in html or "cannot exceed the most likely" in html
    assert _state(world["project"]) == before


def test_a_constraint_date_means_the_start_of_that_working_day(world) -> None:
    build = world["tasks"][1]
    body = {"version": build.version, "name": "Build", "duration_days": "1", "status": "to_do",
            "percent_complete": "0", "priority": "normal", "constraint_type": "snet", "constraint_date": "2027-01-13"}
    client_for(world["manager"]).post(_url("plan_task_edit", build), body, **HX)
    build.refresh_from_db()
    assert build.constraint_type == "snet" and build.early_start == build.constraint_date
    assert build.early_start.date().isoformat() == "2027-01-13"


def test_deleting_asks_first_naming_the_tasks_under_it(world) -> None:
    design, build, launch = world["tasks"]
    client = client_for(world["manager"])
    client.post(_url("plan_task_indent", build), {"version": build.version}, **HX)
    design.refresh_from_db()
    ask = client.get(_url("plan_task_delete", design), **HX).content.decode()
    assert "and the 1 task under it" in ask and 'data-testid="plan-delete-confirm"' in ask
    assert Task.objects.filter(project=world["project"]).count() == 3
    response = client.post(_url("plan_task_delete", design), {"version": design.version}, **HX)
    assert "Design deleted." in response.content.decode()
    assert _plan(world["project"]) == [("1", "Launch")]
    assert _rows(response.content.decode()) == [str(launch.pk)]


def test_adding_at_the_end_and_below_a_row(world) -> None:
    design = world["tasks"][0]
    project = world["project"]
    client = client_for(world["manager"])
    url = reverse("delivery:plan_task_add", kwargs={"project_id": project.pk})
    response = client.post(url, {"name": "Handover", "duration_days": "0.5"}, **HX)
    assert "Handover added as 4." in response.content.decode()
    assert Task.objects.get(name="Handover").duration_minutes == 240
    row = client.get(url, {"after": design.pk}, **HX).content.decode()
    assert f'name="after" value="{design.pk}"' in row and "New task below 1 Design" in row
    client.post(url, {"name": "Wireframes", "duration_days": "1", "after": design.pk}, **HX)
    assert _plan(project) == [("1", "Design"), ("2", "Wireframes"), ("3", "Build"), ("4", "Launch"),
                              ("5", "Handover")]
    refused = client.post(url, {"name": "", "duration_days": "1"}, **HX)
    assert "The task was not added." in refused.content.decode()
    assert client_for(world["member"]).post(url, {"name": "Sneaky"}, **HX).status_code == 403
    assert client_for(world["outsider"]).post(url, {"name": "Sneaky"}, **HX).status_code == 404
    assert not Task.objects.filter(name="Sneaky").exists()


def test_without_htmx_an_action_redirects_back_to_the_plan(world) -> None:
    build = world["tasks"][1]
    response = client_for(world["manager"]).post(_url("plan_task_indent", build), {"version": build.version})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/delivery/projects/{world['project'].pk}/?edit=1&plan_page=1#plan")
    assert _plan(world["project"])[1] == ("1.1", "Build")

