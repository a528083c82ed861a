"""Delivery's home cards ("My day", :mod:`tandem.core.home`): "My tasks", "My
timesheet" and, for project managers, "My active projects" and "Time to approve" (the
submitted time of their projects, the approvals page's entries).

"My active projects" counts the project list's selector with the filters its link
carries (managed by me, active), so the number equals the list's total; the projects
finishing first are listed under it, a late one (scheduled to finish after its due date)
marked. Both numbers are counted with every other card's in one query.

The number is counted with the "My tasks" list's selector (its ``for_count`` shape,
:func:`tandem.delivery.selectors.my_task_list`), so it equals the list's total, and links
to that list; the first tasks, earliest finish first, are listed under it. The card shows
only when something is assigned (no zero placeholder). Its number is counted with every
other card's in one query; the rows cost one more when there are tasks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.core import home
from tandem.core.home import Card, Row
from tandem.core.permissions import has_role
from tandem.core.roles import Role
from tandem.core.rows import DateText, UrlPattern
from tandem.delivery.models import Project, ProjectStatus, TaskAssignment, TaskStatus
from tandem.delivery.selectors import ProjectFilters, my_task_list, project_list
from tandem.delivery.selectors.time import (
    approvable_entries,
    may_approve,
    unsubmitted_entries,
    unsubmitted_weeks,
)
from tandem.delivery.views.common import ME

ROWS_SHOWN = 3
COUNT_KEY = "delivery.my_tasks"
PROJECTS_KEY = "delivery.my_active_projects"
TIME_KEY = "delivery.time_to_submit"
APPROVALS_KEY = "delivery.time_to_approve"


def _active_projects(user: Any) -> QuerySet[Project]:
    return project_list(actor=user, filters=ProjectFilters(status=ProjectStatus.ACTIVE, manager_id=user.pk))


@home.count_source
def _numbers(user: Any) -> dict[str, QuerySet[Any] | home.Gated]:
    """The "My tasks" list (built only when some task not done is assigned to me at all)
    and, for project managers, their active projects, in the count shape, counted with
    every other card's number (:func:`tandem.core.home.counts`)."""
    assigned = home.Prepared(
        "delivery.assigned.mine", (user.pk, TaskStatus.DONE),
        lambda: TaskAssignment.objects.filter(user=user.pk).exclude(task__status=TaskStatus.DONE),
    )
    numbers: dict[str, QuerySet[Any] | home.Gated] = {
        COUNT_KEY: home.Gated(mine=assigned, build=lambda: my_task_list(actor=user, for_count=True)),
    }
    numbers[TIME_KEY] = unsubmitted_entries(actor=user)
    if has_role(user, Role.PROJECT_MANAGER):
        numbers[PROJECTS_KEY] = _active_projects(user).select_related(None).order_by()
    if may_approve(user):
        numbers[APPROVALS_KEY] = approvable_entries(actor=user)
    return numbers


@home.card(key="time_to_approve", title="Time to approve", order=15, visible=may_approve)
def time_to_approve(user: Any) -> Card | None:
    """Submitted time waiting for the project manager (admins: any project), counted
    with every card's number, linking to the approvals page that lists exactly those
    entries. Shown only when some wait."""
    count = home.counts(user).get(APPROVALS_KEY, 0)
    if not count:
        return None
    return Card(
        title="Time to approve",
        count=count,
        url=reverse("delivery:approvals"),
        caption="time entries submitted to you",
        urgent=True,
        tone="warning",
    )


@home.card(key="my_active_projects", title="My active projects", order=14,
           visible=lambda user: has_role(user, Role.PROJECT_MANAGER))
def my_active_projects(user: Any) -> Card | None:
    count = home.counts(user).get(PROJECTS_KEY, 0)
    if not count:
        return None
    detail, dates = UrlPattern("delivery:project_detail", "project_id"), DateText()
    first = (_active_projects(user).select_related(None).order_by("scheduled_finish", "code")
             .values("id", "code", "name", "due_date", "scheduled_finish")[:ROWS_SHOWN])
    rows = []
    for row in first:
        finish = timezone.localtime(row["scheduled_finish"]).date() if row["scheduled_finish"] else None
        late = bool(finish and row["due_date"] and finish > row["due_date"])
        rows.append(Row(
            row["name"], detail(row["id"]),
            detail=row["code"] + (f" · finishes {dates.day(row['scheduled_finish'])}" if finish else ""),
            badge="Late" if late else "", tone="danger",
        ))
    late_any = any(row.badge for row in rows)
    return Card(
        title="My active projects",
        count=count,
        url=reverse("delivery:project_list") + f"?manager={ME}&status={ProjectStatus.ACTIVE}",
        caption="you manage, active",
        rows=rows,
        urgent=late_any,
        tone="danger" if late_any else "primary",
    )


@home.card(key="my_tasks", title="My tasks", order=15)
def my_tasks(user: Any) -> Card | None:
    count = home.counts(user)[COUNT_KEY]
    if not count:
        return None
    now = timezone.now()
    detail, dates = UrlPattern("delivery:project_detail", "project_id"), DateText()
    first = my_task_list(actor=user).values("id", "name", "early_finish", "project_id", "project__code")[:ROWS_SHOWN]
    rows = [
        Row(
            row["name"],
            f"{detail(row['project_id'])}#task-{int(row['id'])}",
            detail=row["project__code"] + (f" · finishes {dates.day(row['early_finish'])}" if row["early_finish"] else ""),
            badge="Overdue" if row["early_finish"] is not None and row["early_finish"] < now else "",
            tone="danger",
        )
        for row in first
    ]
    overdue = any(row.badge for row in rows)
    return Card(
        title="My tasks",
        count=count,
        url=reverse("delivery:my_tasks"),
        caption="assigned to you, not done",
        rows=rows,
        urgent=overdue,
        tone="danger" if overdue else "primary",
    )


@home.card(key="my_timesheet", title="My timesheet", order=16)
def my_timesheet(user: Any) -> Card | None:
    """"My timesheet": the person's time entries still to submit (draft or returned, any
    week), counted with every card's number; under it the oldest such weeks with their
    hours, "Returned" marked, each opening its week on the timesheet (one more query)."""
    count = home.counts(user).get(TIME_KEY, 0)
    if not count:
        return None
    page = reverse("delivery:timesheet")
    rows = []
    weeks = unsubmitted_weeks(actor=user, limit=ROWS_SHOWN)
    for week in weeks:
        hours = f"{week['hours'].normalize():f} h"
        rows.append(Row(
            f"Week of {week['week'].day} {week['week']:%b %Y}", f"{page}?week={week['week'].isoformat()}",
            detail=hours + (f" · {week['returned']} returned" if week["returned"] else " · not submitted"),
            badge="Returned" if week["returned"] else "", tone="danger",
        ))
    returned = any(row.badge for row in rows)
    first = rows[0].url if rows else page
    return Card(
        title="My timesheet",
        # The number is the oldest week's entries to submit: the week its link opens, which
        # shows the same number ("n to submit"); the weeks after it are listed below.
        count=weeks[0]["entries"] if weeks else count,
        url=first,
        caption="time entries to submit in your oldest open week",
        rows=rows,
        urgent=returned,
        tone="danger" if returned else "primary",
    )
