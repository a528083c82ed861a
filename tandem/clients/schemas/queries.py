"""Query parameters of the clients API's lists."""

from __future__ import annotations

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from tandem.clients.schemas.values import (
    AccountSort,
    ContactSort,
    InquiryStatusName,
    InteractionKindName,
    LifecycleName,
    Moment,
    PriorityName,
    ReferenceId,
    SentimentName,
    TierName,
    TimelineKind,
)
from tandem.core.api import MAX_ID, PageParams, text

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
