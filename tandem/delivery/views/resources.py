"""Resources pages: the capacity grid (people × weeks, allocated against available), the
allocations behind one of its cells, a project's "Resources" tab (its allocations with
add / edit / delete forms for the manager, and each person's load) and the "who has
room" panel for assigning a task (a page of its own, or an HTMX panel).

The arithmetic is :mod:`tandem.delivery.selectors.capacity`; every write is a delivery
service. Each page costs the same number of queries whatever the number of people,
weeks and allocations (pinned in tests/delivery/test_resources_pages.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import NotFoundError, PermissionDeniedError
from tandem.core.forms import DateInput, FastSelect, VersionedForm
from tandem.core.permissions import scoped
from tandem.core.rows import esc, joined
from tandem.core.web import form_save, wants_partial
from tandem.delivery import selectors, services
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.models import Allocation, Project, Task
from tandem.delivery.policies import manages
from tandem.delivery.selectors import capacity
from tandem.delivery.views.common import project_header
from tandem.people.models import Team, User

CAPACITY_WEEKS = 12
CAPACITY_PAGE_SIZE = 50
LOAD_WEEKS = 8
GET_POST = ["GET", "POST"]


def _hours(value: Decimal) -> str:
    """``16.00`` → ``16``, ``13.30`` → ``13.3``."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def _date_param(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _cells(row: capacity.PersonCapacity) -> list[dict[str, Any]]:
    link = reverse("delivery:allocation_list")
    return [
        {
            "load": load,
            "allocated": _hours(load.allocated),
            "available": _hours(load.available),
            "over_by": _hours(load.over_by),
            "url": f"{link}?{urlencode({'user': str(row.user.pk), 'week': load.week.isoformat()})}",
        }
        for load in row.weeks
    ]


def _cells_html(name: str, cells: list[dict[str, Any]]) -> SafeString:
    """A row's cells, written in Python (a 50 × 12 grid is 600 of them): "allocated /
    available h" linking to the allocations behind it, an over-allocated cell marked
    in words and colour; screen readers also hear whose cell and which week."""
    out = []
    for cell in cells:
        load = cell["load"]
        over = load.over
        week = f"{load.week.day} {load.week:%b}"
        out.append(
            f'<td class="text-end text-nowrap capacity-cell{" capacity-over" if over else ""}" data-testid="capacity-cell">'
            f'<a href="{esc(cell["url"])}">{cell["allocated"]} / {cell["available"]} h<span class="visually-hidden">'
            f' allocated of available: {esc(name)}, week of {week}</span></a>'
            + (f'<span class="d-block small fw-semibold text-danger-emphasis">Over by {cell["over_by"]} h</span>'
               if over else "")
            + "</td>"
        )
    return joined(out)


def _grid_rows(grid: list[capacity.PersonCapacity]) -> list[dict[str, Any]]:
    rows = []
    for row in grid:
        name = row.user.full_name or row.user.email
        cells = _cells(row)
        rows.append({"user": row.user, "name": name, "team": row.team_name, "weekly": _hours(row.weekly_capacity),
                     "cells": cells, "cells_html": _cells_html(name, cells)})
    return rows


# --- The capacity grid ----------------------------------------------------------------------------


@login_required
@require_GET
def capacity_grid(request: HttpRequest) -> HttpResponse:
    """People (rows) × the next 12 weeks (columns): "allocated / available h", the
    over-allocated cells marked; filters by team and start week, 50 people a page."""
    actor = request.user
    start = capacity.week_start(_date_param(request, "start") or timezone.localdate())
    team_id = _int_param(request, "team")
    page = max(_int_param(request, "page") or 1, 1)
    offset = (page - 1) * CAPACITY_PAGE_SIZE
    people = list(capacity.capacity_people(actor=actor, team_id=team_id)[offset: offset + CAPACITY_PAGE_SIZE + 1])
    has_next = len(people) > CAPACITY_PAGE_SIZE
    people = people[:CAPACITY_PAGE_SIZE]
    grid = capacity.capacity_grid(users=people, start=start, weeks=CAPACITY_WEEKS)
    planner = capacity.sees_capacity(actor)
    teams = list(scoped(actor, Team).order_by("name").values_list("pk", "name")) if planner else []

    def link(**changes: Any) -> str:
        values: dict[str, Any] = {"start": start.isoformat(), "team": team_id or "", "page": page, **changes}
        return "?" + urlencode({key: str(value) for key, value in values.items() if value not in ("", None, 1)})

    this_week = capacity.week_start(timezone.localdate())
    context = {
        "start": start,
        "weeks": [start + dt.timedelta(weeks=number) for number in range(CAPACITY_WEEKS)],
        "this_week": this_week,
        "rows": _grid_rows(grid),
        "over_count": sum(1 for row in grid for load in row.weeks if load.over),
        "teams": teams,
        "team_id": team_id,
        "planner": planner,
        "previous_url": link(start=(start - dt.timedelta(weeks=1)).isoformat(), page=1),
        "next_url": link(start=(start + dt.timedelta(weeks=1)).isoformat(), page=1),
        "this_week_url": link(start=this_week.isoformat(), page=1) if start != this_week else "",
        "previous_page_url": link(page=page - 1) if page > 1 else "",
        "next_page_url": link(page=page + 1) if has_next else "",
    }
    return render(request, "delivery/resources/capacity.html", context)


@login_required
@require_GET
def allocation_list(request: HttpRequest) -> HttpResponse:
    """The allocations behind one cell of the grid: one person (``?user=``, default the
    viewer) in one week (``?week=``, default this week)."""
    actor = request.user
    user_id = _int_param(request, "user") or cast(int, actor.pk)
    week = capacity.week_start(_date_param(request, "week") or timezone.localdate())
    user = capacity.capacity_people(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFoundError("No person you may see has this id.")
    [row] = capacity.capacity_grid(users=[user], start=week, weeks=1)
    [load] = row.weeks
    allocations, hidden = capacity.week_allocations(actor=actor, user=user, week=week)
    grid_link = reverse("delivery:capacity") + "?" + urlencode({"start": week.isoformat()})
    context = {
        "person": user,
        "name": user.full_name or user.email,
        "week": week,
        "week_end": week + dt.timedelta(days=6),
        "load": load,
        "figures": {name: _hours(getattr(load, name)) for name in
                    ("capacity", "holidays", "time_off", "available", "allocated", "over_by")},
        "free": _hours(load.free),
        "rows": [
            {"allocation": allocation, "share": _hours(share), "per_week": _hours(allocation.hours_per_week),
             "can_change": manages(actor, allocation.project)}
            for allocation, share in allocations
        ],
        "hidden": _hours(hidden) if hidden else "",
        "previous_url": "?" + urlencode({"user": str(user.pk), "week": (week - dt.timedelta(weeks=1)).isoformat()}),
        "next_url": "?" + urlencode({"user": str(user.pk), "week": (week + dt.timedelta(weeks=1)).isoformat()}),
        "grid_url": grid_link,
    }
    return render(request, "delivery/resources/allocation_list.html", context)


# --- A project's allocations -----------------------------------------------------------------------


def allocatable_people() -> QuerySet[User]:
    """Who can be allocated: active people, by name."""
    return User.objects.filter(is_active=True).order_by("full_name", "email", "pk")


class PersonChoice(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class AllocationForm(VersionedForm):
    user = PersonChoice(queryset=User.objects.none(), label="Person", empty_label="Choose a person")
    start_date = forms.DateField(label="From", widget=DateInput)
    end_date = forms.DateField(label="To (inclusive)", widget=DateInput)
    hours_per_week = forms.DecimalField(label="Hours a week", min_value=0, max_value=168, decimal_places=2,
                                        max_digits=5, widget=forms.NumberInput(attrs={"step": "0.5"}))
    note = forms.CharField(label="Note", required=False, max_length=200,
                           help_text="What they do on the project (optional).")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = allocatable_people()

    @classmethod
    def initial_for(cls, allocation: Allocation) -> dict[str, Any]:
        return {"user": allocation.user_id, "start_date": allocation.start_date, "end_date": allocation.end_date,
                "hours_per_week": allocation.hours_per_week, "note": allocation.note, "version": allocation.version}

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.resources.ALLOCATION_FIELDS}


def _allocation_text(allocation: Allocation) -> str:
    name = allocation.user.full_name or allocation.user.email
    return (f"{name}, {_hours(allocation.hours_per_week)} h a week from "
            f"{allocation.start_date:%-d %b %Y} to {allocation.end_date:%-d %b %Y}")


def _load_rows(actor: Any, project: Project, allocations: list[Allocation], start: dt.date) -> list[dict[str, Any]]:
    """The team's and the allocated people's load over :data:`LOAD_WEEKS` weeks (for
    those who see capacity; four queries)."""
    if not capacity.sees_capacity(actor):
        return []
    team = selectors.project_team(project=project).values("user_id")
    allocated = {allocation.user_id for allocation in allocations}
    people = list(capacity.capacity_people(actor=actor).filter(pk__in=team) | capacity.capacity_people(
        actor=actor).filter(pk__in=allocated))
    return _grid_rows(capacity.capacity_grid(users=people, start=start, weeks=LOAD_WEEKS))


@login_required
@require_http_methods(GET_POST)
def project_resources(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project's allocations and each person's load; the manager adds one here."""
    actor = request.user
    project = selectors.project_page_get(actor=actor, project_id=project_id)
    can_change = manages(actor, project)
    if request.method == "POST" and not can_change:
        raise PermissionDeniedError("Only the project's manager allocates people to it.")
    form = AllocationForm(request.POST or None, initial={"start_date": max(project.start_date, timezone.localdate())})
    status = 200
    if request.method == "POST":
        result = form_save(form, lambda: services.allocation_create(
            actor=actor, project=project, data=form.data_for_service()))
        if result.saved:
            messages.success(request, f"Allocated {_allocation_text(result.value)}.")
            return redirect(reverse("delivery:project_resources", kwargs={"project_id": project.pk}) + "#allocations")
        status = 422 if result.status == 200 else result.status
    zone = project_time_zone()
    allocations = list(capacity.allocation_list(project=project))
    start = capacity.week_start(timezone.localdate())
    context = {
        **project_header(project, "resources", zone=zone),
        "allocations": [
            {"allocation": allocation, "name": allocation.user.full_name or allocation.user.email,
             "per_week": _hours(allocation.hours_per_week)}
            for allocation in allocations
        ],
        "load_rows": _load_rows(actor, project, allocations, start),
        "load_weeks": [start + dt.timedelta(weeks=number) for number in range(LOAD_WEEKS)],
        "capacity_url": reverse("delivery:capacity"),
        "form": form if can_change else None,
        "can_change": can_change,
    }
    return render(request, "delivery/resources/project_resources.html", context, status=status)


@login_required
@require_http_methods(GET_POST)
def allocation_edit(request: HttpRequest, allocation_id: int) -> HttpResponse:
    actor = request.user
    allocation = capacity.allocation_get(actor=actor, allocation_id=allocation_id)
    if not manages(actor, allocation.project):
        raise PermissionDeniedError("Only the project's manager changes its allocations.")
    form = AllocationForm(request.POST or None, initial=AllocationForm.initial_for(allocation), editing=True)
    back = reverse("delivery:project_resources", kwargs={"project_id": allocation.project_id}) + "#allocations"
    status = 200
    if request.method == "POST":
        result = form_save(form, lambda: services.allocation_update(
            actor=actor, allocation=allocation, data=form.data_for_service(),
            expected_version=form.cleaned_data["version"]))
        if result.saved:
            messages.success(request, f"Changed: {_allocation_text(result.value)}.")
            return redirect(back)
        status = 422 if result.status == 200 else result.status
    return render(request, "delivery/resources/allocation_form.html",
                  {"form": form, "allocation": allocation, "project": allocation.project, "back": back}, status=status)


@login_required
@require_POST
def allocation_delete(request: HttpRequest, allocation_id: int) -> HttpResponse:
    actor = request.user
    allocation = capacity.allocation_get(actor=actor, allocation_id=allocation_id)
    version = request.POST.get("version", "")
    text = _allocation_text(allocation)
    services.allocation_delete(actor=actor, allocation=allocation,
                               expected_version=int(version) if version.isdigit() else None)
    messages.success(request, f"Removed: {text}.")
    return redirect(reverse("delivery:project_resources", kwargs={"project_id": allocation.project_id}) + "#allocations")


# --- Who has room ---------------------------------------------------------------------------------


def _task_dates(task: Task) -> tuple[dt.date, dt.date, bool]:
    """The task's scheduled days in the organisation's time zone, else this week."""
    if task.early_start is not None and task.early_finish is not None:
        zone = project_time_zone()
        return task.early_start.astimezone(zone).date(), task.early_finish.astimezone(zone).date(), True
    monday = capacity.week_start(timezone.localdate())
    return monday, monday + dt.timedelta(days=4), False


def _room_rows(rooms: list[capacity.Room], assigned: set[int]) -> list[dict[str, Any]]:
    return [
        {"room": room, "name": room.user.full_name or room.user.email, "free": _hours(room.free),
         "available": _hours(room.available), "allocated": _hours(room.allocated), "over_by": _hours(room.over_by),
         "is_assigned": room.user.pk in assigned}
        for room in rooms
    ]


@login_required
@require_http_methods(GET_POST)
def task_assign_panel(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task's assignees and who has room in its dates (most room first); the
    project's manager assigns and unassigns here. A page of its own, or the panel alone
    for an HTMX request."""
    actor = request.user
    task = selectors.task_get(actor=actor, task_id=task_id)
    project = task.project
    if not manages(actor, project):
        raise PermissionDeniedError("Only the project's manager assigns its tasks.")
    url = reverse("delivery:task_assign", kwargs={"task_id": task.pk})
    notice, error = "", ""
    if request.method == "POST":
        notice, error = _assign_action(request, actor, task)
        if not wants_partial(request):
            if error:
                messages.error(request, error)
            else:
                messages.success(request, notice)
            return redirect(url)
    first, last, scheduled = _task_dates(task)
    assignees = selectors.task_assignees(task=task)
    assigned = {user.pk for user in assignees}
    room = capacity.people_with_room(project=project, start=first, finish=last)
    context = {
        "task": task,
        "project": project,
        "url": url,
        "first": first,
        "last": last,
        "scheduled": scheduled,
        "assignees": [{"user": user, "name": user.full_name or user.email} for user in assignees],
        "team": _room_rows(room.team, assigned),
        "others": _room_rows(room.others, assigned),
        "others_count": room.others_count,
        "notice": notice,
        "error": error,
    }
    template = "delivery/resources/assign.html"
    if wants_partial(request):
        template += "#assign-panel"
    return render(request, template, context, status=422 if error else 200)


def _assign_action(request: HttpRequest, actor: Any, task: Task) -> tuple[str, str]:
    """Assign or unassign the posted person: (confirmation, error)."""
    action = request.POST.get("action", "")
    user_id = request.POST.get("user", "")
    user = capacity.capacity_people(actor=actor).filter(pk=user_id).first() if user_id.isdigit() else None
    if user is None or action not in ("assign", "unassign"):
        return "", "Choose a person from the list."
    name = user.full_name or user.email
    try:
        if action == "assign":
            services.task_assign_person(actor=actor, task=task, user=user)
            return f"{name} is assigned to {task.name}.", ""
        assignment = capacity.task_assignment_get(task=task, user=user)
        if assignment is None:
            return "", f"{name} is not assigned to {task.name}."
        services.task_unassign(actor=actor, assignment=assignment)
        return f"{name} is no longer assigned to {task.name}.", ""
    except ValidationError as error:
        return "", " ".join(error.messages)
