"""Time's reads: a person's week, the projects and tasks they may record time on, the
project manager's approval queue and the API's list, each scoped through the policies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek

from tandem.core.permissions import get_visible, has_role, is_admin, scoped
from tandem.core.roles import Role
from tandem.delivery.models import (
    Project,
    ProjectMember,
    ProjectStatus,
    Task,
    TaskAssignment,
    TimeEntry,
    TimeEntryStatus,
)

WEEK = dt.timedelta(days=7)


def week_entries(*, actor: Any, week: dt.date) -> QuerySet[TimeEntry]:
    """``actor``'s own entries of the week starting ``week`` (a Monday), with what the
    timesheet shows of their project and task (one query)."""
    return (
        TimeEntry.objects.filter(user=actor.pk, date__gte=week, date__lt=week + WEEK)
        .select_related("project", "task")
        .only(*(f.name for f in TimeEntry._meta.concrete_fields),
              "project__id", "project__code", "project__name", "project__account_id", "project__billing_type",
              "task__id", "task__name", "task__outline_index", "task__project_id")
        .order_by("project__code", "task__outline_index", "task_id", "date", "pk")
    )


def recordable_projects(*, actor: Any) -> QuerySet[Project]:
    """The projects ``actor`` may record time on: they manage it, are on its team or are
    assigned to one of its tasks; no templates, nothing cancelled; by code."""
    team = ProjectMember.objects.filter(user=actor.pk).values("project_id")
    assigned = TaskAssignment.objects.filter(user=actor.pk).values("task__project_id")
    return (
        Project.objects.filter(Q(manager=actor.pk) | Q(pk__in=team) | Q(pk__in=assigned))
        .filter(is_template=False).exclude(status=ProjectStatus.CANCELLED)
        .only("id", "code", "name", "account_id", "billing_type", "status", "manager_id", "is_template")
        .order_by("code", "pk")
    )


def my_open_tasks(*, actor: Any) -> QuerySet[Task]:
    """The tasks assigned to ``actor`` (not summaries) in projects they may record on, for
    "Add a line" (one query)."""
    return (
        Task.objects.filter(assignments__user=actor.pk, is_summary=False, project__is_template=False)
        .exclude(project__status=ProjectStatus.CANCELLED)
        .only("id", "name", "wbs", "project_id", "outline_index")
        .order_by("project_id", "outline_index", "pk")
    )


def recordable_get(*, actor: Any, project_id: Any, task_id: Any = None) -> tuple[Project, Task | None]:
    """A project ``actor`` may see (404 otherwise) and, when named, one of its tasks (the
    services then check that they work on it)."""
    project = get_visible(actor, Project, project_id)
    task = None
    if task_id not in (None, ""):
        task = get_visible(actor, Task.objects.filter(project=project), task_id)
    return project, task


def may_approve(user: Any) -> bool:
    """Who the approvals page is for: project managers (their projects) and admins."""
    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER)


def approvable_entries(*, actor: Any) -> QuerySet[TimeEntry]:
    """Submitted time of the projects ``actor`` manages (admins: every project)."""
    entries = TimeEntry.objects.filter(status=TimeEntryStatus.SUBMITTED)
    if is_admin(actor):
        return entries
    if not has_role(actor, Role.PROJECT_MANAGER):
        return entries.none()
    return entries.filter(project__manager=actor.pk)


@dataclass(frozen=True)
class ApprovalGroup:
    user_id: int
    person: str
    project_id: int
    project_code: str
    project_name: str
    week: dt.date
    entries: int
    hours: Any
    billable_hours: Any


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def approval_groups(*, actor: Any, limit: int = 200) -> list[ApprovalGroup]:
    """The approval queue grouped by person, project and week (one grouped query), the
    oldest week first; at most ``limit`` groups."""
    rows = (
        approvable_entries(actor=actor)
        .annotate(week=TruncWeek("date"))
        .values("user_id", "user__full_name", "user__email", "project_id", "project__code", "project__name", "week")
        .annotate(entries=Count("pk"), total_hours=Sum("hours"),
                  billable=Sum("hours", filter=Q(is_billable=True)))
        .order_by("week", "user__full_name", "project__code", "user_id", "project_id")[:limit]
    )
    return [
        ApprovalGroup(
            user_id=row["user_id"], person=row["user__full_name"] or row["user__email"],
            project_id=row["project_id"], project_code=row["project__code"], project_name=row["project__name"],
            week=_day(row["week"]), entries=row["entries"], hours=row["total_hours"] or 0,
            billable_hours=row["billable"] or 0,
        )
        for row in rows
    ]


def approval_group_entries(*, actor: Any, user_id: int, project_id: int, week: dt.date) -> QuerySet[TimeEntry]:
    """The submitted rows of one group, by day (the rows behind a queue's numbers)."""
    return (
        approvable_entries(actor=actor)
        .filter(user_id=user_id, project_id=project_id, date__gte=week, date__lt=week + WEEK)
        .select_related("task").order_by("date", "pk")
    )


@dataclass(frozen=True)
class TimeEntryFilters:
    project_id: int | None = None
    user_id: int | None = None
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def time_entry_list(*, actor: Any, filters: TimeEntryFilters) -> QuerySet[TimeEntry]:
    """Time entries the actor may see: their own by default; a project's (``project_id``)
    for whoever sees that project's time (its manager, executives, admins, the
    account's people); newest first."""
    queryset = scoped(actor, TimeEntry)
    if filters.project_id is not None:
        queryset = queryset.filter(project_id=filters.project_id)
    if filters.user_id is not None:
        queryset = queryset.filter(user_id=filters.user_id)
    elif filters.project_id is None:
        queryset = queryset.filter(user=actor.pk)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.date_from is not None:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        queryset = queryset.filter(date__lte=filters.date_to)
    return queryset.select_related("project", "project__account", "task", "user").order_by("-date", "-pk")


def time_entry_get(*, actor: Any, time_entry_id: Any) -> TimeEntry:
    return get_visible(actor, TimeEntry.objects.select_related("project", "project__account", "task", "user"),
                       time_entry_id)


def unsubmitted_weeks(*, actor: Any, limit: int = 3) -> list[dict[str, Any]]:
    """The person's weeks with time still to submit (draft or returned), oldest first,
    with their hours and returned entries (one grouped query)."""
    rows = (
        TimeEntry.objects.filter(user=actor.pk, status__in=(TimeEntryStatus.DRAFT, TimeEntryStatus.REJECTED))
        .annotate(week=TruncWeek("date")).values("week")
        .annotate(total_hours=Sum("hours"), entries=Count("pk"), returned=Count("pk", filter=Q(status=TimeEntryStatus.REJECTED)))
        .order_by("week")[:limit]
    )
    return [{"week": _day(row["week"]), "hours": row["total_hours"] or 0, "entries": row["entries"],
             "returned": row["returned"]} for row in rows]


def unsubmitted_entries(*, actor: Any) -> QuerySet[TimeEntry]:
    """The person's draft and returned entries (the home card's number)."""
    return TimeEntry.objects.filter(user=actor.pk, status__in=(TimeEntryStatus.DRAFT, TimeEntryStatus.REJECTED))


def time_entries_by_ids(*, actor: Any, ids: list[int]) -> QuerySet[TimeEntry]:
    """The entries of ``ids`` the actor may see, by day (one query)."""
    return (scoped(actor, TimeEntry).filter(pk__in=ids)
            .select_related("project", "project__account").order_by("date", "pk"))
