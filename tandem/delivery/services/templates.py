"""A new project from a template: the template's task tree copied in bulk.

:func:`project_create_from_template` creates the project through
:func:`~tandem.delivery.services.projects.project_create` (the same rules and checks),
then copies the template's tasks — names, descriptions, durations, work, three-point
estimates, milestones, priorities, constraints and the WBS order — one ``INSERT`` per
outline level, and its dependencies with their kinds and lags remapped onto the copies,
in one more. Nothing of the template's progress comes along (status *to do*, 0 %, no
actual dates, no assignees). Constraint dates and deadlines move by as many days as the
new project starts after the template. The project is then rescheduled once, so its
dates run from its own start. Every copied row has its audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.core.audit import record_created_many
from tandem.core.permissions import get_visible, require_create
from tandem.core.types import SystemActor
from tandem.delivery.models import Dependency, Project, Task
from tandem.delivery.services.projects import project_create
from tandem.delivery.services.schedule import project_reschedule

COPIED_FIELDS = (
    "name", "description", "is_milestone", "duration_minutes", "work_minutes", "optimistic_minutes",
    "likely_minutes", "pessimistic_minutes", "priority", "constraint_type", "position", "outline_index",
    "outline_level", "wbs", "is_summary",
)
_MOVED_DATES = ("constraint_date", "deadline")


def _shifted(value: dt.datetime | None, days: int) -> dt.datetime | None:
    return value + dt.timedelta(days=days) if value is not None else None


@transaction.atomic
def project_create_from_template(*, actor: SystemActor, template: Project, data: dict[str, Any]) -> Project:
    """A new project (``data`` as for ``project_create``) holding a copy of
    ``template``'s plan, scheduled from its own start. ``template`` must be a template
    the actor may see."""
    if not template.is_template:
        raise ValidationError({"template": f"{template.code} is not a template."})
    if actor is not None:
        require_create(actor, Project)  # who may not create projects hears that first
        get_visible(actor, Project.objects.all(), template.pk)  # a hidden template is not found
    project = project_create(actor=actor, data=data)
    days = (project.start_date - template.start_date).days
    source = list(Task.objects.filter(project=template).order_by("outline_level", "outline_index", "pk"))
    copies: dict[int, Task] = {}
    created: list[Task] = []
    for level in sorted({task.outline_level for task in source}):
        batch = []
        originals = [task for task in source if task.outline_level == level]
        for task in originals:
            values = {name: getattr(task, name) for name in COPIED_FIELDS}
            values.update({name: _shifted(getattr(task, name), days) for name in _MOVED_DATES})
            parent = copies[task.parent_id] if task.parent_id is not None else None
            batch.append(Task(project=project, parent=parent, **values))
        Task.objects.bulk_create(batch, batch_size=500)
        for original, copy in zip(originals, batch, strict=True):
            copies[original.pk] = copy
        created.extend(batch)
    links = [
        Dependency(project=project, predecessor=copies[predecessor], successor=copies[successor], kind=kind,
                   lag_minutes=lag)
        for predecessor, successor, kind, lag in Dependency.objects.filter(project=template).order_by("pk")
        .values_list("predecessor_id", "successor_id", "kind", "lag_minutes")
    ]
    Dependency.objects.bulk_create(links, batch_size=500)
    record_created_many(actor=actor, instances=created)
    record_created_many(actor=actor, instances=links)
    if created:
        project_reschedule(project=project)
        project.refresh_from_db()
    return project
