"""``/projects/{id}/expenses``, ``/project-expenses/{id}`` (and its receipt) and
``/projects/{id}/earned-value``. One project expense lives under ``/project-expenses/``
because ``/expenses/{id}`` is commercial's account expense (tandem.commercial.api).

Thin, like :mod:`tandem.delivery.api.projects`: parse, fetch what the caller may see
(404 otherwise; a ``spent_by_id`` the caller may not see is a 422 on that field), call
one delivery service (403 / 409 / 422), render. Expenses are JSON without the file; the
receipt is sent as ``multipart/form-data`` (one part named ``receipt``) to
``POST /project-expenses/{id}/receipt`` and checked for size and type like the page's upload.
Earned value withholds actual cost and the figures made from it from those who may not
see the project's costs (``costs_visible``: false, those figures ``null``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from tandem.clients.api.references import user_reference
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageParams,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
)
from tandem.core.uploads import upload_refusal
from tandem.delivery import selectors
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.schemas import VersionQuery
from tandem.delivery.schemas.budget import (
    EarnedValueOut,
    EarnedValueQuery,
    ProjectExpenseCreateIn,
    ProjectExpenseOut,
    ProjectExpensePage,
    ProjectExpenseUpdateIn,
    earned_value_out,
    expense_out,
)
from tandem.delivery.selectors.earned_value import earned_value, may_see_project_costs
from tandem.delivery.selectors.expenses import expense_get, expense_list
from tandem.delivery.services.expenses import (
    project_expense_attach_receipt,
    project_expense_create,
    project_expense_delete,
    project_expense_update,
    require_expense_writer,
)

router = Router(tags=["budget"])
ID = Path(..., ge=1, le=MAX_ID)
NESTED_CREATE_ERRORS = (*CREATE_ERRORS, 404)
REFERENCE_FIELDS = {"spent_by": "spent_by_id"}
RECEIPT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["receipt"],
            "properties": {"receipt": {"type": "string", "format": "binary",
                                       "description": "A PDF, PNG or JPEG file (checked by its content)."}},
        }}},
    }
}


def _spent_by(actor: Any, changes: dict[str, Any]) -> dict[str, Any]:
    if "spent_by_id" in changes:
        changes["spent_by"] = user_reference("spent_by_id", actor, changes.pop("spent_by_id"))
    return changes


@router.get("/projects/{project_id}/expenses", response={200: ProjectExpensePage, **error_responses(DETAIL_ERRORS)})
def list_expenses(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The project's expenses, newest first, a page at a time."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    expenses, meta = paginate(expense_list(project=project), params)
    return {**meta, "items": [expense_out(expense, actor=actor) for expense in expenses]}


@router.post("/projects/{project_id}/expenses", response={201: ProjectExpenseOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_expense(request: HttpRequest, payload: ProjectExpenseCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """Record an expense (the project's manager); it counts in the actual cost at once."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    require_expense_writer(actor, project)  # who may not record here hears 403 before any reference is read
    data = _spent_by(actor, payload.model_dump())
    if data["currency"] is None:
        del data["currency"]
    with renamed_fields(REFERENCE_FIELDS):
        expense = project_expense_create(actor=actor, project=project, data=data)
    return Status(201, expense_out(expense, actor=actor))


@router.get("/project-expenses/{project_expense_id}", response={200: ProjectExpenseOut, **error_responses(DETAIL_ERRORS)})
def get_expense(request: HttpRequest, project_expense_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    return expense_out(expense_get(actor=actor, expense_id=project_expense_id), actor=actor)


@router.patch("/project-expenses/{project_expense_id}", response={200: ProjectExpenseOut, **error_responses(UPDATE_ERRORS)})
def update_expense(request: HttpRequest, payload: ProjectExpenseUpdateIn, project_expense_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    expense = expense_get(actor=actor, expense_id=project_expense_id)
    require_expense_writer(actor, expense.project)  # 403 before any reference is read
    changes = _spent_by(actor, payload.model_dump(exclude_unset=True))
    expected_version = changes.pop("version")
    with renamed_fields(REFERENCE_FIELDS):
        expense = project_expense_update(actor=actor, expense=expense, data=changes, expected_version=expected_version)
    return expense_out(expense, actor=actor)


@router.delete("/project-expenses/{project_expense_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_expense(request: HttpRequest, query: Query[VersionQuery], project_expense_id: int = ID) -> Status[None]:
    """Delete the expense and its receipt; with ``?version=`` a stale one answers 409."""
    actor = current_user(request)
    expense = expense_get(actor=actor, expense_id=project_expense_id)
    project_expense_delete(actor=actor, expense=expense, expected_version=query.version)
    return Status(204, None)


@router.post("/project-expenses/{project_expense_id}/receipt", response={200: ProjectExpenseOut, **error_responses(UPDATE_ERRORS)},
             openapi_extra=RECEIPT_BODY)
def upload_receipt(request: HttpRequest, query: Query[VersionQuery], project_expense_id: int = ID) -> dict[str, Any]:
    """Attach or replace the receipt: ``multipart/form-data`` with one file part
    ``receipt`` (PDF, PNG or JPEG, read from its first bytes; at most the receipt
    limit). Anything else is a 422 on ``receipt``."""
    actor = current_user(request)
    expense = expense_get(actor=actor, expense_id=project_expense_id)
    upload = request.FILES.get("receipt") if request.content_type == "multipart/form-data" else None
    if upload is None:
        require_expense_writer(actor, expense.project)  # who may not change it hears 403 first
        raise ValidationError({"receipt": upload_refusal(request)
                               or "Send the receipt as multipart/form-data, in a file part named receipt."})
    expense = project_expense_attach_receipt(
        actor=actor, expense=expense, receipt=upload, expected_version=query.version)
    return expense_out(expense, actor=actor)


@router.get("/projects/{project_id}/earned-value", response={200: EarnedValueOut, **error_responses(DETAIL_ERRORS)})
def get_earned_value(request: HttpRequest, query: Query[EarnedValueQuery], project_id: int = ID) -> dict[str, Any]:
    """BAC, PV, EV, AC, CV, SV, CPI, SPI, EAC, ETC, VAC and TCPI at ``status_date`` in
    the project's currency (docs/kpis.md, "Earned value"). An amount in another
    currency without an exchange rate is a 422 naming the currency and date."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    zone = project_time_zone()
    status_date = query.status_date or timezone.localdate()
    value = earned_value(project=project, status_date=status_date, zone=zone)
    return earned_value_out(value, costs_visible=may_see_project_costs(actor, project))
