"""Shapes of the clients API: what goes in (validated, unknown and read-only fields
refused) and what comes out (plain dicts built from rows by the ``*_out`` functions, as
in ``tandem.people.schemas``: validating dicts is pydantic's fast path, QUALITY P7).

Mass assignment: every body refuses unknown fields (422 naming the field), and no body
has a field for what the server keeps itself: ``id``, ``version`` (an update sends the
version it *read*; the server checks it and bumps it), ``lifecycle`` on an update (it
moves only through ``POST /accounts/{account_id}/lifecycle``, which keeps its history),
``last_contact_at``, ``check_in_due_at``, ``sla_hours`` / ``sla_due_at``,
``first_response_at``, ``response_*_hours``, ``status`` / ``resolved_at`` of an inquiry
(the ``respond`` / ``resolve`` / ``reopen`` actions move them), ``source``,
``external_id``, ``logged_by``, ``recorded_by`` and the timestamps.

Times in bodies and queries must carry a time zone offset (``2026-03-01T09:30:00+01:00``
or ``…Z``) and lie between the years 1900 and 2999.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)

from tandem.clients.models import (
    Account,
    AccountItem,
    AccountStatusChange,
    Channel,
    CompanySize,
    Contact,
    Direction,
    Feedback,
    FollowUp,
    Inquiry,
    InquiryStatus,
    Interaction,
    InteractionKind,
    ItemKind,
    ItemStatus,
    Lifecycle,
    Priority,
    Sentiment,
    Source,
    Tier,
)
from tandem.clients.selectors import ACCOUNT_SORTS, CONTACT_SORTS, TimelineEntry
from tandem.core.api import (
    MAX_ID,
    YEAR_RANGE_PATTERN,
    PageMeta,
    PageParams,
    email_text,
    integral_floats,
    optional,
    text,
)
from tandem.core.permissions import sees_everything

# --- Value types -----------------------------------------------------------------------

TierName = Literal["strategic", "key", "standard", "long_tail"]
SizeName = Literal["", "micro", "small", "medium", "large", "enterprise"]
LifecycleName = Literal["prospect", "active", "churned"]
ChannelName = Literal["email", "phone", "video", "in_person", "chat", "portal"]
ChannelOrBlank = Literal["", "email", "phone", "video", "in_person", "chat", "portal"]
SourceName = Literal["manual", "salesforce", "hubspot", "demo"]
ItemKindName = Literal["need", "goal", "challenge"]
ItemStatusName = Literal["open", "in_progress", "met", "dropped"]
PriorityName = Literal["low", "normal", "high", "urgent"]
InteractionKindName = Literal["call", "email", "meeting", "video", "note", "qbr"]
DirectionName = Literal["inbound", "outbound", "internal"]
SentimentName = Literal["positive", "neutral", "negative"]
InquiryStatusName = Literal["open", "responded", "resolved"]
AccountSort = Literal[
    "name", "-name", "tier", "-tier", "last_contact", "-last_contact",
    "check_in_due", "-check_in_due", "created", "-created",
]
ContactSort = Literal["name", "-name", "email", "-email", "account", "-account"]

# The literals above are the API's copy of the model choices: keep them in step.
for _literal, _choices in (
    (TierName, Tier.values), (LifecycleName, Lifecycle.values), (ChannelName, Channel.values),
    (SourceName, Source.values), (ItemKindName, ItemKind.values), (ItemStatusName, ItemStatus.values),
    (PriorityName, Priority.values), (InteractionKindName, InteractionKind.values),
    (DirectionName, Direction.values), (SentimentName, Sentiment.values),
    (InquiryStatusName, InquiryStatus.values), (AccountSort, ACCOUNT_SORTS), (ContactSort, CONTACT_SORTS),
):
    assert set(_literal.__args__) == set(_choices), _literal  # type: ignore[attr-defined]
assert set(SizeName.__args__) == {"", *CompanySize.values}  # type: ignore[attr-defined]

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)


ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONEY_TEXT = re.compile(r"^\d{1,14}(\.\d{1,2})?$")


def _date_time_text(value: Any) -> Any:
    """Times are ISO 8601 text: pydantic would also read numbers (and numeric text) as
    Unix timestamps, which the schema does not promise."""
    if not isinstance(value, str) or not ISO_DATE_TIME.match(value):
        raise ValueError("Use an ISO 8601 date and time with its offset, e.g. 2026-03-01T09:30:00+01:00.")
    return value


def _date_text(value: Any) -> Any:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("Use an ISO 8601 date, e.g. 2026-03-01.")
    return value


def _money_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Use a number or a decimal string such as \"125000.50\".")
    if isinstance(value, str) and not MONEY_TEXT.match(value):
        raise ValueError("Use digits with at most two decimal places, such as \"125000.50\".")
    return value


def _in_range(value: dt.datetime) -> dt.datetime:
    if not EARLIEST <= value <= LATEST:
        raise ValueError("Must lie between the years 1900 and 2999.")
    return value.astimezone(dt.UTC)


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError("Must lie between the years 1900 and 2999.")
    return value


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_date_time_text),
    AfterValidator(_in_range),
    Strict(False),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": YEAR_RANGE_PATTERN,
                    "description": "A date and time with its offset (e.g. 2026-03-01T09:30:00+01:00), years 1900 to 2999."}),
]
Day = Annotated[dt.date, BeforeValidator(_date_text), AfterValidator(_date_in_range), Strict(False),
               WithJsonSchema({"type": "string", "format": "date", "pattern": YEAR_RANGE_PATTERN, "description": "A date, years 1900 to 2999."})]
ReferenceId = Annotated[int, Field(ge=1, le=MAX_ID)]
TimelineKind = Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]
# PositiveIntegerField: 0 … 2,147,483,647 on every database.
Count32 = Annotated[int, Field(ge=0, le=2_147_483_647)]
Money = Annotated[
    Decimal,
    BeforeValidator(_money_value),
    Strict(False),
    Field(ge=0, max_digits=16, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 99999999999999.99},
                {"type": "string", "pattern": r"^\d{1,14}(\.\d{1,2})?$"},
            ],
            "description": "An amount: a JSON number or a string such as \"125000.50\" (two decimal places at most).",
        }
    ),
]
DecimalString = Annotated[str, Field(pattern=r"^-?\d+\.\d+$", description="A decimal number as a string, e.g. \"8.00\".")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")]


def _text(max_length: int, *, required: bool = False, **extra: Any) -> Any:
    if required:
        return text(min_length=1, max_length=max_length, **extra)
    return text(default="", max_length=max_length, **extra)


def _patch_text(max_length: int, *, required: bool = False, **extra: Any) -> Any:
    return optional(pattern=r"^[^\x00]*$", min_length=1 if required else None, max_length=max_length, **extra)


# --- Out -------------------------------------------------------------------------------


class UserRef(BaseModel):
    id: int
    full_name: str


class AccountRef(BaseModel):
    id: int
    name: str


class ContactRef(BaseModel):
    id: int
    full_name: str


def user_ref(user: Any, *, actor: Any) -> dict[str, Any] | None:
    """``{id, full_name}``, or ``None`` for no user and for a disabled account the actor
    may not see (mirrors ``UserPolicy.scope`` on a loaded row, as ``team_out`` does)."""
    if user is None:
        return None
    if not user.is_active and user.pk != getattr(actor, "pk", None) and not sees_everything(actor):
        return None
    return {"id": user.pk, "full_name": user.full_name}


def _account_ref(account: Account) -> dict[str, Any]:
    return {"id": account.pk, "name": account.name}


def _contact_ref(contact: Contact | None) -> dict[str, Any] | None:
    return None if contact is None else {"id": contact.pk, "full_name": contact.full_name}


def _decimal(value: Decimal | None) -> str | None:
    """Two decimal places, as every decimal column here stores (``Decimal("8")`` from a
    rule default reads ``"8.00"`` as it would from the database)."""
    return None if value is None else f"{value:.2f}"


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
        "annual_revenue": _decimal(account.annual_revenue),
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


class ContactOut(BaseModel):
    id: int
    account: AccountRef
    first_name: str
    last_name: str
    full_name: str
    email: str
    phone: str
    mobile: str
    job_title: str
    department: str
    role: str
    preferred_channel: ChannelOrBlank
    is_primary: bool
    is_decision_maker: bool
    email_opt_out: bool = Field(description="Never send this contact e-mail.")
    do_not_call: bool
    is_active: bool
    source: SourceName
    external_id: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ContactPage(PageMeta):
    items: list[ContactOut]


def contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "account": _account_ref(contact.account),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "full_name": contact.full_name,
        "email": contact.email,
        "phone": contact.phone,
        "mobile": contact.mobile,
        "job_title": contact.job_title,
        "department": contact.department,
        "role": contact.role,
        "preferred_channel": contact.preferred_channel,
        "is_primary": contact.is_primary,
        "is_decision_maker": contact.is_decision_maker,
        "email_opt_out": contact.email_opt_out,
        "do_not_call": contact.do_not_call,
        "is_active": contact.is_active,
        "source": contact.source,
        "external_id": contact.external_id,
        "version": contact.version,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


class InteractionOut(BaseModel):
    """A call, e-mail, meeting, video call, note or QBR. ``inquiry_id`` names the client
    inquiry it answers; ``is_automatic`` marks an automatic reply (not a response)."""

    id: int
    account: AccountRef
    kind: InteractionKindName
    direction: DirectionName
    occurred_at: dt.datetime
    duration_minutes: int | None
    subject: str
    summary: str
    next_steps: str
    meeting_link: str
    logged_by: UserRef | None
    contacts: list[ContactRef]
    users: list[UserRef]
    inquiry_id: int | None
    is_automatic: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class InteractionPage(PageMeta):
    items: list[InteractionOut]


def interaction_out(interaction: Interaction, *, actor: Any) -> dict[str, Any]:
    """Needs ``contacts`` and ``users`` prefetched (one query each per page)."""
    contacts = sorted(interaction.contacts.all(), key=lambda c: (c.last_name, c.first_name, c.pk))
    users = sorted(interaction.users.all(), key=lambda u: (u.full_name, u.pk))
    return {
        "id": interaction.pk,
        "account": _account_ref(interaction.account),
        "kind": interaction.kind,
        "direction": interaction.direction,
        "occurred_at": interaction.occurred_at,
        "duration_minutes": interaction.duration_minutes,
        "subject": interaction.subject,
        "summary": interaction.summary,
        "next_steps": interaction.next_steps,
        "meeting_link": interaction.meeting_link,
        "logged_by": user_ref(interaction.logged_by, actor=actor),
        "contacts": [_contact_ref(contact) for contact in contacts],
        "users": [ref for ref in (user_ref(user, actor=actor) for user in users) if ref is not None],
        "inquiry_id": interaction.inquiry_id,
        "is_automatic": interaction.is_automatic,
        "version": interaction.version,
        "created_at": interaction.created_at,
        "updated_at": interaction.updated_at,
    }


class FollowUpOut(BaseModel):
    """A dated next step for its owner; ``done_at`` is set when it is completed."""

    id: int
    account: AccountRef
    interaction_id: int | None
    owner: UserRef | None
    due_date: dt.date
    description: str
    done_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class FollowUpPage(PageMeta):
    items: list[FollowUpOut]


def follow_up_out(follow_up: FollowUp, *, actor: Any) -> dict[str, Any]:
    return {
        "id": follow_up.pk,
        "account": _account_ref(follow_up.account),
        "interaction_id": follow_up.interaction_id,
        "owner": user_ref(follow_up.owner, actor=actor),
        "due_date": follow_up.due_date,
        "description": follow_up.description,
        "done_at": follow_up.done_at,
        "version": follow_up.version,
        "created_at": follow_up.created_at,
        "updated_at": follow_up.updated_at,
    }


class FeedbackOut(BaseModel):
    id: int
    account: AccountRef
    contact: ContactRef | None
    channel: ChannelName
    sentiment: SentimentName
    text: str
    received_at: dt.datetime
    recorded_by: UserRef | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class FeedbackPage(PageMeta):
    items: list[FeedbackOut]


def feedback_out(feedback: Feedback, *, actor: Any) -> dict[str, Any]:
    return {
        "id": feedback.pk,
        "account": _account_ref(feedback.account),
        "contact": _contact_ref(feedback.contact),
        "channel": feedback.channel,
        "sentiment": feedback.sentiment,
        "text": feedback.text,
        "received_at": feedback.received_at,
        "recorded_by": user_ref(feedback.recorded_by, actor=actor),
        "version": feedback.version,
        "created_at": feedback.created_at,
        "updated_at": feedback.updated_at,
    }


class InquiryOut(BaseModel):
    """A client request. ``sla_hours`` (business hours) and ``sla_due_at`` were fixed
    when it was received; the first response sets ``first_response_at`` and the
    response time in business and calendar hours."""

    id: int
    account: AccountRef
    contact: ContactRef | None
    channel: ChannelName
    subject: str
    body: str
    priority: PriorityName
    assignee: UserRef | None
    status: InquiryStatusName
    received_at: dt.datetime
    sla_hours: DecimalString
    sla_due_at: dt.datetime
    first_response_at: dt.datetime | None
    response_business_hours: DecimalString | None
    response_calendar_hours: DecimalString | None
    resolved_at: dt.datetime | None
    resolution: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class InquiryPage(PageMeta):
    items: list[InquiryOut]


def inquiry_out(inquiry: Inquiry, *, actor: Any) -> dict[str, Any]:
    return {
        "id": inquiry.pk,
        "account": _account_ref(inquiry.account),
        "contact": _contact_ref(inquiry.contact),
        "channel": inquiry.channel,
        "subject": inquiry.subject,
        "body": inquiry.body,
        "priority": inquiry.priority,
        "assignee": user_ref(inquiry.assignee, actor=actor),
        "status": inquiry.status,
        "received_at": inquiry.received_at,
        "sla_hours": f"{inquiry.sla_hours:.2f}",
        "sla_due_at": inquiry.sla_due_at,
        "first_response_at": inquiry.first_response_at,
        "response_business_hours": _decimal(inquiry.response_business_hours),
        "response_calendar_hours": _decimal(inquiry.response_calendar_hours),
        "resolved_at": inquiry.resolved_at,
        "resolution": inquiry.resolution,
        "version": inquiry.version,
        "created_at": inquiry.created_at,
        "updated_at": inquiry.updated_at,
    }


# --- In: queries -------------------------------------------------------------------------


class AccountListQuery(PageParams):
    search: str = text(default="", max_length=100, description="Part of the name or domain.")
    owner_id: ReferenceId | None = Field(default=None, description="Only accounts of this account manager.")
    tier: TierName | None = None
    lifecycle: LifecycleName | None = None
    industry: str = text(default="", max_length=100, description="Exact industry (any case).")
    overdue: bool = Field(default=False, description="Only accounts past their check-in due time.")
    sort: AccountSort = Field(default="name", description="Order; a leading '-' reverses it.")


class TimelineQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: list[TimelineKind] = Field(
        default_factory=list, max_length=20,
        description="Only these kinds of entry (repeat the parameter): interaction, feedback, inquiry, lifecycle, …",
    )
    limit: int = Field(default=50, ge=1, le=200, description="Newest entries to return, at most 200.")


class AccountItemListQuery(PageParams):
    kind: ItemKindName | None = Field(default=None, description="Only needs, goals or challenges.")


class ContactListQuery(PageParams):
    search: str = text(default="", max_length=100, description="Part of the name or e-mail.")
    account_id: ReferenceId | None = None
    decision_makers: bool = Field(default=False, description="Only decision makers.")
    include_inactive: bool = Field(default=False, description="Also contacts marked inactive.")
    sort: ContactSort = Field(default="name", description="Order; a leading '-' reverses it.")


class InteractionListQuery(PageParams):
    account_id: ReferenceId | None = None
    kind: InteractionKindName | None = None
    since: Moment | None = Field(default=None, description="Occurred at or after this time.")
    until: Moment | None = Field(default=None, description="Occurred before this time.")
    search: str = text(default="", max_length=100, description="Part of the subject.")


class FollowUpListQuery(PageParams):
    mine: bool = Field(default=True, description="Only follow-ups you own (false: all you may see).")
    open: bool = Field(default=True, description="Only follow-ups not yet done.")
    account_id: ReferenceId | None = None


class FeedbackListQuery(PageParams):
    account_id: ReferenceId | None = None
    sentiment: SentimentName | None = None


class InquiryListQuery(PageParams):
    status: InquiryStatusName | None = None
    open: bool = Field(default=False, description="Only inquiries not resolved (open or responded).")
    assignee_id: ReferenceId | None = None
    account_id: ReferenceId | None = None
    priority: PriorityName | None = None


class VersionQuery(BaseModel):
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you read; a stale one answers 409."
    )


# --- In: bodies --------------------------------------------------------------------------


class StrictIn(BaseModel):
    """Base of request bodies: unknown (or read-only) fields are refused, not ignored,
    and values must have the JSON type the schema states (``false`` is not the number
    0, ``"3"`` is not the integer 3)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _integral_floats(cls, data: Any) -> Any:  # 1.0 is an integer, as JSON Schema says
        return integral_floats(cls, data)


VERSION_FIELD = Field(ge=1, le=MAX_ID, description="The version you read; a stale one answers 409.")
OPTIONAL_VERSION = Field(
    default=None, ge=1, le=MAX_ID, description="The version you read; when sent, a stale one answers 409."
)


class AccountCreateIn(StrictIn):
    """A new account. Without ``owner_id`` an account manager owns what they create.
    ``lifecycle`` is the starting status (default ``prospect``)."""

    name: str = _text(200, required=True)
    industry: str = _text(100)
    size: SizeName = ""
    employee_count: Count32 | None = None
    annual_revenue: Money | None = None
    tier: TierName = "standard"
    website: str = _text(200, description="A full URL, e.g. https://example.com.")
    domain: str = _text(253, description="e.g. example.com; taken from the website when left empty.")
    phone: str = _text(50)
    city: str = _text(100)
    country: str = _text(100)
    currency: Currency = "EUR"
    description: str = _text(10_000)
    owner_id: ReferenceId | None = None
    lifecycle: LifecycleName = "prospect"
    preferred_channel: ChannelOrBlank = ""
    meeting_rhythm: str = _text(100)
    time_zone: str = _text(64)
    language: str = _text(35)
    preference_notes: str = _text(10_000)
    check_in_days: int | None = Field(default=None, ge=1, le=366)


class AccountUpdateIn(StrictIn):
    """Changes to an account: send ``version`` (as read) and only the fields to change."""

    version: int = VERSION_FIELD
    name: str = _patch_text(200, required=True)
    industry: str = _patch_text(100)
    size: SizeName = optional()
    employee_count: Count32 | None = optional()
    annual_revenue: Money | None = optional()
    tier: TierName = optional()
    website: str = _patch_text(200)
    domain: str = _patch_text(253)
    phone: str = _patch_text(50)
    city: str = _patch_text(100)
    country: str = _patch_text(100)
    currency: Currency = optional()
    description: str = _patch_text(10_000)
    owner_id: ReferenceId | None = optional(description="null leaves the account without an owner.")
    preferred_channel: ChannelOrBlank = optional()
    meeting_rhythm: str = _patch_text(100)
    time_zone: str = _patch_text(64)
    language: str = _patch_text(35)
    preference_notes: str = _patch_text(10_000)
    check_in_days: int | None = optional(ge=1, le=366, description="null goes back to the tier's cadence.")


class LifecycleIn(StrictIn):
    """Move the account to ``status``; the change is kept with its date and reason."""

    status: LifecycleName
    at: Moment | None = Field(default=None, description="When it happened (default: now); not before the previous change.")
    reason: str = _text(300)
    version: int | None = OPTIONAL_VERSION


class AccountItemCreateIn(StrictIn):
    kind: ItemKindName
    title: str = _text(200, required=True)
    detail: str = _text(10_000)
    status: ItemStatusName = "open"
    priority: PriorityName = "normal"
    target_date: Day | None = None


class AccountItemUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    kind: ItemKindName = optional()
    title: str = _patch_text(200, required=True)
    detail: str = _patch_text(10_000)
    status: ItemStatusName = optional()
    priority: PriorityName = optional()
    target_date: Day | None = optional()


class ContactCreateIn(StrictIn):
    """A new contact at ``account_id`` (an account you may change)."""

    account_id: ReferenceId
    first_name: str = _text(100)
    last_name: str = _text(100, required=True)
    email: str = email_text(blank=True, default="")
    phone: str = _text(50)
    mobile: str = _text(50)
    job_title: str = _text(150)
    department: str = _text(100)
    role: str = _text(100, description="Their part in the relationship, e.g. sponsor, buyer, user.")
    preferred_channel: ChannelOrBlank = ""
    is_primary: bool = Field(default=False, description="The account's one primary contact (others lose the flag).")
    is_decision_maker: bool = False
    email_opt_out: bool = False
    do_not_call: bool = False
    is_active: bool = True


class ContactUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    first_name: str = _patch_text(100)
    last_name: str = _patch_text(100, required=True)
    email: str = email_text(blank=True, default=None)
    phone: str = _patch_text(50)
    mobile: str = _patch_text(50)
    job_title: str = _patch_text(150)
    department: str = _patch_text(100)
    role: str = _patch_text(100)
    preferred_channel: ChannelOrBlank = optional()
    is_primary: bool = optional()
    is_decision_maker: bool = optional()
    email_opt_out: bool = optional()
    do_not_call: bool = optional()
    is_active: bool = optional()


MAX_PARTICIPANTS = 50
Participants = Annotated[list[ReferenceId], Field(max_length=MAX_PARTICIPANTS)]


class InteractionCreateIn(StrictIn):
    """Log an interaction. An outbound one with ``inquiry_id`` answers that inquiry
    (its first response); ``follow_up_due`` turns ``next_steps`` into a dated follow-up
    that you own."""

    account_id: ReferenceId
    kind: InteractionKindName
    direction: DirectionName = "outbound"
    occurred_at: Moment | None = Field(default=None, description="Default: now; at most a year ahead.")
    duration_minutes: Count32 | None = None
    subject: str = _text(200, required=True)
    summary: str = _text(20_000)
    next_steps: str = _text(5_000)
    meeting_link: str = _text(500, description="Meetings, video calls and QBRs only: a full URL.")
    contact_ids: Participants = Field(default_factory=list, description="Contacts of the same account who took part.")
    user_ids: Participants = Field(default_factory=list, description="Colleagues who took part.")
    inquiry_id: ReferenceId | None = Field(default=None, description="The inquiry of the same account this answers.")
    follow_up_due: Day | None = None


class InteractionUpdateIn(StrictIn):
    """Changes to an interaction; ``contact_ids`` / ``user_ids`` replace the lists."""

    version: int = VERSION_FIELD
    kind: InteractionKindName = optional()
    direction: DirectionName = optional()
    occurred_at: Moment = optional()
    duration_minutes: Count32 | None = optional()
    subject: str = _patch_text(200, required=True)
    summary: str = _patch_text(20_000)
    next_steps: str = _patch_text(5_000)
    meeting_link: str = _patch_text(500)
    contact_ids: Participants = optional()
    user_ids: Participants = optional()


class FeedbackCreateIn(StrictIn):
    account_id: ReferenceId
    contact_id: ReferenceId | None = Field(default=None, description="A contact of the same account.")
    channel: ChannelName = "email"
    sentiment: SentimentName
    text: str = _text(20_000, required=True)
    received_at: Moment | None = Field(default=None, description="Default: now.")


class FeedbackUpdateIn(StrictIn):
    """Changes to feedback; ``contact_id`` (a contact of the same account, ``null`` for
    nobody in particular) changes who said it."""

    version: int = VERSION_FIELD
    contact_id: ReferenceId | None = optional()
    channel: ChannelName = optional()
    sentiment: SentimentName = optional()
    text: str = _patch_text(20_000, required=True)
    received_at: Moment = optional()


class InquiryCreateIn(StrictIn):
    """A client request. Its SLA target and due time are fixed now from the account's
    tier and the priority; without ``assignee_id`` the account's owner is assigned."""

    account_id: ReferenceId
    contact_id: ReferenceId | None = Field(default=None, description="A contact of the same account.")
    channel: ChannelName = "email"
    subject: str = _text(200, required=True)
    body: str = _text(20_000)
    priority: PriorityName = "normal"
    assignee_id: ReferenceId | None = None
    received_at: Moment | None = Field(default=None, description="Default: now; not in the future.")


class InquiryUpdateIn(StrictIn):
    """Changes to an inquiry; a new priority before the first response re-dates the SLA."""

    version: int = VERSION_FIELD
    channel: ChannelName = optional()
    subject: str = _patch_text(200, required=True)
    body: str = _patch_text(20_000)
    priority: PriorityName = optional()


class InquiryRespondIn(StrictIn):
    """Log the answer to an inquiry as an outbound interaction on its account; the
    first one sets ``first_response_at``."""

    kind: Literal["call", "email", "meeting", "video"] = "email"
    occurred_at: Moment | None = Field(default=None, description="Default: now.")
    subject: str = _text(200, description="Default: 'Re: ' and the inquiry's subject.")
    summary: str = _text(20_000)
    contact_ids: Participants = Field(default_factory=list)


class InquiryAssignIn(StrictIn):
    assignee_id: ReferenceId | None = Field(description="null leaves it unassigned.")
    version: int | None = OPTIONAL_VERSION


class InquiryReopenIn(StrictIn):
    version: int | None = OPTIONAL_VERSION


class FollowUpActionIn(StrictIn):
    """Complete or reopen a follow-up."""

    version: int | None = OPTIONAL_VERSION


class InquiryResolveIn(StrictIn):
    resolution: str = _text(20_000, required=True)
    at: Moment | None = Field(default=None, description="Default: now; not before it was received.")
    version: int | None = OPTIONAL_VERSION
