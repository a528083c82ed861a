"""Editing the plan in place on the project page (issue 9, "Plan": tree list with indent /
outdent and reorder in place).

The project's manager (:func:`tandem.delivery.policies.manages`) opens the plan in edit
mode (``?edit=1``): each row gets its buttons (edit, add a task below, move up / down,
outdent / indent, assignees, delete) and the section ends with a form adding a task.
Every button is an HTMX request; every change is a POST carrying the ``version`` the row
was read at, calls one plan service (``task_create``, ``task_update``, ``task_shift``,
``task_indent``, ``task_outdent``, ``task_delete``) and answers the plan section again
(``project_detail.html#plan``) with the rescheduled dates, a quiet message saying what
changed and the keyboard focus back on the button that was used. A stale version answers
409 with the latest plan and "changed by someone else". Who may see the project but not
change it gets 403; who may not see it, 404. Without HTMX the forms post and redirect
back to the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import ConflictError
from tandem.core.forms import DateInput, StyledForm
from tandem.core.permissions import require_change
from tandem.core.web import form_add_errors, wants_partial
from tandem.delivery import selectors, services
from tandem.delivery.calendars import from_local, project_calendar
from tandem.delivery.models import ConstraintKind, Project, Task, TaskPriority, TaskStatus
from tandem.delivery.policies import manages
from tandem.delivery.views.projects import PlanClock, _plan_page, plan_clock, plan_context

SECTION = "delivery/project_detail.html#plan"
COLUMNS = 10  # the plan table's columns in edit mode
START_CONSTRAINTS = frozenset({ConstraintKind.MSO, ConstraintKind.SNET, ConstraintKind.SNLT})
DAY_STEP = Decimal("0.25")


def _minutes(days: Decimal | None, per_day: int) -> int | None:
    if days is None:
        return None
    return int((days * per_day).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _days(minutes: int | None, per_day: int) -> Decimal | None:
    if minutes is None:
        return None
    return (Decimal(minutes) / Decimal(per_day)).quantize(Decimal("0.01")).normalize()


class TaskAddForm(StyledForm):
    name = forms.CharField(max_length=255)
    duration_days = forms.DecimalField(min_value=0, max_value=3650, decimal_places=2, required=False, initial=1,
                                       label="Duration (days)")
    is_milestone = forms.BooleanField(required=False, label="Milestone")


class TaskEditForm(StyledForm):
    """A task's plan fields as people write them: durations and estimates in working
    days of the project's calendar, work in hours, a constraint by its date."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=255)
    duration_days = forms.DecimalField(min_value=0, max_value=3650, decimal_places=2, required=False,
                                       label="Duration (days)")
    work_hours = forms.DecimalField(min_value=0, max_value=100000, decimal_places=2, required=False,
                                    label="Work (hours)")
    optimistic_days = forms.DecimalField(min_value=0, decimal_places=2, required=False, label="Optimistic (days)")
    likely_days = forms.DecimalField(min_value=0, decimal_places=2, required=False, label="Most likely (days)")
    pessimistic_days = forms.DecimalField(min_value=0, decimal_places=2, required=False, label="Pessimistic (days)")
    status = forms.ChoiceField(choices=TaskStatus.choices)
    percent_complete = forms.IntegerField(min_value=0, max_value=100, label="Complete (%)")
    priority = forms.ChoiceField(choices=TaskPriority.choices)
    is_milestone = forms.BooleanField(required=False, label="Milestone")
    constraint_type = forms.ChoiceField(choices=ConstraintKind.choices, label="Constraint")
    constraint_date = forms.DateField(required=False, widget=DateInput, label="Constraint date")

    def __init__(self, *args: Any, task: Task, clock: PlanClock, **kwargs: Any) -> None:
        per_day = clock.minutes_per_day
        local = task.constraint_date.astimezone(clock.zone).date() if task.constraint_date else None
        kwargs.setdefault("initial", {
            "version": task.version, "name": task.name, "duration_days": _days(task.duration_minutes, per_day),
            "work_hours": _days(task.work_minutes, 60), "optimistic_days": _days(task.optimistic_minutes, per_day),
            "likely_days": _days(task.likely_minutes, per_day),
            "pessimistic_days": _days(task.pessimistic_minutes, per_day), "status": task.status,
            "percent_complete": task.percent_complete, "priority": task.priority, "is_milestone": task.is_milestone,
            "constraint_type": task.constraint_type, "constraint_date": local,
        })
        super().__init__(*args, **kwargs)
        for name in ("duration_days", "optimistic_days", "likely_days", "pessimistic_days"):
            self.fields[name].widget.attrs["step"] = "0.25"
        if task.is_summary:  # its duration is what its tasks span
            self.fields["duration_days"].disabled = True
            self.fields["duration_days"].help_text = "From its tasks."
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"task-{task.pk}-{name}"
        self.task, self.clock = task, clock

    def changes(self, project: Project) -> dict[str, Any]:
        """The service's fields that differ from the task (only those are written)."""
        data = self.cleaned_data
        per_day = self.clock.minutes_per_day
        wanted: dict[str, Any] = {
            "name": data["name"].strip(),
            "work_minutes": _minutes(data["work_hours"], 60) or 0,
            "optimistic_minutes": _minutes(data["optimistic_days"], per_day),
            "likely_minutes": _minutes(data["likely_days"], per_day),
            "pessimistic_minutes": _minutes(data["pessimistic_days"], per_day),
            "status": data["status"], "percent_complete": data["percent_complete"], "priority": data["priority"],
            "is_milestone": data["is_milestone"], "constraint_type": data["constraint_type"],
            "constraint_date": _constraint_moment(project, data["constraint_type"], data["constraint_date"]),
        }
        if not self.task.is_summary:
            wanted["duration_minutes"] = _minutes(data["duration_days"], per_day) or 0
        return {name: value for name, value in wanted.items() if getattr(self.task, name) != value}


def _constraint_moment(project: Project, kind: str, day: dt.date | None) -> dt.datetime | None:
    """A constraint's date as the instant it means: the start of that day's working time
    for a start constraint, its end for a finish constraint; none for as soon / as late
    as possible."""
    if day is None or kind in (ConstraintKind.ASAP, ConstraintKind.ALAP):
        return None
    calendar, zone = project_calendar(project)
    times = calendar.exceptions.get(day, calendar.week[day.weekday()]) or ((0, 24 * 60),)
    minute = times[0][0] if kind in START_CONSTRAINTS else times[-1][1]
    return from_local(dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minute), zone)


def _project_url(project: Project, page: int) -> str:
    return f"{reverse('delivery:project_detail', kwargs={'project_id': project.pk})}?edit=1&plan_page={page}#plan"


def _section(
    request: HttpRequest, project: Project, *, status: int = 200, focus: tuple[int, str] | None = None,
    message: str = "", problem: str = "",
) -> HttpResponse:
    """The plan section again (HTMX), or back to the page with the message (no script)."""
    page = _plan_page(request)
    if not wants_partial(request):
        if problem:
            messages.error(request, problem)
        elif message:
            messages.success(request, message)
        return redirect(_project_url(project, page))
    fresh = selectors.project_page_get(actor=request.user, project_id=project.pk)  # the rescheduled dates
    context = plan_context(fresh, clock=plan_clock(fresh), page=page, can_change=True, edit=True, focus=focus,
                           message=message, problem=problem)
    return render(request, SECTION, context, status=status)


def _changeable_task(request: HttpRequest, task_id: int) -> Task:
    """The task (404 when its project is hidden), refused (403) unless the actor
    manages its project."""
    task = selectors.task_get(actor=request.user, task_id=task_id)
    require_change(request.user, task.project)
    return task


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _conflict(task: Task) -> str:
    return (f"{task.name} was changed by someone else since you loaded the plan. The plan below is the latest: "
            "reload it if in doubt, then apply your change again.")


def _refused(error: ValidationError) -> str:
    return " ".join(error.messages)


def _act(
    request: HttpRequest, task_id: int, action: str, write: Callable[[Task, int], Task], done: Callable[[Task], str],
) -> HttpResponse:
    task = _changeable_task(request, task_id)
    version = _version(request)
    if version is None:
        return _section(request, task.project, problem="The plan on your screen is out of date: reload the page.")
    try:
        updated = write(task, version)
    except ConflictError:
        return _section(request, task.project, status=409, problem=_conflict(task))
    except ValidationError as error:
        return _section(request, task.project, focus=(task.pk, action), problem=_refused(error))
    return _section(request, task.project, focus=(task.pk, action), message=done(updated))


def _where(task: Task) -> str:
    return f"{task.name} is now {task.wbs}."


@login_required
@require_POST
def task_indent(request: HttpRequest, task_id: int) -> HttpResponse:
    return _act(request, task_id, "indent", lambda task, version: services.task_indent(
        actor=request.user, task=task, expected_version=version), _where)


@login_required
@require_POST
def task_outdent(request: HttpRequest, task_id: int) -> HttpResponse:
    return _act(request, task_id, "outdent", lambda task, version: services.task_outdent(
        actor=request.user, task=task, expected_version=version), _where)


@login_required
@require_POST
def task_move_up(request: HttpRequest, task_id: int) -> HttpResponse:
    return _act(request, task_id, "up", lambda task, version: services.task_shift(
        actor=request.user, task=task, step=-1, expected_version=version), _where)


@login_required
@require_POST
def task_move_down(request: HttpRequest, task_id: int) -> HttpResponse:
    return _act(request, task_id, "down", lambda task, version: services.task_shift(
        actor=request.user, task=task, step=1, expected_version=version), _where)


@login_required
@require_GET
def plan_section(request: HttpRequest, project_id: int) -> HttpResponse:
    """The plan section alone (what "Cancel" brings back); edit mode for its manager."""
    project = selectors.project_page_get(actor=request.user, project_id=project_id)
    page = _plan_page(request)
    if not wants_partial(request):
        return redirect(f"{reverse('delivery:project_detail', kwargs={'project_id': project.pk})}?plan_page={page}#plan")
    can_change = manages(request.user, project)
    context = plan_context(project, clock=plan_clock(project), page=page, can_change=can_change,
                           edit=request.GET.get("edit") == "1")
    return render(request, SECTION, context)


def _row(request: HttpRequest, template: str, task: Task, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    response = render(request, template, {"task": task, "columns": COLUMNS, "plan_page": _plan_page(request), **context},
                      status=status)
    response["HX-Retarget"] = f"#task-{task.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _changeable_task(request, task_id)
    project = task.project
    clock = plan_clock(project)
    if request.method == "GET":
        if not wants_partial(request):  # the row's form lives in the page
            return redirect(_project_url(project, _plan_page(request)))
        return _row(request, "delivery/plan_edit/_edit_row.html", task, {"form": TaskEditForm(task=task, clock=clock)})
    form = TaskEditForm(request.POST, task=task, clock=clock)
    if form.is_valid():
        try:
            changes = form.changes(project)
            updated = services.task_update(actor=request.user, task=task, data=changes,
                                           expected_version=form.cleaned_data["version"]) if changes else task
        except ConflictError:
            return _section(request, project, status=409, problem=_conflict(task))
        except ValidationError as error:
            form_add_errors(form, _as_form_fields(error))
        else:
            message = f"{updated.name} saved." if changes else f"{updated.name}: nothing to change."
            return _section(request, project, focus=(task.pk, "edit"), message=message)
    if not wants_partial(request):
        messages.error(request, "The task was not saved: " + "; ".join(
            f"{form.fields[name].label if name in form.fields else 'Task'}: {' '.join(str(error) for error in errors)}"
            for name, errors in form.errors.items()))
        return redirect(_project_url(project, _plan_page(request)))
    return _row(request, "delivery/plan_edit/_edit_row.html", task, {"form": form})


_FORM_FIELDS = {"duration_minutes": "duration_days", "work_minutes": "work_hours",
                "optimistic_minutes": "optimistic_days", "likely_minutes": "likely_days",
                "pessimistic_minutes": "pessimistic_days"}


def _as_form_fields(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({_FORM_FIELDS.get(name, name): messages for name, messages in error.error_dict.items()})


@login_required
@require_http_methods(["GET", "POST"])
def task_delete(request: HttpRequest, task_id: int) -> HttpResponse:
    """GET: the row asks to confirm (naming how many tasks go with it); POST: delete."""
    task = _changeable_task(request, task_id)
    if request.method == "GET":
        if not wants_partial(request):
            return redirect(_project_url(task.project, _plan_page(request)))
        below = Task.objects.filter(project=task.project_id, outline_index__gt=task.outline_index,
                                    outline_level__gt=task.outline_level)
        if task.is_summary:
            following = (Task.objects.filter(project=task.project_id, outline_index__gt=task.outline_index,
                                             outline_level__lte=task.outline_level)
                         .order_by("outline_index").values_list("outline_index", flat=True).first())
            if following is not None:
                below = below.filter(outline_index__lt=following)
            inside = below.count()
        else:
            inside = 0
        return _row(request, "delivery/plan_edit/_delete_row.html", task, {"inside": inside})

    def write(task: Task, version: int) -> Task:
        services.task_delete(actor=request.user, task=task, expected_version=version)
        return task

    return _act(request, task_id, "delete", write, lambda task: f"{task.name} deleted.")


@login_required
@require_http_methods(["GET", "POST"])
def task_add(request: HttpRequest, project_id: int) -> HttpResponse:
    """GET ``?after=<task>``: a form row under that task; POST: the new task, below
    ``after`` (at its level) or at the end of the plan."""
    project = selectors.project_page_get(actor=request.user, project_id=project_id)
    require_change(request.user, project)
    after_id = request.GET.get("after", "") or request.POST.get("after", "")
    after = selectors.task_get(actor=request.user, task_id=after_id) if after_id.isdigit() else None
    if after is not None and after.project_id != project.pk:
        after = None
    if request.method == "GET":
        if after is None or not wants_partial(request):
            return redirect(_project_url(project, _plan_page(request)))
        response = render(request, "delivery/plan_edit/_add_row.html", {
            "after": after, "project": project, "columns": COLUMNS, "plan_page": _plan_page(request),
            "form": TaskAddForm(auto_id=f"add-{after.pk}-%s")})
        return response
    form = TaskAddForm(request.POST)
    if not form.is_valid():
        problem = "; ".join(f"{form.fields[name].label or name.title()}: {' '.join(str(error) for error in errors)}"
                            for name, errors in form.errors.items())
        return _section(request, project, problem=f"The task was not added. {problem}")
    clock = plan_clock(project)
    data = {"name": form.cleaned_data["name"], "is_milestone": form.cleaned_data["is_milestone"],
            "duration_minutes": _minutes(form.cleaned_data["duration_days"], clock.minutes_per_day) or 0}
    try:
        task = services.task_create(
            actor=request.user, project=project, data=data, parent=after.parent if after else None,
            position=after.position + 1 if after else None)
    except ValidationError as error:
        return _section(request, project, problem=f"The task was not added. {_refused(error)}")
    return _section(request, project, focus=(task.pk, "edit"), message=f"{task.name} added as {task.wbs}.")
