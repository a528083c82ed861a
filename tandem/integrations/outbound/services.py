"""What people do with outbound delivery: webhook endpoints (create, change, rotate the
secret, enable again, ping, delete), chat channels (add, change, test, delete) and
replaying a message. Every function checks its permission, is atomic, and writes
through ``model_create`` / ``model_update`` / ``model_delete`` (audited; secrets and
chat URLs are kept out of the audit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core.errors import PermissionDeniedError
from tandem.core.events import Event, event_types
from tandem.core.permissions import is_admin, policy_for, require_change, require_create
from tandem.core.services import model_create, model_delete, model_update
from tandem.delivery.models import Project
from tandem.delivery.policies import manages
from tandem.integrations.models import (
    ChatChannel,
    ChatKind,
    OutboundMessage,
    OutboundStatus,
    WebhookEndpoint,
)
from tandem.integrations.outbound import payloads, signing
from tandem.integrations.outbound.events import PING
from tandem.integrations.outbound.sinks import new_message_id
from tandem.integrations.outbound.tasks import enqueue_delivery
from tandem.people.models import Team

ROTATION_OVERLAP = dt.timedelta(hours=24)


def _clean_url(url: str, field: str = "url") -> str:
    url = (url or "").strip()
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError({field: "Enter the receiver's address, starting with https://."})
    return url


def _clean_event_types(values: list[str] | None) -> list[str]:
    known = {kind.key for kind in event_types()}
    chosen = list(dict.fromkeys(values or []))
    unknown = [value for value in chosen if value not in known]
    if unknown:
        raise ValidationError({"event_types": f"Unknown event type(s): {', '.join(unknown)}. "
                                              f"Choose among {', '.join(sorted(known))}."})
    return sorted(chosen)


@dataclass(frozen=True)
class EndpointWithSecret:
    """An endpoint and its secret in clear: answered once, by create and rotate."""

    endpoint: WebhookEndpoint
    secret: str


@transaction.atomic
def webhook_endpoint_create(*, actor: Any, url: str, description: str = "",
                            event_types: list[str] | None = None) -> EndpointWithSecret:
    require_create(actor, WebhookEndpoint)
    secret = signing.secret_generate()
    endpoint = model_create(actor=actor, model=WebhookEndpoint, data={
        "url": _clean_url(url), "description": description.strip(), "event_types": _clean_event_types(event_types),
        "secret": secret, "owner": actor,
    })
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


@transaction.atomic
def webhook_endpoint_update(*, actor: Any, endpoint: WebhookEndpoint, data: dict[str, Any],
                            expected_version: int | None = None) -> WebhookEndpoint:
    """Change ``url``, ``description`` and ``event_types``."""
    require_change(actor, endpoint)
    changes: dict[str, Any] = {}
    if "url" in data:
        changes["url"] = _clean_url(data["url"])
    if "description" in data:
        changes["description"] = (data["description"] or "").strip()
    if "event_types" in data:
        changes["event_types"] = _clean_event_types(data["event_types"])
    return model_update(actor=actor, instance=endpoint, data=changes, expected_version=expected_version)


@transaction.atomic
def webhook_endpoint_delete(*, actor: Any, endpoint: WebhookEndpoint, expected_version: int | None = None) -> None:
    require_change(actor, endpoint)
    model_delete(actor=actor, instance=endpoint, expected_version=expected_version)


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor: Any, endpoint: WebhookEndpoint) -> EndpointWithSecret:
    """A new secret; the old one keeps signing (a second signature) for 24 hours."""
    require_change(actor, endpoint)
    secret = signing.secret_generate()
    endpoint = model_update(actor=actor, instance=endpoint, data={
        "secret": secret, "previous_secret": endpoint.secret,
        "previous_secret_expires_at": timezone.now() + ROTATION_OVERLAP,
    })
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


def _enable_data() -> dict[str, Any]:
    return {"is_active": True, "disabled_at": None, "disabled_reason": "", "consecutive_failures": 0}


def _disable_data(reason: str) -> dict[str, Any]:
    return {"is_active": False, "disabled_at": timezone.now(), "disabled_reason": reason}


@transaction.atomic
def webhook_endpoint_set_active(*, actor: Any, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    """Enable again (the failure count starts over) or disable by hand."""
    require_change(actor, endpoint)
    data = _enable_data() if active else _disable_data("Disabled by an administrator.")
    return model_update(actor=actor, instance=endpoint, data=data)


def _test_event(*, actor: Any, headline: str, url: str) -> Event:
    return Event(type=PING, data={"message": headline, "url": url}, occurred_at=timezone.now(),
                 actor_id=getattr(actor, "pk", None))


@transaction.atomic
def webhook_endpoint_ping(*, actor: Any, endpoint: WebhookEndpoint) -> OutboundMessage:
    """Send a ``webhook.ping`` to this endpoint (one attempt, shown in its log)."""
    require_change(actor, endpoint)
    event = _test_event(actor=actor, headline="A test ping from Tandem.", url="/")
    message = OutboundMessage.objects.create(
        message_id=new_message_id(), endpoint=endpoint, event_type=PING, body=payloads.webhook_body(event),
    )
    enqueue_delivery([message.pk], once=True)
    return message


@transaction.atomic
def outbound_message_replay(*, actor: Any, message: OutboundMessage) -> OutboundMessage:
    """Send a delivered or failed message again: one new attempt with the same
    ``webhook-id`` (a fresh timestamp and signature)."""
    if not is_admin(actor):
        raise PermissionDeniedError("Only administrators replay messages.")
    if message.status not in (OutboundStatus.DELIVERED, OutboundStatus.FAILED):
        raise ValidationError({"status": "This message is still being delivered; replay it once it is delivered or failed."})
    target = message.endpoint or message.channel
    if target is not None and not target.is_active:
        raise ValidationError({"status": "Its endpoint or channel is disabled; enable it again first."})
    OutboundMessage.objects.filter(pk=message.pk).update(status=OutboundStatus.PENDING, next_attempt_at=None)
    message.status = OutboundStatus.PENDING
    message.next_attempt_at = None
    enqueue_delivery([message.pk], once=True)
    return message


# --- Chat channels ----------------------------------------------------------------


def may_add_channel(actor: Any, *, project: Project | None, team: Team | None) -> bool:
    """Admins anywhere; a project's manager for it; a team's lead for it."""
    if is_admin(actor):
        return True
    if project is not None:
        return manages(actor, project)
    if team is not None:
        return bool(actor is not None and actor.is_authenticated and team.lead_id == actor.pk)
    return False


@transaction.atomic
def chat_channel_create(*, actor: Any, kind: str, name: str, url: str, project: Project | None = None,
                        team: Team | None = None, event_types: list[str] | None = None) -> ChatChannel:
    if not policy_for(ChatChannel).can_create(actor) and not Team.objects.filter(lead=actor.pk).exists():
        raise PermissionDeniedError("Only project managers, team leads and administrators add chat channels.")
    if (project is None) == (team is None):
        raise ValidationError({"project": "Choose a project or a team (one of them)."})
    if not may_add_channel(actor, project=project, team=team):
        raise PermissionDeniedError(
            "Only the project's manager, the team's lead or an administrator adds a chat channel here.")
    if kind not in ChatKind.values:
        raise ValidationError({"kind": "Choose Slack or Microsoft Teams."})
    if not (name or "").strip():
        raise ValidationError({"name": "Give the channel a name people recognise, e.g. #acme-rollout."})
    return model_create(actor=actor, model=ChatChannel, data={
        "kind": kind, "name": name.strip(), "url": _clean_url(url), "project": project, "team": team,
        "event_types": _clean_event_types(event_types), "created_by": actor,
    })


@transaction.atomic
def chat_channel_update(*, actor: Any, channel: ChatChannel, data: dict[str, Any],
                        expected_version: int | None = None) -> ChatChannel:
    """Change ``name``, ``url``, ``event_types``, ``kind`` or ``is_active``."""
    require_change(actor, channel)
    changes: dict[str, Any] = {}
    if "name" in data:
        if not (data["name"] or "").strip():
            raise ValidationError({"name": "Give the channel a name people recognise, e.g. #acme-rollout."})
        changes["name"] = data["name"].strip()
    if "url" in data:
        changes["url"] = _clean_url(data["url"])
    if "kind" in data:
        if data["kind"] not in ChatKind.values:
            raise ValidationError({"kind": "Choose Slack or Microsoft Teams."})
        changes["kind"] = data["kind"]
    if "event_types" in data:
        changes["event_types"] = _clean_event_types(data["event_types"])
    if "is_active" in data and bool(data["is_active"]) != channel.is_active:
        changes.update(_enable_data() if data["is_active"] else _disable_data("Disabled by hand."))
    return model_update(actor=actor, instance=channel, data=changes, expected_version=expected_version)


@transaction.atomic
def chat_channel_delete(*, actor: Any, channel: ChatChannel, expected_version: int | None = None) -> None:
    require_change(actor, channel)
    model_delete(actor=actor, instance=channel, expected_version=expected_version)


@transaction.atomic
def chat_channel_test(*, actor: Any, channel: ChatChannel) -> OutboundMessage:
    """Post a test message to the channel (one attempt)."""
    require_change(actor, channel)
    where = channel.project.name if channel.project_id else channel.team.name  # type: ignore[union-attr]
    event = _test_event(actor=actor, headline=f"Tandem is connected to {channel.name} for {where}.", url="/")
    render = payloads.slack_body if channel.kind == ChatKind.SLACK else payloads.teams_body
    message = OutboundMessage.objects.create(
        message_id=new_message_id(), channel=channel, event_type=PING, body=render(event),
    )
    enqueue_delivery([message.pk], once=True)
    return message
