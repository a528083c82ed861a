"""Projects, the task tree and dependencies through the delivery services: the rules,
the stored schedule they keep current, permissions and query counts."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.errors import PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Dependency, ProjectMember, ProjectStatus, Task
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def utc(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2027, 1, day, hour, 0, tzinfo=UTC)


def test_a_project_gets_its_manager_on_the_team_and_a_clean_code() -> None:
    manager = make_manager()
    project = services.project_create(actor=manager, data={
        "code": "acme-web", "name": "Website", "start_date": dt.date(2027, 1, 4)})
    assert (project.code, project.status, project.manager) == ("ACME-WEB", ProjectStatus.PROPOSED, manager)
    assert list(ProjectMember.objects.filter(project=project).values_list("user", "role")) == [
        (manager.pk, "Project manager")]
    with pytest.raises(ValidationError) as caught:
        services.project_create(actor=manager, data={"code": "ACME-WEB", "name": "Again", "start_date": dt.date(2027, 1, 4)})
    assert caught.value.message_dict == {"code": ["The code ACME-WEB is already used by another project."]}
    with pytest.raises(ValidationError) as caught:
        services.project_create(actor=manager, data={"code": "no spaces", "name": "X", "start_date": dt.date(2027, 1, 4)})
    assert list(caught.value.message_dict) == ["code"]


def test_only_project_managers_and_admins_create_projects() -> None:
    with pytest.raises(PermissionDeniedError):
        services.project_create(actor=make_user(role=Role.MEMBER), data={
            "code": "X1", "name": "X", "start_date": dt.date(2027, 1, 4)})


def test_status_moves_along_the_lifecycle_only() -> None:
    project = make_project()
    manager = project.manager
    project = services.project_move_status(actor=manager, project=project, status=ProjectStatus.PLANNING)
    project = services.project_move_status(actor=manager, project=project, status=ProjectStatus.ACTIVE)
    with pytest.raises(ValidationError) as caught:
        services.project_move_status(actor=manager, project=project, status=ProjectStatus.PROPOSED)
    assert caught.value.message_dict["status"] == [
        "An active project cannot become proposed: it can move to cancelled, completed or on hold."
    ]
    project = services.project_move_status(actor=manager, project=project, status=ProjectStatus.COMPLETED)
    assert project.completed_on is not None
    with pytest.raises(ValidationError, match="closed"):
        services.project_move_status(actor=manager, project=project, status=ProjectStatus.ACTIVE)


def test_the_tree_is_numbered_and_the_schedule_stored() -> None:
    project = make_project()
    phase = make_task(project=project, name="Design", duration_minutes=0)
    first = make_task(project=project, parent=phase, name="Workshops", duration_minutes=960)
    second = make_task(project=project, parent=phase, name="Mock-ups", duration_minutes=1440)
    launch = make_task(project=project, name="Launch", is_milestone=True)
    make_dependency(first, second)
    make_dependency(phase, launch)
    rows = {task.name: task for task in Task.objects.filter(project=project)}
    assert [(t.wbs, t.outline_level, t.outline_index, t.is_summary) for t in Task.objects.filter(project=project)] == [
        ("1", 1, 0, True), ("1.1", 2, 1, False), ("1.2", 2, 2, False), ("2", 1, 3, False)]
    # The organisation calendar: Monday to Friday, 09:00–17:00, UTC.
    assert (rows["Workshops"].early_start, rows["Workshops"].early_finish) == (utc(4, 9), utc(5, 17))
    assert (rows["Mock-ups"].early_start, rows["Mock-ups"].early_finish) == (utc(6, 9), utc(8, 17))
    assert (rows["Launch"].early_start, rows["Launch"].is_critical) == (utc(8, 17), True)
    assert rows["Design"].early_start == utc(4, 9) and rows["Design"].early_finish == utc(8, 17)
    project.refresh_from_db()
    assert (project.scheduled_start, project.scheduled_finish) == (utc(4, 9), utc(8, 17))
    assert launch.pk and first.pk


def test_a_loop_is_refused_naming_its_tasks_and_nothing_is_kept() -> None:
    project = make_project()
    plan, build, test = (make_task(project=project, name=name) for name in ("Plan", "Build", "Test"))
    make_dependency(plan, build)
    make_dependency(build, test)
    with pytest.raises(ValidationError) as caught:
        make_dependency(test, plan)
    assert caught.value.message_dict == {
        "predecessor": ["These tasks depend on each other in a loop: Plan → Build → Test → Plan."]}
    assert Dependency.objects.filter(project=project).count() == 2
    with pytest.raises(ValidationError, match="already depends"):
        make_dependency(plan, build)


def test_indent_outdent_move_and_delete_renumber_the_tree() -> None:
    project = make_project()
    a, b, c = (make_task(project=project, name=name) for name in "ABC")
    b = services.task_indent(actor=None, task=b)
    assert (b.parent_id, b.wbs) == (a.pk, "1.1")
    c = services.task_indent(actor=None, task=c)
    assert (c.parent_id, c.wbs) == (a.pk, "1.2")
    b = services.task_outdent(actor=None, task=Task.objects.get(pk=b.pk))
    assert list(Task.objects.filter(project=project).values_list("name", "wbs")) == [
        ("A", "1"), ("C", "1.1"), ("B", "2")]
    services.task_move(actor=None, task=Task.objects.get(pk=b.pk), parent=None, position=0)
    assert list(Task.objects.filter(project=project).values_list("name", "wbs")) == [
        ("B", "1"), ("A", "2"), ("C", "2.1")]
    with pytest.raises(ValidationError, match="under itself"):
        services.task_move(actor=None, task=Task.objects.get(pk=a.pk), parent=Task.objects.get(pk=c.pk))
    services.task_delete(actor=None, task=Task.objects.get(pk=a.pk))
    assert list(Task.objects.filter(project=project).values_list("name", "wbs", "is_summary")) == [("B", "1", False)]


def test_progress_rules() -> None:
    project = make_project()
    task = make_task(project=project)
    task = services.task_update(actor=None, task=task, data={"percent_complete": 40})
    assert task.status == "in_progress"
    task = services.task_update(actor=None, task=task, data={"status": "done"})
    assert (task.percent_complete, task.completed_on is not None) == (100, True)
    with pytest.raises(ValidationError, match="optimistic"):
        services.task_update(actor=None, task=task, data={"optimistic_minutes": 900, "likely_minutes": 480})
    with pytest.raises(ValidationError, match="needs a date"):
        services.task_update(actor=None, task=task, data={"constraint_type": "snet"})


def test_who_may_change_the_plan() -> None:
    project = make_project()
    task = make_task(project=project)
    member = make_user(role=Role.MEMBER)
    other_manager = make_manager()
    for outsider in (member, other_manager):
        with pytest.raises(PermissionDeniedError):
            services.task_update(actor=outsider, task=task, data={"name": "Mine"})
        with pytest.raises(PermissionDeniedError):
            services.task_progress(actor=outsider, task=task, data={"percent_complete": 10})
    services.task_assign(actor=project.manager, task=task, user=member)
    task = services.task_progress(actor=member, task=task, data={"percent_complete": 10})
    assert task.percent_complete == 10
    with pytest.raises(ValidationError, match="Only progress"):
        services.task_progress(actor=member, task=task, data={"name": "Renamed"})
    entries = AuditEntry.objects.filter(object_id=str(task.pk), content_type__model="task").count()
    assert entries == 2  # created, then the progress report


def test_rescheduling_costs_the_same_queries_at_any_size() -> None:
    counts = []
    for size in (5, 60):
        project = make_project()
        tasks = [make_task(project=project) for _ in range(size)]
        for before, after in itertools.pairwise(tasks):
            services.dependency_create(actor=None, predecessor=before, successor=after, reschedule=False)
        with CaptureQueriesContext(connection) as queries:
            services.project_reschedule(project=project)
        counts.append(len(queries))
    # Its savepoint and release, the calendar and its holidays, tasks, dependencies, one
    # executemany (the new dates), the project's dates: the same at 5 and 60 tasks.
    assert counts == [8, 8]


def test_a_second_reschedule_writes_nothing() -> None:
    from tandem.delivery.services.schedule import plan_compute, plan_load, plan_save

    project = make_project()
    tasks = [make_task(project=project, constraint_type="snet", constraint_date=utc(6, 13)) for _ in range(3)]
    make_dependency(tasks[0], tasks[1], lag_minutes=-120)
    plan = plan_load(project)
    # Everything was saved when the plan changed: the stored dates read back as the
    # database holds them compare equal to the new ones, so no row is written again.
    assert plan_save(project, plan, plan_compute(plan)) == 0
    Task.objects.filter(pk=tasks[2].pk).update(early_start=None)
    plan = plan_load(project)
    assert plan_save(project, plan, plan_compute(plan)) == 1
    assert Task.objects.get(pk=tasks[2].pk).early_start == utc(6, 13)
