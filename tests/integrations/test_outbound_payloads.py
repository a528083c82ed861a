"""What is sent: the webhook body, the Slack blocks (escaped), the Teams Adaptive Card,
signatures in Standard Webhooks form, and the events other apps publish."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from tandem.clients.models import Inquiry
from tandem.clients.tasks import notify_inquiries
from tandem.commercial.services.opportunities import opportunity_mark_lost, opportunity_mark_won
from tandem.core.events import Event, event_types
from tandem.integrations.models import OutboundMessage
from tandem.integrations.outbound import payloads, signing
from tandem.integrations.outbound.services import webhook_endpoint_create
from tests.clients.factories import make_account, make_inquiry, seed_service_rules
from tests.commercial.factories import make_opportunity, seed_stages

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.TANDEM_BASE_URL = "https://tandem.example.test"


def _event() -> Event:
    return Event(type="milestone.done", occurred_at=AT, data={
        "task": {"id": 4, "name": "Design <v2> & sign-off"}, "project": {"id": 9, "name": "Acme rollout"},
        "url": "/delivery/projects/9/",
    })


def test_the_webhook_body_has_type_timestamp_and_data_with_an_absolute_url() -> None:
    body = json.loads(payloads.webhook_body(_event()))
    assert body == {
        "type": "milestone.done", "timestamp": "2026-12-06T09:30:00+00:00",
        "data": {"task": {"id": 4, "name": "Design <v2> & sign-off"}, "project": {"id": 9, "name": "Acme rollout"},
                 "url": "https://tandem.example.test/delivery/projects/9/"},
    }


def test_the_slack_message_escapes_and_links_to_the_record() -> None:
    assert json.loads(payloads.slack_body(_event())) == {
        "text": "Milestone done: Design &lt;v2&gt; &amp; sign-off",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                "*Milestone done*: <https://tandem.example.test/delivery/projects/9/|Design &lt;v2&gt; &amp; sign-off>")}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Acme rollout · 06 Dec 2026 09:30 UTC"}]},
        ],
    }


def test_the_teams_message_is_an_adaptive_card_1_4_with_an_open_url_action() -> None:
    message = json.loads(payloads.teams_body(_event()))
    assert message["type"] == "message"
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert [block["text"] for block in card["body"]] == [
        "Milestone done", "Design <v2> & sign-off", "Acme rollout · 06 Dec 2026 09:30 UTC"]
    assert all(block["type"] == "TextBlock" for block in card["body"])
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open in Tandem",
                                "url": "https://tandem.example.test/delivery/projects/9/"}]


def test_secrets_and_signatures_follow_standard_webhooks() -> None:
    secret = signing.secret_generate()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    body = b'{"type":"webhook.ping"}'
    now = timezone.now()
    stamp = int(now.timestamp())
    header = signing.signature_header(secret=secret, message_id="msg_1", timestamp=stamp, body=body, now=now)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(stamp), "webhook-signature": header}
    assert Webhook(secret).verify(body, headers) == {"type": "webhook.ping"}
    # An expired previous secret no longer signs.
    old = signing.secret_generate()
    both = signing.signature_header(secret=secret, message_id="msg_1", timestamp=stamp, body=body, now=now,
                                    previous_secret=old, previous_secret_expires_at=now + dt.timedelta(hours=1))
    gone = signing.signature_header(secret=secret, message_id="msg_1", timestamp=stamp, body=body, now=now,
                                    previous_secret=old, previous_secret_expires_at=now - dt.timedelta(hours=1))
    assert (len(both.split(" ")), len(gone.split(" "))) == (2, 1)


def test_the_ping_is_registered_but_not_offered_to_subscribers() -> None:
    keys = {kind.key for kind in event_types()}
    assert "webhook.ping" not in keys
    assert "webhook.ping" in {kind.key for kind in event_types(public_only=False)}
    assert {"opportunity.won", "opportunity.lost", "milestone.done", "inquiry.sla_breached", "contract.signed"} <= keys


def test_winning_and_losing_an_opportunity_publish_once_each(admin_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    seed_stages()
    webhook_endpoint_create(actor=admin_user, url="https://receiver.example.test/hook",
                            event_types=["opportunity.won", "opportunity.lost"])
    account = make_account(name="Acme")
    won = make_opportunity(account=account, name="Rollout")
    lost = make_opportunity(account=account, name="Renewal")
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        opportunity_mark_won(actor=admin_user, opportunity=won)
        opportunity_mark_lost(actor=admin_user, opportunity=lost, lost_reason="Budget cut")
    bodies = [json.loads(body) for body in OutboundMessage.objects.order_by("id").values_list("body", flat=True)]
    assert [(b["type"], b["data"]["opportunity"]["name"]) for b in bodies] == [
        ("opportunity.won", "Rollout"), ("opportunity.lost", "Renewal")]
    assert bodies[1]["data"]["opportunity"]["lost_reason"] == "Budget cut"
    assert bodies[0]["data"]["url"] == f"https://tandem.example.test/sales/opportunities/{won.pk}/"


def test_an_inquiry_past_its_sla_is_announced_once(admin_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    seed_service_rules()
    webhook_endpoint_create(actor=admin_user, url="https://receiver.example.test/hook",
                            event_types=["inquiry.sla_breached"])
    inquiry = make_inquiry(account=make_account(name="Globex"), subject="Invoice question")
    Inquiry.objects.filter(pk=inquiry.pk).update(sla_due_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False):
        notify_inquiries()
        notify_inquiries()
    (body,) = [json.loads(b) for b in OutboundMessage.objects.values_list("body", flat=True)]
    assert body["type"] == "inquiry.sla_breached"
    assert body["data"]["inquiry"]["subject"] == "Invoice question"
