"""``/projects/{id}/stakeholders``, ``/stakeholders/{id}``, ``/projects/{id}/raci``,
``/projects/{id}/raci/rows``, ``/raci-rows/{id}`` (and its ``cells``) and
``/me/responsibilities``.

Thin: parse, fetch what the caller may see (404 otherwise), check the caller may write
before any reference in the body is read (403), call one service
(:mod:`tandem.governance.services.raci`), render. A person of the matrix is
``"user:<id>"`` or ``"contact:<id>"``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients.api.references import user_reference
from tandem.clients.models import Contact
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageParams,
    current_user,
    error_responses,
    paginate,
)
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.models import Deliverable, Project, Task
from tandem.delivery.policies import manages
from tandem.delivery.schemas import VersionQuery
from tandem.governance.schemas.raci import (
    RaciCellIn,
    RaciCellOut,
    RaciMatrixOut,
    RaciRowCreateIn,
    RaciRowOut,
    RaciRowUpdateIn,
    ResponsibilityPage,
    StakeholderCreateIn,
    StakeholderOut,
    StakeholderPage,
    StakeholderUpdateIn,
    matrix_out,
    raci_row_out,
    responsibility_out,
    stakeholder_out,
)
from tandem.governance.selectors.raci import (
    my_cells,
    raci_matrix,
    raci_row_get,
    stakeholder_get,
    stakeholder_list,
)
from tandem.governance.services.raci import (
    raci_cell_set,
    raci_row_add,
    raci_row_move,
    raci_row_remove,
    raci_row_update,
    stakeholder_add,
    stakeholder_remove,
    stakeholder_update,
)

router = Router(tags=["raci"])
ID = Path(..., ge=1, le=MAX_ID)
NESTED_CREATE_ERRORS = (*CREATE_ERRORS, 404)


def _require_manager(actor: Any, project: Project) -> None:
    if not manages(actor, project):
        raise PermissionDeniedError("Only the project's manager changes its RACI matrix and stakeholders.")


# --- Stakeholders ------------------------------------------------------------------------

@router.get("/projects/{project_id}/stakeholders", response={200: StakeholderPage, **error_responses(DETAIL_ERRORS)})
def list_stakeholders(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The project's stakeholders, most influential first."""
    project = delivery_selectors.project_get(actor=current_user(request), project_id=project_id)
    items, meta = paginate(stakeholder_list(project=project), params)
    return {**meta, "items": [stakeholder_out(item) for item in items]}


@router.post("/projects/{project_id}/stakeholders",
             response={201: StakeholderOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_stakeholder(request: HttpRequest, payload: StakeholderCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """Add a user (``user_id``) or a contact of the project's client (``contact_id``)."""
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    _require_manager(actor, project)
    data = payload.model_dump()
    user = user_reference("user_id", actor, data.pop("user_id"))
    contact_id = data.pop("contact_id")
    contact = None
    if contact_id is not None:
        # Who manages the project may name its client's contacts (and only those).
        contact = Contact.objects.filter(pk=contact_id, account_id=project.account_id or 0).first()
        if contact is None:
            raise ValidationError({"contact_id": "Choose a contact of the project's client."})
    try:
        item = stakeholder_add(actor=actor, project=project, user=user, contact=contact, data=data)
    except ValidationError as error:
        raise ValidationError({
            {"user": "user_id", "contact": "contact_id"}.get(name, name): messages
            for name, messages in error.message_dict.items()}) from None
    return Status(201, stakeholder_out(item))


@router.get("/stakeholders/{stakeholder_id}", response={200: StakeholderOut, **error_responses(DETAIL_ERRORS)})
def get_stakeholder(request: HttpRequest, stakeholder_id: int = ID) -> dict[str, Any]:
    return stakeholder_out(stakeholder_get(actor=current_user(request), stakeholder_id=stakeholder_id))


@router.patch("/stakeholders/{stakeholder_id}", response={200: StakeholderOut, **error_responses(UPDATE_ERRORS)})
def update_stakeholder(request: HttpRequest, payload: StakeholderUpdateIn, stakeholder_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    item = stakeholder_get(actor=actor, stakeholder_id=stakeholder_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    changes = {name: value for name, value in changes.items() if value is not None}
    return stakeholder_out(stakeholder_update(actor=actor, stakeholder=item, data=changes,
                                              expected_version=expected_version))


@router.delete("/stakeholders/{stakeholder_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_stakeholder(request: HttpRequest, query: Query[VersionQuery], stakeholder_id: int = ID) -> Status[None]:
    actor = current_user(request)
    item = stakeholder_get(actor=actor, stakeholder_id=stakeholder_id)
    stakeholder_remove(actor=actor, stakeholder=item, expected_version=query.version)
    return Status(204, None)


# --- The RACI matrix -----------------------------------------------------------------------

@router.get("/projects/{project_id}/raci", response={200: RaciMatrixOut, **error_responses(DETAIL_ERRORS)})
def get_raci(request: HttpRequest, project_id: int = ID) -> dict[str, Any]:
    """The matrix: its people (columns), its rows with their letters, problems and warnings."""
    project = delivery_selectors.project_get(actor=current_user(request), project_id=project_id)
    return matrix_out(raci_matrix(project=project))


def _row_out(row_id: int, project: Project) -> dict[str, Any]:
    matrix = raci_matrix(project=project)
    return next(raci_row_out(line) for line in matrix.rows if line.row.pk == row_id)


@router.post("/projects/{project_id}/raci/rows", response={201: RaciRowOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_raci_row(request: HttpRequest, payload: RaciRowCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """Add a row: one of the project's tasks (``task_id``) or deliverables
    (``deliverable_id``), or an ``activity``."""
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    _require_manager(actor, project)
    task = deliverable = None
    if payload.task_id is not None:
        task = Task.objects.filter(project=project, pk=payload.task_id).first()
        if task is None:
            raise ValidationError({"task_id": "Pick one of this project's tasks."})
    if payload.deliverable_id is not None:
        deliverable = Deliverable.objects.filter(project=project, pk=payload.deliverable_id).first()
        if deliverable is None:
            raise ValidationError({"deliverable_id": "Pick one of this project's deliverables."})
    try:
        row = raci_row_add(actor=actor, project=project, kind=payload.kind, task=task, deliverable=deliverable,
                           activity=payload.activity)
    except ValidationError as error:
        raise ValidationError({
            {"task": "task_id", "deliverable": "deliverable_id"}.get(name, name): messages
            for name, messages in error.message_dict.items()}) from None
    return Status(201, _row_out(row.pk, project))


@router.patch("/raci-rows/{raci_row_id}", response={200: RaciRowOut, **error_responses(UPDATE_ERRORS)})
def update_raci_row(request: HttpRequest, payload: RaciRowUpdateIn, raci_row_id: int = ID) -> dict[str, Any]:
    """Rename an activity row (``activity``) and / or move a row (``position``, 0 first)."""
    actor = current_user(request)
    row = raci_row_get(actor=actor, raci_row_id=raci_row_id)
    _require_manager(actor, row.project)
    version = payload.version
    if payload.activity is not None:
        row = raci_row_update(actor=actor, row=row, activity=payload.activity, expected_version=version)
        version = row.version
    elif row.version != version:
        raise ConflictError(current_version=row.version)
    if payload.position is not None:
        row = raci_row_move(actor=actor, row=row, position=payload.position)
    return _row_out(row.pk, row.project)


@router.delete("/raci-rows/{raci_row_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_raci_row(request: HttpRequest, query: Query[VersionQuery], raci_row_id: int = ID) -> Status[None]:
    actor = current_user(request)
    row = raci_row_get(actor=actor, raci_row_id=raci_row_id)
    raci_row_remove(actor=actor, row=row, expected_version=query.version)
    return Status(204, None)


@router.put("/raci-rows/{raci_row_id}/cells", response={200: RaciCellOut, **error_responses(UPDATE_ERRORS)})
def put_raci_cell(request: HttpRequest, payload: RaciCellIn, raci_row_id: int = ID) -> dict[str, Any]:
    """Set a person's letter on the row (``letter`` null clears it); answers the row
    with its problems and warnings."""
    actor = current_user(request)
    row = raci_row_get(actor=actor, raci_row_id=raci_row_id)
    raci_cell_set(actor=actor, row=row, person=payload.person, letter=payload.letter)
    return {"row": _row_out(row.pk, row.project), "person": payload.person, "letter": payload.letter}


@router.get("/me/responsibilities", response={200: ResponsibilityPage, **error_responses(LIST_ERRORS)})
def my_responsibilities(
    request: HttpRequest, params: Query[PageParams], letter: str = "", open: bool = False,
) -> dict[str, Any]:
    """The rows where I hold a letter, across the projects I see (``letter``: some of
    ``RACI``, e.g. ``RA``; ``open``: the task not done / the deliverable not accepted)."""
    letters = [item for item in "RACI" if item in letter.upper()]
    cells, meta = paginate(my_cells(actor=current_user(request), letters=letters, open_only=open), params)
    return {**meta, "items": [responsibility_out(cell) for cell in cells]}
