"""What the accounts endpoints answer: accounts, lifecycle changes, the timeline, and
needs / goals / challenges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import (
    BaseModel,
    Field,
)

from tandem.clients.models import (
    Account,
    AccountItem,
    AccountStatusChange,
)
from tandem.clients.schemas.refs import UserRef, decimal_text, user_ref
from tandem.clients.schemas.values import (
    ChannelOrBlank,
    DecimalString,
    ItemKindName,
    ItemStatusName,
    LifecycleName,
    PriorityName,
    SizeName,
    SourceName,
    TierName,
)
from tandem.clients.selectors import TimelineEntry
from tandem.core.api import PageMeta


class AccountOut(BaseModel):
    """A client account. ``last_contact_at`` and ``check_in_due_at`` are kept by the
    server from the interactions and the cadence; ``lifecycle`` changes through
    ``POST /accounts/{account_id}/lifecycle``."""

    id: int
    name: str
    industry: str
    size: SizeName
    employee_count: int | None
    annual_revenue: DecimalString | None
    tier: TierName
    website: str
    domain: str
    phone: str
    city: str
    country: str
    currency: str
    description: str
    owner: UserRef | None = Field(description="The account manager; null when none (or a disabled account hidden from you).")
    lifecycle: LifecycleName
    lifecycle_changed_at: dt.datetime | None
    customer_since: dt.date | None
    churned_on: dt.date | None
    preferred_channel: ChannelOrBlank
    meeting_rhythm: str
    time_zone: str
    language: str
    preference_notes: str
    check_in_days: int | None = Field(description="Override of the tier's check-in cadence, in days; null uses the tier's.")
    last_contact_at: dt.datetime | None
    check_in_due_at: dt.datetime | None
    source: SourceName
    external_id: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountPage(PageMeta):
    items: list[AccountOut]


def account_out(account: Account, *, actor: Any) -> dict[str, Any]:
    """The :class:`AccountOut` fields (no queries: ``account_list`` / ``account_get``
    load the owner)."""
    return {
        "id": account.pk,
        "name": account.name,
        "industry": account.industry,
        "size": account.size,
        "employee_count": account.employee_count,
        "annual_revenue": decimal_text(account.annual_revenue),
        "tier": account.tier,
        "website": account.website,
        "domain": account.domain,
        "phone": account.phone,
        "city": account.city,
        "country": account.country,
        "currency": account.currency,
        "description": account.description,
        "owner": user_ref(account.owner, actor=actor),
        "lifecycle": account.lifecycle,
        "lifecycle_changed_at": account.lifecycle_changed_at,
        "customer_since": account.customer_since,
        "churned_on": account.churned_on,
        "preferred_channel": account.preferred_channel,
        "meeting_rhythm": account.meeting_rhythm,
        "time_zone": account.time_zone,
        "language": account.language,
        "preference_notes": account.preference_notes,
        "check_in_days": account.check_in_days,
        "last_contact_at": account.last_contact_at,
        "check_in_due_at": account.check_in_due_at,
        "source": account.source,
        "external_id": account.external_id,
        "version": account.version,
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


class LifecycleChangeOut(BaseModel):
    """One lifecycle change, kept forever. ``from_status`` is null for the first entry
    (the account's creation)."""

    id: int
    from_status: LifecycleName | None
    to_status: LifecycleName
    changed_at: dt.datetime
    changed_by: UserRef | None
    reason: str


class LifecycleChangePage(PageMeta):
    items: list[LifecycleChangeOut]


def lifecycle_change_out(change: AccountStatusChange, *, actor: Any) -> dict[str, Any]:
    return {
        "id": change.pk,
        "from_status": change.from_status or None,
        "to_status": change.to_status,
        "changed_at": change.changed_at,
        "changed_by": user_ref(change.changed_by, actor=actor),
        "reason": change.reason,
    }


class TimelineEntryOut(BaseModel):
    """One entry of the account's history. ``kind`` names the record type
    (``interaction``, ``feedback``, ``inquiry``, ``lifecycle``; later apps add theirs)
    and ``object_id`` its id."""

    at: dt.datetime
    kind: str
    title: str
    detail: str
    icon: str
    object_id: int


class TimelineOut(BaseModel):
    items: list[TimelineEntryOut]


def timeline_entry_out(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "kind": entry.kind,
        "title": entry.title,
        "detail": entry.detail,
        "icon": entry.icon,
        "object_id": entry.obj.pk,
    }


class AccountItemOut(BaseModel):
    """A business need, goal or challenge of an account."""

    id: int
    account_id: int
    kind: ItemKindName
    title: str
    detail: str
    status: ItemStatusName
    priority: PriorityName
    target_date: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountItemPage(PageMeta):
    items: list[AccountItemOut]


def account_item_out(item: AccountItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "account_id": item.account_id,
        "kind": item.kind,
        "title": item.title,
        "detail": item.detail,
        "status": item.status,
        "priority": item.priority,
        "target_date": item.target_date,
        "version": item.version,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }
