"""The project's RACI tab, its export, "My responsibilities", and the Stakeholders tab.

Every write goes through :mod:`tandem.governance.services.raci` (the same services as
the API). The RACI grid costs the same number of queries whatever its size (the
matrix is read in four, :func:`tandem.governance.selectors.raci.raci_matrix`).
Without JavaScript each cell is a labelled ``<select>`` with a Save button; with it
(``governance/raci.js``) a cell saves when it changes, the arrow keys move between
cells, R / A / C / I set the focused cell and Delete clears it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients.models import Contact
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.export import Column, export_response, requested_format
from tandem.core.htmx import is_htmx
from tandem.core.rows import joined
from tandem.core.web import wants_partial
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.models import Deliverable, Task
from tandem.delivery.policies import manages
from tandem.delivery.views.common import project_header
from tandem.governance.models import (
    CommunicationChannel,
    CommunicationFrequency,
    RaciLetter,
    RaciRowKind,
    Stakeholder,
)
from tandem.governance.selectors.raci import (
    Matrix,
    MatrixRow,
    my_cells,
    raci_matrix,
    raci_row_get,
    stakeholder_get,
    stakeholder_list,
)
from tandem.governance.services.raci import (
    raci_cell_set as raci_cell_set_service,
)
from tandem.governance.services.raci import (
    raci_row_add,
    raci_row_move,
    raci_row_remove,
    stakeholder_add,
    stakeholder_remove,
    stakeholder_update,
)
from tandem.governance.views.rows import RaciRowWriter

LETTERS = [("", "—"), *[(value, f"{value} · {label}") for value, label in RaciLetter.choices]]
STAKEHOLDERS_PAGE_SIZE = 50
MY_PAGE_SIZE = 50


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _grid_context(request: HttpRequest, matrix: Matrix) -> dict[str, Any]:
    attention = matrix.attention
    can_change = manages(request.user, matrix.project)
    return {"matrix": matrix, "letters": LETTERS, "can_change": can_change,
            "attention": attention, "first_attention": attention[0] if attention else None,
            "raci_writer": RaciRowWriter(letters=LETTERS, can_change=can_change, csrf_token=get_token(request))}


@login_required
@require_http_methods(["GET", "POST"])
def project_raci(request: HttpRequest, project_id: int) -> HttpResponse:
    """The matrix; POST adds a row (a task, a deliverable or a typed activity)."""
    actor = request.user
    project = delivery_selectors.project_page_get(actor=actor, project_id=project_id)
    error = ""
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            raci_row_add(
                actor=actor, project=project, kind=kind,
                task=Task.objects.filter(project=project, pk=_id(request.POST.get("task"))).first(),
                deliverable=Deliverable.objects.filter(project=project, pk=_id(request.POST.get("deliverable"))).first(),
                activity=request.POST.get("activity", ""),
            )
        except ValidationError as exc:
            error, status = _messages(exc), 422
        else:
            return HttpResponseRedirect(reverse("governance:project_raci", kwargs={"project_id": project.pk}))
    matrix = raci_matrix(project=project)
    context = _grid_context(request, matrix)
    context["raci_rows"] = context["raci_writer"].rows(matrix.rows)
    if context["can_change"]:
        used_tasks = {row.row.task_id for row in matrix.rows}
        used_deliverables = {row.row.deliverable_id for row in matrix.rows}
        context["task_choices"] = [
            task for task in Task.objects.filter(project=project).order_by("outline_index", "pk").values("pk", "name", "wbs")
            if task["pk"] not in used_tasks]
        context["deliverable_choices"] = [
            item for item in Deliverable.objects.filter(project=project).order_by("due_date", "pk").values("pk", "name")
            if item["pk"] not in used_deliverables]
    context.update(project_header(project, "raci", zone=project_time_zone()), add_error=error, kinds=RaciRowKind.choices)
    return render(request, "governance/raci/raci.html", context, status=status)


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


def _id(value: Any) -> int:
    """A posted id, or 0 (which matches nothing)."""
    return _int(value) or 0


@login_required
@require_POST
def raci_cell_set(request: HttpRequest, raci_row_id: int) -> HttpResponseBase:
    """Set (or clear) one letter; HTMX gets the redrawn row and the summary."""
    actor = request.user
    row = raci_row_get(actor=actor, raci_row_id=raci_row_id)
    error = ""
    status = 200
    person = request.POST.get("person", "")
    try:
        raci_cell_set_service(actor=actor, row=row, person=person, letter=request.POST.get("letter", ""))
    except ValidationError as exc:
        error, status = _messages(exc), 422
    url = reverse("governance:project_raci", kwargs={"project_id": row.project_id})
    if not is_htmx(request):
        if error:
            return HttpResponse(error, status=status, content_type="text/plain; charset=utf-8")
        return HttpResponseRedirect(f"{url}#raci-row-{row.pk}")
    project = delivery_selectors.project_page_get(actor=actor, project_id=row.project_id)
    matrix = raci_matrix(project=project)
    line = next((item for item in matrix.rows if item.row.pk == row.pk), None)
    if line is None:
        raise Http404("This row was removed.")
    context = _grid_context(request, matrix)
    context.update(line=line, cell_error=error, error_person=person, oob=True,
                   raci_row=joined([context["raci_writer"].row(line, cell_error=error)]))
    return render(request, "governance/raci/_cell_response.html", context, status=status)


@login_required
@require_POST
def raci_row_action(request: HttpRequest, raci_row_id: int) -> HttpResponseBase:
    """Move a row up or down (``move``: up / down / a position) or delete it (``delete``)."""
    actor = request.user
    row = raci_row_get(actor=actor, raci_row_id=raci_row_id)
    url = reverse("governance:project_raci", kwargs={"project_id": row.project_id})
    if request.POST.get("delete"):
        raci_row_remove(actor=actor, row=row)
        return HttpResponseRedirect(url)
    move = request.POST.get("move", "")
    position = row.position - 1 if move == "up" else row.position + 1 if move == "down" else _int(move)
    raci_row_move(actor=actor, row=row, position=max(position or 0, 0))
    return HttpResponseRedirect(f"{url}#raci-row-{row.pk}")


def _letter_of(key: str) -> Any:
    def read(line: MatrixRow) -> str:
        return line.letters.get(key, "")

    return read


def _check_text(line: MatrixRow) -> str:
    return line.check.text


@login_required
@require_GET
def project_raci_export(request: HttpRequest, project_id: int) -> HttpResponseBase:
    """The matrix as CSV or XLSX (``?format=``): row, kind, one column per person, and
    the validation result."""
    project = delivery_selectors.project_page_get(actor=request.user, project_id=project_id)
    matrix = raci_matrix(project=project)
    columns = [Column("Row", lambda line: line.name), Column("Kind", lambda line: line.row.get_kind_display())]
    for person in matrix.people:
        columns.append(Column(person.name, _letter_of(person.key)))
    columns.append(Column("Check", _check_text))
    return export_response(matrix.rows, columns, name=f"raci {project.code}",
                           file_format=requested_format(request.GET) or "csv")


# --- My responsibilities ----------------------------------------------------------------

def my_filters(params: Any) -> tuple[list[str], bool]:
    letters = [letter for letter in params.getlist("letter") if letter in RaciLetter.values]
    return sorted(set(letters), key="RACI".index), params.get("open") == "1"


@login_required
@require_GET
def my_responsibilities(request: HttpRequest) -> HttpResponse:
    letters, open_only = my_filters(request.GET)
    cells = my_cells(actor=request.user, letters=letters, open_only=open_only)
    page = Paginator(cells, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join([*(f"letter={letter}" for letter in letters), *(["open=1"] if open_only else [])])
    return render(request, "governance/raci/my_responsibilities.html", {
        "page": page, "letters": RaciLetter.choices, "selected": letters, "open_only": open_only,
        "query": query,
    })


# --- Stakeholders -------------------------------------------------------------------------

QUADRANTS = {
    (True, True): "Manage closely", (True, False): "Keep satisfied",
    (False, True): "Keep informed", (False, False): "Monitor",
}


def quadrant(influence: int, interest: int) -> str:
    return QUADRANTS[(influence >= 3, interest >= 3)]


def _grid(project: Any) -> list[dict[str, Any]]:
    counts = {(item["influence"], item["interest"]): item["n"] for item in
              Stakeholder.objects.filter(project=project).values("influence", "interest").annotate(n=Count("pk")).order_by()}
    return [
        {"influence": influence, "cells": [
            {"interest": interest, "count": counts.get((influence, interest), 0),
             "quadrant": quadrant(influence, interest)} for interest in range(1, 6)]}
        for influence in range(5, 0, -1)
    ]


def _candidates(project: Any) -> tuple[list[Any], list[Contact]]:
    users = list(get_user_model().objects.filter(is_active=True).exclude(
        stakes__project=project).only("id", "full_name", "email").order_by("full_name", "email")[:500])
    contacts: list[Contact] = []
    if project.account_id is not None:
        contacts = list(Contact.objects.filter(account_id=project.account_id).exclude(
            stakes__project=project).order_by("last_name", "first_name")[:500])
    return users, contacts


def _stakeholder_data(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"role": post.get("role", "").strip()[:150],
                            "receives_status_reports": post.get("receives_status_reports") in ("on", "1", "true")}
    for name in ("influence", "interest"):
        value = _int(post.get(name))
        if value is None or not 1 <= value <= 5:
            raise ValidationError({name: f"Give the {name} from 1 (low) to 5 (high)."})
        data[name] = value
    if post.get("channel") not in CommunicationChannel.values:
        raise ValidationError({"channel": "Choose how they prefer to hear from us."})
    if post.get("frequency") not in CommunicationFrequency.values:
        raise ValidationError({"frequency": "Choose how often they hear from us."})
    data["channel"], data["frequency"] = post.get("channel"), post.get("frequency")
    return data


@login_required
@require_http_methods(["GET", "POST"])
def project_stakeholders(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = delivery_selectors.project_page_get(actor=actor, project_id=project_id)
    can_change = manages(actor, project)
    error, status = "", 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDeniedError("Only the project's manager changes its stakeholders.")
        person = request.POST.get("person", "")
        kind, _, pk = person.partition(":")
        try:
            data = _stakeholder_data(request.POST)
            if kind == "user":
                user = get_user_model().objects.filter(pk=_id(pk), is_active=True).first()
                if user is None:
                    raise ValidationError({"user": "Choose an active user of the organisation."})
                stakeholder_add(actor=actor, project=project, user=user, data=data)
            elif kind == "contact" and project.account_id is not None:
                contact = Contact.objects.filter(pk=_id(pk), account_id=project.account_id).first()
                if contact is None:
                    raise ValidationError({"contact": "Choose a contact of the project's client."})
                stakeholder_add(actor=actor, project=project, contact=contact, data=data)
            else:
                raise ValidationError({"person": "Choose a person to add."})
        except ValidationError as exc:
            error, status = _messages(exc), 422
        else:
            return HttpResponseRedirect(reverse("governance:project_stakeholders", kwargs={"project_id": project.pk}))
    queryset = stakeholder_list(project=project)
    influence, interest = _int(request.GET.get("influence")), _int(request.GET.get("interest"))
    if influence and interest:
        queryset = queryset.filter(influence=influence, interest=interest)
    page = Paginator(queryset, STAKEHOLDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page, "grid": _grid(project), "can_change": can_change, "add_error": error,
        "cell_filter": (influence, interest) if influence and interest else None,
        "channels": CommunicationChannel.choices, "frequencies": CommunicationFrequency.choices,
        "quadrant_of": quadrant(influence, interest) if influence and interest else "",
    }
    if can_change:
        context["user_choices"], context["contact_choices"] = _candidates(project)
    context.update(project_header(project, "stakeholders", zone=project_time_zone()))
    return render(request, "governance/raci/stakeholders.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: HttpRequest, stakeholder_id: int) -> HttpResponseBase:
    """Edit one stakeholder in place (HTMX answers the row) or on its own page."""
    actor = request.user
    stakeholder = stakeholder_get(actor=actor, stakeholder_id=stakeholder_id)
    error, status = "", 200
    if request.method == "POST":
        if not manages(actor, stakeholder.project):
            raise PermissionDeniedError("Only the project's manager changes its stakeholders.")
        try:
            stakeholder = stakeholder_update(actor=actor, stakeholder=stakeholder, data=_stakeholder_data(request.POST),
                                             expected_version=_int(request.POST.get("version")))
        except ValidationError as exc:
            error, status = _messages(exc), 422
        except ConflictError:
            error, status = "Someone changed this stakeholder meanwhile: reload the page to see their change.", 409
        else:
            if is_htmx(request):
                return render(request, "governance/raci/_stakeholder_row.html", {
                    "item": stakeholder, "can_change": True, "saved": True})
            return HttpResponseRedirect(reverse("governance:project_stakeholders",
                                                kwargs={"project_id": stakeholder.project_id}))
    # A refused in-place save answers its edit row alone, with the reason: the status stays
    # 422 / 409 and governance/raci.js lets HTMX swap it in place of the row.
    template = "governance/raci/_stakeholder_edit_row.html" if error and wants_partial(request) else \
        "governance/raci/stakeholder_edit.html"
    return render(request, template, {
        "item": stakeholder, "error": error, "channels": CommunicationChannel.choices,
        "frequencies": CommunicationFrequency.choices, "can_change": manages(actor, stakeholder.project),
    }, status=status)


@login_required
@require_POST
def stakeholder_delete(request: HttpRequest, stakeholder_id: int) -> HttpResponseBase:
    stakeholder = stakeholder_get(actor=request.user, stakeholder_id=stakeholder_id)
    project_id = stakeholder.project_id
    stakeholder_remove(actor=request.user, stakeholder=stakeholder)
    return HttpResponseRedirect(reverse("governance:project_stakeholders", kwargs={"project_id": project_id}))
