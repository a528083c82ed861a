"""Integrations' records: import jobs, outbound webhooks and chat channels with their
messages, and calendar feeds."""

from tandem.integrations.models.feeds import CalendarFeed
from tandem.integrations.models.imports import ImportJob, ImportObject, ImportSource, ImportStatus
from tandem.integrations.models.outbound import (
    ChatChannel,
    ChatKind,
    OutboundAttempt,
    OutboundMessage,
    OutboundStatus,
    WebhookEndpoint,
)

__all__ = [
    "CalendarFeed", "ChatChannel", "ChatKind", "ImportJob", "ImportObject", "ImportSource", "ImportStatus",
    "OutboundAttempt", "OutboundMessage", "OutboundStatus", "WebhookEndpoint",
]
