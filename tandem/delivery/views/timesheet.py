"""The weekly timesheet (``/delivery/timesheet/?week=2027-01-04``): one line per project
(and task), a column per day Monday to Sunday, a cell per line and day that saves on its
own (HTMX POST to ``timesheet/cell/``, answering the cell and, out of band, the line's,
the day's and the week's totals and the week's state), a billable switch per line,
"Add a line" and "Submit week".

The page reads the person's week (one query), the projects they may record on and their
tasks (one query each) whatever the number of lines; a cell's save re-reads the week
once to answer its totals. Writes go through :mod:`tandem.delivery.services.time`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from tandem.core.errors import DomainError
from tandem.core.rows import UrlPattern, esc, joined
from tandem.delivery.models import Project, Task, TimeEntry, TimeEntryStatus
from tandem.delivery.selectors import time as time_selectors
from tandem.delivery.services import time as time_services
from tandem.delivery.services.time import EDITABLE, week_start

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STATE_BADGES = {"empty": "secondary", "draft": "secondary", "submitted": "info", "approved": "success",
                "returned": "danger", "partly approved": "info"}


def hours_display(value: Any) -> str:
    """``7.5``, ``8``, ``0.25`` (blank for nothing)."""
    if not value:
        return ""
    return f"{Decimal(value).normalize():f}"


def total_display(value: Any) -> str:
    return f"{hours_display(value) or '0'} h"


def parse_week(value: str | None) -> dt.date:
    """The Monday of ``?week=`` (any day of the week works), else of today."""
    if value:
        try:
            return week_start(dt.date.fromisoformat(value))
        except ValueError:
            pass
    return week_start(timezone.localdate())


@dataclass
class Cell:
    line_key: str
    row: int
    col: int
    day: dt.date
    entry: TimeEntry | None = None
    value: str = ""
    error: str = ""

    @property
    def id(self) -> str:
        return f"cell-{self.line_key}-{self.col}"

    @property
    def locked(self) -> bool:
        return self.entry is not None and self.entry.status not in EDITABLE

    @property
    def day_label(self) -> str:
        return f"{self.day:%A} {self.day.day} {self.day:%B}"

    @property
    def status_label(self) -> str:
        return self.entry.get_status_display() if self.entry is not None else ""


@dataclass
class Line:
    project: Project
    task: Task | None
    row: int
    billable: bool
    cells: list[Cell] = field(default_factory=list)
    error: str = ""

    @property
    def key(self) -> str:
        return f"{self.project.pk}-{self.task.pk if self.task else 0}"

    @property
    def total(self) -> Decimal:
        return sum((Decimal(c.entry.hours) for c in self.cells if c.entry is not None), Decimal(0))

    @property
    def total_text(self) -> str:
        return total_display(self.total)

    @property
    def locked(self) -> bool:
        entries = [c.entry for c in self.cells if c.entry is not None]
        return bool(entries) and all(e.status not in EDITABLE for e in entries)

    @property
    def label(self) -> str:
        return f"{self.project.code} {self.task.name}" if self.task else self.project.code


def billable_html(line: Line, start: dt.date, url: str | None = None) -> SafeString:
    """The line's billable switch (disabled once all its time is locked), saving on change."""
    key = line.key
    vals = json.dumps({"project": str(line.project.pk), "task": str(line.task.pk) if line.task else "",
                       "date": start.isoformat()})
    invalid = f' aria-invalid="true" aria-describedby="billable-error-{key}"' if line.error else ""
    error = f'<div id="billable-error-{key}" class="invalid-feedback d-block">{esc(line.error)}</div>' if line.error else ""
    return SafeString(
        f'<div id="billable-wrap-{key}" class="form-check form-switch m-0 d-inline-block">'
        f'<input class="form-check-input" type="checkbox" role="switch" id="billable-{key}" name="is_billable"'
        f'{" checked" if line.billable else ""}{" disabled" if line.locked else ""} aria-label="Billable: {esc(line.label)}"'
        f' hx-post="{url or reverse("delivery:timesheet_line")}" hx-trigger="change" hx-target="#billable-wrap-{key}"'
        f' hx-swap="outerHTML" hx-vals=\'{esc(vals)}\'{invalid}>{error}</div>'
    )


def lines_html(week: Week) -> SafeString:
    """The week's lines (``<tr>`` each): the project (and task), the billable switch, a
    cell per day and the line's total, written in Python (one reverse() for all)."""
    project_url = UrlPattern("delivery:project_detail", "project_id")
    line_url, cell_url = reverse("delivery:timesheet_line"), reverse("delivery:timesheet_cell")
    out = []
    for line in week.lines:
        what = esc(line.task.name if line.task else line.project.name)
        cells = "".join(f'<td class="ts-day ts-day-{cell.col}">{cell_html(line, cell, cell_url)}</td>' for cell in line.cells)
        out.append(
            f'\n      <tr id="line-{line.key}" data-testid="timesheet-line">'
            f'<th scope="row" class="ts-line"><a href="{project_url(line.project.pk)}" class="fw-medium">{esc(line.project.code)}</a>'
            f'<div class="small text-body-secondary text-truncate">{what}</div></th>'
            f'<td class="text-center ts-billable">{billable_html(line, week.start, line_url)}</td>{cells}'
            f'<td class="text-end text-nowrap fw-medium"><span id="row-total-{line.key}" data-testid="row-total">{esc(line.total_text)}</span></td>'
            "</tr>"
        )
    return joined(out)


def cell_html(line: Line, cell: Cell, url: str | None = None) -> SafeString:
    """One cell: its input (read-only once its entry is approved or waits for approval),
    saving on change by an HTMX POST, and its error under it."""
    label = esc(f"{line.label}, {cell.day_label}")
    value = esc(cell.value)
    common = f'id="{cell.id}-input" data-row="{cell.row}" data-col="{cell.col}"'
    if cell.locked:
        status = esc(cell.status_label)
        field_html = (
            f'<input {common} class="form-control form-control-sm text-end ts-input" type="text" value="{value}" readonly'
            f' aria-label="{label} ({status.lower()}, locked)" title="{status}: locked">'
        )
    else:
        invalid = (f' aria-invalid="true" aria-describedby="{cell.id}-error"' if cell.error else "")
        vals = json.dumps({
            "project": str(line.project.pk), "task": str(line.task.pk) if line.task else "",
            "date": cell.day.isoformat(), "version": str(cell.entry.version) if cell.entry is not None else "",
            "billable_sent": "1",
        })
        field_html = (
            f'<input {common} class="form-control form-control-sm text-end ts-input{" is-invalid" if cell.error else ""}"'
            f' type="text" name="hours" inputmode="decimal" autocomplete="off" maxlength="6" value="{value}"'
            f' aria-label="{label}"{invalid} hx-post="{url or reverse("delivery:timesheet_cell")}" hx-trigger="change"'
            f' hx-target="#{cell.id}" hx-swap="outerHTML" hx-include="#billable-{line.key}" hx-vals=\'{esc(vals)}\'>'
        )
    error = f'<div id="{cell.id}-error" class="invalid-feedback d-block ts-error">{esc(cell.error)}</div>' if cell.error else ""
    return SafeString(f'<div id="{cell.id}" class="ts-cell">{field_html}{error}</div>')


@dataclass
class Week:
    start: dt.date
    lines: list[Line]
    days: list[dt.date]
    entries: list[TimeEntry]

    @property
    def day_totals(self) -> list[Decimal]:
        totals = [Decimal(0)] * 7
        for entry in self.entries:
            totals[(entry.date - self.start).days] += Decimal(entry.hours)
        return totals

    @property
    def total(self) -> Decimal:
        return sum((Decimal(e.hours) for e in self.entries), Decimal(0))

    @property
    def state(self) -> str:
        statuses = {e.status for e in self.entries}
        if not statuses:
            return "empty"
        if TimeEntryStatus.REJECTED in statuses:
            return "returned"
        if TimeEntryStatus.DRAFT in statuses:
            return "draft"
        if statuses == {TimeEntryStatus.APPROVED}:
            return "approved"
        if TimeEntryStatus.APPROVED in statuses:
            return "partly approved"
        return "submitted"

    @property
    def reasons(self) -> list[tuple[str, str]]:
        """The return reasons of the week's returned lines: (line, reason), once each."""
        seen: dict[tuple[str, str], None] = {}
        for entry in self.entries:
            if entry.status == TimeEntryStatus.REJECTED and entry.return_reason:
                label = f"{entry.project.code} {entry.task.name}" if entry.task else entry.project.code
                seen[(label, entry.return_reason)] = None
        return list(seen)

    @property
    def to_submit(self) -> int:
        return sum(1 for e in self.entries if e.status in EDITABLE)


def _line_default_billable(project: Project) -> bool:
    return project.account_id is not None and project.billing_type != "non_billable"


def build_week(*, actor: Any, start: dt.date, added: list[tuple[Project, Task | None]] = ()) -> Week:  # type: ignore[assignment]
    entries = list(time_selectors.week_entries(actor=actor, week=start))
    days = [start + dt.timedelta(days=i) for i in range(7)]
    lines: dict[tuple[int, int], Line] = {}
    for entry in entries:
        key = (entry.project_id, entry.task_id or 0)
        line = lines.get(key)
        if line is None:
            line = lines[key] = Line(project=entry.project, task=entry.task, row=0, billable=entry.is_billable)
            line.cells = [Cell(line_key=line.key, row=0, col=i, day=day) for i, day in enumerate(days)]
        cell = line.cells[(entry.date - start).days]
        if cell.entry is None:
            cell.entry, cell.value = entry, hours_display(entry.hours)
    for project, task in added:
        key = (project.pk, task.pk if task else 0)
        if key not in lines:
            line = lines[key] = Line(project=project, task=task, row=0, billable=_line_default_billable(project))
            line.cells = [Cell(line_key=line.key, row=0, col=i, day=day) for i, day in enumerate(days)]
    ordered = sorted(lines.values(), key=lambda ln: (ln.project.code, ln.task.outline_index if ln.task else -1))
    for row, line in enumerate(ordered):
        line.row = row
        for cell in line.cells:
            cell.row = row
    return Week(start=start, lines=ordered, days=days, entries=entries)


def _line_choices(actor: Any) -> list[dict[str, Any]]:
    """"Add a line": each project one may record on, then its tasks assigned to one (as
    ``(id, name)`` pairs: a hundred tasks offered cost no model objects)."""
    projects = list(time_selectors.recordable_projects(actor=actor))
    tasks: dict[int, list[tuple[int, str]]] = {}
    for task_id, name, project_id in time_selectors.my_open_tasks(actor=actor).values_list("id", "name", "project_id"):
        tasks.setdefault(project_id, []).append((task_id, name))
    return [{"project": project, "tasks": tasks.get(project.pk, [])} for project in projects]


def choices_html(choices: list[dict[str, Any]]) -> SafeString:
    """The "Add a line" options: a group per project, the whole project then its tasks."""
    out = []
    for choice in choices:
        project = choice["project"]
        code = esc(project.code)
        out.append(f'<optgroup label="{code} · {esc(project.name)}"><option value="{project.pk}">{code} (whole project)</option>')
        out.extend(f'<option value="{project.pk}-{task_id}">{code} · {esc(name)}</option>' for task_id, name in choice["tasks"])
        out.append("</optgroup>")
    return joined(out)


def _added(actor: Any, values: list[str], choices: list[dict[str, Any]]) -> list[tuple[Project, Task | None]]:
    """``?add=<project id>`` or ``<project id>-<task id>``, limited to the offered choices
    (the chosen tasks read in one query, only when some are chosen)."""
    offered: dict[str, tuple[Project, int | None]] = {}
    for choice in choices:
        offered[f"{choice['project'].pk}"] = (choice["project"], None)
        for task_id, _name in choice["tasks"]:
            offered[f"{choice['project'].pk}-{task_id}"] = (choice["project"], task_id)
    chosen = [offered[value] for value in values if value in offered]
    wanted = {task_id for _project, task_id in chosen if task_id is not None}
    found = {task.pk: task for task in time_selectors.my_open_tasks(actor=actor).filter(pk__in=wanted)} if wanted else {}
    return [(project, found.get(task_id) if task_id is not None else None) for project, task_id in chosen
            if task_id is None or task_id in found]


@login_required
@require_GET
def timesheet(request: HttpRequest) -> HttpResponse:
    actor = request.user
    start = parse_week(request.GET.get("week"))
    choices = _line_choices(actor)
    week = build_week(actor=actor, start=start, added=_added(actor, request.GET.getlist("add"), choices))
    today = timezone.localdate()
    return render(request, "delivery/timesheet/timesheet.html", {
        "week": week, "choices": choices, "choices_html": choices_html(choices), "lines_html": lines_html(week), "day_names": DAY_NAMES,
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7),
        "this_week": week_start(today), "today_col": (today - start).days if 0 <= (today - start).days < 7 else 0,
        "added": request.GET.getlist("add"),
        **_totals_context(week),
    })


def _totals_context(week: Week) -> dict[str, Any]:
    return {
        "day_totals": [(i, total_display(total)) for i, total in enumerate(week.day_totals)],
        "week_total": total_display(week.total),
        "state": week.state, "state_badge": STATE_BADGES[week.state],
    }


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return " ".join(message for messages_ in error.message_dict.values() for message in messages_)
        return " ".join(error.messages)
    if isinstance(error, DomainError):
        return error.message
    return str(error)


def _parse_target(request: HttpRequest) -> tuple[Project, Task | None, dt.date] | None:
    try:
        day = dt.date.fromisoformat(request.POST.get("date", ""))
        project_id = int(request.POST.get("project", ""))
    except ValueError:
        return None
    project, task = time_selectors.recordable_get(
        actor=request.user, project_id=project_id, task_id=request.POST.get("task") or None,
    )
    return project, task, day


@login_required
@require_POST
def timesheet_cell(request: HttpRequest) -> HttpResponse:
    """Save one cell; answer it (with its error, if any) and the totals out of band."""
    target = _parse_target(request)
    if target is None:
        return HttpResponseBadRequest("Name the project and the day.")
    project, task, day = target
    raw = request.POST.get("hours", "").strip()
    billable = None
    if request.POST.get("billable_sent"):
        billable = request.POST.get("is_billable") == "on"
    version = request.POST.get("version") or None
    error = ""
    try:
        time_services.time_entry_save(
            actor=request.user, project=project, task=task, date=day, hours=raw or "0", is_billable=billable,
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except (ValidationError, DomainError) as exc:
        error = _error_text(exc)
    start = week_start(day)
    week = build_week(actor=request.user, start=start, added=[(project, task)])
    line = next(ln for ln in week.lines if ln.project.pk == project.pk and ln.task == task)
    cell = line.cells[(day - start).days]
    if error:
        cell.value, cell.error = raw, error
    return render(request, "delivery/timesheet/_cell_response.html", {
        "cell": cell, "cell_html": cell_html(line, cell), "line": line, "week": week, "oob": True, **_totals_context(week),
    })


@login_required
@require_POST
def timesheet_line(request: HttpRequest) -> HttpResponse:
    """Switch a line's billable flag (its entries that may still change)."""
    target = _parse_target(request)
    if target is None:
        return HttpResponseBadRequest("Name the project and the week.")
    project, task, day = target
    start = week_start(day)
    wanted = request.POST.get("is_billable") == "on"
    error = ""
    try:
        time_services.time_line_billable(actor=request.user, project=project, task=task, week=start,
                                         is_billable=wanted)
    except (ValidationError, DomainError) as exc:
        error = _error_text(exc)
    week = build_week(actor=request.user, start=start, added=[(project, task)])
    line = next(ln for ln in week.lines if ln.project.pk == project.pk and ln.task == task)
    if not error:
        line.billable = wanted
    line.error = error
    return HttpResponse(billable_html(line, week.start))


@login_required
@require_POST
def timesheet_submit(request: HttpRequest) -> HttpResponse:
    start = parse_week(request.POST.get("week"))
    try:
        count = time_services.timesheet_submit(actor=request.user, week=start)
    except (ValidationError, DomainError) as exc:
        messages.error(request, _error_text(exc))
    else:
        noun = "entry" if count == 1 else "entries"
        messages.success(request, f"Week of {start.day} {start:%b %Y} submitted: {count} {noun} sent for approval.")
    return redirect(reverse("delivery:timesheet") + f"?week={start.isoformat()}")
