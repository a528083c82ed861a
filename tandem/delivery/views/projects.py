"""The project page: its header (code, name, status, account, manager), scope,
objectives, deliverables, team, and the plan as a tree list read from the stored
schedule (:func:`tandem.delivery.selectors.task_list`).

The page costs the same number of queries whatever the size of the plan: the project
(with its own calendar),
the project's calendar (the organisation's and its holidays, or the project's own with
its exceptions, for the working day and the time zone), objectives, deliverables, team, a window of the plan's tasks with the plan's totals
(:data:`PLAN_PAGE_SIZE` rows, ``?plan_page=``) and their assignees (one query each). The plan's rows are written in Python (:func:`plan_rows`), like a list page's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from tandem.core.rows import DateText, UrlPattern, esc, joined
from tandem.delivery import selectors
from tandem.delivery.calendars import project_calendar, to_local
from tandem.delivery.models import AcceptanceState, Deliverable, Objective, Project
from tandem.delivery.policies import manages
from tandem.delivery.scheduling import Timeline
from tandem.delivery.selectors import PlanRow
from tandem.delivery.views.common import (
    DEFAULT_MINUTES_PER_DAY,
    days_text,
    project_header,
)

ACCEPTANCE_BADGES: dict[str, str] = {
    AcceptanceState.PENDING: "secondary",
    AcceptanceState.SUBMITTED: "warning",
    AcceptanceState.ACCEPTED: "success",
    AcceptanceState.REJECTED: "danger",
}
INDENT_REM = Decimal("1.25")
# The plan's rows a page shows: a 10,000-task plan is read and written a window at a time
# (``?plan_page=``), its totals counted over the whole plan in the same query.
PLAN_PAGE_SIZE = 500


@dataclass(frozen=True)
class PlanClock:
    """How the plan's times read: the working day in minutes (what a "day" of duration
    is), the time zone its dates are shown in, and working time from the project's
    start (a summary task's duration is the working time its children span)."""

    minutes_per_day: int
    zone: ZoneInfo
    timeline: Timeline | None

    def span(self, start: dt.datetime | None, finish: dt.datetime | None) -> int | None:
        if self.timeline is None or start is None or finish is None:
            return None
        return self.timeline.offset(to_local(finish, self.zone)) - self.timeline.offset(to_local(start, self.zone))  # type: ignore[arg-type]


def plan_clock(project: Project) -> PlanClock:
    """The project's calendar (its own, else the organisation's) as a :class:`PlanClock`."""
    calendar, zone = project_calendar(project)
    start, finish = to_local(project.scheduled_start, zone), to_local(project.scheduled_finish, zone)
    # The summaries' dates lie within the scheduled span: lay out only those days (a day
    # outside is laid out when asked for).
    days = (finish.date() - start.date()).days + 2 if start is not None and finish is not None and finish >= start else 366
    try:
        timeline = Timeline(calendar, start, reach=(1, days)) if start is not None else None
    except ValueError:  # a calendar with no working time: durations of summaries unknown
        timeline = None
    return PlanClock(calendar.minutes_per_day or DEFAULT_MINUTES_PER_DAY, zone, timeline)


def _local_day(value: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    return value.astimezone(zone).date() if value is not None else None


def _time(value: dt.datetime | None, zone: ZoneInfo) -> str:
    """``<time datetime="2027-01-04T09:00">4 Jan 2027</time>`` in the project's zone."""
    if value is None:
        return '<span class="text-body-secondary">—</span>'
    local = value.astimezone(zone)
    return f'<time datetime="{local.replace(tzinfo=None).isoformat(timespec="minutes")}">{local.day} {local:%b %Y}</time>'


# The buttons of a row in edit mode: (action, url suffix, icon, label). Each POSTs the
# version the row was read at; the answer is the plan section again (plan_edit.py).
ROW_ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("up", "move-up", "arrow-up", "Move up"),
    ("down", "move-down", "arrow-down", "Move down"),
    ("outdent", "outdent", "indent-decrease", "Outdent"),
    ("indent", "indent", "indent-increase", "Indent"),
)


def _row_actions(task: PlanRow, *, page: int, focus: tuple[int, str] | None) -> str:
    """The edit-mode cell: edit, add below, indent / outdent, move up / down, assign,
    delete; each a button (or link) with its label. ``focus`` names the button that was
    just used, so the keyboard stays where it was after the section is redrawn."""
    name = esc(task.name)
    base = f"/delivery/tasks/{task.pk}"
    vals = f"hx-vals='{{\"version\": {task.version}, \"plan_page\": {page}}}'"

    def focused(action: str) -> str:
        return " autofocus" if focus == (task.pk, action) else ""

    buttons = [
        f'<button type="button" class="btn btn-outline-primary" hx-get="{base}/edit/?plan_page={page}" '
        f'hx-target="#task-{task.pk}" hx-swap="outerHTML" title="Edit" aria-label="Edit {name}" data-action="edit"{focused("edit")}>'
        '<i class="ti ti-pencil" aria-hidden="true"></i></button>',
        f'<button type="button" class="btn btn-outline-secondary" hx-get="/delivery/projects/{task.project_id}/plan/tasks/?after={task.pk}&amp;plan_page={page}" '
        f'hx-target="#task-{task.pk}" hx-swap="afterend" title="Add a task below" aria-label="Add a task below {name}" data-action="add-below">'
        '<i class="ti ti-row-insert-bottom" aria-hidden="true"></i></button>',
    ]
    for action, suffix, icon, label in ROW_ACTIONS:
        buttons.append(
            f'<button type="button" class="btn btn-outline-secondary" hx-post="{base}/{suffix}/" {vals} '
            f'title="{label}" aria-label="{label} {name}" data-action="{action}"{focused(action)}>'
            f'<i class="ti ti-{icon}" aria-hidden="true"></i></button>'
        )
    buttons.append(
        f'<a class="btn btn-outline-secondary" href="{base}/assign/" title="Assignees" aria-label="Assign people to {name}" data-action="assign">'
        '<i class="ti ti-user-plus" aria-hidden="true"></i></a>'
    )
    buttons.append(
        f'<button type="button" class="btn btn-outline-danger" hx-get="{base}/delete/?plan_page={page}" '
        f'hx-target="#task-{task.pk}" hx-swap="outerHTML" title="Delete" aria-label="Delete {name}" data-action="delete">'
        '<i class="ti ti-trash" aria-hidden="true"></i></button>'
    )
    return (f'\n        <td class="plan-actions plan-wide text-nowrap" data-label="Change"><div class="btn-group btn-group-sm" '
            f'role="group" aria-label="Change {name}">{"".join(buttons)}</div></td>')


def plan_rows(
    tasks: Iterable[PlanRow], assignees: Mapping[int, list[str]], *, clock: PlanClock, edit: bool = False,
    page: int = 1, focus: tuple[int, str] | None = None,
) -> SafeString:
    """The plan's rows: WBS, the name indented by outline level (summary tasks bold, a
    diamond for milestones), duration in days, start, finish, float, the critical
    marker, progress and assignees; in edit mode (``edit``) the row's buttons too. On
    phones each row stacks (delivery.css)."""
    minutes_per_day, zone = clock.minutes_per_day, clock.zone
    out = []
    for task in tasks:
        duration: int | None = task.duration_minutes
        if task.is_summary:
            duration = clock.span(task.early_start, task.early_finish)
        indent = INDENT_REM * (max(task.outline_level, 1) - 1)
        classes = ["plan-row"]
        if task.is_summary:
            classes.append("plan-summary fw-bold")
        if task.is_critical:
            classes.append("plan-critical")
        icon = (
            '<i class="ti ti-diamond text-warning me-1" aria-hidden="true"></i>'
            '<span class="visually-hidden">Milestone: </span>'
            if task.is_milestone else ""
        )
        critical = '<span class="badge text-bg-danger">Critical</span>' if task.is_critical else ""
        float_text = "—" if task.total_float_minutes is None else days_text(task.total_float_minutes, minutes_per_day)
        percent = int(task.percent_complete)
        names = assignees.get(task.pk, [])
        people = esc(", ".join(names)) if names else '<span class="text-body-secondary">Nobody</span>'
        out.append(
            f'\n      <tr class="{" ".join(classes)}" id="task-{task.pk}" data-testid="plan-row" data-level="{task.outline_level}">'
            f'\n        <td class="plan-wbs text-nowrap" data-label="WBS">{esc(task.wbs)}</td>'
            f'\n        <td class="plan-name" data-label="Task"><span class="plan-indent" style="padding-left: {indent}rem">{icon}{esc(task.name)}</span></td>'
            f'\n        <td class="text-end text-nowrap" data-label="Duration">{days_text(duration, minutes_per_day)}</td>'
            f'\n        <td class="text-nowrap" data-label="Start">{_time(task.early_start, zone)}</td>'
            f'\n        <td class="text-nowrap" data-label="Finish">{_time(task.early_finish, zone)}</td>'
            f'\n        <td class="text-end text-nowrap" data-label="Float">{float_text}</td>'
            f'\n        <td class="plan-flag" data-label="Critical">{critical}</td>'
            f'\n        <td class="plan-progress-cell plan-wide" data-label="Progress"><div class="d-flex align-items-center gap-2">'
            f'<div class="progress flex-grow-1 plan-progress" role="progressbar" aria-label="{esc(task.name)}: {percent}% complete"'
            f' aria-valuenow="{percent}" aria-valuemin="0" aria-valuemax="100"><div class="progress-bar" style="width: {percent}%"></div></div>'
            f'<span class="small text-nowrap">{percent}%</span></div></td>'
            f'\n        <td class="plan-wide" data-label="Assignees">{people}</td>'
            f"{_row_actions(task, page=page, focus=focus) if edit else ''}"
            "\n      </tr>"
        )
    return joined(out)


def objective_progress(objective: Objective) -> int | None:
    """How far the current value has come from the baseline to the target, 0–100
    (``None`` when the target is the baseline: nothing to measure)."""
    span = objective.target_value - objective.baseline_value
    if not span:
        return None
    share = (objective.current_value - objective.baseline_value) / span * 100
    return int(max(Decimal(0), min(Decimal(100), share)))


def team_rows(project: Project) -> list[dict[str, Any]]:
    person = UrlPattern("people:user_detail", "user_id")
    rows = selectors.project_team(project=project).select_related(None).values_list(
        "user_id", "user__full_name", "user__email", "role",
    )
    return [
        {
            "name": full_name or email,
            "url": person(user_id),
            "role": role or ("Project manager" if user_id == project.manager_id else ""),
        }
        for user_id, full_name, email, role in rows
    ]


def _plan_page(request: HttpRequest) -> int:
    value = request.GET.get("plan_page", "") or request.POST.get("plan_page", "")
    return max(int(value), 1) if value.isdigit() else 1


def plan_context(
    project: Project, *, clock: PlanClock, page: int, can_change: bool, edit: bool = False,
    focus: tuple[int, str] | None = None, message: str = "", problem: str = "",
) -> dict[str, Any]:
    """What the plan section (``project_detail.html#plan``) shows: a window of the plan
    (:data:`PLAN_PAGE_SIZE` rows of page ``page``) with its totals, in edit mode the
    rows' buttons and the form adding a task; ``message`` says quietly what changed,
    ``problem`` what was refused. Three queries: the window, its assignees and nothing
    else (the project and its calendar are read by the caller)."""
    tasks = selectors.plan_window(project=project, offset=(page - 1) * PLAN_PAGE_SIZE, limit=PLAN_PAGE_SIZE)
    assignees = selectors.task_assignee_names(project=project, task_ids=[task.pk for task in tasks])
    total = tasks[0].plan_total if tasks else 0
    first = (page - 1) * PLAN_PAGE_SIZE
    edit = edit and can_change
    return {
        "project": project,
        "tasks_count": total,
        "critical_count": tasks[0].plan_critical if tasks else 0,
        "plan_rows": plan_rows(tasks, assignees, clock=clock, edit=edit, page=page, focus=focus),
        "plan_page": {
            "number": page,
            "paged": page > 1 or total > PLAN_PAGE_SIZE,
            "first": first + 1,
            "last": first + len(tasks),
            "previous": page - 1 if page > 1 else None,
            "next": page + 1 if first + len(tasks) < total else None,
        },
        "can_change": can_change,
        "edit": edit,
        "plan_message": message,
        "plan_problem": problem,
        "focus_status": bool(message or problem) and focus is None,
        "scheduled_start": _local_day(project.scheduled_start, clock.zone),
        "scheduled_finish": _local_day(project.scheduled_finish, clock.zone),
    }


def deliverable_rows(rows: Iterable[Deliverable], *, can_change: bool) -> list[dict[str, SafeString]]:
    """Each deliverable's item of the section, written in Python: ``head`` (name, state,
    due date, acceptance, the link to its task) and, for the project's manager, the
    acceptance form around the CSRF field the template writes (``form_open``,
    ``form_rest``). The markup is what the template loop wrote (pinned in
    tests/delivery/test_page_rows.py)."""
    acceptance = UrlPattern("delivery:deliverable_acceptance", "deliverable_id")
    months = DateText().months
    out = []
    for item in rows:
        name, state = esc(item.name), item.acceptance_state
        facts = f"Due {_day(item.due_date, months)}" if item.due_date else "No due date"
        if state == AcceptanceState.ACCEPTED and item.accepted_on:
            facts += f" · accepted {_day(item.accepted_on, months)}"
            if item.accepted_by:
                facts += f" by {esc(item.accepted_by)}"
        if item.task_id:
            facts += f' · <a href="#task-{item.task_id}">its task in the plan</a>'
        row = {
            "head": SafeString(
                '\n          <li class="py-2 border-bottom" data-testid="deliverable">'
                f'\n            <div class="d-flex flex-wrap justify-content-between gap-2"><strong>{name}</strong>'
                f'\n              <span class="badge text-bg-{ACCEPTANCE_BADGES.get(state, "secondary")}">{esc(item.get_acceptance_state_display())}</span></div>'
                f'\n            <div class="small text-body-secondary">{facts}</div>\n            '
            ),
        }
        if can_change:
            url, pk = acceptance(item.pk), item.pk
            options = "".join(
                f'<option value="{esc(value)}"{" selected" if value == state else ""}>{esc(label)}</option>'
                for value, label in AcceptanceState.choices
            )
            row["form_open"] = SafeString(
                f'\n            <form class="row g-2 align-items-end mt-1" method="post" action="{url}" hx-post="{url}" '
                'data-testid="deliverable-acceptance-form">\n              '
            )
            row["form_rest"] = SafeString(
                f'<input type="hidden" name="version" value="{item.version}">'
                '\n              <div class="col-sm-5">'
                f'\n                <label class="form-label small mb-1" for="deliverable-{pk}-state">Acceptance of {name}</label>'
                f'\n                <select class="form-select form-select-sm" id="deliverable-{pk}-state" name="acceptance_state">'
                f"\n                  {options}"
                "\n                </select>\n              </div>"
                '\n              <div class="col-sm-5">'
                f'\n                <label class="form-label small mb-1" for="deliverable-{pk}-accepted-by">Accepted by <span class="text-body-secondary">(when accepting, optional)</span></label>'
                f'\n                <input class="form-control form-control-sm" type="text" maxlength="200" id="deliverable-{pk}-accepted-by" name="accepted_by" value="{esc(item.accepted_by)}" '
                'placeholder="e.g. the client\'s sponsor">'
                "\n              </div>"
                '\n              <div class="col-sm-2"><button type="submit" class="btn btn-sm btn-outline-primary w-100" data-testid="deliverable-acceptance-save">'
                f'Save<span class="visually-hidden"> the acceptance of {name}</span></button></div>'
                "\n            </form>\n            "
            )
        out.append(row)
    return out


def _day(value: dt.date, months: tuple[str, ...]) -> str:
    """``|date:"j M Y"`` of a date."""
    return f"{value.day} {months[value.month]} {value.year:04d}"


def deliverables_context(project: Project, *, can_change: bool, message: str = "", problem: str = "") -> dict[str, Any]:
    """The deliverables section (one query): each deliverable with its badge, how many
    are accepted, and for the project's manager the acceptance form (:func:`deliverable_rows`)."""
    rows = list(selectors.deliverable_list(project=project))
    return {
        "project": project,
        "deliverables": rows,
        "deliverable_rows": deliverable_rows(rows, can_change=can_change),
        "accepted_count": sum(1 for item in rows if item.acceptance_state == AcceptanceState.ACCEPTED),
        "can_change": can_change,
        "deliverables_message": message,
        "deliverables_problem": problem,
    }


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_page_get(actor=actor, project_id=project_id)
    clock = plan_clock(project)
    zone = clock.zone
    page = _plan_page(request)
    can_change = manages(actor, project)
    objectives = [
        {"objective": item, "progress": objective_progress(item)} for item in selectors.objective_list(project=project)
    ]
    context = {
        **project_header(project, "overview", zone=zone),
        **plan_context(project, clock=clock, page=page, can_change=can_change, edit=request.GET.get("edit") == "1"),
        **deliverables_context(project, can_change=can_change),
        "objectives": objectives,
        "team": team_rows(project),
    }
    return render(request, "delivery/project_detail.html", context)
