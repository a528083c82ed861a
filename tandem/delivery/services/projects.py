"""Projects and their teams.

* Project managers and admins create projects; the project's manager (default: the
  creator) and admins change them. The manager is always on the team.
* ``code`` is the project's short name (``ACME-WEB``): unique, capitals, digits, dashes.
* Status moves only along :data:`tandem.delivery.models.projects.STATUS_MOVES`
  (``proposed → planning → active → on hold → completed | cancelled``); any other move
  is refused with a sentence. Completing records ``completed_on``.
* Changing the start date or the calendar reschedules the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.commercial.services import project_request_accept
from tandem.commercial.services.project_requests import settled_message
from tandem.core.events import event_publish
from tandem.core.permissions import has_role, require_change, require_create
from tandem.core.roles import Role
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor
from tandem.delivery.events import project_event_scope
from tandem.delivery.models import (
    AcceptanceState,
    Deliverable,
    Project,
    ProjectMember,
    ProjectStatus,
)
from tandem.delivery.models.projects import STATUS_MOVES
from tandem.delivery.services.schedule import project_reschedule

PROJECT_FIELDS = (
    "code", "name", "description", "account", "contract", "manager", "sponsor", "scope_statement", "in_scope",
    "out_of_scope", "start_date", "due_date", "budget", "currency", "budget_hours", "billing_type", "calendar",
    "is_template",
)
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
_RESCHEDULES = frozenset({"start_date", "calendar"})


def _clean(data: dict[str, Any], *, project: Project | None = None) -> dict[str, Any]:
    unknown = sorted(set(data) - set(PROJECT_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "code" in data:
        code = str(data["code"] or "").strip().upper()
        if not CODE_PATTERN.match(code):
            raise ValidationError({"code": "Use capitals, digits and dashes, up to 32 characters (e.g. ACME-WEB)."})
        clash = Project.objects.filter(code=code)
        if project is not None:
            clash = clash.exclude(pk=project.pk)
        if clash.exists():
            raise ValidationError({"code": f"The code {code} is already used by another project."})
        data["code"] = code
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].upper()
    manager = data.get("manager")
    if manager is not None and not (manager.is_active and (Role.PROJECT_MANAGER in manager.roles
                                                           or Role.ADMIN in manager.roles)):
        raise ValidationError({"manager": "The manager must be an active project manager."})
    contract = data.get("contract")
    account = data.get("account", project.account if project else None)
    if contract is not None and (account is None or contract.account_id != account.pk):
        raise ValidationError({"contract": "The contract belongs to another account."})
    return data


def _check_dates(start: dt.date | None, due: dt.date | None) -> None:
    if start is not None and due is not None and due < start:
        raise ValidationError({"due_date": "The project cannot be due before it starts."})


@transaction.atomic
def project_create(*, actor: SystemActor, data: dict[str, Any], project_request: Any = None) -> Project:
    """A new project (status *proposed*, or *planning* when given), its manager on the team."""
    if actor is not None:
        require_create(actor, Project)
    data = dict(data)
    status = data.pop("status", ProjectStatus.PROPOSED)
    if status not in (ProjectStatus.PROPOSED, ProjectStatus.PLANNING):
        raise ValidationError({"status": "A new project starts as proposed or in planning."})
    data = _clean(data)
    for name, message in (("code", "Give the project a code."), ("name", "Give the project a name."),
                          ("start_date", "Give the date the project starts.")):
        if not data.get(name):
            raise ValidationError({name: message})
    _check_dates(data["start_date"], data.get("due_date"))
    if data.get("manager") is None and actor is not None and has_role(actor, Role.PROJECT_MANAGER):
        data["manager"] = actor
    account = data.get("account")
    if account is not None:
        data.setdefault("currency", account.currency)
    project = model_create(
        actor=actor, model=Project, data={**data, "status": status, "project_request": project_request},
    )
    if project.manager_id is not None:
        model_create(actor=actor, model=ProjectMember,
                     data={"project": project, "user": project.manager, "role": "Project manager"})
    return project


@transaction.atomic
def project_update(
    *, actor: SystemActor, project: Project, data: dict[str, Any], expected_version: int | None = None,
) -> Project:
    if actor is not None:
        require_change(actor, project)
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED) and set(data) - {"description"}:
        raise ValidationError({"status": f"This project is {project.get_status_display().lower()}: it no longer changes."})
    data = _clean(data, project=project)
    _check_dates(data.get("start_date", project.start_date), data.get("due_date", project.due_date))
    updated = model_update(actor=actor, instance=project, data=data, expected_version=expected_version)
    new_manager = data.get("manager")
    if new_manager is not None and not ProjectMember.objects.filter(project=updated, user=new_manager).exists():
        model_create(actor=actor, model=ProjectMember,
                     data={"project": updated, "user": new_manager, "role": "Project manager"})
    if _RESCHEDULES & set(data):
        project_reschedule(project=updated)
    return updated


@transaction.atomic
def project_move_status(
    *, actor: SystemActor, project: Project, status: str, expected_version: int | None = None,
) -> Project:
    """Move the project along its lifecycle; refuse any other move with a sentence."""
    if actor is not None:
        require_change(actor, project)
    if status not in ProjectStatus.values:
        raise ValidationError({"status": "Choose one of the project statuses."})
    allowed = STATUS_MOVES[project.status]
    if status not in allowed:
        current = project.get_status_display().lower()
        article = "An" if current[0] in "aeiou" else "A"
        if not allowed:
            hint = "it is closed and no longer changes."
        else:
            names = sorted(ProjectStatus(s).label.lower() for s in allowed)
            hint = "it can move to " + (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]) + "."
        target = ProjectStatus(status).label.lower()
        raise ValidationError({"status": f"{article} {current} project cannot become {target}: {hint}"})
    fields: dict[str, Any] = {"status": status}
    if status == ProjectStatus.COMPLETED:
        fields["completed_on"] = timezone.localdate()
    return model_update(actor=actor, instance=project, data=fields, expected_version=expected_version)


@transaction.atomic
def project_member_add(*, actor: SystemActor, project: Project, user: Any, role: str = "") -> ProjectMember:
    if actor is not None:
        require_change(actor, project)
    if not user.is_active:
        raise ValidationError({"user": f"{user} is no longer active."})
    if ProjectMember.objects.filter(project=project, user=user).exists():
        raise ValidationError({"user": f"{user} is already on the team."})
    return model_create(actor=actor, model=ProjectMember, data={"project": project, "user": user, "role": role})


@transaction.atomic
def project_member_remove(*, actor: SystemActor, member: ProjectMember) -> None:
    if actor is not None:
        require_change(actor, member.project)
    if member.user_id == member.project.manager_id:
        raise ValidationError({"user": "The project manager stays on the team; choose another manager first."})
    model_delete(actor=actor, instance=member)



_BILLING = {"fixed_fee": "fixed_fee", "time_and_materials": "time_and_materials", "retainer": "retainer",
            "subscription": "retainer"}


@transaction.atomic
def project_start_from_request(
    *, actor: SystemActor, project_request: Any, data: dict[str, Any], expected_version: int | None = None,
) -> Project:
    """Take a commercial project request up: a project for its account and contract,
    with its name, budget and start (each overridable in ``data``: at least a ``code``),
    in planning; the request is accepted in the same transaction."""
    if project_request.status != "open":
        raise ValidationError({"project_request": settled_message(project_request)})
    values: dict[str, Any] = {
        "name": project_request.name[:200], "account": project_request.account,
        "contract": project_request.contract, "budget": project_request.budget,
        "currency": project_request.currency, "description": project_request.description,
        "start_date": project_request.requested_start or timezone.localdate(),
        "billing_type": _BILLING.get(project_request.pricing_strategy, "fixed_fee"),
        "status": ProjectStatus.PLANNING,
    }
    values.update(data)
    project = project_create(actor=actor, data=values, project_request=project_request)
    project_request_accept(actor=actor, project_request=project_request, expected_version=expected_version)
    return project


# --- Deliverables: acceptance (publishes deliverable.status_changed) -------------------

@transaction.atomic
def deliverable_set_acceptance(
    *, actor: SystemActor, deliverable: Deliverable, state: str, accepted_by: str = "",
    expected_version: int | None = None,
) -> Deliverable:
    """Move a deliverable's acceptance state (the project's manager); accepting records
    the day and who accepted it for the client, any other state clears them. Publishes ``deliverable.status_changed``
    when the state moved (the RACI matrix's Informed hear it)."""
    if actor is not None:
        require_change(actor, deliverable.project)
    if state not in AcceptanceState.values:
        raise ValidationError({"acceptance_state": "Choose not yet delivered, waiting for acceptance, accepted or rejected."})
    before = deliverable.acceptance_state
    data: dict[str, Any] = {"acceptance_state": state}
    if state == AcceptanceState.ACCEPTED:
        data["accepted_on"] = deliverable.accepted_on or timezone.localdate()
        data["accepted_by"] = accepted_by or deliverable.accepted_by
    else:  # no longer accepted: no day nor name of an acceptance (the audit keeps them)
        data["accepted_on"], data["accepted_by"] = None, ""
    updated = model_update(actor=actor, instance=deliverable, data=data, expected_version=expected_version)
    if state != before:
        project = updated.project
        event_publish(type="deliverable.status_changed", actor=actor, data={
            "deliverable": {"id": updated.pk, "name": updated.name, "status": state, "previous_status": before},
            "project": {"id": project.pk, "name": project.name, "code": project.code},
            "url": reverse("delivery:project_detail", args=[project.pk]),
        }, **project_event_scope(project))
    return updated
