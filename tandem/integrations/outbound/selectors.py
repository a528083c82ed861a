"""The lists of outbound delivery, scoped to the acting user (``scoped``) with their
related rows fetched in the same query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.core.permissions import get_visible, scoped
from tandem.integrations.models import ChatChannel, OutboundMessage, OutboundStatus, WebhookEndpoint

FAILURE_WINDOW = dt.timedelta(days=7)


def webhook_endpoint_list(*, actor: Any) -> QuerySet[WebhookEndpoint]:
    return scoped(actor, WebhookEndpoint).select_related("owner")


def webhook_endpoint_get(*, actor: Any, webhook_endpoint_id: int) -> WebhookEndpoint:
    return get_visible(actor, WebhookEndpoint.objects.select_related("owner"), webhook_endpoint_id)


def endpoint_message_list(*, actor: Any, endpoint: WebhookEndpoint) -> QuerySet[OutboundMessage]:
    """The endpoint's delivery log, newest first."""
    return scoped(actor, OutboundMessage).filter(endpoint=endpoint).order_by("-created_at", "-id")


def outbound_message_get(*, actor: Any, outbound_message_id: int) -> OutboundMessage:
    return get_visible(actor, OutboundMessage.objects.select_related("endpoint", "channel"), outbound_message_id)


def chat_channel_list(*, actor: Any) -> QuerySet[ChatChannel]:
    return scoped(actor, ChatChannel).select_related("project", "team", "created_by")


def chat_channel_get(*, actor: Any, chat_channel_id: int) -> ChatChannel:
    return get_visible(actor, ChatChannel.objects.select_related("project", "team"), chat_channel_id)


def failure_list(*, actor: Any, since: dt.datetime | None = None, for_count: bool = False) -> QuerySet[OutboundMessage]:
    """Failed and retrying messages (webhooks and chat), the newest first; with
    ``since``, only the failed ones created since then (the home card's count)."""
    queryset = scoped(actor, OutboundMessage)
    if since is not None:
        queryset = queryset.filter(status=OutboundStatus.FAILED, created_at__gte=since)
    else:
        queryset = queryset.filter(Q(status=OutboundStatus.FAILED) | Q(status=OutboundStatus.RETRYING))
    if for_count:
        return queryset.order_by()
    return queryset.select_related("endpoint", "channel").order_by("-created_at", "-id")


def failure_window_start(now: dt.datetime | None = None) -> dt.datetime:
    """Midnight-free: exactly seven days back from now."""
    return (now or timezone.now()) - FAILURE_WINDOW
