"""Reads of client data, scoped to the acting user (STYLE rule 2).

The list selectors take ``for_count``: the same rows with the permission filter in the
shape the database counts fastest (:meth:`tandem.core.permissions.Policy.count_scope`),
for the capped count of a list page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from tandem.clients import rules
from tandem.clients.models import (
    Account,
    AccountItem,
    AccountStatusChange,
    CadenceRule,
    Contact,
    Feedback,
    FollowUp,
    Inquiry,
    InquiryStatus,
    Interaction,
    Lifecycle,
    Priority,
    Sentiment,
    SlaRule,
    Tier,
)
from tandem.clients.policies import account_edit_q
from tandem.core import registry
from tandem.core.permissions import get_visible, is_admin, policy_for, scoped
from tandem.core.types import Actor


@dataclass(frozen=True)
class AccountFilters:
    search: str = ""
    owner_id: int | None = None
    tier: str = ""
    lifecycle: str = ""
    industry: str = ""
    overdue_only: bool = False
    sort: str = "name"
    team_id: int | None = None  # accounts whose owner belongs to the team


ACCOUNT_SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "tier": ("tier", "name", "id"),
    "-tier": ("-tier", "name", "id"),
    "last_contact": ("last_contact_at", "id"),
    "-last_contact": ("-last_contact_at", "-id"),
    "check_in_due": ("check_in_due_at", "id"),
    "-check_in_due": ("-check_in_due_at", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}


# The ``team`` filter of the account, inquiry and follow-up lists: the team of the
# account's owner, of the inquiry's account's owner, of the follow-up's owner.
ACCOUNT_TEAM = "owner__person__team_id"
INQUIRY_TEAM = "account__owner__person__team_id"
FOLLOW_UP_TEAM = "owner__person__team_id"


def account_list(*, actor: Any, filters: AccountFilters | None = None, for_count: bool = False) -> QuerySet[Account]:
    filters = filters or AccountFilters()
    queryset = scoped(actor, Account, for_count=for_count).select_related("owner")
    if filters.search:
        term = filters.search.strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(domain__icontains=term.lower()))
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.tier:
        queryset = queryset.filter(tier=filters.tier)
    if filters.lifecycle:
        queryset = queryset.filter(lifecycle=filters.lifecycle)
    if filters.industry:
        queryset = queryset.filter(industry__iexact=filters.industry)
    if filters.overdue_only:
        queryset = check_in_overdue(queryset)
    if filters.team_id is not None:
        queryset = queryset.filter(**{ACCOUNT_TEAM: filters.team_id})
    return queryset.order_by(*ACCOUNT_SORTS.get(filters.sort, ACCOUNT_SORTS["name"]))


def check_in_overdue(accounts: QuerySet[Account], *, now: dt.datetime | None = None) -> QuerySet[Account]:
    """``accounts`` past their check-in now (the account list's ``?overdue=on``)."""
    return accounts.filter(check_in_due_at__lt=now or timezone.now())


def account_get(*, actor: Any, account_id: Any) -> Account:
    return get_visible(actor, Account.objects.select_related("owner", "owner__person"), account_id)


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    """The number of ``queryset``'s rows as a correlated subquery (0 for none)."""
    return Coalesce(Subquery(queryset.order_by().values("account").annotate(n=Count("pk")).values("n")[:1]), 0)


def account_page_get(*, actor: Any, account_id: Any) -> Account:
    """:func:`account_get` for the account's record pages, with what every tab's header
    shows in the same query: ``page_contact_count`` (active contacts),
    ``page_open_inquiry_count`` and ``page_tier_check_in_days`` (its tier's
    ``CadenceRule``, ``None`` without one) — the figures of :func:`account_counts` and
    :func:`tandem.clients.services.rules.cadence_days_by_tier`, one query instead of three."""
    queryset = Account.objects.select_related("owner", "owner__person").annotate(
        page_contact_count=_count_of(Contact.objects.filter(account=OuterRef("pk"), is_active=True)),
        page_open_inquiry_count=_count_of(
            Inquiry.objects.filter(account=OuterRef("pk")).exclude(status=InquiryStatus.RESOLVED)
        ),
        page_tier_check_in_days=Subquery(CadenceRule.objects.filter(tier=OuterRef("tier")).values("check_in_days")[:1]),
    )
    return get_visible(actor, queryset, account_id)


def account_can_change(*, actor: Any, account: Account) -> bool:
    return policy_for(Account).can_change(actor, account)


def account_items(*, account: Account) -> QuerySet[AccountItem]:
    return AccountItem.objects.filter(account=account).order_by("kind", "status", "-id")


def account_status_history(*, account: Account) -> QuerySet[AccountStatusChange]:
    return AccountStatusChange.objects.filter(account=account).select_related("changed_by").order_by("changed_at", "id")


def account_move_targets(*, actor: Actor, search: str, exclude_id: int, limit: int = 20) -> list[Account]:
    """Accounts ``actor`` may move a contact to: those they may change, whose name or
    domain holds ``search``, by name; at most ``limit``."""
    queryset = scoped(actor, Account).exclude(pk=exclude_id)
    if not is_admin(actor):
        queryset = queryset.filter(account_edit_q(actor))
    term = search.strip()
    if term:
        queryset = queryset.filter(Q(name__icontains=term) | Q(domain__icontains=term.lower()))
    return list(queryset.select_related("owner").order_by("name", "id")[:limit])



def service_levels(*, actor: Actor) -> tuple[list[SlaRule], list[CadenceRule]]:
    """The SLA rules (tier by tier, most urgent priority first) and the cadence rules
    (by tier), in the order of the choices, not the alphabet. Two queries."""
    tiers, priorities = list(Tier.values), list(reversed(Priority.values))
    sla_rules = sorted(scoped(actor, SlaRule), key=lambda rule: (tiers.index(rule.tier), priorities.index(rule.priority)))
    cadence_rules = sorted(scoped(actor, CadenceRule), key=lambda rule: tiers.index(rule.tier))
    return sla_rules, cadence_rules


def sla_rule_get(*, actor: Actor, sla_rule_id: Any) -> SlaRule:
    return get_visible(actor, SlaRule.objects.all(), sla_rule_id)


def cadence_rule_get(*, actor: Actor, cadence_rule_id: Any) -> CadenceRule:
    return get_visible(actor, CadenceRule.objects.all(), cadence_rule_id)


@dataclass(frozen=True)
class ContactFilters:
    search: str = ""
    account_id: int | None = None
    decision_makers_only: bool = False
    include_inactive: bool = False
    sort: str = "name"


CONTACT_SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "email": ("email", "id"),
    "-email": ("-email", "-id"),
    "account": ("account__name", "last_name", "id"),
    "-account": ("-account__name", "last_name", "id"),
}


def contact_list(*, actor: Any, filters: ContactFilters | None = None, for_count: bool = False) -> QuerySet[Contact]:
    filters = filters or ContactFilters()
    queryset = scoped(actor, Contact, for_count=for_count).select_related("account")
    if filters.search:
        term = filters.search.strip()
        queryset = queryset.filter(
            Q(last_name__icontains=term) | Q(first_name__icontains=term) | Q(email__icontains=term)
        )
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.decision_makers_only:
        queryset = queryset.filter(is_decision_maker=True)
    if not filters.include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by(*CONTACT_SORTS.get(filters.sort, CONTACT_SORTS["name"]))


def contact_get(*, actor: Any, contact_id: Any) -> Contact:
    return get_visible(actor, Contact.objects.select_related("account"), contact_id)


@dataclass(frozen=True)
class InteractionFilters:
    account_id: int | None = None
    kind: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    search: str = ""
    contact_id: int | None = None
    inquiry_id: int | None = None
    logged_by_id: int | None = None
    sort: str = "-date"


# Orderings the interaction_time_idx index serves, in both directions.
INTERACTION_SORTS = {"date": ("occurred_at", "id"), "-date": ("-occurred_at", "-id")}


def interaction_list(*, actor: Any, filters: InteractionFilters | None = None, for_count: bool = False) -> QuerySet[Interaction]:
    filters = filters or InteractionFilters()
    queryset = scoped(actor, Interaction, for_count=for_count).select_related("account", "logged_by")
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.since is not None:
        queryset = queryset.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        queryset = queryset.filter(occurred_at__lt=filters.until)
    if filters.search:
        queryset = queryset.filter(subject__icontains=filters.search.strip())
    if filters.contact_id is not None:
        queryset = queryset.filter(contacts=filters.contact_id)
    if filters.inquiry_id is not None:
        queryset = queryset.filter(inquiry_id=filters.inquiry_id)
    if filters.logged_by_id is not None:
        queryset = queryset.filter(logged_by_id=filters.logged_by_id)
    return queryset.order_by(*INTERACTION_SORTS.get(filters.sort, INTERACTION_SORTS["-date"]))


def interaction_get(*, actor: Any, interaction_id: Any) -> Interaction:
    return get_visible(
        actor,
        Interaction.objects.select_related("account", "logged_by").prefetch_related("contacts", "users"),
        interaction_id,
    )


def feedback_list(*, actor: Any, account_id: int | None = None, sentiment: str = "") -> QuerySet[Feedback]:
    queryset = scoped(actor, Feedback).select_related("account", "contact")
    if account_id is not None:
        queryset = queryset.filter(account_id=account_id)
    if sentiment:
        queryset = queryset.filter(sentiment=sentiment)
    return queryset.order_by("-received_at", "-id")


def feedback_get(*, actor: Any, feedback_id: Any) -> Feedback:
    return get_visible(actor, Feedback.objects.select_related("account", "contact"), feedback_id)


def _sla_at_risk_q(now: dt.datetime, warn_within: dt.timedelta = rules.SLA_WARNING) -> Q:
    """Inquiries near or past their SLA (:func:`~tandem.clients.rules.needs_response`):
    no first response, not resolved and ``sla_due_at < at_risk_before(now)``. The one
    definition Needs attention, the queue's ``?sla=at_risk`` and the home cards share."""
    return Q(first_response_at__isnull=True, sla_due_at__lt=rules.at_risk_before(now, warn_within)) & ~Q(
        status=InquiryStatus.RESOLVED
    )


def near_sla(inquiries: QuerySet[Inquiry], *, now: dt.datetime | None = None) -> QuerySet[Inquiry]:
    """``inquiries`` near or past their SLA now (the queue's ``?sla=at_risk``)."""
    return inquiries.filter(_sla_at_risk_q(now or timezone.now()))


def _responsible_q(user_id: Any) -> Q:
    """Inquiries that are ``user_id``'s to answer: assigned to them, or unassigned on an
    account they own."""
    return Q(assignee_id=user_id) | Q(assignee__isnull=True, account__owner_id=user_id)


@dataclass(frozen=True)
class InquiryFilters:
    account_id: int | None = None
    assignee_id: int | None = None
    status: str = ""
    open_only: bool = False
    priority: str = ""
    sla_at_risk: bool = False  # near or past the SLA (:func:`_sla_at_risk_q`)
    responsible_id: int | None = None  # theirs to answer (:func:`_responsible_q`)
    team_id: int | None = None  # on accounts whose owner belongs to the team
    sort: str = "sla_due"


# ``sla_due`` is served by inquiry_queue_idx (status, sla_due_at) when a status is chosen
# and by inquiry_sla_due_idx otherwise; ``received`` by inquiry_received_idx.
INQUIRY_SORTS = {
    "sla_due": ("sla_due_at", "id"),
    "-sla_due": ("-sla_due_at", "-id"),
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
}


def inquiry_queue(*, actor: Any, filters: InquiryFilters | None = None, for_count: bool = False) -> QuerySet[Inquiry]:
    """Inquiries in the order ``filters.sort`` names (by default SLA due time, the most
    urgent first)."""
    filters = filters or InquiryFilters()
    queryset = scoped(actor, Inquiry, for_count=for_count).select_related("account", "assignee", "contact")
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.assignee_id is not None:
        queryset = queryset.filter(assignee_id=filters.assignee_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.open_only:
        queryset = queryset.exclude(status=InquiryStatus.RESOLVED)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    if filters.sla_at_risk:
        queryset = near_sla(queryset)
    if filters.responsible_id is not None:
        queryset = queryset.filter(_responsible_q(filters.responsible_id))
    if filters.team_id is not None:
        queryset = queryset.filter(**{INQUIRY_TEAM: filters.team_id})
    return queryset.order_by(*INQUIRY_SORTS.get(filters.sort, INQUIRY_SORTS["sla_due"]))


def inquiry_get(*, actor: Any, inquiry_id: Any) -> Inquiry:
    return get_visible(actor, Inquiry.objects.select_related("account", "assignee", "contact"), inquiry_id)


FOLLOW_UP_DUE = ("today", "overdue", "now")  # now: due today or earlier
FOLLOW_UP_STATES = ("open", "done", "any")


@dataclass(frozen=True)
class FollowUpFilters:
    owner_id: int | None = None
    team_id: int | None = None  # owned by a member of the team
    account_id: int | None = None
    due: str = ""  # one of FOLLOW_UP_DUE, or "" for any due date
    state: str = "open"  # one of FOLLOW_UP_STATES
    sort: str = "due"


FOLLOW_UP_SORTS = {"due": ("due_date", "id"), "-due": ("-due_date", "-id")}


def follow_up_list(*, actor: Any, filters: FollowUpFilters | None = None, for_count: bool = False) -> QuerySet[FollowUp]:
    """Follow-ups by due date (open ones by default). ``due`` compares with today in
    the organisation's time zone."""
    filters = filters or FollowUpFilters()
    queryset = scoped(actor, FollowUp, for_count=for_count).select_related("account", "owner")
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.team_id is not None:
        queryset = queryset.filter(**{FOLLOW_UP_TEAM: filters.team_id})
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.state == "open":
        queryset = queryset.filter(done_at__isnull=True)
    elif filters.state == "done":
        queryset = queryset.filter(done_at__isnull=False)
    if filters.due:
        today = timezone.localdate()
        lookup = {"today": "due_date", "overdue": "due_date__lt", "now": "due_date__lte"}[filters.due]
        queryset = queryset.filter(**{lookup: today})
    return queryset.order_by(*FOLLOW_UP_SORTS.get(filters.sort, FOLLOW_UP_SORTS["due"]))


# --- The account timeline -------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # "interaction", "feedback", "inquiry", later "opportunity", "contract", ...
    title: str
    detail: str
    obj: Any
    icon: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# Sources of the account timeline are registered with core, keyed by ``Account``
# (``registry.timeline_source(Account)``); later apps add theirs the same way.
account_timeline_source = registry.timeline_source(Account)


# Separators of the participants' names gathered in the interactions' own query (ASCII
# unit and record separators: never in a name).
_UNIT, _RECORD = "\x1f", "\x1e"


def _gathered(through: Any, *parts: Any) -> Subquery:
    """The rows of an interaction's participants (``through``: the many-to-many table),
    each ``parts`` joined by the unit separator, records joined by the record separator:
    one text column of the interaction's own row (StringAgg), no query of its own."""
    record = Concat(*[item for part in parts for item in (part, Value(_UNIT))][:-1], output_field=CharField())
    return Subquery(
        through.objects.filter(interaction_id=OuterRef("pk")).order_by().values("interaction_id")
        .annotate(gathered=StringAgg(record, Value(_RECORD))).values("gathered")[:1]
    )


def _records(gathered: str | None) -> list[list[str]]:
    return [record.split(_UNIT) for record in gathered.split(_RECORD)] if gathered else []


def _participant_names(row: Interaction) -> tuple[list[str], list[str]]:
    """The interaction's contacts and our people, each in its model's order (contacts by
    last name, first name, id; users by full name, id) as the page names them."""
    contacts = sorted(_records(row.gathered_contacts), key=lambda r: (r[0], r[1], int(r[2])))  # type: ignore[attr-defined]
    users = sorted(_records(row.gathered_users), key=lambda r: (r[0], int(r[2])))  # type: ignore[attr-defined]
    return [f"{first} {last}".strip() for last, first, _ in contacts], [name or email for name, email, _ in users]


@account_timeline_source
def _interactions(actor: Any, account: Account, limit: int) -> Iterable[TimelineEntry]:
    # Both sides of the conversation, the client's contacts and our own people, come in
    # the interactions' own query (two gathered columns), whatever the number of rows.
    rows = interaction_list(actor=actor, filters=InteractionFilters(account_id=account.pk)).annotate(
        gathered_contacts=_gathered(
            Interaction.contacts.through, F("contact__last_name"), F("contact__first_name"),
            Cast("contact_id", CharField()),
        ),
        gathered_users=_gathered(
            Interaction.users.through, F("user__full_name"), F("user__email"), Cast("user_id", CharField()),
        ),
    )[:limit]
    for row in rows:
        row.contact_names, row.user_names = _participant_names(row)  # type: ignore[attr-defined]
        yield TimelineEntry(row.occurred_at, "interaction", str(row), row.summary, row, icon=row.kind)


def _event_columns(
    kind: str, at: str, text: str, subject: str, code: str, code2: str, person: str, first: str, last: str
) -> dict[str, Any]:
    """The columns the client's feedback, inquiries and lifecycle changes share on the
    timeline, by position (one UNION ALL), each named ``t_…`` (no model field's name)."""
    empty = Value("", output_field=CharField())
    return {
        "t_kind": Value(kind, output_field=CharField()), "t_id": F("id"), "t_at": F(at), "t_text": F(text),
        "t_subject": F(subject) if subject else empty, "t_code": F(code), "t_code2": F(code2),
        "t_person": F(person), "t_first": F(first), "t_last": F(last),
    }


def _event_entry(account: Account, row: dict[str, Any]) -> TimelineEntry:
    """A timeline entry from a row of :func:`_client_events`, its ``obj`` the record
    built from the row (the fields the entry shows; no further query)."""
    kind, person = row["t_kind"], row["t_person"]
    if kind == "lifecycle":
        change = AccountStatusChange(
            id=row["t_id"], account=account, changed_at=row["t_at"], reason=row["t_text"],
            to_status=row["t_code"], from_status=row["t_code2"],
        )
        if person is not None:
            change.changed_by = get_user_model()(id=person, full_name=row["t_first"] or "", email=row["t_last"] or "")
        title = f"Became {change.get_to_status_display().lower()}"
        return TimelineEntry(change.changed_at, "lifecycle", title, change.reason, change, icon="lifecycle")
    contact = Contact(id=person, account=account, first_name=row["t_first"] or "", last_name=row["t_last"] or "") if person else None
    if kind == "feedback":
        feedback = Feedback(
            id=row["t_id"], account=account, contact=contact, received_at=row["t_at"], text=row["t_text"],
            sentiment=row["t_code"], channel=row["t_code2"],
        )
        title = f"{feedback.get_sentiment_display()} feedback"
        return TimelineEntry(feedback.received_at, "feedback", title, feedback.text, feedback, icon=feedback.sentiment)
    inquiry = Inquiry(
        id=row["t_id"], account=account, contact=contact, received_at=row["t_at"], body=row["t_text"],
        subject=row["t_subject"], status=row["t_code"], priority=row["t_code2"],
    )
    return TimelineEntry(inquiry.received_at, "inquiry", f"Inquiry: {inquiry.subject}", inquiry.body, inquiry, icon=inquiry.status)


@account_timeline_source
def _client_events(actor: Any, account: Account, limit: int) -> Iterable[TimelineEntry]:
    """The client's feedback and inquiries and the account's lifecycle changes, the
    newest ``limit`` of them together: one query (UNION ALL of the three scoped reads)."""
    feedback = feedback_list(actor=actor, account_id=account.pk).order_by().values(**_event_columns(
        "feedback", "received_at", "text", "", "sentiment", "channel", "contact_id", "contact__first_name",
        "contact__last_name"))
    inquiries = inquiry_queue(actor=actor, filters=InquiryFilters(account_id=account.pk)).order_by().values(**_event_columns(
        "inquiry", "received_at", "body", "subject", "status", "priority", "contact_id", "contact__first_name",
        "contact__last_name"))
    changes = account_status_history(account=account).order_by().values(**_event_columns(
        "lifecycle", "changed_at", "reason", "", "to_status", "from_status", "changed_by_id", "changed_by__full_name",
        "changed_by__email"))
    # The union's rows are the ``t_…`` columns (Any: the type checker knows only the first part's fields).
    combined: Any = feedback.union(inquiries, changes, all=True)
    for row in combined.order_by("-t_at", "-t_id")[:limit]:
        yield _event_entry(account, row)


def account_timeline(*, actor: Any, account: Account, limit: int = 50, kinds: set[str] | None = None) -> list[TimelineEntry]:
    """The newest ``limit`` entries over every source, newest first (one bounded query
    per source, whatever the account's history size)."""
    entries: list[TimelineEntry] = []
    for source in registry.timeline_sources(Account):
        entries.extend(source(actor, account, limit))
    if kinds:
        # A record's events share its kind's first word ("opportunity_closed" shows
        # under "opportunity").
        entries = [entry for entry in entries if entry.kind in kinds or entry.kind.partition("_")[0] in kinds]
    entries.sort(key=lambda entry: (entry.at, entry.obj.pk), reverse=True)
    return entries[:limit]


# --- Needs attention ---------------------------------------------------------------------


@dataclass(frozen=True)
class Attention:
    overdue_accounts: list[Account]
    due_follow_ups: list[FollowUp]
    inquiries_at_risk: list[Inquiry]

    @property
    def total(self) -> int:
        return len(self.overdue_accounts) + len(self.due_follow_ups) + len(self.inquiries_at_risk)


def _attention_filters(*, owner: Any, now: dt.datetime, warn_within: dt.timedelta) -> tuple[Q, Q, Q]:
    """The three Needs-attention rules of :mod:`tandem.clients.rules` as filters on
    accounts, follow-ups and inquiries (``owner`` ``None``: everyone's):

    * check-in overdue: ``check_in_due_at < now`` and not churned
      (:func:`~tandem.clients.rules.check_in_overdue`);
    * follow-up due: open and ``due_date <= today``
      (:func:`~tandem.clients.rules.follow_up_due`);
    * inquiry at risk or breached: no first response, not resolved and
      ``sla_due_at < at_risk_before(now)`` (:func:`~tandem.clients.rules.needs_response`);
      an owner's are those assigned to them or unassigned on an account they own.
    """
    accounts = Q(check_in_due_at__lt=now) & ~Q(lifecycle=Lifecycle.CHURNED)
    follow_ups = Q(done_at__isnull=True, due_date__lte=timezone.localdate(now))
    inquiries = _sla_at_risk_q(now, warn_within)
    if owner is not None:
        accounts &= Q(owner=owner)
        follow_ups &= Q(owner=owner)
        inquiries &= _responsible_q(owner.pk)
    return accounts, follow_ups, inquiries


def needs_attention(
    *, actor: Any, owner: Any = None, now: dt.datetime | None = None, warn_within: dt.timedelta = rules.SLA_WARNING,
    limit: int = 50,
) -> Attention:
    """Accounts past their check-in, follow-ups due today or earlier, and open
    inquiries past or within ``warn_within`` of their SLA due time, among what
    ``actor`` may see: ``owner``'s (the account owner, the follow-up owner, the
    inquiry's assignee), or everyone's when ``owner`` is ``None``. Three queries, the
    most overdue first, at most ``limit`` of each."""
    now = now or timezone.now()
    accounts_q, follow_ups_q, inquiries_q = _attention_filters(owner=owner, now=now, warn_within=warn_within)
    accounts = list(
        scoped(actor, Account).filter(accounts_q).select_related("owner").order_by("check_in_due_at", "id")[:limit]
    )
    follow_ups = list(
        scoped(actor, FollowUp).filter(follow_ups_q).select_related("account", "owner").order_by("due_date", "id")[:limit]
    )
    inquiries = list(
        scoped(actor, Inquiry).filter(inquiries_q)
        .select_related("account", "account__owner", "assignee").order_by("sla_due_at", "id")[:limit]
    )
    return Attention(accounts, follow_ups, inquiries)


def account_counts(*, account: Account) -> dict[str, int]:
    """Counts for the account page header (one query)."""
    row = Account.objects.filter(pk=account.pk).aggregate(
        contacts=Count("contacts", filter=Q(contacts__is_active=True), distinct=True),
        open_inquiries=Count("inquiries", filter=~Q(inquiries__status=InquiryStatus.RESOLVED), distinct=True),
    )
    return {key: value or 0 for key, value in row.items()}


# --- Single records the API names by id --------------------------------------------------


def account_item_get(*, actor: Any, account_item_id: Any) -> AccountItem:
    """One need / goal / challenge the actor may see (it follows its account)."""
    return get_visible(actor, AccountItem.objects.select_related("account", "account__owner__person"), account_item_id)


def follow_up_get(*, actor: Any, follow_up_id: Any) -> FollowUp:
    """One follow-up the actor may see (its account's people and its owner)."""
    return get_visible(actor, FollowUp.objects.select_related("account", "account__owner__person", "owner"), follow_up_id)


# --- Account page ------------------------------------------------------------------------


def feedback_summary(*, actor: Any, account: Account) -> dict[str, int]:
    """Feedback of one account counted by sentiment, plus ``total`` (one query)."""
    row = scoped(actor, Feedback).filter(account=account).aggregate(
        total=Count("id"),
        positive=Count("id", filter=Q(sentiment=Sentiment.POSITIVE)),
        neutral=Count("id", filter=Q(sentiment=Sentiment.NEUTRAL)),
        negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
    )
    return {key: value or 0 for key, value in row.items()}
