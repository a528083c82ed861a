"""Helpers shared by the account pages: choices for the forms, the parts of the 360°
page that in-place edits refresh, and small presentation rules (cadence, SLA state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tandem.clients import rules, selectors
from tandem.clients.models import Account, Inquiry, InquiryStatus, ItemKind, ItemStatus, Lifecycle
from tandem.clients.services.rules import effective_check_in_days
from tandem.core.permissions import is_admin
from tandem.core.roles import Role
from tandem.people import selectors as people_selectors
from tandem.people.models import User

TIMELINE_LIMIT = 50
OPEN_INQUIRIES_SHOWN = 10
RECENT_FEEDBACK_SHOWN = 3
# The kinds the timeline filter offers; later apps' sources add theirs here (an entry of
# kind "<kind>_<event>" shows under "<kind>").
TIMELINE_KINDS: list[tuple[str, str]] = [
    ("interaction", "Interactions"),
    ("feedback", "Feedback"),
    ("inquiry", "Inquiries"),
    ("lifecycle", "Lifecycle changes"),
]


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def timeline_kind(request: HttpRequest) -> str:
    """The timeline filter of the request (GET, or POST from a form that includes it)."""
    kind = request.GET.get("show") or request.POST.get("show") or ""
    return kind if kind in dict(TIMELINE_KINDS) else ""


def profile_url(account: Account | int, anchor: str = "") -> str:
    """The account's Profile tab (needs, inquiries, feedback, contacts), at ``anchor``."""
    pk = account if isinstance(account, int) else account.pk
    return reverse("clients:account_profile", kwargs={"account_id": pk}) + (f"#{anchor}" if anchor else "")


# --- Choices for the forms -----------------------------------------------------------------


def owner_choices(actor: Any) -> QuerySet[User]:
    """The account managers ``actor`` may make owner: anyone for admins, otherwise
    themselves and the account managers of their team (the rule the service enforces)."""
    queryset = people_selectors.user_list(
        actor=actor, filters=people_selectors.UserFilters(role=Role.ACCOUNT_MANAGER, is_active=True)
    )
    if is_admin(actor):
        return queryset
    team_id = getattr(getattr(actor, "person", None), "team_id", None)
    if team_id is None:
        return queryset.filter(pk=actor.pk)
    return queryset.filter(person__team_id=team_id)


def active_users(actor: Any) -> QuerySet[User]:
    return people_selectors.user_list(actor=actor, filters=people_selectors.UserFilters(is_active=True))


def account_contacts(actor: Any, account: Account) -> QuerySet[Any]:
    return selectors.contact_list(actor=actor, filters=selectors.ContactFilters(account_id=account.pk))


# --- Presentation rules --------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    days: int
    days_since_contact: int | None
    due_at: dt.datetime | None
    overdue: bool


def cadence_for(account: Account, now: dt.datetime | None = None) -> Cadence:
    """The account's cadence facts; "overdue" is :func:`tandem.clients.rules.check_in_overdue`.
    An account read by :func:`tandem.clients.selectors.account_page_get` carries its
    tier's rule already (no query)."""
    now = now or timezone.now()
    since = (now - account.last_contact_at).days if account.last_contact_at else None
    due = account.check_in_due_at if account.lifecycle != Lifecycle.CHURNED else None
    by_tier: dict[str, int] | None = None
    if hasattr(account, "page_tier_check_in_days"):
        tier_days = account.page_tier_check_in_days
        by_tier = {account.tier: tier_days} if tier_days is not None else {}
    return Cadence(
        days=effective_check_in_days(account, by_tier),
        days_since_contact=since,
        due_at=due,
        overdue=rules.check_in_overdue(lifecycle=account.lifecycle, check_in_due_at=account.check_in_due_at, now=now),
    )


@dataclass(frozen=True)
class SlaState:
    code: str  # one of the codes of tandem.clients.rules: met, breached, at_risk, on_track, resolved
    label: str
    badge: str  # Bootstrap contextual colour: green on track or met, amber at risk, red breached


SLA_BADGES = {
    rules.MET: "success",
    rules.BREACHED: "danger",
    rules.AT_RISK: "warning",
    rules.ON_TRACK: "success",
    rules.RESOLVED: "secondary",
}


def sla_state(inquiry: Inquiry, now: dt.datetime | None = None) -> SlaState:
    """Where an inquiry stands against its first-response target."""
    return sla_state_of(inquiry.first_response_at, inquiry.sla_due_at, inquiry.status, now)


def sla_state_of(
    first_response_at: dt.datetime | None, sla_due_at: dt.datetime, status: str, now: dt.datetime | None = None
) -> SlaState:
    """:func:`sla_state` from the three fields it reads (list rows are not models):
    :func:`tandem.clients.rules.sla_state` with its label and badge colour."""
    code = rules.sla_state(
        first_response_at=first_response_at,
        sla_due_at=sla_due_at,
        resolved=status == InquiryStatus.RESOLVED,
        now=now or timezone.now(),
    )
    return SlaState(code, rules.SLA_LABELS[code], SLA_BADGES[code])


def with_sla(inquiries: list[Inquiry]) -> list[Inquiry]:
    """The inquiries, each with its :class:`SlaState` as ``.sla`` (one ``now`` for all)."""
    now = timezone.now()
    for inquiry in inquiries:
        inquiry.sla = sla_state(inquiry, now)  # type: ignore[attr-defined]
    return inquiries


# --- Parts of the account page -------------------------------------------------------------


def facts_context(account: Account) -> dict[str, Any]:
    """The header's facts: from the account's own annotations when it was read by
    :func:`tandem.clients.selectors.account_page_get` (no query), else counted."""
    if hasattr(account, "page_contact_count") and hasattr(account, "page_open_inquiry_count"):
        counts = {"contacts": account.page_contact_count, "open_inquiries": account.page_open_inquiry_count}
    else:
        counts = selectors.account_counts(account=account)
    return {"account": account, "cadence": cadence_for(account), "counts": counts}


def timeline_context(actor: Any, account: Account, kind: str = "") -> dict[str, Any]:
    entries = selectors.account_timeline(
        actor=actor, account=account, limit=TIMELINE_LIMIT, kinds={kind} if kind else None
    )
    return {"account": account, "timeline": entries, "timeline_kind": kind, "timeline_kinds": TIMELINE_KINDS}


def follow_ups_context(actor: Any, account: Account) -> dict[str, Any]:
    return {"account": account, "follow_ups": list(selectors.follow_up_list(actor=actor, filters=selectors.FollowUpFilters(account_id=account.pk)))}


def inquiries_context(actor: Any, account: Account) -> dict[str, Any]:
    queue = selectors.inquiry_queue(actor=actor, filters=selectors.InquiryFilters(account_id=account.pk, open_only=True))
    return {"account": account, "open_inquiries": with_sla(list(queue[:OPEN_INQUIRIES_SHOWN]))}


def feedback_context(actor: Any, account: Account) -> dict[str, Any]:
    return {
        "account": account,
        "feedback_summary": selectors.feedback_summary(actor=actor, account=account),
        "recent_feedback": list(selectors.feedback_list(actor=actor, account_id=account.pk)[:RECENT_FEEDBACK_SHOWN]),
    }


def items_context(account: Account) -> dict[str, Any]:
    items = list(selectors.account_items(account=account))
    return {"account": account, "item_groups": group_items(items), "item_statuses": ItemStatus.choices}


@dataclass(frozen=True)
class ItemGroup:
    kind: str
    label: str
    singular: str
    items: list[Any]


ITEM_GROUP_LABELS = {
    ItemKind.NEED: ("Business needs", "need"),
    ItemKind.GOAL: ("Goals", "goal"),
    ItemKind.CHALLENGE: ("Challenges", "challenge"),
}


def group_items(items: list[Any]) -> list[ItemGroup]:
    return [
        ItemGroup(kind, label, singular, [item for item in items if item.kind == kind])
        for kind, (label, singular) in ITEM_GROUP_LABELS.items()
    ]
