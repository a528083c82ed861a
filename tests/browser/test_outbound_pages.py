"""The outbound pages in a browser: an administrator adds a webhook and sees its secret
once, the delivery log folds open to a message's attempts; axe finds no serious or
critical violation on the webhook, chat channel and delivery failure pages, at 1,280
and 390 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.core.roles import Role
from tandem.delivery.models import Project
from tandem.integrations.models import (
    ChatChannel,
    OutboundAttempt,
    OutboundMessage,
    OutboundStatus,
    WebhookEndpoint,
)
from tandem.people.models import User
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("TANDEM_OUTBOUND_SHOTS", "/tmp/outbound-shots"))


def _axe(page: Page, axe_source: str) -> list[object]:
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))


def test_an_admin_adds_a_webhook_and_reads_its_log(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    admin = User.objects.get(email=demo_data[Role.ADMIN])
    log_in(page, demo_data[Role.ADMIN])
    page.goto("/settings/integrations/webhooks/")
    # The demo's switched-off example is listed; the new endpoint joins it.
    demo_example = WebhookEndpoint.objects.get()
    assert not demo_example.is_active
    expect(page.get_by_text(demo_example.description)).to_be_visible()
    page.get_by_label("Receiver URL").fill("https://dwh.example.test/tandem")
    page.get_by_label("Description").fill("Data warehouse")
    page.get_by_label("Milestone done").check()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_label("Signing secret (shown once)")
    endpoint = WebhookEndpoint.objects.exclude(pk=demo_example.pk).get()
    expect(secret).to_have_value(endpoint.secret)

    now = timezone.now()
    message = OutboundMessage.objects.create(
        message_id="msg_walk", endpoint=endpoint, event_type="milestone.done", body='{"type":"milestone.done"}',
        status=OutboundStatus.FAILED, attempts=1, last_status_code=503, last_error="The receiver answered 503.")
    OutboundAttempt.objects.create(message=message, number=1, at=now, status_code=503, response_excerpt="down",
                                   error="The receiver answered 503.", duration_ms=42)
    project = Project.objects.filter(manager__isnull=False).first()
    assert project is not None
    ChatChannel.objects.create(kind="slack", name="#rollout", url="https://hooks.slack.com/services/T/B/X",
                               project=project, created_by=admin)
    channel = ChatChannel.objects.get(name="#rollout")
    pages = {
        "webhook-list": "/settings/integrations/webhooks/",
        "webhook-detail": f"/settings/integrations/webhooks/{endpoint.pk}/",
        "failures": "/settings/integrations/deliveries/failures/?recent=7",
        "chat-list": "/settings/integrations/chat/",
        "chat-detail": f"/settings/integrations/chat/{channel.pk}/",
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in pages.items():
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            assert _axe(page, axe_source) == [], f"{name} at {width}px"
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/settings/integrations/webhooks/{endpoint.pk}/")
    page.get_by_test_id("log-row").locator("summary").click()
    expect(page.get_by_role("cell", name="503 The receiver answered 503.")).to_be_visible()
    page.goto("/settings/integrations/deliveries/failures/?recent=7")
    # The new endpoint's failed message and the demo example's unsent one.
    expect(page.get_by_test_id("failure-row")).to_have_count(2)
