"""The quote list (core ListView, key ``quotes``): every quote of the opportunities the
user may see, newest first; by default the current ones (superseded revisions left
out). Filters: ``status`` (a status, ``any``, or empty for current), ``owner`` (the
opportunity's owner: a user id or ``me``), ``account`` (id), ``opportunity`` (id),
``q`` (number, opportunity or account name)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from tandem.commercial.models import QuoteStatus
from tandem.commercial.selectors import quotes as selectors
from tandem.core import export, lists
from tandem.core.forms import FastSelect
from tandem.core.lists import Column, ListFilterForm, ListView, Preset
from tandem.core.permissions import has_role, sees_everything
from tandem.core.roles import Role
from tandem.core.rows import UrlPattern, esc, joined

ANY = "any"
ME = "me"
MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BADGES = {
    "draft": "text-bg-secondary", "sent": "text-bg-info", "accepted": "text-bg-success",
    "declined": "text-bg-danger", "superseded": "text-bg-light border", "expired": "text-bg-warning",
}
STATUS_WORDS = {**{str(value): str(label) for value, label in QuoteStatus.choices}, "expired": "Expired"}
QUOTE_ROW_FIELDS = (
    "id", "number", "revision", "status", "issued_on", "valid_until", "currency", "total",
    "opportunity_id", "opportunity__name", "opportunity__account_id", "opportunity__account__name",
)  # fmt: skip


class QuoteFilterForm(ListFilterForm):
    sort_keys = ("issued", "number", "valid_until")
    default_sort = "-issued"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Number, opportunity or account")
    status = forms.ChoiceField(
        label="Status", required=False, widget=FastSelect,
        choices=[("", "Current (not superseded)"), *QuoteStatus.choices, (ANY, "Any status")],
    )
    owner = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)  # "me" or a user id
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    opportunity = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["q", "status", "per_page", "sort", "owner", "account", "opportunity"]


def _day(value: dt.date) -> str:
    return f'<time datetime="{value.isoformat()}">{value.day} {MONTHS[value.month]} {value.year:04d}</time>'


def quote_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    detail = UrlPattern("commercial:quote_detail", "quote_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    today = timezone.localdate()
    out = []
    for row in rows:
        state = row["status"]
        if state in ("draft", "sent") and row["valid_until"] < today:
            state = "expired"
        revision = f" rev. {row['revision']}" if row["revision"] > 1 else ""
        out.append(
            '\n        <tr data-testid="list-row">'
            f'\n          <td><a href="{detail(row["id"])}">{esc(row["number"])}{revision}</a></td>'
            f'\n          <td><a href="{account_detail(row["opportunity__account_id"])}">{esc(row["opportunity__account__name"])}</a></td>'
            f"\n          <td>{esc(row['opportunity__name'])}</td>"
            f'\n          <td><span class="badge {BADGES[state]}">{esc(STATUS_WORDS[state])}</span></td>'
            f"\n          <td>{_day(row['issued_on'])}</td>"
            f"\n          <td>{_day(row['valid_until'])}</td>"
            f'\n          <td class="text-end text-nowrap">{esc(row["currency"])} {row["total"]:,.2f}</td>'
            "\n        </tr>\n        "
        )
    return joined(out)


QUOTE_EXPORT = [
    export.Column("Number", "number"),
    export.Column("Revision", "revision"),
    export.Column("Status", lambda row: row.get_status_display()),
    export.Column("Account", "opportunity.account.name"),
    export.Column("Opportunity", "opportunity.name"),
    export.Column("Issued on", "issued_on"),
    export.Column("Valid until", "valid_until"),
    export.Column("Currency", "currency"),
    export.Column("Total", "total"),
    export.Column("Accepted by", "accepted_by_name"),
]


def _owns_accounts(actor: Any) -> bool:
    return has_role(actor, Role.ACCOUNT_MANAGER) and not sees_everything(actor)


@lists.register
class QuoteList(ListView):
    """Quotes, newest first; an account manager opens "My quotes" (their opportunities)."""

    key = "quotes"
    url_name = "commercial:quote_list"
    title, noun = "Quotes", "quotes"
    template = "commercial/quotes/quote_list.html"
    results_id = "quote-results"
    filter_form = QuoteFilterForm
    columns = (
        Column("Quote", sort="number", phone=True),
        Column("Account", phone=True),
        Column("Opportunity"),
        Column("Status", phone=True),
        Column("Issued", sort="issued"),
        Column("Valid until", sort="valid_until"),
        Column("Total", align="end", phone=True),
    )
    row_fields = QUOTE_ROW_FIELDS
    export_columns = QUOTE_EXPORT
    export_name = "quotes"
    presets = (
        Preset("mine", "My quotes", lambda actor: {"owner": ME}, visible=_owns_accounts),
        Preset("all", "All quotes"),
    )

    def default_preset(self) -> str | None:
        return "mine" if _owns_accounts(self.actor) else "all"

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        owner = str(values["owner"] or "")
        status = values["status"]
        filters = selectors.QuoteFilters(
            status=selectors.CURRENT if not status else ("" if status == ANY else status),
            owner_id=self.actor.pk if owner == ME else (int(owner) if owner.isdigit() else None),
            account_id=values["account"] or None, opportunity_id=values["opportunity"] or None, search=values["q"],
            sort=values["sort"],
        )
        return selectors.quote_list(actor=self.actor, filters=filters, for_count=for_count)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return quote_rows(rows)


quote_list = QuoteList.as_view()
