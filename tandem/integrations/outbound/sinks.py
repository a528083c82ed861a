"""The event sink: every event becomes one :class:`OutboundMessage` per subscribed
webhook endpoint and per subscribed chat channel of its project or teams.

Called by :func:`tandem.core.events.event_publish` inside the publishing transaction:
the rows are inserted with the change (one bulk insert) and their delivery is enqueued
with ``transaction.on_commit``, so a change that rolls back sends nothing.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.utils import timezone

from tandem.core.events import Event, event_sink, event_types
from tandem.integrations.models import ChatChannel, ChatKind, OutboundMessage, WebhookEndpoint
from tandem.integrations.outbound import payloads


def new_message_id() -> str:
    """A ``webhook-id``: unique per message, kept on every retry and replay."""
    return f"msg_{uuid.uuid4().hex}"


def subscribed(event_type_keys: list[str], event_type: str) -> bool:
    """An empty subscription means every public type."""
    if event_type_keys:
        return event_type in event_type_keys
    return event_type in {kind.key for kind in event_types()}


def messages_for(event: Event) -> list[OutboundMessage]:
    """The unsaved messages ``event`` makes: active endpoints subscribed to its type,
    then active channels of its project or one of its teams subscribed to it."""
    now = timezone.now()
    messages: list[OutboundMessage] = []
    endpoints = WebhookEndpoint.objects.filter(is_active=True).only("pk", "event_types")
    webhook_body = ""
    for endpoint in endpoints:
        if not subscribed(endpoint.event_types, event.type):
            continue
        webhook_body = webhook_body or payloads.webhook_body(event)
        messages.append(OutboundMessage(
            message_id=new_message_id(), endpoint_id=endpoint.pk, event_type=event.type, body=webhook_body,
            next_attempt_at=now,
        ))
    where = Q(project_id=event.project_id) if event.project_id else Q(pk__in=[])
    if event.team_ids:
        where |= Q(team_id__in=event.team_ids)
    bodies: dict[str, str] = {}
    for channel in ChatChannel.objects.filter(where, is_active=True).only("pk", "kind", "event_types"):
        if not subscribed(channel.event_types, event.type):
            continue
        if channel.kind not in bodies:
            render = payloads.slack_body if channel.kind == ChatKind.SLACK else payloads.teams_body
            bodies[channel.kind] = render(event)
        messages.append(OutboundMessage(
            message_id=new_message_id(), channel_id=channel.pk, event_type=event.type, body=bodies[channel.kind],
            next_attempt_at=now,
        ))
    return messages


@event_sink
def outbound_sink(event: Event) -> None:
    """Store the event's messages with the change; deliver them once it commits."""
    from tandem.integrations.outbound.tasks import enqueue_delivery

    messages = messages_for(event)
    if not messages:
        return
    OutboundMessage.objects.bulk_create(messages)
    ids = [message.pk for message in messages]
    if None in ids:  # a database that does not return the new keys from a bulk insert
        ids = list(OutboundMessage.objects.filter(
            message_id__in=[message.message_id for message in messages]).values_list("pk", flat=True))
    enqueue_delivery(ids)
