"""A plan from MS Project or Asana into a project and back, through the database: the
imported plan schedules to the dates MS Project gives it, a second import changes
nothing, a changed file updates what changed, problems refuse the whole file, and the
export reads back as the same plan."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tandem.core.errors import PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.delivery.interchange.asana import read_asana_csv
from tandem.delivery.interchange.mspdi import read_mspdi, write_mspdi
from tandem.delivery.interchange.plan import PlanError
from tandem.delivery.models import Calendar, Dependency, Project, Task
from tandem.delivery.services import plan_export, plan_import
from tests.clients.factories import make_account
from tests.delivery.factories import make_manager, make_project
from tests.factories import make_user

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "interchange" / "files"


def harbour():
    return read_mspdi((FILES / "harbour-portal.xml").read_bytes())


def test_an_ms_project_plan_schedules_to_its_own_dates() -> None:
    manager = make_manager()
    account = make_account()
    plan = harbour()
    result = plan_import(actor=manager, plan=plan, code="harbour", account=account)
    project = result.project
    assert (result.project_created, project.code, project.account, project.manager) == (True, "HARBOUR", account, manager)
    assert result.tasks_created == len(plan.tasks)
    assert result.links_created == len(plan.links)
    # Every task lands on the dates MS Project wrote for it.
    assert result.date_differences == []
    assert project.calendar is not None and Calendar.objects.filter(pk=project.calendar_id).exists()
    tasks = list(Task.objects.filter(project=project))
    assert [task.name for task in tasks] == [task.name for task in plan.tasks]
    assert Dependency.objects.filter(project=project).count() == len(plan.links)


def test_importing_the_same_file_again_changes_nothing() -> None:
    manager = make_manager()
    plan_import(actor=manager, plan=harbour(), code="HARBOUR")
    audit_before = AuditEntry.objects.count()
    again = plan_import(actor=manager, plan=harbour(), code="HARBOUR")
    assert (again.project_created, again.tasks_created, again.tasks_updated, again.links_created,
            again.links_updated, again.links_removed) == (False, 0, 0, 0, 0, 0)
    assert again.tasks_unchanged == len(harbour().tasks)
    assert AuditEntry.objects.count() == audit_before


def test_a_changed_file_updates_what_changed() -> None:
    manager = make_manager()
    plan = harbour()
    plan_import(actor=manager, plan=plan, code="HARBOUR")
    leaf = next(task for task in plan.tasks if not task.is_summary and not task.is_milestone)
    changed = dataclasses.replace(
        plan,
        tasks=tuple(dataclasses.replace(task, name="Renamed", duration=task.duration + 480) if task.uid == leaf.uid
                    else task for task in plan.tasks),
        links=plan.links[1:],
    )
    result = plan_import(actor=manager, plan=changed, code="HARBOUR")
    assert (result.tasks_updated, result.links_removed, result.tasks_created) == (1, 1, 0)
    assert Task.objects.get(project__code="HARBOUR", external_id=str(leaf.uid)).name == "Renamed"


def test_dry_run_writes_nothing_and_problems_refuse_the_file() -> None:
    manager = make_manager()
    result = plan_import(actor=manager, plan=harbour(), code="HARBOUR", dry_run=True)
    assert result.dry_run and result.tasks_created == len(harbour().tasks)
    assert not Project.objects.filter(code="HARBOUR").exists()
    plan = harbour()
    broken = dataclasses.replace(plan, tasks=(dataclasses.replace(plan.tasks[0], outline_level=3), *plan.tasks[1:]))
    with pytest.raises(PlanError, match="skips a level"):
        plan_import(actor=manager, plan=broken, code="BROKEN")
    assert not Project.objects.filter(code="BROKEN").exists()


def test_only_those_who_manage_the_project_import_into_it() -> None:
    project = make_project(code="OWNED")
    with pytest.raises(PermissionDeniedError):
        plan_import(actor=make_manager(), plan=harbour(), code="OWNED")
    with pytest.raises(PermissionDeniedError):
        plan_import(actor=make_user(role=Role.MEMBER), plan=harbour(), code="NEW-ONE")
    assert project.tasks.count() == 0


def test_an_asana_export_becomes_a_project_on_the_organisation_calendar() -> None:
    plan = read_asana_csv((FILES / "asana-harbour-portal.csv").read_bytes())
    result = plan_import(actor=make_manager(), plan=plan, code="ASANA", use_plan_calendar=False)
    assert result.project.calendar is None
    assert result.tasks_created == len(plan.tasks)
    assert Task.objects.filter(project=result.project, status="done").count() == sum(
        1 for task in plan.tasks if task.percent_complete == 100 or task.completed_at is not None)


def test_the_export_reads_back_as_the_same_plan() -> None:
    manager = make_manager()
    project = plan_import(actor=manager, plan=harbour(), code="HARBOUR").project
    exported = plan_export(project=project)
    again = read_mspdi(write_mspdi(exported))
    source = harbour()
    assert [(t.name, t.outline_level, t.duration, t.is_milestone, t.is_summary, t.start, t.finish)
            for t in again.tasks] == [
        (t.name, t.outline_level, t.duration, t.is_milestone, t.is_summary, t.start, t.finish) for t in source.tasks]
    by_uid = {task.uid: task.name for task in again.tasks}
    source_names = {task.uid: task.name for task in source.tasks}
    assert sorted((by_uid[link.predecessor_uid], by_uid[link.successor_uid], str(link.type), link.lag)
                  for link in again.links) == sorted(
        (source_names[link.predecessor_uid], source_names[link.successor_uid], str(link.type), link.lag)
        for link in source.links)
    assert again.calendar.week == source.calendar.week
    assert dict(again.calendar.exceptions) == dict(source.calendar.exceptions)
