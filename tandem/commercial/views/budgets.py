"""Budget pages: the budget list (core ListView ``budgets``: each account's planned
spend for a year against what is committed, won and billed, in the base currency) and
an account's budgets page (its years, with a form to add or change one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from tandem.clients import selectors as client_selectors
from tandem.clients.policies import may_change_account
from tandem.commercial import services
from tandem.commercial.currency import MissingRateError, base_currency
from tandem.commercial.selectors import revenue as selectors
from tandem.commercial.views.common import account_manager_options, money
from tandem.core import export, lists
from tandem.core.errors import PermissionDeniedError
from tandem.core.forms import StyledForm
from tandem.core.lists import Column, ListFilterForm, ListView
from tandem.core.permissions import require_change
from tandem.core.rows import UrlPattern, esc, joined
from tandem.core.web import form_save

BUDGET_ROW_FIELDS = ("id", "year", "amount", "currency", "account_id", "account__name", "account__owner__full_name")


class BudgetFilterForm(ListFilterForm):
    sort_keys = ("account", "year")
    default_sort = "account"

    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(label="Account manager", required=False, coerce=int, empty_value=None)
    field_order = ["year", "owner", "per_page", "sort"]

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.set_choices("year", [("", "Any year"), *((str(y), str(y)) for y in range(this_year + 1, this_year - 5, -1))])
        self.set_choices("owner", [("", "Anyone"), *owners])


BUDGET_EXPORT = [
    export.Column("Account", "account.name"),
    export.Column("Year", "year"),
    export.Column("Planned spend", "amount"),
    export.Column("Currency", "currency"),
    export.Column("Notes", "notes"),
]


def _status_cells(status: selectors.BudgetStatus | None, error: str) -> str:
    if status is None:
        return f'\n          <td colspan="3" class="text-body-secondary">{esc(error)}</td>'
    base = status.base_currency
    return "".join(
        f'\n          <td class="text-end text-nowrap">{esc(money(value, base))}</td>'
        for value in (status.committed, status.won, status.billed)
    )


def budget_rows(rows: Sequence[tuple[Mapping[str, Any], selectors.BudgetStatus | None, str]]) -> SafeString:
    budgets = UrlPattern("commercial:account_budgets", "account_id")
    out = []
    for row, status, error in rows:
        out.append(
            '\n        <tr data-testid="list-row">'
            f'\n          <td><a href="{budgets(row["account_id"])}">{esc(row["account__name"])}</a>'
            f'<div class="small text-body-secondary">{esc(row["account__owner__full_name"] or "")}</div></td>'
            f"\n          <td>{row['year']}</td>"
            f'\n          <td class="text-end text-nowrap">{esc(money(row["amount"], row["currency"]))}</td>'
            f"{_status_cells(status, error)}"
            "\n        </tr>\n        "
        )
    return joined(out)


@lists.register
class BudgetList(ListView):
    key = "budgets"
    url_name = "commercial:budget_list"
    title, noun = "Budgets", "budgets"
    template = "commercial/budgets/budget_list.html"
    results_id = "budget-results"
    filter_form = BudgetFilterForm
    columns = (
        Column("Account", sort="account", phone=True),
        Column("Year", sort="year", phone=True),
        Column("Planned", align="end", phone=True),
        Column("Committed", align="end"),
        Column("Won", align="end"),
        Column("Billed", align="end", phone=True),
    )
    row_fields = BUDGET_ROW_FIELDS
    export_columns = BUDGET_EXPORT
    export_name = "budgets"

    def form_kwargs(self) -> dict[str, Any]:
        return {"owners": account_manager_options(self.actor)}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = selectors.BudgetFilters(year=values["year"], owner_id=values["owner"], sort=values["sort"])
        return selectors.budget_list(actor=self.actor, filters=filters, for_count=for_count)

    def decorate(self, rows: Sequence[Mapping[str, Any]]) -> Sequence[Any]:
        by_year: dict[int, set[int]] = {}
        for row in rows:
            by_year.setdefault(row["year"], set()).add(row["account_id"])
        found = selectors.budget_statuses_by_year(actor=self.actor, account_ids_by_year=by_year)
        errors = {year: error.message for year, error in found.errors.items()}
        return [
            (row, found.by_year.get(row["year"], {}).get(row["account_id"]), errors.get(row["year"], "")) for row in rows
        ]

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return budget_rows(rows)

    def extra_context(self) -> dict[str, Any]:
        return {"base_currency": base_currency()}


budget_list = BudgetList.as_view()


# --- One account's budgets ---------------------------------------------------------------


class BudgetForm(StyledForm):
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2999)
    amount = forms.DecimalField(label="Planned spend", max_digits=16, decimal_places=2, min_value=Decimal(0))
    currency = forms.CharField(label="Currency", max_length=3, min_length=3, help_text="Three letters, e.g. EUR")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _budget_data(form: BudgetForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"year": data["year"], "amount": data["amount"], "currency": data["currency"].upper(), "notes": data["notes"]}


@login_required
@require_http_methods(["GET", "POST"])
def account_budgets(request: HttpRequest, account_id: int) -> HttpResponse:
    """The account's budgets by year with their status; admins and its account managers
    add one (POST)."""
    actor = request.user
    account = client_selectors.account_get(actor=actor, account_id=account_id)
    can_change = may_change_account(actor, account)
    form = BudgetForm(request.POST or None, initial={"year": timezone.localdate().year, "currency": account.currency})
    if request.method == "POST":
        if not can_change:
            raise PermissionDeniedError(f"You may not set budgets for {account}.")
        result = form_save(form, lambda: services.budget_create(actor=actor, account=account, data=_budget_data(form)))
        if result.saved:
            messages.success(request, f"Budget for {result.value.year} saved.")
            return redirect("commercial:account_budgets", account_id=account.pk)
    budgets = list(selectors.budget_list(actor=actor, filters=selectors.BudgetFilters(account_id=account.pk)))
    years: list[dict[str, Any]] = []
    rate_error = ""
    try:
        statuses = selectors.budget_page_statuses(actor=actor, budgets=budgets)
    except MissingRateError as error:
        statuses, rate_error = {}, error.message
    base = base_currency()
    revenue_url = reverse("commercial:revenue_list")
    for budget in budgets:
        status = statuses.get(budget.pk)
        years.append({
            "budget": budget, "planned": money(budget.amount, budget.currency),
            "planned_base": money(status.planned, base) if status and status.planned is not None else "",
            "committed": money(status.committed, base) if status else "",
            "won": money(status.won, base) if status else "",
            "billed": money(status.billed, base) if status else "",
            "billed_percent": status.billed_percent if status else None,
            "billed_url": f"{revenue_url}?account={account.pk}&month_from={budget.year}-01&month_to={budget.year}-12",
        })
    mrr: list[dict[str, str]] = []
    try:
        series = selectors.mrr_by_month(actor, account=account, months=12)
        mrr = [
            {"label": f"{month:%b %Y}", "amount": money(amount, base),
             "url": f"{revenue_url}?account={account.pk}&kind=recurring&month_from={month:%Y-%m}&month_to={month:%Y-%m}"}
            for month, amount in zip(series.months, series.totals, strict=True)
        ]
    except MissingRateError as error:
        rate_error = rate_error or error.message
    return render(request, "commercial/budgets/account_budgets.html", {
        "account": account, "years": years, "form": form, "can_change": can_change, "rate_error": rate_error,
        "base_currency": base, "mrr": mrr,
    })


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: HttpRequest, budget_id: int) -> HttpResponse:
    actor = request.user
    budget = selectors.budget_get(actor=actor, budget_id=budget_id)
    require_change(actor, budget)
    if request.method == "POST" and request.POST.get("delete"):
        version = request.POST.get("version", "")
        services.budget_delete(actor=actor, budget=budget, expected_version=int(version) if version.isdigit() else None)
        messages.success(request, f"Budget for {budget.year} deleted.")
        return redirect("commercial:account_budgets", account_id=budget.account_id)
    form = BudgetForm(request.POST or None, initial={
        "year": budget.year, "amount": budget.amount, "currency": budget.currency, "notes": budget.notes,
        "version": budget.version,
    })
    status = 200
    if request.method == "POST":
        result = form_save(form, lambda: services.budget_update(
            actor=actor, budget=budget, data=_budget_data(form), expected_version=form.cleaned_data["version"],
        ))
        if result.saved:
            messages.success(request, f"Budget for {budget.year} saved.")
            return redirect("commercial:account_budgets", account_id=budget.account_id)
        status = result.status
    return render(request, "commercial/budgets/budget_form.html", {"form": form, "budget": budget, "account": budget.account},
                  status=status)
