"""What the endpoints of an account's records answer: contacts, interactions,
follow-ups, feedback and inquiries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import (
    BaseModel,
    Field,
)

from tandem.clients.models import (
    Contact,
    Feedback,
    FollowUp,
    Inquiry,
    Interaction,
)
from tandem.clients.schemas.refs import (
    AccountRef,
    ContactRef,
    UserRef,
    account_ref,
    contact_ref,
    decimal_text,
    user_ref,
)
from tandem.clients.schemas.values import (
    ChannelName,
    ChannelOrBlank,
    DecimalString,
    DirectionName,
    InquiryStatusName,
    InteractionKindName,
    PriorityName,
    SentimentName,
    SourceName,
)
from tandem.core.api import PageMeta


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
        "account": account_ref(contact.account),
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
        "account": account_ref(interaction.account),
        "kind": interaction.kind,
        "direction": interaction.direction,
        "occurred_at": interaction.occurred_at,
        "duration_minutes": interaction.duration_minutes,
        "subject": interaction.subject,
        "summary": interaction.summary,
        "next_steps": interaction.next_steps,
        "meeting_link": interaction.meeting_link,
        "logged_by": user_ref(interaction.logged_by, actor=actor),
        "contacts": [contact_ref(contact) for contact in contacts],
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
        "account": account_ref(follow_up.account),
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
        "account": account_ref(feedback.account),
        "contact": contact_ref(feedback.contact),
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
        "account": account_ref(inquiry.account),
        "contact": contact_ref(inquiry.contact),
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
        "response_business_hours": decimal_text(inquiry.response_business_hours),
        "response_calendar_hours": decimal_text(inquiry.response_calendar_hours),
        "resolved_at": inquiry.resolved_at,
        "resolution": inquiry.resolution,
        "version": inquiry.version,
        "created_at": inquiry.created_at,
        "updated_at": inquiry.updated_at,
    }
