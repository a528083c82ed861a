"""The contract list (:class:`tandem.core.lists.ListView`, key ``contracts``).

Filters (their query-string names are a contract: the home card links to them):
``status``, ``owner`` (a user id or ``me``), ``account`` (id), ``ending_within`` (days:
active contracts whose end date is at most that many days away, those already past it
included) and ``kind``; ``q`` searches title, number and account name. An account
manager opens it on "My contracts".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from tandem.commercial.models import Contract, ContractKind, ContractStatus
from tandem.commercial.selectors.contracts import CONTRACT_SORTS, ContractFilters, contract_list
from tandem.core import export, lists
from tandem.core.lists import Column, ListFilterForm, ListView, Preset
from tandem.core.permissions import has_role, policy_for, sees_everything
from tandem.core.roles import Role
from tandem.core.rows import UrlPattern, esc, joined
from tandem.people import selectors as people_selectors

ROW_FIELDS = (
    "id", "number", "title", "status", "kind", "value", "monthly_amount", "currency", "start_date", "end_date",
    "auto_renew", "account_id", "account__name", "owner_id", "owner__full_name", "owner__email",
)  # fmt: skip
STATUS_BADGES: dict[str, str] = {
    ContractStatus.DRAFT: "secondary",
    ContractStatus.NEGOTIATION: "warning",
    ContractStatus.ACTIVE: "success",
    ContractStatus.EXPIRED: "dark",
    ContractStatus.TERMINATED: "danger",
}
ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "


def money(amount: Any, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def day_text(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


def ends_text(end: dt.date | None, today: dt.date) -> str:
    """"in 12 days", "today", "3 days ago" when near, else the date."""
    if end is None:
        return "Open-ended"
    days = (end - today).days
    if days == 0:
        return "today"
    if 0 < days <= 7:
        return f"in {days} day{'s' if days != 1 else ''}"
    if -7 <= days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    return day_text(end)


def _me_or_id(value: str, actor: Any) -> int | None:
    if value == "me":
        return int(actor.pk)
    return int(value) if value.isdigit() else None


class ContractFilterForm(ListFilterForm):
    sort_keys = tuple(key for key in CONTRACT_SORTS if not key.startswith("-"))
    default_sort = "-start"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Title, number or account")
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *ContractStatus.choices])
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *ContractKind.choices])
    owner = forms.ChoiceField(label="Account manager", required=False)
    ending_within = forms.IntegerField(label="Ending within (days)", required=False, min_value=0, max_value=3660)
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["q", "status", "kind", "owner", "ending_within", "per_page", "sort", "account"]

    def __init__(self, *args: Any, owners: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(
            "owner", [("", "Anyone"), ("me", "Me"), *((str(user.pk), user.full_name or user.email) for user in owners)]
        )


CONTRACT_EXPORT = [
    export.Column("Number", "number"),
    export.Column("Title", "title"),
    export.Column("Account", "account.name"),
    export.Column("Status", lambda row: row.get_status_display()),
    export.Column("Type", lambda row: row.get_kind_display()),
    export.Column("Pricing", lambda row: row.get_pricing_strategy_display()),
    export.Column("Value", "value"),
    export.Column("Monthly amount", "monthly_amount"),
    export.Column("Currency", "currency"),
    export.Column("Start", "start_date"),
    export.Column("End", "end_date"),
    export.Column("Auto-renew", "auto_renew"),
    export.Column("Notice (days)", "notice_days"),
    export.Column("Account manager", "owner.full_name"),
]


def _owns_accounts(actor: Any) -> bool:
    return has_role(actor, Role.ACCOUNT_MANAGER) and not sees_everything(actor)


def contract_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    detail = UrlPattern("commercial:contract_detail", "contract_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    labels = {value: esc(label) for value, label in ContractStatus.choices}
    kinds = {value: esc(label) for value, label in ContractKind.choices}
    today = timezone.localdate()
    out = []
    for row in rows:
        owner = esc(row["owner__full_name"] or row["owner__email"]) if row["owner_id"] else '<span class="text-body-secondary">Nobody</span>'
        renew = ' <span class="badge text-bg-info">Auto-renews</span>' if row["auto_renew"] else ""
        monthly = f'<div class="small text-body-secondary">{esc(money(row["monthly_amount"], row["currency"]))} a month</div>' if row["monthly_amount"] else ""
        title = esc(row["title"])
        out.append(
            f'{ROW_START}\n          <td class="list-select"><input type="checkbox" class="form-check-input" name="id"'
            f' value="{row["id"]}" form="contract-results-bulk" aria-label="Select {title}"></td>'
            f'\n          <td><a href="{detail(row["id"])}">{title}</a>'
            f'<div class="small text-body-secondary">{esc(row["number"])} · {kinds.get(row["kind"], esc(row["kind"]))}</div></td>'
            f'\n          <td><a href="{account_detail(row["account_id"])}">{esc(row["account__name"])}</a></td>'
            f'\n          <td><span class="badge text-bg-{STATUS_BADGES.get(row["status"], "secondary")}">'
            f'{labels.get(row["status"], esc(row["status"]))}</span></td>'
            f'\n          <td class="text-end">{esc(money(row["value"], row["currency"]))}{monthly}</td>'
            f"\n          <td>{esc(day_text(row['start_date']))}</td>"
            f"\n          <td>{esc(ends_text(row['end_date'], today))}{renew}</td>"
            f"\n          <td>{owner}</td>{ROW_END}"
        )
    return joined(out)


@lists.register
class ContractList(ListView):
    """Contracts, newest first; an account manager's default view is "My contracts"."""

    key = "contracts"
    url_name = "commercial:contract_list"
    title, noun = "Contracts", "contracts"
    template = "commercial/contracts/contract_list.html"
    results_id = "contract-results"
    filter_form = ContractFilterForm
    columns = (
        Column("Contract", phone=True),
        Column("Account", phone=True),
        Column("Status", phone=True),
        Column("Value", align="end", phone=True),
        Column("Start", sort="start"),
        Column("Ends", sort="end"),
        Column("Account manager"),
    )
    row_fields = ROW_FIELDS
    export_columns = CONTRACT_EXPORT
    export_name = "contracts"
    presets = (
        Preset("mine", "My contracts", lambda actor: {"owner": "me"}, visible=_owns_accounts),
        Preset("renewals", "Renewals due in 90 days", lambda actor: {"status": "active", "ending_within": 90, "owner": "me"},
               visible=_owns_accounts),
        Preset("all", "All contracts"),
    )
    bulk_actions = (lists.EXPORT_SELECTED,)

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        users = people_selectors.user_list(
            actor=self.actor, filters=people_selectors.UserFilters(role=Role.ACCOUNT_MANAGER, is_active=True)
        )
        self.owners = list(users.prefetch_related(None).select_related(None).only("id", "full_name", "email"))

    def default_preset(self) -> str | None:
        return "mine" if _owns_accounts(self.actor) else "all"

    def form_kwargs(self) -> dict[str, Any]:
        return {"owners": self.owners}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = ContractFilters(
            status=values["status"], kind=values["kind"], owner_id=_me_or_id(values["owner"], self.actor),
            account_id=values["account"] or None, ending_within=None if values["ending_within"] in ("", None) else values["ending_within"], search=values["q"].strip(),
            sort=values["sort"],
        )
        return contract_list(actor=self.actor, filters=filters, for_count=for_count)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return contract_rows(rows)

    def extra_context(self) -> dict[str, Any]:
        return {"can_create": policy_for(Contract).can_create(self.actor)}


contract_list_view = ContractList.as_view()
