"""The project's Budget tab: key facts (budget, spent and %, CPI, SPI, EAC, VAC with
words), the burn chart with its table, the earned value figures, and the expenses with
their receipts (recorded by the project's manager).

Actual cost and the figures made from it are shown only to those who may see the
project's costs (:func:`tandem.delivery.selectors.earned_value.may_see_project_costs`);
the others see the budget, PV, EV, SPI and the expenses. No page shows a person's cost
rate.

Receipts are served by :func:`expense_receipt` to those who may see the project, never
from a public media URL, with the type read from the file's first bytes.

The page costs the same number of queries whatever the size of the plan and the
number of expenses (a window of :data:`EXPENSES_PAGE_SIZE` rows, ``?expenses_page=``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.commercial.currency import MissingRateError
from tandem.commercial.formatting import money_text, percent_text
from tandem.core.errors import PermissionDeniedError
from tandem.core.forms import DateInput, StyledForm
from tandem.core.uploads import megabytes, upload_refusal
from tandem.core.web import form_save
from tandem.delivery import selectors
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.models import Project, ProjectExpense
from tandem.delivery.policies import manages
from tandem.delivery.selectors.earned_value import (
    DailyCosts,
    EarnedValue,
    PlanLeaves,
    burn_series,
    daily_costs,
    earned_value,
    may_see_project_costs,
    plan_leaves,
)
from tandem.delivery.selectors.expenses import expense_get, expense_list
from tandem.delivery.services.expenses import (
    CONTENT_TYPES,
    project_expense_create,
    project_expense_delete,
    receipt_kind,
    receipt_limit,
)
from tandem.delivery.views.common import project_header

EXPENSES_PAGE_SIZE = 50
RECEIPT_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class ExpenseForm(StyledForm):
    date = forms.DateField(label="Date", widget=DateInput())
    description = forms.CharField(label="What for", max_length=200)
    category = forms.CharField(label="Category", max_length=100, required=False,
                               help_text="e.g. Travel, Licences, Subcontractor.")
    amount = forms.DecimalField(label="Amount", min_value=Decimal(0), max_digits=16, decimal_places=2)
    currency = forms.CharField(label="Currency", min_length=3, max_length=3)
    spent_by = forms.TypedChoiceField(label="Spent by", required=False, coerce=int, empty_value=None)
    is_billable = forms.BooleanField(label="Billable to the client", required=False)
    receipt = forms.FileField(label="Receipt", required=False)

    def __init__(self, *args: Any, team: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spent_by"].choices = [("", "Nobody in particular"), *team]  # type: ignore[attr-defined]
        self.fields["receipt"].widget.attrs["accept"] = RECEIPT_ACCEPT
        self.fields["receipt"].help_text = f"PDF, PNG or JPEG, up to {megabytes(receipt_limit())}."


def _status_date(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _page(request: HttpRequest) -> int:
    value = request.GET.get("expenses_page", "")
    return max(int(value), 1) if value.isdigit() and len(value) < 7 else 1


def _facts(value: EarnedValue, show_costs: bool) -> list[dict[str, Any]]:
    """The key facts, each with a word where it has a state."""
    currency = value.currency
    facts: list[dict[str, Any]] = [
        {"label": "Budget (BAC)", "value": money_text(value.bac, currency) if value.bac else "No budget set",
         "testid": "fact-budget"},
    ]
    if show_costs:
        spent = money_text(value.ac, currency)
        share = "" if value.spent_percent is None else f"{percent_text(value.spent_percent)} of the budget"
        facts.append({"label": "Spent (AC)", "value": spent, "note": share, "testid": "fact-spent", "url": "#ev-table"})
        word, colour = value.cost_state
        facts.append({"label": "CPI", "value": _ratio_text(value.cpi), "word": word, "colour": colour,
                      "testid": "fact-cpi"})
    word, colour = value.schedule_state
    facts.append({"label": "SPI", "value": _ratio_text(value.spi), "word": word, "colour": colour, "testid": "fact-spi"})
    if show_costs:
        facts.append({"label": "Estimate at completion (EAC)",
                      "value": money_text(value.eac, currency) if value.eac is not None else "Not measurable yet",
                      "testid": "fact-eac"})
        word, colour = value.completion_state
        facts.append({"label": "Variance at completion (VAC)",
                      "value": money_text(value.vac, currency) if value.vac is not None else "Not measurable yet",
                      "word": word, "colour": colour, "testid": "fact-vac"})
    return facts


def _ratio_text(value: Decimal | None) -> str:
    return "Not measurable yet" if value is None else f"{value:.2f}"


def _figure_rows(value: EarnedValue, show_costs: bool) -> list[dict[str, Any]]:
    """The earned value table: each figure, its formula and its value (or why not)."""
    currency = value.currency

    def money(name: str, amount: Decimal | None) -> str:
        return money_text(amount, currency) if amount is not None else value.notes.get(name, "Not measurable yet").capitalize()

    def ratio(name: str, amount: Decimal | None) -> str:
        return f"{amount:.4f}" if amount is not None else value.notes.get(name, "Not measurable yet").capitalize()

    planned = "—" if value.planned_percent is None else percent_text(value.planned_percent)
    done = "—" if value.done_percent is None else percent_text(value.done_percent)
    rows = [
        ("BAC", "Budget at completion", "the project's budget", money("bac", value.bac), True),
        ("PV", "Planned value", f"planned % ({planned}) × BAC", money("pv", value.pv), True),
        ("EV", "Earned value", f"done % ({done}) × BAC", money("ev", value.ev), True),
        ("AC", "Actual cost", "approved time × cost rate + expenses", money("ac", value.ac), False),
        ("CV", "Cost variance", "EV − AC", money("cv", value.cv), False),
        ("SV", "Schedule variance", "EV − PV", money("sv", value.sv), True),
        ("CPI", "Cost performance index", "EV ÷ AC", ratio("cpi", value.cpi), False),
        ("SPI", "Schedule performance index", "EV ÷ PV", ratio("spi", value.spi), True),
        ("EAC", "Estimate at completion", "BAC ÷ CPI", money("eac", value.eac), False),
        ("ETC", "Estimate to complete", "EAC − AC", money("etc", value.etc), False),
        ("VAC", "Variance at completion", "BAC − EAC", money("vac", value.vac), False),
        ("TCPI", "To-complete performance index", "(BAC − EV) ÷ (BAC − AC)", ratio("tcpi", value.tcpi), False),
    ]
    return [
        {"code": code, "label": label, "formula": formula, "value": text}
        for code, label, formula, text, public in rows
        if public or show_costs
    ]


def _team_choices(project: Project) -> list[tuple[int, str]]:
    return [(member.user_id, member.user.full_name or member.user.email)
            for member in selectors.project_team(project=project)]


def _chart(
    project: Project, value: EarnedValue, costs: DailyCosts, by: str, show_costs: bool, zone: Any,
    plan: PlanLeaves | None = None,
) -> dict[str, Any]:
    period, points = burn_series(project=project, value=value, by=by, zone=zone, costs=costs, plan=plan)
    if not show_costs:
        points = [point.__class__(label=point.label, end=point.end, planned=point.planned, actual=None)
                  for point in points]
    return {
        "by": period,
        "rows": [
            {"label": point.label, "planned": money_text(point.planned, value.currency),
             "actual": "—" if point.actual is None else money_text(point.actual, value.currency),
             "budget": money_text(value.bac, value.currency)}
            for point in points
        ],
        "data": {
            "currency": value.currency, "by": period, "labels": [point.label for point in points],
            "planned": [float(point.planned) for point in points],
            "actual": [None if point.actual is None else float(point.actual) for point in points] if show_costs else [],
            "budget": float(value.bac),
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_budget(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_page_get(actor=actor, project_id=project_id)
    can_change = manages(actor, project)
    form = None
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDeniedError("Only the project's manager records its expenses.")
        form = posted = ExpenseForm(request.POST, request.FILES, team=_team_choices(project))
        refusal = upload_refusal(request)
        if refusal:
            form.is_valid()
            form.add_error("receipt", refusal)
            status = 422
        else:
            saved = form_save(form, lambda: _create(actor, project, posted))
            if saved.saved:
                return HttpResponseRedirect(reverse("delivery:project_budget", kwargs={"project_id": project.pk})
                                            + "#expenses")
            status = 422 if saved.status == 200 else saved.status
    elif can_change:
        form = ExpenseForm(team=_team_choices(project),
                           initial={"date": timezone.localdate(), "currency": project.currency})
    zone = project_time_zone()
    status_date = _status_date(request)
    show_costs = may_see_project_costs(actor, project)
    context: dict[str, Any] = {
        **project_header(project, "budget", zone=zone),
        "status_date": status_date,
        "show_costs": show_costs,
        "can_change": can_change,
        "form": form,
    }
    try:
        costs = daily_costs(project, until=status_date)
        plan = plan_leaves(project)
        value = earned_value(project=project, status_date=status_date, zone=zone, costs=costs, plan=plan)
    except MissingRateError as error:
        context["rate_error"] = error.message
    else:
        by = request.GET.get("by", "")
        context.update(
            value=value,
            facts=_facts(value, show_costs),
            figures=_figure_rows(value, show_costs),
            chart=_chart(project, value, costs, by, show_costs, zone, plan),
            expenses_total=money_text(value.ac_expenses, value.currency),
            uncosted_hours=value.uncosted_hours,
        )
    page = _page(request)
    offset = (page - 1) * EXPENSES_PAGE_SIZE
    rows = list(expense_list(project=project)[offset:offset + EXPENSES_PAGE_SIZE + 1])
    context["expenses"] = [
        {"expense": item, "amount": money_text(item.amount, item.currency)} for item in rows[:EXPENSES_PAGE_SIZE]
    ]
    context["expenses_page"] = {"previous": page - 1 if page > 1 else None,
                                "next": page + 1 if len(rows) > EXPENSES_PAGE_SIZE else None}
    return render(request, "delivery/budget/budget.html", context, status=status)


def _create(actor: Any, project: Project, form: ExpenseForm) -> ProjectExpense:
    data = {name: form.cleaned_data[name] for name in ("date", "description", "category", "amount", "is_billable")}
    data["currency"] = form.cleaned_data["currency"].upper()
    spent_by = form.cleaned_data.get("spent_by")
    if spent_by is not None:
        member = selectors.project_team(project=project).filter(user_id=spent_by).first()
        if member is None:
            raise ValidationError({"spent_by": "Choose someone on the project's team."})
        data["spent_by"] = member.user
    return project_expense_create(actor=actor, project=project, data=data, receipt=form.cleaned_data.get("receipt"))


@login_required
@require_GET
def expense_receipt(request: HttpRequest, project_expense_id: int) -> HttpResponseBase:
    """The expense's receipt, for those who may see its project (404 otherwise), as the
    type its first bytes show; never run as a page (``nosniff``, a sandbox policy). An
    expense without a receipt answers a page saying so (404 stays "not yours to see")."""
    expense = expense_get(actor=request.user, expense_id=project_expense_id)
    if not expense.receipt:
        return render(request, "delivery/budget/no_receipt.html", {"expense": expense})
    handle = expense.receipt.open("rb")
    kind = receipt_kind(handle.read(16)) or ""
    handle.seek(0)
    content_type = CONTENT_TYPES.get(kind, "application/octet-stream")
    filename = f"receipt-{expense.project.code}-{expense.pk}.{kind or 'bin'}"
    response = FileResponse(handle, content_type=content_type, as_attachment=not kind, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def expense_delete(request: HttpRequest, project_expense_id: int) -> HttpResponse:
    """Delete an expense (the project's manager); back to the Budget tab."""
    expense = expense_get(actor=request.user, expense_id=project_expense_id)
    version = request.POST.get("version", "")
    project_expense_delete(actor=request.user, expense=expense,
                           expected_version=int(version) if version.isdigit() and len(version) < 10 else None)
    return HttpResponseRedirect(reverse("delivery:project_budget", kwargs={"project_id": expense.project_id}) + "#expenses")
