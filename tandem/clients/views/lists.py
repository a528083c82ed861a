"""The list pages of account management: accounts, contacts, interactions, the inquiry
queue, and the "needs attention" page.

Every list reads through its selector (scoped to the user) with the filters of the query
string, pages with :func:`tandem.core.pagination.paginate` (capped count) and answers:

* a whole page, or with HTMX only the results block (filters, sort headers and page
  links use ``hx-get`` with ``hx-push-url``; without JavaScript they are plain GET
  forms and links);
* ``?format=csv`` / ``?format=xlsx``: the export of exactly the filtered rows, from the
  same queryset (:mod:`tandem.core.export`), so an export can never hold a row the page
  would not show.

Only orderings an index serves are offered (the ``*_SORTS`` tables below and
``tandem.clients.selectors.ACCOUNT_SORTS`` / ``CONTACT_SORTS``): a page costs the same
at a thousand rows and at a million. The query count of each page is constant whatever
the data size and page size (pinned in tests/clients/test_lists.py).

A page reads its rows as dictionaries of the shown columns and writes them with
:mod:`tandem.clients.views.rows`; its capped count reads the selector's ``for_count``
shape of the same rows (docs/clients.md, "List pages").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from tandem.clients import selectors
from tandem.clients.models import (
    Account,
    Inquiry,
    InquiryStatus,
    InteractionKind,
    Lifecycle,
    Priority,
    Tier,
)
from tandem.clients.views import rows as table_rows
from tandem.clients.views.common import owner_choices, sla_state, sla_state_of
from tandem.core import export
from tandem.core.errors import NotFoundError
from tandem.core.pagination import page_query, paginate
from tandem.core.permissions import get_visible, is_admin, policy_for, sees_everything
from tandem.core.roles import Role
from tandem.core.web import wants_partial
from tandem.core.widgets import FastInputRenderer
from tandem.people import selectors as people_selectors
from tandem.people.forms import DateInput, StyledForm

# --- Shared machinery ------------------------------------------------------------------


def per_page_choices() -> list[tuple[str, str]]:
    """Page sizes; the empty value is the default size (``TANDEM_PAGE_SIZE``)."""
    default = int(settings.TANDEM_PAGE_SIZE)
    sizes = sorted({10, 25, default, 100})
    return [("" if size == default else str(size), str(size)) for size in sizes]


def sort_choices(keys: Sequence[str]) -> list[tuple[str, str]]:
    return [(value, value) for key in keys for value in (key, f"-{key}")]


class ListFilterForm(StyledForm):
    """Filters of a list page (GET). An invalid value is ignored (no filter), never an
    error page: a bookmarked list keeps working."""

    sort_keys: Sequence[str] = ()
    default_sort = ""
    default_renderer = FastInputRenderer()  # inputs written without templates, same HTML

    per_page = forms.ChoiceField(label="Rows per page", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["per_page"].choices = per_page_choices()  # type: ignore[attr-defined]
        self.fields["sort"].choices = [("", ""), *sort_choices(self.sort_keys)]  # type: ignore[attr-defined]
        if "q" in self.fields:
            self.fields["q"].widget.input_type = "search"

    def values(self) -> dict[str, Any]:
        """Each valid value, or its field's empty value when invalid or absent."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name, _empty(field)) for name, field in self.fields.items()}
        values["sort"] = values["sort"] or self.default_sort
        return values

    def filter_names(self) -> list[str]:
        return [name for name in self.fields if name not in {"per_page", "sort"}]


def _empty(field: forms.Field) -> Any:
    if isinstance(field, forms.BooleanField):
        return False
    if isinstance(field, forms.TypedChoiceField):
        return field.empty_value
    if isinstance(field, forms.DateField):
        return None
    return ""


@dataclass(frozen=True)
class Header:
    """A column header: sortable ones carry the query of their link and ``aria-sort``."""

    label: str
    url_query: str = ""
    aria_sort: str | None = None

    @property
    def sortable(self) -> bool:
        return bool(self.url_query)


def headers(params: Mapping[str, Any], current: str, columns: Sequence[tuple[str, str | None]]) -> list[Header]:
    """Headers of ``columns`` (label, sort key or ``None``); clicking the sorted column
    reverses it."""
    result = []
    for label, key in columns:
        if key is None:
            result.append(Header(label))
            continue
        if current == key:
            next_sort, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            next_sort, aria = key, "descending"
        else:
            next_sort, aria = key, None
        result.append(Header(label, page_query(params, sort=next_sort, page=None), aria))
    return result


def query_params(query: QueryDict) -> dict[str, str]:
    return {key: query.get(key, "") for key in query if key not in {"page", "format"}}


@dataclass(frozen=True)
class ListPage:
    """What a list view hands to :func:`render_list`."""

    request: HttpRequest
    template: str
    results_id: str
    queryset: QuerySet[Any]
    form: ListFilterForm
    columns: Sequence[tuple[str, str | None]]
    export_columns: Sequence[export.Column]
    export_name: str
    render_rows: Callable[[Any], SafeString]
    # The columns the rows are written from: a page reads them as dictionaries
    # (``QuerySet.values``), only what it shows; an export reads the models.
    row_fields: Sequence[str]
    # The same rows for the capped count (the selector's ``for_count`` shape).
    count_queryset: QuerySet[Any] | None = None
    decorate: Callable[[Sequence[Any]], list[Any]] | None = None


def render_list(page_spec: ListPage, **context: Any) -> HttpResponseBase:
    request = page_spec.request
    values = page_spec.form.values()
    file_format = export.requested_format(request.GET)
    if file_format:
        return export.export_response(
            page_spec.queryset, page_spec.export_columns, name=page_spec.export_name, file_format=file_format
        )
    rows_queryset = page_spec.queryset.values(*page_spec.row_fields)
    page = paginate(
        rows_queryset, request.GET.get("page"), values["per_page"] or None, count_queryset=page_spec.count_queryset
    )
    params = query_params(request.GET)
    rows = page_spec.decorate(page.items) if page_spec.decorate else page.items
    full_context = {
        "filter_form": page_spec.form,
        "rows": rows,
        "rows_html": page_spec.render_rows(rows),
        "is_filtered": any(values[name] for name in page_spec.form.filter_names()),
        "headers": headers(params, values["sort"], page_spec.columns),
        "page": page,
        "previous_query": page_query(params, page=page.previous_number) if page.has_previous else "",
        "next_query": page_query(params, page=page.next_number) if page.has_next else "",
        "csv_query": page_query(params, page=None, format="csv"),
        "xlsx_query": page_query(params, page=None, format="xlsx"),
        "results_id": page_spec.results_id,
        **context,
    }
    template = page_spec.template
    if wants_partial(request):
        template += "#list-results"
    return render(request, template, full_context)


# --- Accounts ------------------------------------------------------------------------------

ACCOUNT_SORT_KEYS = ("name", "tier", "check_in_due")


class AccountFilterForm(ListFilterForm):
    sort_keys = ACCOUNT_SORT_KEYS
    default_sort = "name"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Name or web domain")
    owner = forms.TypedChoiceField(label="Account manager", required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label="Tier", required=False, choices=[("", "Any tier"), *Tier.choices])
    lifecycle = forms.ChoiceField(label="Lifecycle", required=False, choices=[("", "Any stage"), *Lifecycle.choices])
    industry = forms.CharField(label="Industry", required=False, max_length=100)
    overdue = forms.BooleanField(label="Check-in overdue", required=False)
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # owner's team (home cards)
    field_order = ["q", "owner", "tier", "lifecycle", "industry", "overdue", "per_page", "sort"]

    def __init__(self, *args: Any, owners: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *((str(user.pk), user.full_name or user.email) for user in owners),
        ]


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


ACCOUNT_COLUMNS: list[tuple[str, str | None]] = [
    ("Name", "name"),
    ("Tier", "tier"),
    ("Lifecycle", None),
    ("Account manager", None),
    ("Last contact", None),
    ("Next check-in", "check_in_due"),
]

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


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponseBase:
    actor = request.user
    owners = account_owner_options(actor)
    form = AccountFilterForm(request.GET or None, owners=owners)
    values = form.values()
    filters = selectors.AccountFilters(
        search=values["q"], owner_id=values["owner"], tier=values["tier"], lifecycle=values["lifecycle"],
        industry=values["industry"].strip(), overdue_only=values["overdue"], sort=values["sort"],
        team_id=values["team"] or None,
    )
    spec = ListPage(
        request, "clients/account_list.html", "account-results", selectors.account_list(actor=actor, filters=filters),
        form, ACCOUNT_COLUMNS, ACCOUNT_EXPORT, "accounts", table_rows.account_rows, table_rows.ACCOUNT_ROW_FIELDS,
        count_queryset=selectors.account_list(actor=actor, filters=filters, for_count=True), decorate=with_overdue,
    )
    return render_list(spec, can_create=policy_for(Account).can_create(actor))


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


# --- Contacts ------------------------------------------------------------------------------


class ContactFilterForm(ListFilterForm):
    sort_keys = ("name",)
    default_sort = "name"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Name or e-mail")
    account = forms.TypedChoiceField(label="Account", required=False, coerce=int, empty_value=None, widget=forms.HiddenInput)
    decision_makers = forms.BooleanField(label="Decision makers only", required=False)
    inactive = forms.BooleanField(label="Include inactive contacts", required=False)
    field_order = ["q", "decision_makers", "inactive", "per_page", "sort", "account"]

    def __init__(self, *args: Any, account: Account | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", ""), *([(str(account.pk), account.name)] if account else [])]  # type: ignore[attr-defined]


def account_from_query(actor: Any, value: str | None) -> Account | None:
    """The account named by ``?account=`` when the actor may see it (one query), else
    ``None``: a list is narrowed to one account from that account's page."""
    if not value or not value.isdigit():
        return None
    try:
        return get_visible(actor, Account.objects.only("id", "name"), int(value))
    except NotFoundError:  # an id the actor may not see is no filter
        return None


CONTACT_COLUMNS: list[tuple[str, str | None]] = [
    ("Name", "name"),
    ("E-mail", None),
    ("Job title", None),
    ("Account", None),
    ("Phone", None),
]

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


@login_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponseBase:
    actor = request.user
    account = account_from_query(actor, request.GET.get("account"))
    form = ContactFilterForm(request.GET or None, account=account)
    values = form.values()
    filters = selectors.ContactFilters(
        search=values["q"], account_id=account.pk if account else None,
        decision_makers_only=values["decision_makers"], include_inactive=values["inactive"], sort=values["sort"],
    )
    spec = ListPage(
        request, "clients/contact_list.html", "contact-results", selectors.contact_list(actor=actor, filters=filters),
        form, CONTACT_COLUMNS, CONTACT_EXPORT, f"contacts-{account.name}" if account else "contacts", table_rows.contact_rows,
        table_rows.CONTACT_ROW_FIELDS, count_queryset=selectors.contact_list(actor=actor, filters=filters, for_count=True),
    )
    return render_list(spec, account=account)


# --- Interactions --------------------------------------------------------------------------

# Orderings the interaction_time_idx index serves, in both directions.
INTERACTION_SORTS = {"date": ("occurred_at", "id"), "-date": ("-occurred_at", "-id")}


class InteractionFilterForm(ListFilterForm):
    sort_keys = ("date",)
    default_sort = "-date"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Words of the subject")
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *InteractionKind.choices])
    since = forms.DateField(label="From", required=False, widget=DateInput)
    until = forms.DateField(label="To", required=False, widget=DateInput, help_text="Inclusive")
    account = forms.TypedChoiceField(label="Account", required=False, coerce=int, empty_value=None, widget=forms.HiddenInput)
    logged_by = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # home cards
    field_order = ["q", "kind", "since", "until", "per_page", "sort", "account"]

    def __init__(self, *args: Any, account: Account | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", ""), *([(str(account.pk), account.name)] if account else [])]  # type: ignore[attr-defined]


def _day_start(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


INTERACTION_COLUMNS: list[tuple[str, str | None]] = [
    ("Date", "date"),
    ("Kind", None),
    ("Subject", None),
    ("Account", None),
    ("Logged by", None),
]

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


@login_required
@require_GET
def interaction_list(request: HttpRequest) -> HttpResponseBase:
    actor = request.user
    account = account_from_query(actor, request.GET.get("account"))
    form = InteractionFilterForm(request.GET or None, account=account)
    values = form.values()
    until = values["until"]
    filters = selectors.InteractionFilters(
        account_id=account.pk if account else None, kind=values["kind"], search=values["q"],
        since=_day_start(values["since"]), until=_day_start(until + dt.timedelta(days=1)) if until else None,
        logged_by_id=values["logged_by"] or None,
    )
    queryset = selectors.interaction_list(actor=actor, filters=filters).order_by(*INTERACTION_SORTS[values["sort"]])
    spec = ListPage(
        request, "clients/interaction_list.html", "interaction-results", queryset,
        form, INTERACTION_COLUMNS, INTERACTION_EXPORT, f"interactions-{account.name}" if account else "interactions",
        table_rows.interaction_rows, table_rows.INTERACTION_ROW_FIELDS,
        count_queryset=selectors.interaction_list(actor=actor, filters=filters, for_count=True),
    )
    return render_list(spec, account=account)


# --- The inquiry queue ---------------------------------------------------------------------

# ``sla_due`` is served by inquiry_queue_idx (status, sla_due_at) when a status is chosen
# and by inquiry_sla_due_idx otherwise; ``received`` by inquiry_received_idx.
INQUIRY_SORTS = {
    "sla_due": ("sla_due_at", "id"),
    "-sla_due": ("-sla_due_at", "-id"),
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
}
ANY_STATUS = "any"
MINE = "me"
SLA_AT_RISK = "at_risk"


class InquiryFilterForm(ListFilterForm):
    sort_keys = ("sla_due", "received")
    default_sort = "sla_due"

    status = forms.ChoiceField(
        label="Status", required=False,
        choices=[("", "Awaiting a first response"), (InquiryStatus.RESPONDED, "Responded, not resolved"),
                 (InquiryStatus.RESOLVED, "Resolved"), (ANY_STATUS, "Any status")],
    )
    priority = forms.ChoiceField(label="Priority", required=False, choices=[("", "Any priority"), *Priority.choices])
    assignee = forms.ChoiceField(label="Assignee", required=False, choices=[("", "Anyone"), (MINE, "Assigned to me")])
    sla = forms.ChoiceField(label="SLA", required=False, choices=[("", "Any"), (SLA_AT_RISK, "Near or past the SLA")])
    account = forms.TypedChoiceField(label="Account", required=False, coerce=int, empty_value=None, widget=forms.HiddenInput)
    # Home cards: theirs to answer (assigned, or unassigned on their accounts), one team's accounts.
    owner = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["status", "priority", "assignee", "sla", "per_page", "sort", "account"]

    def __init__(self, *args: Any, account: Account | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", ""), *([(str(account.pk), account.name)] if account else [])]  # type: ignore[attr-defined]


def inquiry_filters(actor: Any, values: Mapping[str, Any], account: Account | None) -> selectors.InquiryFilters:
    status = values["status"]
    return selectors.InquiryFilters(
        account_id=account.pk if account else None,
        assignee_id=actor.pk if values["assignee"] == MINE else None,
        # The queue's default: inquiries still waiting for their first response.
        status="" if status == ANY_STATUS else (status or InquiryStatus.OPEN),
        priority=values["priority"],
        sla_at_risk=values["sla"] == SLA_AT_RISK, responsible_id=values["owner"] or None, team_id=values["team"] or None,
    )


INQUIRY_COLUMNS: list[tuple[str, str | None]] = [
    ("Subject", None),
    ("Account", None),
    ("Priority", None),
    ("Assignee", None),
    ("Received", "received"),
    ("SLA due", "sla_due"),
    ("First response (business hours)", None),
]

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


@login_required
@require_GET
def inquiry_queue(request: HttpRequest) -> HttpResponseBase:
    """Inquiries by SLA due time, most urgent first; by default those still waiting for
    a first response. Account managers see their team's accounts' inquiries, anyone
    else only the inquiries assigned to them (the inquiry policy)."""
    actor = request.user
    account = account_from_query(actor, request.GET.get("account"))
    form = InquiryFilterForm(request.GET or None, account=account)
    values = form.values()
    queryset = selectors.inquiry_queue(actor=actor, filters=inquiry_filters(actor, values, account)).order_by(
        *INQUIRY_SORTS[values["sort"]]
    )
    spec = ListPage(
        request, "clients/inquiry_queue.html", "inquiry-results", queryset,
        form, INQUIRY_COLUMNS, INQUIRY_EXPORT, f"inquiries-{account.name}" if account else "inquiries",
        table_rows.inquiry_rows, table_rows.INQUIRY_ROW_FIELDS,
        count_queryset=selectors.inquiry_queue(actor=actor, filters=inquiry_filters(actor, values, account), for_count=True),
        decorate=with_sla_rows,
    )
    return render_list(spec, account=account)


def with_sla_rows(inquiries: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], Any]]:
    """Each inquiry row of the queue with its :class:`~tandem.clients.views.common.SlaState`."""
    now = timezone.now()
    return [
        (row, sla_state_of(row["first_response_at"], row["sla_due_at"], row["status"], now)) for row in inquiries
    ]


def with_sla(inquiries: Sequence[Inquiry]) -> list[tuple[Inquiry, Any]]:
    now = timezone.now()
    return [(inquiry, sla_state(inquiry, now)) for inquiry in inquiries]


# --- Needs attention ---------------------------------------------------------------------


def may_pick_manager(actor: Any) -> bool:
    return sees_everything(actor)


@login_required
@require_GET
def attention(request: HttpRequest) -> HttpResponse:
    """The actor's overdue check-ins, due follow-ups and inquiries near or past their
    SLA. Executives and administrators may look at any account manager's list."""
    actor = request.user
    managers: list[Any] = []
    manager = actor
    if may_pick_manager(actor):
        managers = account_owner_options(actor)
        wanted = request.GET.get("manager", "")
        manager = next((user for user in managers if str(user.pk) == wanted), actor)
    result = selectors.needs_attention(actor=actor, owner=manager)
    context = {
        "attention": result,
        "managers": managers,
        "manager": manager,
        "is_self": manager.pk == actor.pk,
        # Follow-ups are the owner's to close (administrators may close anyone's).
        "can_mark_done": manager.pk == actor.pk or is_admin(actor),
        "inquiries": with_sla(result.inquiries_at_risk),
        "today": timezone.localdate(),
    }
    return render(request, "clients/attention.html", context)

