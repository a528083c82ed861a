"""The outbound API (mounted under ``/api/v1/`` by ``config/api.py``): webhook
endpoints (the secret only in the answers of create and rotate), their delivery log,
replay, the event types, and chat channels. Thin: parse, fetch what the caller may see
(404 otherwise), call one service of :mod:`tandem.integrations.outbound.services`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from pydantic import BaseModel, Field

from tandem.clients.schemas.bodies import StrictIn
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageMeta,
    PageParams,
    current_user,
    error_responses,
    paginate,
    resolve_reference,
)
from tandem.core.events import event_types
from tandem.core.permissions import get_visible
from tandem.delivery.models import Project
from tandem.delivery.schemas import VersionQuery
from tandem.integrations.models import (
    ChatChannel,
    OutboundAttempt,
    OutboundMessage,
    WebhookEndpoint,
)
from tandem.integrations.outbound import selectors, services
from tandem.people.models import Team

router = Router(tags=["webhooks"])
ID = Path(..., ge=1, le=MAX_ID)
URL_FIELD = Field(min_length=1, max_length=500, description="http(s) address of the receiver.")
EVENTS_FIELD: list[str] = Field(default_factory=list, max_length=100,
                     description="Event type keys (GET /event-types); empty means every event.")


class EventTypeOut(BaseModel):
    key: str
    label: str
    description: str


class EventTypeList(BaseModel):
    items: list[EventTypeOut]


class WebhookEndpointOut(BaseModel):
    id: int
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    disabled_at: dt.datetime | None
    disabled_reason: str
    consecutive_failures: int
    secret_rotating_until: dt.datetime | None = Field(description="While set, the previous secret signs too.")
    version: int


class WebhookEndpointWithSecretOut(WebhookEndpointOut):
    secret: str = Field(description="whsec_…: shown only here, in the answers of create and rotate.")


class WebhookEndpointPage(PageMeta):
    items: list[WebhookEndpointOut]


class WebhookEndpointCreateIn(StrictIn):
    url: str = URL_FIELD
    description: str = Field(default="", max_length=200)
    event_types: list[str] = EVENTS_FIELD


class WebhookEndpointUpdateIn(StrictIn):
    """Send ``version`` and the fields to change; ``is_active: true`` enables a
    disabled endpoint again (its failure count starts over)."""

    version: int = Field(ge=1, le=MAX_ID)
    url: str = Field(default="", min_length=1, max_length=500, description="http(s) address of the receiver.")
    description: str = Field(default="", max_length=200)
    event_types: list[str] = EVENTS_FIELD
    is_active: bool = True


class AttemptOut(BaseModel):
    number: int
    at: dt.datetime
    status_code: int | None
    response_excerpt: str
    error: str
    duration_ms: int
    retry_after_seconds: int | None


class OutboundMessageOut(BaseModel):
    id: int
    webhook_id: str = Field(description="The webhook-id header: the same on every retry and replay.")
    event_type: str
    status: Literal["pending", "retrying", "delivered", "failed"]
    attempts: int
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    body: str
    attempt_log: list[AttemptOut]


class OutboundMessagePage(PageMeta):
    items: list[OutboundMessageOut]


class ChatChannelOut(BaseModel):
    id: int
    kind: Literal["slack", "teams"]
    name: str
    project_id: int | None
    team_id: int | None
    event_types: list[str]
    is_active: bool
    disabled_at: dt.datetime | None
    disabled_reason: str
    consecutive_failures: int
    version: int


class ChatChannelPage(PageMeta):
    items: list[ChatChannelOut]


class ChatChannelCreateIn(StrictIn):
    """A channel for one project (``project_id``, you manage it) or one team
    (``team_id``, you lead it)."""

    kind: Literal["slack", "teams"]
    name: str = Field(min_length=1, max_length=120)
    url: str = URL_FIELD
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    event_types: list[str] = EVENTS_FIELD


class ChatChannelUpdateIn(StrictIn):
    version: int = Field(ge=1, le=MAX_ID)
    kind: Literal["slack", "teams"] = "slack"
    name: str = Field(default="", min_length=1, max_length=120)
    url: str = Field(default="", min_length=1, max_length=500, description="The incoming webhook URL.")
    event_types: list[str] = EVENTS_FIELD
    is_active: bool = True


def endpoint_out(endpoint: WebhookEndpoint, *, secret: str | None = None) -> dict[str, Any]:
    out = {
        "id": endpoint.pk, "url": endpoint.url, "description": endpoint.description,
        "event_types": endpoint.event_types, "is_active": endpoint.is_active, "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason, "consecutive_failures": endpoint.consecutive_failures,
        "secret_rotating_until": endpoint.previous_secret_expires_at if endpoint.previous_secret else None,
        "version": endpoint.version,
    }
    if secret is not None:
        out["secret"] = secret
    return out


def message_out(message: OutboundMessage) -> dict[str, Any]:
    return {
        "id": message.pk, "webhook_id": message.message_id, "event_type": message.event_type,
        "status": message.status, "attempts": message.attempts, "next_attempt_at": message.next_attempt_at,
        "delivered_at": message.delivered_at, "last_status_code": message.last_status_code,
        "last_error": message.last_error, "created_at": message.created_at, "body": message.body,
        "attempt_log": [
            {"number": a.number, "at": a.at, "status_code": a.status_code, "response_excerpt": a.response_excerpt,
             "error": a.error, "duration_ms": a.duration_ms, "retry_after_seconds": a.retry_after_seconds}
            for a in message.attempt_log.all()
        ],
    }


def channel_out(channel: ChatChannel) -> dict[str, Any]:
    return {
        "id": channel.pk, "kind": channel.kind, "name": channel.name, "project_id": channel.project_id,
        "team_id": channel.team_id, "event_types": channel.event_types, "is_active": channel.is_active,
        "disabled_at": channel.disabled_at, "disabled_reason": channel.disabled_reason,
        "consecutive_failures": channel.consecutive_failures, "version": channel.version,
    }


@router.get("/event-types", response={200: EventTypeList, **error_responses(LIST_ERRORS)})
def list_event_types(request: HttpRequest) -> dict[str, Any]:
    """The event types webhooks and chat channels may subscribe to."""
    current_user(request)
    return {"items": [{"key": k.key, "label": k.label, "description": k.description} for k in event_types()]}


@router.get("/webhooks", response={200: WebhookEndpointPage, **error_responses(LIST_ERRORS)})
def list_webhooks(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The webhook endpoints (administrators; others see none)."""
    endpoints, meta = paginate(selectors.webhook_endpoint_list(actor=current_user(request)), params)
    return {**meta, "items": [endpoint_out(endpoint) for endpoint in endpoints]}


@router.post("/webhooks", response={201: WebhookEndpointWithSecretOut, **error_responses(CREATE_ERRORS)})
def create_webhook(request: HttpRequest, payload: WebhookEndpointCreateIn) -> Status[dict[str, Any]]:
    """Add an endpoint (administrators). The answer carries its secret, once."""
    created = services.webhook_endpoint_create(actor=current_user(request), **payload.model_dump())
    return Status(201, endpoint_out(created.endpoint, secret=created.secret))


@router.get("/webhooks/{webhook_endpoint_id}", response={200: WebhookEndpointOut, **error_responses(DETAIL_ERRORS)})
def get_webhook(request: HttpRequest, webhook_endpoint_id: int = ID) -> dict[str, Any]:
    return endpoint_out(selectors.webhook_endpoint_get(actor=current_user(request), webhook_endpoint_id=webhook_endpoint_id))


@router.patch("/webhooks/{webhook_endpoint_id}", response={200: WebhookEndpointOut, **error_responses(UPDATE_ERRORS)})
def update_webhook(request: HttpRequest, payload: WebhookEndpointUpdateIn, webhook_endpoint_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    endpoint = selectors.webhook_endpoint_get(actor=actor, webhook_endpoint_id=webhook_endpoint_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    active = changes.pop("is_active", None)
    endpoint = services.webhook_endpoint_update(actor=actor, endpoint=endpoint, data=changes, expected_version=version)
    if active is not None and active != endpoint.is_active:
        endpoint = services.webhook_endpoint_set_active(actor=actor, endpoint=endpoint, active=active)
    return endpoint_out(endpoint)


@router.delete("/webhooks/{webhook_endpoint_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_webhook(request: HttpRequest, query: Query[VersionQuery], webhook_endpoint_id: int = ID) -> Status[None]:
    actor = current_user(request)
    endpoint = selectors.webhook_endpoint_get(actor=actor, webhook_endpoint_id=webhook_endpoint_id)
    services.webhook_endpoint_delete(actor=actor, endpoint=endpoint, expected_version=query.version)
    return Status(204, None)


@router.post("/webhooks/{webhook_endpoint_id}/rotate-secret",
             response={200: WebhookEndpointWithSecretOut, **error_responses(UPDATE_ERRORS)})
def rotate_webhook_secret(request: HttpRequest, webhook_endpoint_id: int = ID) -> dict[str, Any]:
    """A new secret (answered once); the previous one keeps signing for 24 hours."""
    actor = current_user(request)
    endpoint = selectors.webhook_endpoint_get(actor=actor, webhook_endpoint_id=webhook_endpoint_id)
    rotated = services.webhook_endpoint_rotate_secret(actor=actor, endpoint=endpoint)
    return endpoint_out(rotated.endpoint, secret=rotated.secret)


@router.post("/webhooks/{webhook_endpoint_id}/ping", response={202: OutboundMessageOut, **error_responses(UPDATE_ERRORS)})
def ping_webhook(request: HttpRequest, webhook_endpoint_id: int = ID) -> Status[dict[str, Any]]:
    """Send a ``webhook.ping`` (one attempt, in the background)."""
    actor = current_user(request)
    endpoint = selectors.webhook_endpoint_get(actor=actor, webhook_endpoint_id=webhook_endpoint_id)
    message = services.webhook_endpoint_ping(actor=actor, endpoint=endpoint)
    return Status(202, message_out(message))


@router.get("/webhooks/{webhook_endpoint_id}/messages",
            response={200: OutboundMessagePage, **error_responses(DETAIL_ERRORS)})
def list_webhook_messages(request: HttpRequest, params: Query[PageParams], webhook_endpoint_id: int = ID) -> dict[str, Any]:
    """The endpoint's delivery log, newest first, each message with its attempts."""
    actor = current_user(request)
    endpoint = selectors.webhook_endpoint_get(actor=actor, webhook_endpoint_id=webhook_endpoint_id)
    log = selectors.endpoint_message_list(actor=actor, endpoint=endpoint).prefetch_related(
        Prefetch("attempt_log", queryset=OutboundAttempt.objects.order_by("number")))
    messages, meta = paginate(log, params)
    return {**meta, "items": [message_out(message) for message in messages]}


@router.post("/outbound-messages/{outbound_message_id}/replay",
             response={202: OutboundMessageOut, **error_responses(UPDATE_ERRORS)})
def replay_outbound_message(request: HttpRequest, outbound_message_id: int = ID) -> Status[dict[str, Any]]:
    """Send a delivered or failed message again: same webhook-id, fresh timestamp and
    signature (one attempt, in the background)."""
    actor = current_user(request)
    message = selectors.outbound_message_get(actor=actor, outbound_message_id=outbound_message_id)
    message = services.outbound_message_replay(actor=actor, message=message)
    return Status(202, message_out(message))


@router.get("/chat-channels", response={200: ChatChannelPage, **error_responses(LIST_ERRORS)})
def list_chat_channels(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The Slack and Teams channels of the projects and teams you see."""
    channels, meta = paginate(selectors.chat_channel_list(actor=current_user(request)), params)
    return {**meta, "items": [channel_out(channel) for channel in channels]}


@router.post("/chat-channels", response={201: ChatChannelOut, **error_responses(CREATE_ERRORS)})
def create_chat_channel(request: HttpRequest, payload: ChatChannelCreateIn) -> Status[dict[str, Any]]:
    actor = current_user(request)
    data = payload.model_dump()
    project_id, team_id = data.pop("project_id"), data.pop("team_id")
    project = resolve_reference("project_id", lambda: get_visible(actor, Project, project_id)) if project_id else None
    team = resolve_reference("team_id", lambda: get_visible(actor, Team, team_id)) if team_id else None
    channel = services.chat_channel_create(actor=actor, project=project, team=team, **data)
    return Status(201, channel_out(channel))


@router.patch("/chat-channels/{chat_channel_id}", response={200: ChatChannelOut, **error_responses(UPDATE_ERRORS)})
def update_chat_channel(request: HttpRequest, payload: ChatChannelUpdateIn, chat_channel_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    channel = selectors.chat_channel_get(actor=actor, chat_channel_id=chat_channel_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return channel_out(services.chat_channel_update(actor=actor, channel=channel, data=changes, expected_version=version))


@router.delete("/chat-channels/{chat_channel_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_chat_channel(request: HttpRequest, query: Query[VersionQuery], chat_channel_id: int = ID) -> Status[None]:
    actor = current_user(request)
    channel = selectors.chat_channel_get(actor=actor, chat_channel_id=chat_channel_id)
    services.chat_channel_delete(actor=actor, channel=channel, expected_version=query.version)
    return Status(204, None)
