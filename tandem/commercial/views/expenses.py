"""Expenses: the list (core list framework: filters, saved views, export), record,
change and remove. Only those who may see an account's costs see its expenses
(``ExpensePolicy``); the list, its count and its exports read through
:func:`tandem.commercial.selectors.expenses.expense_list`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from tandem.clients import selectors as clients_selectors
from tandem.clients.models import Account
from tandem.clients.views.lists import AccountScopedFilterForm, AccountScopedList
from tandem.commercial import services
from tandem.commercial.formatting import money_text
from tandem.commercial.models import Expense
from tandem.commercial.models.fields import CURRENCY_VALIDATOR
from tandem.commercial.policies import may_see_costs
from tandem.commercial.selectors.expenses import ExpenseFilters, expense_get, expense_list
from tandem.core import export, lists
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.forms import DateInput, VersionedForm
from tandem.core.lists import Column
from tandem.core.permissions import is_admin, policy_for
from tandem.core.rows import DateText, UrlPattern, esc, joined
from tandem.core.web import form_add_errors, form_save

EXPENSE_ROW_FIELDS = (
    "id", "date", "description", "category", "amount", "currency", "is_billable", "account_id", "account__name",
)
ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "


class ExpenseFilterForm(AccountScopedFilterForm):
    sort_keys = ("date", "amount")
    default_sort = "-date"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Part of the description")
    category = forms.CharField(label="Category", required=False, max_length=100)
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="To", required=False, widget=DateInput)
    field_order = ["q", "category", "date_from", "date_to", "per_page", "sort", "account"]


EXPENSE_EXPORT = [
    export.Column("Date", "date"),
    export.Column("Account", "account.name"),
    export.Column("Description", "description"),
    export.Column("Category", "category"),
    export.Column("Amount", "amount"),
    export.Column("Currency", "currency"),
    export.Column("Billable", "is_billable"),
]


def expense_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    edit = UrlPattern("commercial:expense_edit", "expense_id")
    account = UrlPattern("clients:account_detail", "account_id")
    months = DateText().months
    out = []
    for row in rows:
        day = row["date"]
        billable = '<span class="badge text-bg-info">Billable</span>' if row["is_billable"] else ""
        out.append(
            f'{ROW_START}\n          <td><time datetime="{day.isoformat()}">{day.day} {months[day.month]} {day.year}</time></td>'
            f'\n          <td><a href="{edit(row["id"])}">{esc(row["description"])}</a> {billable}</td>'
            f'\n          <td><a href="{account(row["account_id"])}">{esc(row["account__name"])}</a></td>'
            f"\n          <td>{esc(row['category'])}</td>"
            f'\n          <td class="text-end text-nowrap">{esc(money_text(row["amount"], row["currency"]))}</td>{ROW_END}'
        )
    return joined(out)


@lists.register
class ExpenseList(AccountScopedList):
    """The expenses the user may see, newest first; ``?account=`` narrows to one."""

    key = "expenses"
    url_name = "commercial:expense_list"
    title, noun = "Expenses", "expenses"
    template = "commercial/expenses/expense_list.html"
    results_id = "expense-results"
    filter_form = ExpenseFilterForm
    columns = (
        Column("Date", sort="date", phone=True),
        Column("Description", phone=True),
        Column("Account", phone=True),
        Column("Category"),
        Column("Amount", sort="amount", align="end", phone=True),
    )
    row_fields = EXPENSE_ROW_FIELDS
    export_columns = EXPENSE_EXPORT
    export_name = "expenses"

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = ExpenseFilters(
            account_id=values["account"], category=values["category"], date_from=values["date_from"],
            date_to=values["date_to"], search=values["q"], sort=values["sort"],
        )
        return expense_list(actor=self.actor, filters=filters, for_count=for_count)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return expense_rows(rows)

    def extra_context(self) -> dict[str, Any]:
        can_record = self.account is not None and _may_record(self.actor, self.account)
        return {**super().extra_context(), "can_record": can_record, "may_record_any": may_see_costs(self.actor) or is_admin(self.actor)}


expense_list_view = ExpenseList.as_view()


def _may_record(actor: Any, account: Account) -> bool:
    return is_admin(actor) or (may_see_costs(actor, account) and account.owner_id == actor.pk)


class ExpenseForm(VersionedForm):
    date = forms.DateField(label="Date", widget=DateInput)
    description = forms.CharField(label="What was it for", max_length=200)
    category = forms.CharField(label="Category", max_length=100, required=False, help_text="e.g. Travel, Licences, Subcontractors")
    amount = forms.DecimalField(label="Amount", min_value=0, max_digits=16, decimal_places=2)
    currency = forms.CharField(label="Currency", max_length=3, validators=[CURRENCY_VALIDATOR], help_text="Three letters, e.g. EUR")
    is_billable = forms.BooleanField(label="Billable to the client", required=False)

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.expenses.EXPENSE_FIELDS}

    @staticmethod
    def initial_for(expense: Expense) -> dict[str, Any]:
        return {name: getattr(expense, name) for name in (*services.expenses.EXPENSE_FIELDS, "version")}


@login_required
@require_http_methods(["GET", "POST"])
def expense_create(request: HttpRequest, account_id: int) -> HttpResponse:
    """Record an expense of an account (its owner, or an admin)."""
    actor = request.user
    account = clients_selectors.account_get(actor=actor, account_id=account_id)
    if not _may_record(actor, account):
        raise PermissionDeniedError(f"You may not record expenses of {account}.")
    initial = {"date": timezone.localdate(), "currency": account.currency}
    form = ExpenseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_create(actor=actor, account=account, data=form.service_data())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"The expense has been recorded for {account.name}.")
            return redirect(f"{_list_url()}?account={account.pk}")
    return render(request, "commercial/expenses/expense_form.html", {"form": form, "account": account, "editing": None})


@login_required
@require_http_methods(["GET", "POST"])
def expense_edit(request: HttpRequest, expense_id: int) -> HttpResponse:
    """Change an expense (version-checked: a stale form answers 409) or, with
    ``delete``, remove it."""
    actor = request.user
    expense = expense_get(actor=actor, expense_id=expense_id)
    can_change = policy_for(Expense).can_change(actor, expense)
    if request.method == "POST" and not can_change:
        raise PermissionDeniedError("You may not change this expense.")
    if request.method == "POST" and "delete" in request.POST:
        try:
            services.expense_delete(actor=actor, expense=expense, expected_version=_int(request.POST.get("version")))
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect("commercial:expense_edit", expense_id=expense.pk)
        messages.success(request, "The expense has been removed.")
        return redirect(f"{_list_url()}?account={expense.account_id}")
    if request.method == "GET":
        form = ExpenseForm(initial=ExpenseForm.initial_for(expense), editing=True)
        context = {"form": form, "account": expense.account, "editing": expense, "can_change": can_change}
        return render(request, "commercial/expenses/expense_form.html", context)
    form = ExpenseForm(request.POST, editing=True)
    result = form_save(form, lambda: services.expense_update(
        actor=actor, expense=expense, data=form.service_data(), expected_version=form.cleaned_data["version"]
    ))
    if result.saved:
        messages.success(request, "The expense has been saved.")
        return redirect(f"{_list_url()}?account={expense.account_id}")
    context = {"form": form, "account": expense.account, "editing": expense, "can_change": can_change, "conflict": result.conflict}
    return render(request, "commercial/expenses/expense_form.html", context, status=result.status)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _list_url() -> str:
    return reverse(ExpenseList.url_name)
