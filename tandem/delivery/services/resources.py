"""Allocations: a person works ``hours_per_week`` on a project from ``start_date`` to
``end_date`` (inclusive).

* The project's manager (and admins) allocate; anyone else is refused (403), and a
  project they may not see is not found (404, by the caller's selector).
* The dates are ordered (the end on or after the start); hours are 0 to 168 a week;
  the person is active. Each refusal names its field in plain words.
* A person allocated to a project joins its team (so they see it); removing the
  allocation leaves them on the team.
* Changes are versioned (:func:`tandem.core.services.model_update`): a stale version is
  a conflict, never a silent overwrite.

:func:`task_assign_person` assigns a task the same way: the person joins the team when
not on it yet, then :func:`tandem.delivery.services.plan.task_assign`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.core.permissions import require_change
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor
from tandem.delivery.models import Allocation, Project, ProjectMember, Task, TaskAssignment
from tandem.delivery.services.plan import task_assign

ALLOCATION_FIELDS = ("user", "start_date", "end_date", "hours_per_week", "note")
MAX_HOURS_PER_WEEK = Decimal(168)


def _clean(data: dict[str, Any], *, allocation: Allocation | None = None) -> dict[str, Any]:
    unknown = sorted(set(data) - set(ALLOCATION_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    errors: dict[str, str] = {}
    user = data.get("user")
    if "user" in data and user is None:
        errors["user"] = "Choose the person to allocate."
    elif user is not None and not user.is_active:
        errors["user"] = f"{user} is no longer active."
    for name, label in (("start_date", "the first day"), ("end_date", "the last day")):
        if name in data and not isinstance(data[name], dt.date):
            errors[name] = f"Give {label} of the allocation."
    if "hours_per_week" in data:
        try:
            value = Decimal(str(data["hours_per_week"]))
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or not Decimal(0) <= value <= MAX_HOURS_PER_WEEK:
            errors["hours_per_week"] = "Give the hours a week, from 0 to 168."
        elif value != value.quantize(Decimal("0.01")):
            errors["hours_per_week"] = "Give the hours a week with at most two decimals."
        else:
            data["hours_per_week"] = value
    if "note" in data:
        data["note"] = str(data["note"] or "").strip()
        if len(data["note"]) > 200:
            errors["note"] = "Keep the note to 200 characters."
    if errors:
        raise ValidationError(errors)

    def value_of(name: str) -> Any:
        return data[name] if name in data else getattr(allocation, name, None)

    start, end = value_of("start_date"), value_of("end_date")
    if start is not None and end is not None and end < start:
        raise ValidationError({"end_date": "The allocation cannot end before it starts."})
    return data


def _join_team(actor: SystemActor, project: Project, user: Any) -> None:
    if not ProjectMember.objects.filter(project=project, user=user).exists():
        model_create(actor=actor, model=ProjectMember, data={"project": project, "user": user, "role": ""})


@transaction.atomic
def allocation_create(*, actor: SystemActor, project: Project, data: dict[str, Any]) -> Allocation:
    """Allocate a person to ``project`` (its manager, admins)."""
    if actor is not None:
        require_change(actor, project)
    data = _clean(data)
    for name, message in (("user", "Choose the person to allocate."),
                          ("start_date", "Give the first day of the allocation."),
                          ("end_date", "Give the last day of the allocation."),
                          ("hours_per_week", "Give the hours a week, from 0 to 168.")):
        if data.get(name) is None:
            raise ValidationError({name: message})
    _join_team(actor, project, data["user"])
    return model_create(actor=actor, model=Allocation, data={**data, "project": project})


@transaction.atomic
def allocation_update(
    *, actor: SystemActor, allocation: Allocation, data: dict[str, Any], expected_version: int | None = None,
) -> Allocation:
    """Change an allocation's person, dates, hours or note (the project's manager, admins)."""
    if actor is not None:
        require_change(actor, allocation)
    data = _clean(data, allocation=allocation)
    if data.get("user") is not None and data["user"].pk != allocation.user_id:
        _join_team(actor, allocation.project, data["user"])
    return model_update(actor=actor, instance=allocation, data=data, expected_version=expected_version)


@transaction.atomic
def allocation_delete(*, actor: SystemActor, allocation: Allocation, expected_version: int | None = None) -> None:
    if actor is not None:
        require_change(actor, allocation)
    model_delete(actor=actor, instance=allocation, expected_version=expected_version)


@transaction.atomic
def task_assign_person(*, actor: SystemActor, task: Task, user: Any) -> TaskAssignment:
    """Assign ``user`` to ``task`` (the project's manager, admins); a person from outside
    the team joins it first, so the task shows in their "My tasks"."""
    if actor is not None:
        require_change(actor, task.project)
    if user.is_active:
        _join_team(actor, task.project, user)
    return task_assign(actor=actor, task=task, user=user)
