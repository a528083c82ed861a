"""Writing the RACI matrix and the stakeholder register of a project.

Who writes: the project's manager (and admins), the rule of every record of a project
(:func:`tandem.delivery.policies.manages`); everyone who sees the project reads them.
A person of the matrix is ``"user:<id>"`` or ``"contact:<id>"`` and must be one of its
columns (the manager, a team member or a stakeholder). One letter per person per row:
the unique constraints decide, never a check-then-create.

Informed people hear of status changes: :func:`notify_informed` is an event sink on
``task.status_changed`` and ``deliverable.status_changed``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from tandem.clients.models import Contact
from tandem.core.errors import PermissionDeniedError
from tandem.core.events import Event, event_publish, event_sink
from tandem.core.notifications import notification_send
from tandem.core.services import model_create, model_delete, model_update
from tandem.delivery.events import project_event_scope
from tandem.delivery.models import Deliverable, Project, Task
from tandem.delivery.policies import manages
from tandem.governance.models import RaciCell, RaciLetter, RaciRow, RaciRowKind, Stakeholder
from tandem.governance.selectors.raci import matrix_people

STAKEHOLDER_FIELDS = ("role", "influence", "interest", "channel", "frequency", "receives_status_reports", "notes")


def _require_manager(actor: Any, project: Project, what: str) -> None:
    if not manages(actor, project):
        raise PermissionDeniedError(f"Only the project's manager changes its {what}.")


# --- Rows ------------------------------------------------------------------------------

@transaction.atomic
def raci_row_add(
    *, actor: Any, project: Project, kind: str, task: Task | None = None, deliverable: Deliverable | None = None,
    activity: str = "",
) -> RaciRow:
    """Add a row at the bottom: one of the project's tasks or deliverables (each at
    most once), or a named activity."""
    _require_manager(actor, project, "RACI matrix")
    activity = (activity or "").strip()
    data: dict[str, Any] = {"project": project, "kind": kind}
    if kind == RaciRowKind.TASK:
        if task is None or task.project_id != project.pk:
            raise ValidationError({"task": "Pick one of this project's tasks."})
        data["task"] = task
    elif kind == RaciRowKind.DELIVERABLE:
        if deliverable is None or deliverable.project_id != project.pk:
            raise ValidationError({"deliverable": "Pick one of this project's deliverables."})
        data["deliverable"] = deliverable
    elif kind == RaciRowKind.ACTIVITY:
        if not activity:
            raise ValidationError({"activity": "Name the activity."})
        data["activity"] = activity[:200]
    else:
        raise ValidationError({"kind": "Choose a deliverable, a task or an activity."})
    last = RaciRow.objects.filter(project=project).aggregate(last=Max("position"))["last"]
    data["position"] = 0 if last is None else last + 1
    try:
        with transaction.atomic():
            return model_create(actor=actor, model=RaciRow, data=data, validate=False)
    except IntegrityError:
        field = "task" if kind == RaciRowKind.TASK else "deliverable"
        raise ValidationError({field: f"This {field} already has a row in the matrix."}) from None


@transaction.atomic
def raci_row_update(*, actor: Any, row: RaciRow, activity: str, expected_version: int | None = None) -> RaciRow:
    """Rename an activity row (task and deliverable rows take their record's name)."""
    _require_manager(actor, row.project, "RACI matrix")
    if row.kind != RaciRowKind.ACTIVITY:
        raise ValidationError({"activity": "Only an activity row has a name of its own."})
    activity = (activity or "").strip()
    if not activity:
        raise ValidationError({"activity": "Name the activity."})
    return model_update(actor=actor, instance=row, data={"activity": activity[:200]},
                        expected_version=expected_version, validate=False)


@transaction.atomic
def raci_row_move(*, actor: Any, row: RaciRow, position: int) -> RaciRow:
    """Put ``row`` at ``position`` (0 first; clamped) and renumber the rows 0…n−1."""
    _require_manager(actor, row.project, "RACI matrix")
    rows = list(RaciRow.objects.select_for_update().filter(project_id=row.project_id).order_by("position", "pk"))
    ids = [item.pk for item in rows if item.pk != row.pk]
    position = max(0, min(int(position), len(ids)))
    ids.insert(position, row.pk)
    current = {item.pk: item for item in rows}
    for index, pk in enumerate(ids):
        item = current[pk]
        if item.position != index:
            model_update(actor=actor, instance=item, data={"position": index}, validate=False)
    row.refresh_from_db()
    return row


@transaction.atomic
def raci_row_remove(*, actor: Any, row: RaciRow, expected_version: int | None = None) -> None:
    _require_manager(actor, row.project, "RACI matrix")
    model_delete(actor=actor, instance=row, expected_version=expected_version)


# --- Cells -----------------------------------------------------------------------------

def person_parse(value: Any, *, field: str = "person") -> tuple[str, int]:
    """``"user:5"`` → ``("user", 5)``; a :class:`ValidationError` on ``field`` otherwise."""
    kind, _, pk = str(value or "").partition(":")
    if kind not in ("user", "contact") or not pk.isdigit() or len(pk) > 12:
        raise ValidationError({field: "Choose a person of the matrix."})
    return kind, int(pk)


@transaction.atomic
def raci_cell_set(*, actor: Any, row: RaciRow, person: str, letter: str | None) -> RaciCell | None:
    """Give ``person`` ``letter`` on ``row`` (R, A, C or I), or clear their letter
    (``letter`` empty or ``None``). Answers the cell, or ``None`` when cleared."""
    project = row.project
    _require_manager(actor, project, "RACI matrix")
    kind, pk = person_parse(person)
    letter = (letter or "").strip().upper()
    if letter and letter not in RaciLetter.values:
        raise ValidationError({"letter": "Choose R, A, C or I, or nothing."})
    if f"{kind}:{pk}" not in {item.key for item in matrix_people(project)}:
        raise ValidationError({"person": "This person is not on the project's team or among its stakeholders."})
    who = {"user_id": pk} if kind == "user" else {"contact_id": pk}
    # The row is locked so that concurrent writers of the row queue up.
    RaciRow.objects.select_for_update().filter(pk=row.pk).first()
    cell: RaciCell | None = None
    if not letter:
        RaciCell.objects.filter(row=row, **who).delete()
    else:
        updated = RaciCell.objects.filter(row=row, **who).update(letter=letter)
        if not updated:
            try:
                with transaction.atomic():
                    RaciCell.objects.create(row=row, letter=letter, **who)
            except IntegrityError:  # created meanwhile: the constraint decided, we update
                RaciCell.objects.filter(row=row, **who).update(letter=letter)
        cell = RaciCell.objects.get(row=row, **who)
    event_publish(
        type="raci.updated", actor=actor,
        data={"row": {"id": row.pk, "name": str(row), "kind": row.kind}, "person": f"{kind}:{pk}",
              "letter": letter or None, "project": {"id": project.pk, "name": project.name, "code": project.code},
              "url": reverse("governance:project_raci", kwargs={"project_id": project.pk})},
        **project_event_scope(project),
    )
    return cell


# --- The Informed hear of status changes -------------------------------------------------

@event_sink
def notify_informed(event: Event) -> None:
    """The users holding I on the row of the task (or deliverable) whose status changed
    get an in-app notification with an e-mail copy (not the person who changed it)."""
    if event.type == "task.status_changed":
        record = event.data.get("task") or {}
        rows = RaciRow.objects.filter(task_id=int(record.get("id") or 0))
        label = dict(_task_labels()).get(str(record.get("status")), str(record.get("status")))
    elif event.type == "deliverable.status_changed":
        record = event.data.get("deliverable") or {}
        rows = RaciRow.objects.filter(deliverable_id=int(record.get("id") or 0))
        label = dict(_deliverable_labels()).get(str(record.get("status")), str(record.get("status")))
    else:
        return
    if not record.get("id"):
        return
    users = get_user_model().objects.filter(
        raci_cells__row__in=rows, raci_cells__letter=RaciLetter.INFORMED, is_active=True).distinct()
    if event.actor_id is not None:
        users = users.exclude(pk=event.actor_id)
    project = event.data.get("project") or {}
    title = f"{record.get('name', '')} is now {label}"
    body = f"You are Informed on this row of the RACI matrix of {project.get('code', '')} {project.get('name', '')}."
    url = reverse("governance:project_raci", kwargs={"project_id": project["id"]}) if project.get("id") else ""
    kind = event.type.split(".")[0]
    for user in users:
        notification_send(
            recipient=user, kind="raci_informed", title=title, body=body.strip(), url=url, email=True,
            key=f"raci-informed:{kind}:{record['id']}:{record.get('status')}:{event.occurred_at.isoformat()}",
        )


def _task_labels() -> list[tuple[str, str]]:
    from tandem.delivery.models import TaskStatus

    return [(value, str(label).lower()) for value, label in TaskStatus.choices]


def _deliverable_labels() -> list[tuple[str, str]]:
    from tandem.delivery.models import AcceptanceState

    return [(value, str(label).lower()) for value, label in AcceptanceState.choices]


# --- Stakeholders ----------------------------------------------------------------------

def _stakeholder_person(project: Project, user: Any, contact: Contact | None) -> dict[str, Any]:
    if (user is None) == (contact is None):
        raise ValidationError({"user": "Choose a user or a contact of the client."})
    if user is not None:
        if not user.is_active:
            raise ValidationError({"user": "Choose an active user of the organisation."})
        return {"user": user}
    assert contact is not None
    if project.account_id is None or contact.account_id != project.account_id:
        raise ValidationError({"contact": "Choose a contact of the project's client."})
    return {"contact": contact}


@transaction.atomic
def stakeholder_add(
    *, actor: Any, project: Project, user: Any = None, contact: Contact | None = None, data: dict[str, Any] | None = None,
) -> Stakeholder:
    _require_manager(actor, project, "stakeholders")
    values = {name: value for name, value in (data or {}).items() if name in STAKEHOLDER_FIELDS}
    values.update(_stakeholder_person(project, user, contact))
    values["project"] = project
    field = "user" if user is not None else "contact"
    if Stakeholder.objects.filter(project=project, **{field: values[field]}).exists():
        raise ValidationError({field: "This person is already a stakeholder of the project."})
    try:
        with transaction.atomic():
            return model_create(actor=actor, model=Stakeholder, data=values)
    except IntegrityError:
        raise ValidationError({field: "This person is already a stakeholder of the project."}) from None
    except ValidationError as error:
        if any("already exists" in str(message) for message in error.messages):
            raise ValidationError({field: "This person is already a stakeholder of the project."}) from None
        raise


@transaction.atomic
def stakeholder_update(
    *, actor: Any, stakeholder: Stakeholder, data: dict[str, Any], expected_version: int | None = None,
) -> Stakeholder:
    _require_manager(actor, stakeholder.project, "stakeholders")
    unknown = sorted(set(data) - set(STAKEHOLDER_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: "This field cannot be changed here."})
    return model_update(actor=actor, instance=stakeholder, data=data, expected_version=expected_version)


@transaction.atomic
def stakeholder_remove(*, actor: Any, stakeholder: Stakeholder, expected_version: int | None = None) -> None:
    _require_manager(actor, stakeholder.project, "stakeholders")
    model_delete(actor=actor, instance=stakeholder, expected_version=expected_version)
