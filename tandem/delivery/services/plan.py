"""The plan: tasks in a tree, and the dependencies between them.

* The project's manager (and admins) edit the plan. A task's assignee may report its
  progress (status, percent complete, actual dates) through :func:`task_progress`.
* The tree: ``parent`` and ``position`` are set by the services only (create, move,
  indent, outdent, delete); :func:`outline_refresh` then renumbers positions and keeps
  ``wbs`` ("1.2.3"), ``outline_level``, ``outline_index`` and ``is_summary`` true in
  one pass, writing only the rows that changed.
* Progress: *done* means 100 % and a completion date; 100 % means done; a started task
  (above 0 %) that was *to do* is *in progress*.
* Three-point estimates are optimistic ≤ most likely ≤ pessimistic.
* A dependency joins two tasks of the same project once; one that closes a loop is
  refused with a sentence naming the tasks in it (the reschedule finds it).
* Every change that can move dates reschedules the project in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import PermissionDeniedError
from tandem.core.events import event_publish
from tandem.core.permissions import require_change
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor
from tandem.delivery.events import project_event_scope
from tandem.delivery.models import Dependency, LinkKind, Project, Task, TaskAssignment, TaskStatus
from tandem.delivery.policies import manages
from tandem.delivery.services.schedule import project_reschedule

TASK_FIELDS = (
    "name", "description", "is_milestone", "duration_minutes", "work_minutes", "optimistic_minutes",
    "likely_minutes", "pessimistic_minutes", "status", "percent_complete", "priority", "constraint_type",
    "constraint_date", "deadline", "due_date", "completed_on", "actual_start", "actual_finish", "external_id",
)
PROGRESS_FIELDS = ("status", "percent_complete", "actual_start", "actual_finish", "completed_on")
_SCHEDULE_FIELDS = frozenset({
    "duration_minutes", "is_milestone", "constraint_type", "constraint_date", "deadline", "actual_start",
    "actual_finish",
})
MAX_LAG_MINUTES = 480 * 5 * 52 * 10  # ten years of working days, either way


def _require_plan_change(actor: SystemActor, project: Project) -> None:
    if actor is not None:
        require_change(actor, project)


def _clean_task(data: dict[str, Any], *, task: Task | None = None) -> dict[str, Any]:
    unknown = sorted(set(data) - set(TASK_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "name" in data:
        data["name"] = str(data["name"] or "").strip()
        if not data["name"]:
            raise ValidationError({"name": "Give the task a name."})
    if data.get("is_milestone"):
        data["duration_minutes"] = 0

    def value(name: str) -> Any:
        return data[name] if name in data else (getattr(task, name) if task is not None else None)

    optimistic, likely, pessimistic = value("optimistic_minutes"), value("likely_minutes"), value("pessimistic_minutes")
    if optimistic is not None and likely is not None and optimistic > likely:
        raise ValidationError({"optimistic_minutes": "The optimistic estimate cannot exceed the most likely one."})
    if likely is not None and pessimistic is not None and likely > pessimistic:
        raise ValidationError({"pessimistic_minutes": "The pessimistic estimate cannot be below the most likely one."})
    if value("constraint_type") not in (None, "asap", "alap") and value("constraint_date") is None:
        raise ValidationError({"constraint_date": "This constraint needs a date."})
    start, finish = value("actual_start"), value("actual_finish")
    if finish is not None and start is None:
        raise ValidationError({"actual_start": "Give the actual start of work that has finished."})
    if start is not None and finish is not None and finish < start:
        raise ValidationError({"actual_finish": "Work cannot finish before it starts."})
    _settle_progress(data, task)
    return data


def _settle_progress(data: dict[str, Any], task: Task | None) -> None:
    """Keep status, percent complete and the completion date consistent."""
    status = data.get("status")
    percent = data.get("percent_complete")
    if status == TaskStatus.DONE:
        data["percent_complete"] = 100
        if data.get("completed_on") is None and (task is None or task.completed_on is None):
            data["completed_on"] = timezone.localdate()
    elif percent == 100 and status is None:
        data["status"] = TaskStatus.DONE
        if task is None or task.completed_on is None:
            data.setdefault("completed_on", timezone.localdate())
    elif percent and status is None and (task is None or task.status == TaskStatus.TO_DO):
        data["status"] = TaskStatus.IN_PROGRESS
    if status is not None and status != TaskStatus.DONE and task is not None and task.status == TaskStatus.DONE:
        data.setdefault("completed_on", None)
        if data.get("percent_complete") == 100 or (percent is None and task.percent_complete == 100):
            data["percent_complete"] = 90


def _announce_status(*, actor: SystemActor, task: Task, before: str) -> None:
    """Publish ``task.status_changed`` (and ``milestone.done`` for a milestone that is
    now done) when the status moved; sinks (webhooks, chat, the RACI matrix's Informed)
    hear it in this transaction."""
    if task.status == before:
        return
    project = task.project
    data = {
        "task": {"id": task.pk, "name": task.name, "wbs": task.wbs, "status": task.status, "previous_status": before,
                 "is_milestone": task.is_milestone, "completed_on": task.completed_on},
        "project": {"id": project.pk, "name": project.name, "code": project.code},
        "url": reverse("delivery:project_detail", args=[project.pk]),
    }
    scope = project_event_scope(project)
    event_publish(type="task.status_changed", actor=actor, data=data, **scope)
    if task.is_milestone and task.status == TaskStatus.DONE:
        event_publish(type="milestone.done", actor=actor, data=data, **scope)


# --- The tree ---------------------------------------------------------------------


def outline_refresh(project: Project) -> int:
    """Renumber the tree in one pass; answer how many rows changed."""
    rows = list(Task.objects.filter(project=project).values_list(
        "id", "parent_id", "position", "outline_index", "outline_level", "wbs", "is_summary"))
    children: dict[int | None, list[tuple[int, int]]] = {}
    for task_id, parent_id, position, *_rest in rows:
        children.setdefault(parent_id, []).append((position, task_id))
    for siblings in children.values():
        siblings.sort()
    wanted: dict[int, tuple[int, int, int, str, bool]] = {}
    _walk_iteratively(children, wanted)
    changed = [
        Task(id=task_id, position=new[0], outline_index=new[1], outline_level=new[2], wbs=new[3], is_summary=new[4])
        for task_id, _parent, *old in rows
        if tuple(old) != (new := wanted[task_id])
    ]
    if changed:
        Task.objects.bulk_update(changed, ["position", "outline_index", "outline_level", "wbs", "is_summary"],
                                 batch_size=500)
    return len(changed)


def _walk_iteratively(
    children: dict[int | None, list[tuple[int, int]]], wanted: dict[int, tuple[int, int, int, str, bool]],
) -> None:
    """Pre-order numbering without recursion (plans can be deep)."""
    index = 0
    stack: list[tuple[int, int, str, int]] = []  # (task, number among siblings, wbs prefix, level)
    for number, (_position, task_id) in reversed(list(enumerate(children.get(None, []), start=1))):
        stack.append((task_id, number, "", 1))
    while stack:
        task_id, number, prefix, level = stack.pop()
        wbs = f"{prefix}{number}"
        wanted[task_id] = (number - 1, index, level, wbs, task_id in children)
        index += 1
        for child_number, (_position, child) in reversed(list(enumerate(children.get(task_id, []), start=1))):
            stack.append((child, child_number, f"{wbs}.", level + 1))


def _check_parent(project: Project, parent: Task | None, task: Task | None = None) -> None:
    if parent is None:
        return
    if parent.project_id != project.pk:
        raise ValidationError({"parent": "The parent task belongs to another project."})
    if parent.is_milestone:
        raise ValidationError({"parent": f"{parent.name} is a milestone: it cannot hold tasks."})
    if task is not None:
        ancestor: Task | None = parent
        while ancestor is not None:
            if ancestor.pk == task.pk:
                raise ValidationError({"parent": "A task cannot move under itself or one of its own tasks."})
            ancestor = ancestor.parent


def _end_position(project: Project, parent: Task | None) -> int:
    last = Task.objects.filter(project=project, parent=parent).order_by("-position").values_list(
        "position", flat=True).first()
    return 0 if last is None else last + 1


def _shift(project: Project, parent: Task | None, position: int) -> None:
    """Make room at ``position`` among ``parent``'s children."""
    siblings = list(Task.objects.filter(project=project, parent=parent, position__gte=position)
                    .order_by("position").values_list("id", "position"))
    Task.objects.bulk_update(
        [Task(id=task_id, position=old + 1) for task_id, old in siblings], ["position"], batch_size=500,
    )


@transaction.atomic
def task_create(
    *, actor: SystemActor, project: Project, data: dict[str, Any], parent: Task | None = None,
    position: int | None = None, assignees: Iterable[Any] = (), reschedule: bool = True,
) -> Task:
    """A task under ``parent`` (top level when none), at ``position`` among its siblings
    (last when none)."""
    _require_plan_change(actor, project)
    data = _clean_task(data)
    if not data.get("name"):
        raise ValidationError({"name": "Give the task a name."})
    _check_parent(project, parent)
    if position is None:
        position = _end_position(project, parent)
    else:
        _shift(project, parent, position)
    task = model_create(actor=actor, model=Task, data={**data, "project": project, "parent": parent,
                                                          "position": position})
    for user in assignees:
        task_assign(actor=actor, task=task, user=user)
    outline_refresh(project)
    if reschedule:
        project_reschedule(project=project)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_update(
    *, actor: SystemActor, task: Task, data: dict[str, Any], expected_version: int | None = None,
) -> Task:
    _require_plan_change(actor, task.project)
    data = _clean_task(data, task=task)
    if task.is_summary and "duration_minutes" in data:
        raise ValidationError({"duration_minutes": "A summary task's duration comes from its tasks."})
    before = task.status
    updated = model_update(actor=actor, instance=task, data=data, expected_version=expected_version)
    if _SCHEDULE_FIELDS & set(data):
        project_reschedule(project=task.project)
        updated.refresh_from_db()
    _announce_status(actor=actor, task=updated, before=before)
    return updated


@transaction.atomic
def task_progress(
    *, actor: SystemActor, task: Task, data: dict[str, Any], expected_version: int | None = None,
) -> Task:
    """Report progress: the project's manager or one of the task's assignees."""
    unknown = sorted(set(data) - set(PROGRESS_FIELDS))
    if unknown:
        raise ValidationError({name: "Only progress can be reported here." for name in unknown})
    if (actor is not None and not manages(actor, task.project)
            and not TaskAssignment.objects.filter(task=task, user=actor.pk).exists()):
        raise PermissionDeniedError("Only the project manager and the task's assignees report its progress.")
    data = _clean_task(data, task=task)
    before = task.status
    updated = model_update(actor=actor, instance=task, data=data, expected_version=expected_version)
    if _SCHEDULE_FIELDS & set(data):
        project_reschedule(project=task.project)
        updated.refresh_from_db()
    _announce_status(actor=actor, task=updated, before=before)
    return updated


@transaction.atomic
def task_move(
    *, actor: SystemActor, task: Task, parent: Task | None, position: int | None = None,
    expected_version: int | None = None,
) -> Task:
    """Move a task (with its tasks) under ``parent`` at ``position`` (last when none)."""
    project = task.project
    _require_plan_change(actor, project)
    if parent is not None:
        parent.refresh_from_db()
    _check_parent(project, parent, task)
    if position is None:
        position = _end_position(project, parent)  # the renumbering closes any gap
    else:
        _shift(project, parent, position)
    updated = model_update(
        actor=actor, instance=task, data={"parent": parent, "position": position}, expected_version=expected_version,
    )
    outline_refresh(project)
    project_reschedule(project=project)
    updated.refresh_from_db()
    return updated


@transaction.atomic
def task_indent(*, actor: SystemActor, task: Task, expected_version: int | None = None) -> Task:
    """Make the task the last child of the sibling above it (who may not change the plan
    is refused before being told there is nothing to indent under)."""
    _require_plan_change(actor, task.project)
    task.refresh_from_db()
    above = (Task.objects.filter(project=task.project_id, parent=task.parent_id, position__lt=task.position)
             .order_by("-position").first())
    if above is None:
        raise ValidationError({"parent": "There is no task above to indent under."})
    return task_move(actor=actor, task=task, parent=above, expected_version=expected_version)


@transaction.atomic
def task_outdent(*, actor: SystemActor, task: Task, expected_version: int | None = None) -> Task:
    """Move the task out of its parent, just below it."""
    _require_plan_change(actor, task.project)
    task.refresh_from_db()
    parent = task.parent
    if parent is None:
        raise ValidationError({"parent": "The task is already at the top level."})
    return task_move(actor=actor, task=task, parent=parent.parent, position=parent.position + 1,
                     expected_version=expected_version)


@transaction.atomic
def task_delete(*, actor: SystemActor, task: Task, expected_version: int | None = None) -> None:
    """Delete a task with the tasks under it and their dependencies."""
    project = task.project
    _require_plan_change(actor, project)
    model_delete(actor=actor, instance=task, expected_version=expected_version)
    outline_refresh(project)
    project_reschedule(project=project)


@transaction.atomic
def task_assign(*, actor: SystemActor, task: Task, user: Any, units: Any = 100) -> TaskAssignment:
    _require_plan_change(actor, task.project)
    if not user.is_active:
        raise ValidationError({"user": f"{user} is no longer active."})
    if TaskAssignment.objects.filter(task=task, user=user).exists():
        raise ValidationError({"user": f"{user} is already assigned to {task.name}."})
    return model_create(actor=actor, model=TaskAssignment, data={"task": task, "user": user, "units": units})


@transaction.atomic
def task_unassign(*, actor: SystemActor, assignment: TaskAssignment) -> None:
    _require_plan_change(actor, assignment.task.project)
    model_delete(actor=actor, instance=assignment)


# --- Dependencies -------------------------------------------------------------------


def _clean_link(kind: str, lag_minutes: int) -> None:
    if kind not in LinkKind.values:
        raise ValidationError({"kind": "Choose finish-to-start, start-to-start, finish-to-finish or start-to-finish."})
    if abs(lag_minutes) > MAX_LAG_MINUTES:
        raise ValidationError({"lag_minutes": "The lag is longer than ten years of working time."})


@transaction.atomic
def dependency_create(
    *, actor: SystemActor, predecessor: Task, successor: Task, kind: str = LinkKind.FS, lag_minutes: int = 0,
    reschedule: bool = True,
) -> Dependency:
    project = successor.project
    _require_plan_change(actor, project)
    if predecessor.project_id != successor.project_id:
        raise ValidationError({"predecessor": "Both tasks must belong to the same project."})
    if predecessor.pk == successor.pk:
        raise ValidationError({"predecessor": "A task cannot depend on itself."})
    _clean_link(kind, lag_minutes)
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ValidationError({"predecessor": f"{successor.name} already depends on {predecessor.name}."})
    link = model_create(actor=actor, model=Dependency, data={
        "project": project, "predecessor": predecessor, "successor": successor, "kind": kind,
        "lag_minutes": lag_minutes,
    })
    if reschedule:
        project_reschedule(project=project)
    return link


@transaction.atomic
def dependency_update(
    *, actor: SystemActor, dependency: Dependency, data: dict[str, Any], expected_version: int | None = None,
) -> Dependency:
    _require_plan_change(actor, dependency.project)
    unknown = sorted(set(data) - {"kind", "lag_minutes"})
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    _clean_link(data.get("kind", dependency.kind), data.get("lag_minutes", dependency.lag_minutes))
    updated = model_update(actor=actor, instance=dependency, data=data, expected_version=expected_version)
    project_reschedule(project=dependency.project)
    return updated


@transaction.atomic
def dependency_delete(*, actor: SystemActor, dependency: Dependency, expected_version: int | None = None) -> None:
    _require_plan_change(actor, dependency.project)
    model_delete(actor=actor, instance=dependency, expected_version=expected_version)
    project_reschedule(project=dependency.project)


@transaction.atomic
def task_assignees_set(*, actor: SystemActor, task: Task, users: Iterable[Any]) -> list[TaskAssignment]:
    """Make ``users`` the task's assignees in one call: those missing are assigned and
    the others unassigned, each through :func:`task_assign` / :func:`task_unassign` (the
    same checks and audit). Answers the task's assignments, by user id."""
    _require_plan_change(actor, task.project)
    wanted = {user.pk: user for user in users}
    current = {assignment.user_id: assignment
               for assignment in TaskAssignment.objects.filter(task=task).select_related("task__project")}
    for user_id, assignment in current.items():
        if user_id not in wanted:
            task_unassign(actor=actor, assignment=assignment)
    kept = [assignment for user_id, assignment in current.items() if user_id in wanted]
    added = [task_assign(actor=actor, task=task, user=user) for user_id, user in wanted.items() if user_id not in current]
    return sorted(kept + added, key=lambda assignment: assignment.user_id)


@transaction.atomic
def task_shift(*, actor: SystemActor, task: Task, step: int, expected_version: int | None = None) -> Task:
    """Move the task (with its tasks) one place up (``step=-1``) or down (``step=1``)
    among its siblings; the first cannot go up, the last cannot go down."""
    if step not in (-1, 1):
        raise ValueError("step is -1 (up) or 1 (down)")
    _require_plan_change(actor, task.project)
    task.refresh_from_db()
    siblings = Task.objects.filter(project=task.project_id, parent=task.parent_id)
    if step < 0 and not siblings.filter(position__lt=task.position).exists():
        raise ValidationError({"position": f"{task.name} is already the first of its level."})
    if step > 0 and not siblings.filter(position__gt=task.position).exists():
        raise ValidationError({"position": f"{task.name} is already the last of its level."})
    position = task.position - 1 if step < 0 else task.position + 2
    return task_move(actor=actor, task=task, parent=task.parent, position=position,
                     expected_version=expected_version)
