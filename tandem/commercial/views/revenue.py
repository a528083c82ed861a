"""The revenue list (core ListView ``revenue``) and the pages that record one-off and
time-and-materials revenue by hand. Recurring and milestone entries come from
contracts and are read-only here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from tandem.clients.models import Account
from tandem.commercial import services
from tandem.commercial.currency import MissingRateError, base_currency
from tandem.commercial.models import RevenueEntry, RevenueKind
from tandem.commercial.policies import AccountRecordPolicy
from tandem.commercial.selectors import revenue as selectors
from tandem.commercial.services.revenue import MANUAL_KINDS
from tandem.commercial.views.common import (
    account_from_query,
    account_manager_options,
    changeable_accounts,
    money,
    month_field,
    month_label,
)
from tandem.core import export, lists
from tandem.core.errors import PermissionDeniedError
from tandem.core.forms import StyledForm
from tandem.core.lists import Column, ListFilterForm, ListView
from tandem.core.permissions import policy_for, require_change
from tandem.core.rows import UrlPattern, esc, joined
from tandem.core.web import form_save

KIND_LABELS = dict(RevenueKind.choices)
REVENUE_ROW_FIELDS = ("id", "month", "kind", "description", "amount", "currency", "source_key", "account_id", "account__name")


class RevenueFilterForm(ListFilterForm):
    sort_keys = ("month", "amount")
    default_sort = "-month"

    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *RevenueKind.choices])
    owner = forms.TypedChoiceField(label="Account manager", required=False, coerce=int, empty_value=None)
    month_from = month_field("From month")
    month_to = month_field("To month", help_text="Inclusive")
    account = forms.TypedChoiceField(label="Account", required=False, coerce=int, empty_value=None, widget=forms.HiddenInput)
    field_order = ["kind", "owner", "month_from", "month_to", "per_page", "sort", "account"]

    def __init__(self, *args: Any, owners: list[tuple[str, str]], account: Account | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("owner", [("", "Anyone"), *owners])
        self.set_choices("account", [("", ""), *([(str(account.pk), account.name)] if account else [])])


REVENUE_EXPORT = [
    export.Column("Month", lambda row: f"{row.month:%Y-%m}"),
    export.Column("Account", "account.name"),
    export.Column("Kind", lambda row: row.get_kind_display()),
    export.Column("Description", "description"),
    export.Column("Amount", "amount"),
    export.Column("Currency", "currency"),
]


def revenue_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    account_detail = UrlPattern("clients:account_detail", "account_id")
    edit = UrlPattern("commercial:revenue_entry_edit", "revenue_entry_id")
    out = []
    for row in rows:
        description = esc(row["description"] or KIND_LABELS.get(row["kind"], row["kind"]))
        if row["kind"] in MANUAL_KINDS and not row["source_key"]:
            description = f'<a href="{edit(row["id"])}">{description}</a>'
        out.append(
            '\n        <tr data-testid="list-row">'
            f"\n          <td>{esc(month_label(row['month']))}</td>"
            f'\n          <td><a href="{account_detail(row["account_id"])}">{esc(row["account__name"])}</a></td>'
            f"\n          <td>{esc(KIND_LABELS.get(row['kind'], row['kind']))}</td>"
            f"\n          <td>{description}</td>"
            f'\n          <td class="text-end text-nowrap">{esc(money(row["amount"], row["currency"]))}</td>'
            "\n        </tr>\n        "
        )
    return joined(out)


@dataclass(frozen=True)
class RevenueTotals:
    """The total of the revenue list's filtered entries in the base currency."""

    amount: Decimal
    currency: str
    text: str


@lists.register
class RevenueList(ListView):
    """Revenue entries by month, with the filtered total in the base currency (the
    framework's totals hook: worked out inline up to the count cap, on request beyond it)."""

    key = "revenue"
    url_name = "commercial:revenue_list"
    title, noun = "Revenue", "revenue entries"
    noun_one = "revenue entry"
    template = "commercial/revenue/revenue_list.html"
    results_id = "revenue-results"
    filter_form = RevenueFilterForm
    columns = (
        Column("Month", sort="month", phone=True),
        Column("Account", phone=True),
        Column("Kind"),
        Column("Description", phone=True),
        Column("Amount", sort="amount", align="end", phone=True),
    )
    row_fields = REVENUE_ROW_FIELDS
    export_columns = REVENUE_EXPORT
    export_name = "revenue"
    totals_template = "commercial/revenue/_totals.html"
    totals_errors = (MissingRateError,)

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.account = account_from_query(self.actor, request.GET.get("account"))
        self._selections: dict[tuple[int, bool], QuerySet[Any]] = {}

    def form_kwargs(self) -> dict[str, Any]:
        return {"owners": account_manager_options(self.actor), "account": self.account}

    def filters(self, values: Mapping[str, Any]) -> selectors.RevenueFilters:
        return selectors.RevenueFilters(
            account_id=self.account.pk if self.account else None, kind=values["kind"], owner_id=values["owner"],
            month_from=values["month_from"], month_to=values["month_to"], sort=values["sort"],
        )

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        # The rows and the total read the same selection: built once (querysets are
        # cloned by whatever narrows them, so sharing one is safe).
        key = (id(values), for_count)
        if key not in self._selections:
            self._selections[key] = selectors.revenue_list(actor=self.actor, filters=self.filters(values), for_count=for_count)
        return self._selections[key]

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return revenue_rows(rows)

    def totals(self, selection: QuerySet[Any]) -> RevenueTotals:
        base = base_currency()
        total = selectors.revenue_total(selection, base=base)
        return RevenueTotals(amount=total, currency=base, text=money(total, base))

    def counted_totals(self, selection: QuerySet[Any], cap: int) -> tuple[int, RevenueTotals] | None:
        base = base_currency()
        try:
            count, total = selectors.revenue_count_and_total(selection, base=base, cap=cap)
        except MissingRateError:
            return None  # counted and totalled apart: the total says which rate is missing
        return count, RevenueTotals(amount=total, currency=base, text=money(total, base))

    def extra_context(self) -> dict[str, Any]:
        return {"account": self.account, "can_create": policy_for(RevenueEntry).can_create(self.actor)}


revenue_list = RevenueList.as_view()


# --- Recording revenue by hand ---------------------------------------------------------------


class RevenueEntryForm(StyledForm):
    account = forms.TypedChoiceField(label="Account", coerce=int)
    kind = forms.ChoiceField(label="Kind", choices=[(k.value, k.label) for k in RevenueKind if k in MANUAL_KINDS])
    month = month_field("Month", required=True)
    amount = forms.DecimalField(label="Amount", max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    currency = forms.CharField(label="Currency", max_length=3, min_length=3, help_text="Three letters, e.g. EUR")
    description = forms.CharField(label="Description", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, accounts: list[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = {account.pk: account for account in accounts}
        self.fields["account"].choices = [(account.pk, account.name) for account in accounts]  # type: ignore[attr-defined]


def _entry_data(form: RevenueEntryForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"kind": data["kind"], "month": data["month"], "amount": data["amount"],
            "currency": data["currency"].upper(), "description": data["description"]}


@login_required
@require_http_methods(["GET", "POST"])
def revenue_create(request: HttpRequest) -> HttpResponse:
    if not AccountRecordPolicy().can_create(request.user):
        raise PermissionDeniedError("Only account managers and administrators record revenue.")
    accounts = changeable_accounts(request.user)
    preset = account_from_query(request.user, request.GET.get("account"))
    initial = {"account": preset.pk, "currency": preset.currency} if preset else {"currency": base_currency()}
    form = RevenueEntryForm(request.POST or None, accounts=accounts, initial=initial)
    if request.method == "POST" and form.is_valid():
        account = form.accounts[form.cleaned_data["account"]]
        result = form_save(form, lambda: services.revenue_entry_create(actor=request.user, account=account, data=_entry_data(form)))
        if result.saved:
            messages.success(request, "Revenue recorded.")
            return redirect(f"{reverse('commercial:revenue_list')}?account={account.pk}")
    return render(request, "commercial/revenue/revenue_form.html", {"form": form, "title": "Record revenue"})


@login_required
@require_http_methods(["GET", "POST"])
def revenue_entry_edit(request: HttpRequest, revenue_entry_id: int) -> HttpResponse:
    entry = selectors.revenue_get(actor=request.user, revenue_entry_id=revenue_entry_id)
    require_change(request.user, entry)
    read_only = _read_only_reason(entry)
    if read_only:
        if request.method == "POST":
            raise PermissionDeniedError(read_only)
        return render(request, "commercial/revenue/revenue_form.html",
                      {"title": f"{entry.get_kind_display()} revenue, {month_label(entry.month)}", "entry": entry,
                       "read_only": read_only, "amount_text": money(entry.amount, entry.currency)})
    if request.method == "POST" and request.POST.get("delete"):
        services.revenue_entry_delete(actor=request.user, entry=entry, expected_version=_int(request.POST.get("version")))
        messages.success(request, "Revenue entry deleted.")
        return redirect(f"{reverse('commercial:revenue_list')}?account={entry.account_id}")
    initial = {"account": entry.account_id, "kind": entry.kind, "month": entry.month, "amount": entry.amount,
               "currency": entry.currency, "description": entry.description, "version": entry.version}
    form = RevenueEntryForm(request.POST or None, accounts=[entry.account], initial=initial)
    status = 200
    if request.method == "POST":
        result = form_save(form, lambda: services.revenue_entry_update(
            actor=request.user, entry=entry, data=_entry_data(form), expected_version=form.cleaned_data["version"],
        ))
        if result.saved:
            messages.success(request, "Revenue entry saved.")
            return redirect(f"{reverse('commercial:revenue_list')}?account={entry.account_id}")
        status = result.status
    return render(request, "commercial/revenue/revenue_form.html",
                  {"form": form, "title": f"{entry.get_kind_display()} revenue, {month_label(entry.month)}", "entry": entry},
                  status=status)


def _read_only_reason(entry: RevenueEntry) -> str:
    if entry.kind not in MANUAL_KINDS:
        return f"{entry.get_kind_display()} revenue comes from its contract: change the contract or its milestone instead."
    if entry.source_key:
        return "This revenue was recorded from billable time: it changes when the time is billed again."
    return ""


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
