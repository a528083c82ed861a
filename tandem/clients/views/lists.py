"""The list pages of account management: accounts, contacts, interactions, the inquiry
queue (each a :class:`tandem.core.lists.ListView`), and the "needs attention" page.

Every list reads through its selector (scoped to the user, sorted there on an index)
with the filters of the query string; :mod:`tandem.core.lists` does the rest: capped
count with page numbers, the HTMX partial, CSV/XLSX export of exactly the filtered rows
(or the selected ones), saved views, stacked rows on phones. The query count of each
page is constant whatever the data size and page size (tests/clients/test_lists.py).

An account manager opens the account list on "My accounts" (the default view when the
request has no query string); executives and administrators on all accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from tandem.clients import selectors
from tandem.clients.models import (
    Account,
    InquiryStatus,
    InteractionKind,
    Lifecycle,
    Priority,
    Tier,
)
from tandem.clients.services import accounts_reassign
from tandem.clients.views import rows as table_rows
from tandem.clients.views.common import owner_choices, sla_state, sla_state_of
from tandem.core import export, lists
from tandem.core.errors import NotFoundError, PermissionDeniedError
from tandem.core.forms import DateInput, FastSelect
from tandem.core.lists import Column, ListFilterForm, ListView, Preset
from tandem.core.permissions import get_visible, has_role, policy_for, sees_everything
from tandem.core.roles import Role
from tandem.people import selectors as people_selectors

# --- Shared ------------------------------------------------------------------------------


def account_owner_options(actor: Any) -> list[Any]:
    """The account managers the owner filter offers: all for those who see everything,
    otherwise the actor and their team's (the accounts they can see). One query."""
    if sees_everything(actor):
        queryset = people_selectors.user_list(
            actor=actor, filters=people_selectors.UserFilters(role=Role.ACCOUNT_MANAGER, is_active=True)
        )
    else:
        queryset = owner_choices(actor)
    return list(queryset.prefetch_related(None).select_related(None).only("id", "full_name", "email"))


def account_from_query(actor: Any, value: str | None) -> Account | None:
    """The account named by ``?account=`` when the actor may see it (one query), else
    ``None``: a list is narrowed to one account from that account's page."""
    if not value or not value.isdigit():
        return None
    try:
        return get_visible(actor, Account.objects.only("id", "name"), int(value))
    except NotFoundError:  # an id the actor may not see is no filter
        return None


class AccountScopedFilterForm(ListFilterForm):
    """A filter form with the hidden ``account`` filter (a list opened from an account)."""

    account = forms.TypedChoiceField(label="Account", required=False, coerce=int, empty_value=None, widget=forms.HiddenInput)

    def __init__(self, *args: Any, account: Account | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("account", [("", ""), *([(str(account.pk), account.name)] if account else [])])


class AccountScopedList(ListView):
    """A list that ``?account=`` narrows to one account (contacts, interactions,
    inquiries)."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.account = account_from_query(self.actor, request.GET.get("account"))

    def form_kwargs(self) -> dict[str, Any]:
        return {"account": self.account}

    @property
    def account_id(self) -> int | None:
        return self.account.pk if self.account else None

    def export_filename(self) -> str:
        return f"{self.export_name}-{self.account.name}" if self.account else self.export_name

    def extra_context(self) -> dict[str, Any]:
        return {"account": self.account}


# --- Accounts ------------------------------------------------------------------------------


class AccountFilterForm(ListFilterForm):
    sort_keys = ("name", "tier", "check_in_due")
    default_sort = "name"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Name or web domain")
    owner = forms.TypedChoiceField(label="Account manager", required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label="Tier", required=False, choices=[("", "Any tier"), *Tier.choices])
    lifecycle = forms.ChoiceField(label="Lifecycle", required=False, choices=[("", "Any stage"), *Lifecycle.choices])
    industry = forms.CharField(label="Industry", required=False, max_length=100)
    overdue = forms.BooleanField(label="Check-in overdue", required=False)
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # the owner's team (home cards)
    field_order = ["q", "owner", "tier", "lifecycle", "industry", "overdue", "per_page", "sort"]

    def __init__(self, *args: Any, owners: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("owner", [("", "Anyone"), *((str(user.pk), user.full_name or user.email) for user in owners)])


ACCOUNT_EXPORT = [
    export.Column("Name", "name"),
    export.Column("Domain", "domain"),
    export.Column("Industry", "industry"),
    export.Column("Tier", lambda row: row.get_tier_display()),
    export.Column("Lifecycle", lambda row: row.get_lifecycle_display()),
    export.Column("Account manager", "owner.full_name"),
    export.Column("Account manager e-mail", "owner.email"),
    export.Column("City", "city"),
    export.Column("Country", "country"),
    export.Column("Last contact", "last_contact_at"),
    export.Column("Next check-in", "check_in_due_at"),
    export.Column("Customer since", "customer_since"),
    export.Column("Source", lambda row: row.get_source_display()),
    export.Column("External id", "external_id"),
]


def _owns_accounts(actor: Any) -> bool:
    return has_role(actor, Role.ACCOUNT_MANAGER) and not sees_everything(actor)


@lists.register
class AccountList(ListView):
    """Accounts by name; an account manager's default view is "My accounts"."""

    key = "accounts"
    url_name = "clients:account_list"
    title, noun = "Accounts", "accounts"
    template = "clients/account_list.html"
    results_id = "account-results"
    filter_form = AccountFilterForm
    columns = (
        Column("Name", sort="name", phone=True),
        Column("Tier", sort="tier"),
        Column("Lifecycle"),
        Column("Account manager", phone=True),
        Column("Last contact"),
        Column("Next check-in", sort="check_in_due", phone=True),
    )
    row_fields = table_rows.ACCOUNT_ROW_FIELDS
    export_columns = ACCOUNT_EXPORT
    export_name = "accounts"
    presets = (
        Preset("mine", "My accounts", lambda actor: {"owner": actor.pk}, visible=_owns_accounts),
        Preset("all", "All accounts"),
    )
    bulk_actions = (
        lists.BulkAction(
            "reassign", "Reassign owner", url_name="clients:account_reassign",
            fields_template="clients/partials/list_reassign.html", allowed=lambda actor: policy_for(Account).can_create(actor),
        ),
        lists.EXPORT_SELECTED,
    )

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.owners = account_owner_options(self.actor)

    def default_preset(self) -> str | None:
        return "mine" if _owns_accounts(self.actor) else "all"

    def form_kwargs(self) -> dict[str, Any]:
        return {"owners": self.owners}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = selectors.AccountFilters(
            search=values["q"], owner_id=values["owner"], tier=values["tier"], lifecycle=values["lifecycle"],
            industry=values["industry"].strip(), overdue_only=values["overdue"], sort=values["sort"],
            team_id=values["team"] or None,
        )
        return selectors.account_list(actor=self.actor, filters=filters, for_count=for_count)

    def decorate(self, rows: Sequence[Mapping[str, Any]]) -> Sequence[Any]:
        return with_overdue(rows)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return table_rows.account_rows(rows)

    def extra_context(self) -> dict[str, Any]:
        return {"can_create": policy_for(Account).can_create(self.actor), "reassign_owners": self.owners}


account_list = AccountList.as_view()


def with_overdue(accounts: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], bool]]:
    """Each account row with whether its check-in is overdue (churned accounts never are)."""
    now = timezone.now()
    return [
        (
            account,
            account["check_in_due_at"] is not None
            and account["check_in_due_at"] < now
            and account["lifecycle"] != Lifecycle.CHURNED,
        )
        for account in accounts
    ]


@login_required
@require_POST
def account_reassign(request: HttpRequest) -> HttpResponse:
    """Give the selected accounts (``id``) to another account manager (``new_owner``)
    through :func:`tandem.clients.services.accounts_reassign`; back to the list."""
    actor = request.user
    if not policy_for(Account).can_create(actor):  # only those who may own accounts give them away
        raise PermissionDeniedError("You may not reassign accounts.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse(AccountList.url_name)
    ids = lists.selected_ids(request.POST) or []
    owner_id = request.POST.get("new_owner", "")
    owner = next((user for user in account_owner_options(actor) if str(user.pk) == owner_id), None)
    if not ids:
        messages.error(request, "Select the accounts to reassign first.")
    elif owner is None:
        messages.error(request, "Choose the account manager to give the accounts to.")
    else:
        try:
            changed = accounts_reassign(
                actor=actor, account_ids=ids, owner=owner, expected_versions=lists.selected_versions(request.POST)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = owner.full_name or owner.email
            messages.success(request, f"{changed} account{'s' if changed != 1 else ''} reassigned to {name}.")
    return redirect(target)


# --- Contacts ------------------------------------------------------------------------------


class ContactFilterForm(AccountScopedFilterForm):
    sort_keys = ("name",)
    default_sort = "name"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Name or e-mail")
    decision_makers = forms.BooleanField(label="Decision makers only", required=False)
    inactive = forms.BooleanField(label="Include inactive contacts", required=False)
    field_order = ["q", "decision_makers", "inactive", "per_page", "sort", "account"]


CONTACT_EXPORT = [
    export.Column("First name", "first_name"),
    export.Column("Last name", "last_name"),
    export.Column("E-mail", "email"),
    export.Column("Phone", "phone"),
    export.Column("Mobile", "mobile"),
    export.Column("Job title", "job_title"),
    export.Column("Department", "department"),
    export.Column("Account", "account.name"),
    export.Column("Primary contact", "is_primary"),
    export.Column("Decision maker", "is_decision_maker"),
    export.Column("E-mail opt-out", "email_opt_out"),
    export.Column("Active", "is_active"),
]


@lists.register
class ContactList(AccountScopedList):
    key = "contacts"
    url_name = "clients:contact_list"
    title, noun = "Contacts", "contacts"
    template = "clients/contact_list.html"
    results_id = "contact-results"
    filter_form = ContactFilterForm
    columns = (
        Column("Name", sort="name", phone=True),
        Column("E-mail", phone=True),
        Column("Job title"),
        Column("Account", phone=True),
        Column("Phone"),
    )
    row_fields = table_rows.CONTACT_ROW_FIELDS
    export_columns = CONTACT_EXPORT
    export_name = "contacts"

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = selectors.ContactFilters(
            search=values["q"], account_id=self.account_id, decision_makers_only=values["decision_makers"],
            include_inactive=values["inactive"], sort=values["sort"],
        )
        return selectors.contact_list(actor=self.actor, filters=filters, for_count=for_count)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return table_rows.contact_rows(rows)


contact_list = ContactList.as_view()


# --- Interactions --------------------------------------------------------------------------


class InteractionFilterForm(AccountScopedFilterForm):
    sort_keys = ("date",)
    default_sort = "-date"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Words of the subject")
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *InteractionKind.choices], widget=FastSelect)
    since = forms.DateField(label="From", required=False, widget=DateInput)
    until = forms.DateField(label="To", required=False, widget=DateInput, help_text="Inclusive")
    logged_by = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # home cards
    field_order = ["q", "kind", "since", "until", "per_page", "sort", "account"]


def _day_start(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


INTERACTION_EXPORT = [
    export.Column("Date", "occurred_at"),
    export.Column("Kind", lambda row: row.get_kind_display()),
    export.Column("Direction", lambda row: row.get_direction_display()),
    export.Column("Subject", "subject"),
    export.Column("Account", "account.name"),
    export.Column("Logged by", "logged_by.full_name"),
    export.Column("Duration (minutes)", "duration_minutes"),
    export.Column("Summary", "summary"),
    export.Column("Next steps", "next_steps"),
]


@lists.register
class InteractionList(AccountScopedList):
    key = "interactions"
    url_name = "clients:interaction_list"
    title, noun = "Interactions", "interactions"
    template = "clients/interaction_list.html"
    results_id = "interaction-results"
    filter_form = InteractionFilterForm
    columns = (
        Column("Date", sort="date", phone=True),
        Column("Kind", phone=True),
        Column("Subject", phone=True),
        Column("Account", phone=True),
        Column("Logged by"),
    )
    row_fields = table_rows.INTERACTION_ROW_FIELDS
    export_columns = INTERACTION_EXPORT
    export_name = "interactions"

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        until = values["until"]
        filters = selectors.InteractionFilters(
            account_id=self.account_id, kind=values["kind"], search=values["q"], since=_day_start(values["since"]),
            until=_day_start(until + dt.timedelta(days=1)) if until else None, sort=values["sort"],
            logged_by_id=values["logged_by"] or None,
        )
        return selectors.interaction_list(actor=self.actor, filters=filters, for_count=for_count)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return table_rows.interaction_rows(rows)


interaction_list = InteractionList.as_view()


# --- The inquiry queue ---------------------------------------------------------------------

ANY_STATUS = "any"
MINE = "me"
SLA_AT_RISK = "at_risk"


class InquiryFilterForm(AccountScopedFilterForm):
    sort_keys = ("sla_due", "received")
    default_sort = "sla_due"

    status = forms.ChoiceField(
        label="Status", required=False,
        choices=[("", "Awaiting a first response"), (InquiryStatus.RESPONDED, "Responded, not resolved"),
                 (InquiryStatus.RESOLVED, "Resolved"), (ANY_STATUS, "Any status")],
        widget=FastSelect,
    )
    priority = forms.ChoiceField(label="Priority", required=False, choices=[("", "Any priority"), *Priority.choices])
    assignee = forms.ChoiceField(label="Assignee", required=False, choices=[("", "Anyone"), (MINE, "Assigned to me")])
    sla = forms.ChoiceField(label="SLA", required=False, choices=[("", "Any"), (SLA_AT_RISK, "Near or past the SLA")])
    # Home cards: theirs to answer (assigned, or unassigned on their accounts), one team's accounts.
    owner = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["status", "priority", "assignee", "sla", "per_page", "sort", "account"]


def inquiry_filters(actor: Any, values: Mapping[str, Any], account: Account | None) -> selectors.InquiryFilters:
    status = values["status"]
    return selectors.InquiryFilters(
        account_id=account.pk if account else None,
        assignee_id=actor.pk if values["assignee"] == MINE else None,
        # The queue's default: inquiries still waiting for their first response.
        status="" if status == ANY_STATUS else (status or InquiryStatus.OPEN),
        priority=values["priority"],
        sla_at_risk=values["sla"] == SLA_AT_RISK, responsible_id=values["owner"] or None, team_id=values["team"] or None,
        sort=values["sort"],
    )


INQUIRY_EXPORT = [
    export.Column("Subject", "subject"),
    export.Column("Account", "account.name"),
    export.Column("Contact", lambda row: row.contact.full_name if row.contact else ""),
    export.Column("Channel", lambda row: row.get_channel_display()),
    export.Column("Priority", lambda row: row.get_priority_display()),
    export.Column("Status", lambda row: row.get_status_display()),
    export.Column("Assignee", "assignee.full_name"),
    export.Column("Received", "received_at"),
    export.Column("SLA (business hours)", "sla_hours"),
    export.Column("SLA due", "sla_due_at"),
    export.Column("SLA state", lambda row: sla_state(row).label),
    export.Column("First response", "first_response_at"),
    export.Column("Response (business hours)", "response_business_hours"),
    export.Column("Resolved", "resolved_at"),
]


@lists.register
class InquiryQueue(AccountScopedList):
    """Inquiries by SLA due time, most urgent first; by default those still waiting for
    a first response. Account managers see their team's accounts' inquiries, anyone
    else only the inquiries assigned to them (the inquiry policy)."""

    key = "inquiries"
    url_name = "clients:inquiry_queue"
    title, noun = "Inquiry queue", "inquiries"
    noun_one = "inquiry"
    template = "clients/inquiry_queue.html"
    results_id = "inquiry-results"
    filter_form = InquiryFilterForm
    columns = (
        Column("Subject", phone=True),
        Column("Account", phone=True),
        Column("Priority"),
        Column("Assignee"),
        Column("Received", sort="received"),
        Column("SLA due", sort="sla_due", phone=True),
        Column("First response (business hours)", align="end"),
    )
    row_fields = table_rows.INQUIRY_ROW_FIELDS
    export_columns = INQUIRY_EXPORT
    export_name = "inquiries"

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = inquiry_filters(self.actor, values, self.account)
        return selectors.inquiry_queue(actor=self.actor, filters=filters, for_count=for_count)

    def decorate(self, rows: Sequence[Mapping[str, Any]]) -> Sequence[Any]:
        return with_sla_rows(rows)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return table_rows.inquiry_rows(rows)


inquiry_queue = InquiryQueue.as_view()


def with_sla_rows(inquiries: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], Any]]:
    """Each inquiry row of the queue with its :class:`~tandem.clients.views.common.SlaState`."""
    now = timezone.now()
    return [
        (row, sla_state_of(row["first_response_at"], row["sla_due_at"], row["status"], now)) for row in inquiries
    ]
