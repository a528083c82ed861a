"""Integrations' demo step ("integrations-outbound", order 57): one example of each
outbound set-up, all switched off so the demo never sends anything anywhere.

* a webhook endpoint of the administrator, at an ``.example`` address, disabled, with
  the one message it would have sent left unsent (the Delivery failures page and its
  log show what a failure looks like);
* a Slack channel of the demo project manager's first project, disabled;
* a calendar feed of the project manager (its link was never shown: they make a new
  one on the Calendar feeds page to subscribe).
"""

from __future__ import annotations

import hashlib
import json
import secrets

from django.utils import timezone

from tandem.core import demo
from tandem.delivery.models import Project
from tandem.integrations.models import (
    CalendarFeed,
    ChatChannel,
    ChatKind,
    OutboundMessage,
    OutboundStatus,
    WebhookEndpoint,
)
from tandem.integrations.outbound.signing import secret_generate
from tandem.people.models import User

STEP = "integrations-outbound"
DISABLED = "An example from the demo data: point it at your own receiver, then enable it."


def _foreign_rows() -> int:
    return WebhookEndpoint.objects.exclude(url__contains=".example/").count()


@demo.step(STEP, order=57, foreign_rows=_foreign_rows, estimate=lambda ctx: 4)
def generate_outbound(ctx: demo.DemoContext) -> None:
    """The examples above (nothing is ever delivered)."""
    admin = User.objects.filter(email="admin@example.com").first()
    pm = User.objects.filter(email="pm@example.com").first()
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example/tandem/finance", description="Finance system (example)",
        event_types=["opportunity.won", "contract.signed", "milestone.done"], secret=secret_generate(),
        is_active=False, disabled_at=now, disabled_reason=DISABLED, owner=admin,
    )
    body = json.dumps({"type": "webhook.ping", "timestamp": now.isoformat(), "data": {"message": "Hello from Tandem"}})
    OutboundMessage.objects.create(
        message_id=f"msg_demo{secrets.token_hex(8)}", endpoint=endpoint, event_type="webhook.ping", body=body,
        status=OutboundStatus.FAILED, last_error="Not sent: the endpoint is an example and is switched off.",
    )
    project = Project.objects.filter(manager=pm, account__isnull=False).order_by("pk").first() if pm else None
    if project is not None:
        ChatChannel.objects.create(
            kind=ChatKind.SLACK, name=f"#{project.code.lower()}-delivery", url="https://hooks.slack.example/services/DEMO",
            project=project, is_active=False, disabled_at=now, disabled_reason=DISABLED, created_by=pm,
        )
    if pm is not None:
        CalendarFeed.objects.create(owner=pm, token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                                    token_hint="demo")
