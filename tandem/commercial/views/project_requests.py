"""Project request pages: the record (what was sold — the won opportunity with its
lines, the contract, the dates and the value — and its status, with Decline for those
who may change the account) and the list of requests under Sales (core ListView, key
``project_requests``; by default those waiting for delivery).

Delivery takes a request up through ``project_request_accept`` (the delivery app);
until then the page says the request is waiting for delivery. Each view reads through
the contract selectors and writes through one service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods

from tandem.commercial import services
from tandem.commercial.contract_forms import DeclineRequestForm
from tandem.commercial.models import ProjectRequest, ProjectRequestStatus
from tandem.commercial.selectors import contracts as selectors
from tandem.commercial.selectors.opportunities import opportunity_lines
from tandem.core import export, lists
from tandem.core.forms import FastSelect
from tandem.core.history import format_money, history_rows
from tandem.core.lists import Column, ListFilterForm, ListView, Preset
from tandem.core.permissions import policy_for, require_change
from tandem.core.rows import UrlPattern, esc, joined
from tandem.core.web import form_save

MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STATUS_BADGES = {"open": "text-bg-warning", "accepted": "text-bg-success", "declined": "text-bg-secondary"}
STATUS_WORDS = {str(value): str(label) for value, label in ProjectRequestStatus.choices}


# --- The record ----------------------------------------------------------------------------


def _detail_context(request: HttpRequest, item: ProjectRequest, form: DeclineRequestForm | None = None) -> dict[str, Any]:
    actor = request.user
    can_decline = item.status == ProjectRequestStatus.OPEN and policy_for(ProjectRequest).can_change(actor, item)
    return {
        "item": item,
        "account": item.account,
        "opportunity": item.opportunity,
        "contract": item.contract,
        "lines": list(opportunity_lines(opportunity=item.opportunity)),
        "status_badge": STATUS_BADGES.get(item.status, "text-bg-secondary"),
        "can_decline": can_decline,
        "decline_form": form or (DeclineRequestForm(initial={"version": item.version}) if can_decline else None),
        "history": history_rows(item, viewer=actor),
    }


@login_required
@require_GET
def project_request_detail(request: HttpRequest, project_request_id: int) -> HttpResponse:
    item = selectors.project_request_get(actor=request.user, project_request_id=project_request_id)
    return render(request, "commercial/project_requests/project_request_detail.html", _detail_context(request, item))


@login_required
@require_http_methods(["POST"])
def project_request_decline(request: HttpRequest, project_request_id: int) -> HttpResponse:
    """Decline with a reason; a missing reason or a stale version comes back on the form."""
    actor = request.user
    item = selectors.project_request_get(actor=actor, project_request_id=project_request_id)
    require_change(actor, item)
    form = DeclineRequestForm(request.POST)
    result = form_save(form, lambda: services.project_request_decline(
        actor=actor, project_request=item, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
    ))
    if result.saved:
        messages.success(request, f"“{item.name}” has been declined.")
        return redirect("commercial:project_request_detail", project_request_id=item.pk)
    current = selectors.project_request_get(actor=actor, project_request_id=project_request_id)
    if current.status != ProjectRequestStatus.OPEN:
        # Settled meanwhile (declined by someone else, or taken up by delivery).
        messages.error(request, " ".join(str(error) for error in form.non_field_errors()) or "This request is no longer open.")
        return redirect("commercial:project_request_detail", project_request_id=current.pk)
    return render(
        request, "commercial/project_requests/project_request_detail.html", _detail_context(request, current, form=form),
        status=result.status if result.conflict else 422,
    )


# --- The list ------------------------------------------------------------------------------


class ProjectRequestFilterForm(ListFilterForm):
    sort_keys = ("created",)
    default_sort = "-created"

    status = forms.ChoiceField(
        label="Status", required=False, widget=FastSelect, choices=[("", "Any status"), *ProjectRequestStatus.choices],
    )
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["status", "per_page", "sort", "account"]


def _day(value: Any) -> str:
    if value is None:
        return '<span class="text-body-secondary">Not set</span>'
    return f'<time datetime="{value.isoformat()}">{value.day} {MONTHS[value.month]} {value.year:04d}</time>'


PROJECT_REQUEST_ROW_FIELDS = (
    "id", "name", "status", "budget", "currency", "requested_start", "created_at",
    "account_id", "account__name", "contract_id", "contract__number",
)  # fmt: skip


def project_request_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    detail = UrlPattern("commercial:project_request_detail", "project_request_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    contract_detail = UrlPattern("commercial:contract_detail", "contract_id")
    out = []
    for row in rows:
        contract = (
            f'<a href="{contract_detail(row["contract_id"])}">{esc(row["contract__number"])}</a>'
            if row["contract_id"] else '<span class="text-body-secondary">None</span>'
        )
        out.append(
            '\n        <tr data-testid="list-row">'
            f'\n          <td><a href="{detail(row["id"])}">{esc(row["name"])}</a></td>'
            f'\n          <td><a href="{account_detail(row["account_id"])}">{esc(row["account__name"])}</a></td>'
            f'\n          <td><span class="badge {STATUS_BADGES.get(row["status"], "text-bg-secondary")}">{esc(STATUS_WORDS.get(row["status"], row["status"]))}</span></td>'
            f"\n          <td>{contract}</td>"
            f"\n          <td>{_day(row['requested_start'])}</td>"
            f"\n          <td>{_day(row['created_at'].date())}</td>"
            f'\n          <td class="text-end text-nowrap">{esc(format_money(row["budget"], row["currency"]))}</td>'
            "\n        </tr>\n        "
        )
    return joined(out)


PROJECT_REQUEST_EXPORT = [
    export.Column("Project", "name"),
    export.Column("Account", "account.name"),
    export.Column("Status", lambda row: row.get_status_display()),
    export.Column("Contract", lambda row: row.contract.number if row.contract else ""),
    export.Column("Requested start", "requested_start"),
    export.Column("Currency", "currency"),
    export.Column("Budget", "budget"),
    export.Column("Declined because", "decline_reason"),
]


@lists.register
class ProjectRequestList(ListView):
    """What won deals ask delivery to start; by default those still waiting."""

    key = "project_requests"
    url_name = "commercial:project_request_list"
    title, noun = "Project requests", "project requests"
    template = "commercial/project_requests/project_request_list.html"
    results_id = "project-request-results"
    filter_form = ProjectRequestFilterForm
    columns = (
        Column("Project", phone=True),
        Column("Account", phone=True),
        Column("Status", phone=True),
        Column("Contract"),
        Column("Requested start"),
        Column("Requested", sort="created"),
        Column("Budget", align="end", phone=True),
    )
    row_fields = PROJECT_REQUEST_ROW_FIELDS
    export_columns = PROJECT_REQUEST_EXPORT
    export_name = "project-requests"
    presets = (
        Preset("waiting", "Waiting for delivery", lambda actor: {"status": ProjectRequestStatus.OPEN}),
        Preset("all", "All requests"),
    )

    def default_preset(self) -> str | None:
        return "waiting"

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        return selectors.project_request_list(
            actor=self.actor, account_id=values["account"] or None, status=values["status"] or "",
            sort=values["sort"] or "-created", for_count=for_count,
        )

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return project_request_rows(rows)


project_request_list = ProjectRequestList.as_view()
