"""The delivery step of ``tandem demo``: projects in every state with scheduled plans,
the logins' projects and tasks, time that follows the plan, determinism."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from tandem.commercial.models import ProjectRequest, ProjectRequestStatus
from tandem.core import demo
from tandem.delivery.models import (
    Allocation,
    Dependency,
    Project,
    ProjectStatus,
    Task,
    TaskStatus,
    TimeEntry,
    TimeEntryStatus,
)
from tests.commercial.test_demo import restore_seeded_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """One demo run shared by the module's read-only tests (wiped afterwards)."""
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True)
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def test_projects_in_every_state_with_scheduled_plans(demo_db) -> None:  # type: ignore[no-untyped-def]
    projects = Project.objects.all()
    assert projects.count() == 40
    states = Counter(projects.values_list("status", flat=True))
    assert set(states) >= {ProjectStatus.ACTIVE, ProjectStatus.COMPLETED, ProjectStatus.PLANNING}
    # Every plan is scheduled: each task has its dates, each project its finish.
    assert not Task.objects.filter(early_start__isnull=True).exists()
    assert not projects.filter(scheduled_finish__isnull=True).exists()
    # Three-point estimates in order (on the plans delivery made: the steps of an occurred
    # risk's contingency plan, made later by governance's demo, carry none); links inside
    # one project.
    assert not Task.objects.filter(is_summary=False, is_milestone=False, optimistic_minutes__isnull=True).exclude(
        parent__contingency_for__isnull=False).exists()
    assert not Dependency.objects.exclude(predecessor__project=F("successor__project")).exists()
    # Some parallel work: not every task is critical.
    assert Task.objects.filter(is_critical=False).exists()
    # Completed projects have all their tasks done; work before today is done.
    assert not Task.objects.filter(project__status=ProjectStatus.COMPLETED, is_summary=False).exclude(
        status=TaskStatus.DONE).exists()
    # Late and over-budget running projects exist.
    running = projects.filter(status=ProjectStatus.ACTIVE)
    assert any(p.due_date and p.scheduled_finish and p.due_date < timezone.localtime(p.scheduled_finish).date()
               for p in running)


def test_the_logins_have_a_full_day(demo_db) -> None:  # type: ignore[no-untyped-def]
    pm_projects = Project.objects.filter(manager__email="pm@example.com")
    assert pm_projects.count() == 6
    assert pm_projects.filter(status=ProjectStatus.ACTIVE).count() >= 3
    open_tasks = Task.objects.filter(assignments__user__email="member@example.com").exclude(status=TaskStatus.DONE)
    assert open_tasks.exists()
    assert open_tasks.filter(project__manager__email="pm@example.com").exists()
    assert Allocation.objects.filter(user__email="member@example.com").exists()


def test_time_follows_the_plan(demo_db) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    entries = TimeEntry.objects.all()
    assert entries.exists()
    assert not entries.filter(date__gt=today).exists()
    assert not entries.filter(date__week_day__in=(1, 7)).exists()  # no weekends
    assert not entries.filter(status=TimeEntryStatus.APPROVED, cost_rate__isnull=True).exists()
    assert not entries.filter(status=TimeEntryStatus.APPROVED, date__gte=monday - dt.timedelta(days=7)).exists()
    assert not entries.exclude(status=TimeEntryStatus.DRAFT).filter(date__gte=monday).exists()
    # Each entry is on a task its person is assigned to.
    assert not entries.exclude(Q(task__assignments__user=F("user"))).exists()
    # Recent project requests became projects.
    accepted = ProjectRequest.objects.filter(status=ProjectRequestStatus.ACCEPTED)
    assert accepted.exists()
    assert accepted.annotate(n=Count("project")).filter(n=1).count() == accepted.count()
