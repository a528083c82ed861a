"""New projects from templates (a copy of the task tree in bulk, then one reschedule),
replacing a task's assignees in one call, and moving a task up or down among its
siblings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Dependency, Project, Task, TaskAssignment, TaskStatus
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _template(manager):
    template = make_project(manager=manager, code="TPL-WEB", name="Website template", is_template=True)
    phase = make_task(project=template, name="Design", duration_minutes=0)
    sketch = make_task(project=template, parent=phase, name="Sketches", duration_minutes=960, work_minutes=1440,
                       optimistic_minutes=480, likely_minutes=960, pessimistic_minutes=1920, priority="high")
    review = make_task(project=template, parent=phase, name="Review", duration_minutes=480)
    signed = make_task(project=template, name="Signed off", is_milestone=True)
    make_dependency(sketch, review, lag_minutes=480)
    make_dependency(review, signed, kind="SS")
    services.task_update(actor=None, task=Task.objects.get(pk=sketch.pk), data={"percent_complete": 50})
    services.task_assign(actor=None, task=review, user=manager)
    return template


def _rows(project: Project) -> list[tuple]:
    return [
        (task.wbs, task.name, task.outline_level, task.is_summary, task.duration_minutes, task.work_minutes,
         task.optimistic_minutes, task.likely_minutes, task.pessimistic_minutes, task.is_milestone, task.priority)
        for task in Task.objects.filter(project=project).order_by("outline_index")
    ]


def test_a_project_from_a_template_copies_the_tree_links_and_estimates_but_no_progress() -> None:
    manager = make_manager()
    template = _template(manager)
    with CaptureQueriesContext(connection) as queries:
        project = services.project_create_from_template(actor=manager, template=template, data={
            "code": "acme-web", "name": "Acme website", "start_date": dt.date(2027, 2, 1)})
    assert (project.code, project.is_template, project.manager) == ("ACME-WEB", False, manager)
    assert _rows(project) == _rows(template) == [
        ("1", "Design", 1, True, 0, 0, None, None, None, False, "normal"),
        ("1.1", "Sketches", 2, False, 960, 1440, 480, 960, 1920, False, "high"),
        ("1.2", "Review", 2, False, 480, 0, None, None, None, False, "normal"),
        ("2", "Signed off", 1, False, 0, 0, None, None, None, True, "normal"),
    ]
    copies = {task.name: task for task in Task.objects.filter(project=project)}
    assert {(task.status, task.percent_complete, task.actual_start) for task in copies.values()} == {
        (TaskStatus.TO_DO, 0, None)}
    assert copies["Sketches"].parent == copies["Design"] and copies["Review"].parent == copies["Design"]
    assert not TaskAssignment.objects.filter(task__project=project).exists()
    links = sorted((link.predecessor.name, link.successor.name, link.kind, link.lag_minutes)
                   for link in Dependency.objects.filter(project=project).select_related("predecessor", "successor"))
    assert links == [("Review", "Signed off", "SS", 0), ("Sketches", "Review", "FS", 480)]
    # Dates run from the new start: four weeks after the template's, the same working days.
    originals = {task.name: task for task in Task.objects.filter(project=template)}
    for name, copy in copies.items():
        assert copy.early_start == originals[name].early_start + dt.timedelta(days=28), name
        assert copy.early_finish == originals[name].early_finish + dt.timedelta(days=28), name
    assert copies["Sketches"].early_start.date() == dt.date(2027, 2, 1)
    # Bulk: one INSERT of tasks per outline level, one of links, one audit batch each.
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "delivery_task"')]
    links_inserts = [q["sql"] for q in queries.captured_queries
                     if q["sql"].startswith('INSERT INTO "delivery_dependency"')]
    assert (len(inserts), len(links_inserts)) == (2, 1)
    assert AuditEntry.objects.filter(object_id__in=[str(task.pk) for task in copies.values()],
                                     content_type__model="task").count() == 4


def test_only_templates_and_only_project_managers() -> None:
    manager = make_manager()
    template = _template(manager)
    plain = make_project(manager=manager, code="PLAIN")
    with pytest.raises(ValidationError, match="not a template"):
        services.project_create_from_template(actor=manager, template=plain, data={
            "code": "X-1", "name": "X", "start_date": dt.date(2027, 2, 1)})
    with pytest.raises(PermissionDeniedError):
        services.project_create_from_template(actor=make_user(role=Role.MEMBER), template=template, data={
            "code": "X-2", "name": "X", "start_date": dt.date(2027, 2, 1)})
    with pytest.raises(ValidationError, match="already used"):
        services.project_create_from_template(actor=manager, template=template, data={
            "code": "TPL-WEB", "name": "X", "start_date": dt.date(2027, 2, 1)})
    assert Project.objects.count() == 2


def test_assignees_set_replaces_the_set_through_assign_and_unassign() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    task = make_task(project=project)
    ann, bob, cid = (make_user(role=Role.MEMBER, full_name=name) for name in ("Ann", "Bob", "Cid"))
    services.task_assign(actor=manager, task=task, user=ann)
    services.task_assign(actor=manager, task=task, user=bob)
    kept = TaskAssignment.objects.get(task=task, user=bob).pk
    result = services.task_assignees_set(actor=manager, task=task, users=[bob, cid])
    assert [assignment.user for assignment in result] == [bob, cid]
    assert sorted(TaskAssignment.objects.filter(task=task).values_list("user__full_name", flat=True)) == ["Bob", "Cid"]
    assert TaskAssignment.objects.get(task=task, user=bob).pk == kept
    with pytest.raises(PermissionDeniedError):
        services.task_assignees_set(actor=make_manager(), task=task, users=[])
    assert TaskAssignment.objects.filter(task=task).count() == 2
    assert services.task_assignees_set(actor=manager, task=task, users=[]) == []
    inactive = make_user(role=Role.MEMBER)
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer active"):
        services.task_assignees_set(actor=manager, task=task, users=[inactive])


def test_shifting_moves_among_siblings_and_refuses_at_the_ends() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    first, second, third = (make_task(project=project, name=name) for name in ("First", "Second", "Third"))
    moved = services.task_shift(actor=manager, task=third, step=-1, expected_version=third.version)
    assert moved.wbs == "2"
    assert list(Task.objects.filter(project=project).values_list("name", flat=True)) == ["First", "Third", "Second"]
    services.task_shift(actor=manager, task=Task.objects.get(pk=first.pk), step=1)
    assert list(Task.objects.filter(project=project).values_list("name", "wbs")) == [
        ("Third", "1"), ("First", "2"), ("Second", "3")]
    with pytest.raises(ValidationError, match="already the first"):
        services.task_shift(actor=manager, task=Task.objects.get(name="Third"), step=-1)
    with pytest.raises(ValidationError, match="already the last"):
        services.task_shift(actor=manager, task=Task.objects.get(pk=second.pk), step=1)
    with pytest.raises(ConflictError):
        services.task_shift(actor=manager, task=Task.objects.get(pk=second.pk), step=-1, expected_version=99)
