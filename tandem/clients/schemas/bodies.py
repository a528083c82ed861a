"""Bodies of the clients API's writes: each refuses unknown fields and has no field for
what the server keeps itself (see the package docstring)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from tandem.clients.schemas.values import (
    ChannelName,
    ChannelOrBlank,
    Count32,
    Currency,
    Day,
    DirectionName,
    InteractionKindName,
    ItemKindName,
    ItemStatusName,
    LifecycleName,
    Moment,
    Money,
    PriorityName,
    ReferenceId,
    SentimentName,
    SizeName,
    TierName,
    body_text,
    patch_text,
)
from tandem.core.api import MAX_ID, email_text, integral_floats, optional

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

    name: str = body_text(200, required=True)
    industry: str = body_text(100)
    size: SizeName = ""
    employee_count: Count32 | None = None
    annual_revenue: Money | None = None
    tier: TierName = "standard"
    website: str = body_text(200, description="A full URL, e.g. https://example.com.")
    domain: str = body_text(253, description="e.g. example.com; taken from the website when left empty.")
    phone: str = body_text(50)
    city: str = body_text(100)
    country: str = body_text(100)
    currency: Currency = "EUR"
    description: str = body_text(10_000)
    owner_id: ReferenceId | None = None
    lifecycle: LifecycleName = "prospect"
    preferred_channel: ChannelOrBlank = ""
    meeting_rhythm: str = body_text(100)
    time_zone: str = body_text(64)
    language: str = body_text(35)
    preference_notes: str = body_text(10_000)
    check_in_days: int | None = Field(default=None, ge=1, le=366)


class AccountUpdateIn(StrictIn):
    """Changes to an account: send ``version`` (as read) and only the fields to change."""

    version: int = VERSION_FIELD
    name: str = patch_text(200, required=True)
    industry: str = patch_text(100)
    size: SizeName = optional()
    employee_count: Count32 | None = optional()
    annual_revenue: Money | None = optional()
    tier: TierName = optional()
    website: str = patch_text(200)
    domain: str = patch_text(253)
    phone: str = patch_text(50)
    city: str = patch_text(100)
    country: str = patch_text(100)
    currency: Currency = optional()
    description: str = patch_text(10_000)
    owner_id: ReferenceId | None = optional(description="null leaves the account without an owner.")
    preferred_channel: ChannelOrBlank = optional()
    meeting_rhythm: str = patch_text(100)
    time_zone: str = patch_text(64)
    language: str = patch_text(35)
    preference_notes: str = patch_text(10_000)
    check_in_days: int | None = optional(ge=1, le=366, description="null goes back to the tier's cadence.")


class LifecycleIn(StrictIn):
    """Move the account to ``status``; the change is kept with its date and reason."""

    status: LifecycleName
    at: Moment | None = Field(default=None, description="When it happened (default: now); not before the previous change.")
    reason: str = body_text(300)
    version: int | None = OPTIONAL_VERSION


class AccountItemCreateIn(StrictIn):
    kind: ItemKindName
    title: str = body_text(200, required=True)
    detail: str = body_text(10_000)
    status: ItemStatusName = "open"
    priority: PriorityName = "normal"
    target_date: Day | None = None


class AccountItemUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    kind: ItemKindName = optional()
    title: str = patch_text(200, required=True)
    detail: str = patch_text(10_000)
    status: ItemStatusName = optional()
    priority: PriorityName = optional()
    target_date: Day | None = optional()


class ContactCreateIn(StrictIn):
    """A new contact at ``account_id`` (an account you may change)."""

    account_id: ReferenceId
    first_name: str = body_text(100)
    last_name: str = body_text(100, required=True)
    email: str = email_text(blank=True, default="")
    phone: str = body_text(50)
    mobile: str = body_text(50)
    job_title: str = body_text(150)
    department: str = body_text(100)
    role: str = body_text(100, description="Their part in the relationship, e.g. sponsor, buyer, user.")
    preferred_channel: ChannelOrBlank = ""
    is_primary: bool = Field(default=False, description="The account's one primary contact (others lose the flag).")
    is_decision_maker: bool = False
    email_opt_out: bool = False
    do_not_call: bool = False
    is_active: bool = True


class ContactUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    first_name: str = patch_text(100)
    last_name: str = patch_text(100, required=True)
    email: str = email_text(blank=True, default=None)
    phone: str = patch_text(50)
    mobile: str = patch_text(50)
    job_title: str = patch_text(150)
    department: str = patch_text(100)
    role: str = patch_text(100)
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
    subject: str = body_text(200, required=True)
    summary: str = body_text(20_000)
    next_steps: str = body_text(5_000)
    meeting_link: str = body_text(500, description="Meetings, video calls and QBRs only: a full URL.")
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
    subject: str = patch_text(200, required=True)
    summary: str = patch_text(20_000)
    next_steps: str = patch_text(5_000)
    meeting_link: str = patch_text(500)
    contact_ids: Participants = optional()
    user_ids: Participants = optional()


class FeedbackCreateIn(StrictIn):
    account_id: ReferenceId
    contact_id: ReferenceId | None = Field(default=None, description="A contact of the same account.")
    channel: ChannelName = "email"
    sentiment: SentimentName
    text: str = body_text(20_000, required=True)
    received_at: Moment | None = Field(default=None, description="Default: now.")


class FeedbackUpdateIn(StrictIn):
    """Changes to feedback; ``contact_id`` (a contact of the same account, ``null`` for
    nobody in particular) changes who said it."""

    version: int = VERSION_FIELD
    contact_id: ReferenceId | None = optional()
    channel: ChannelName = optional()
    sentiment: SentimentName = optional()
    text: str = patch_text(20_000, required=True)
    received_at: Moment = optional()


class InquiryCreateIn(StrictIn):
    """A client request. Its SLA target and due time are fixed now from the account's
    tier and the priority; without ``assignee_id`` the account's owner is assigned."""

    account_id: ReferenceId
    contact_id: ReferenceId | None = Field(default=None, description="A contact of the same account.")
    channel: ChannelName = "email"
    subject: str = body_text(200, required=True)
    body: str = body_text(20_000)
    priority: PriorityName = "normal"
    assignee_id: ReferenceId | None = None
    received_at: Moment | None = Field(default=None, description="Default: now; not in the future.")


class InquiryUpdateIn(StrictIn):
    """Changes to an inquiry; a new priority before the first response re-dates the SLA."""

    version: int = VERSION_FIELD
    channel: ChannelName = optional()
    subject: str = patch_text(200, required=True)
    body: str = patch_text(20_000)
    priority: PriorityName = optional()


class InquiryRespondIn(StrictIn):
    """Log the answer to an inquiry as an outbound interaction on its account; the
    first one sets ``first_response_at``."""

    kind: Literal["call", "email", "meeting", "video"] = "email"
    occurred_at: Moment | None = Field(default=None, description="Default: now.")
    subject: str = body_text(200, description="Default: 'Re: ' and the inquiry's subject.")
    summary: str = body_text(20_000)
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
    resolution: str = body_text(20_000, required=True)
    at: Moment | None = Field(default=None, description="Default: now; not before it was received.")
    version: int | None = OPTIONAL_VERSION
