"""The outbound pages and API: webhooks (secret shown once), the delivery log with its
query count pinned at 1 and 60 messages, replay, Delivery failures and the home card
whose number equals that page's count, chat channels per project and team."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.integrations.models import (
    ChatChannel,
    ChatKind,
    OutboundAttempt,
    OutboundMessage,
    OutboundStatus,
    WebhookEndpoint,
)
from tandem.integrations.outbound.services import webhook_endpoint_create
from tests.conftest import client_for
from tests.delivery.factories import make_project
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"
LOG_QUERIES = 8


def _messages(endpoint: WebhookEndpoint, count: int, *, status: str = OutboundStatus.DELIVERED, start: int = 0) -> None:
    now = timezone.now()
    rows = OutboundMessage.objects.bulk_create([
        OutboundMessage(message_id=f"msg_{endpoint.pk}_{start + n}", endpoint=endpoint, event_type="milestone.done",
                        body='{"type":"milestone.done"}', status=status, attempts=2, last_status_code=500,
                        last_error="The receiver answered 500." if status != OutboundStatus.DELIVERED else "")
        for n in range(count)
    ])
    OutboundAttempt.objects.bulk_create([
        OutboundAttempt(message=row, number=number, at=now, status_code=500 if number == 1 else 200)
        for row in rows for number in (1, 2)
    ])


def _log_queries(client: Any, endpoint: WebhookEndpoint) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("integrations:webhook_endpoint_detail", args=[endpoint.pk]))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_delivery_log_costs_the_same_queries_at_1_and_60_messages(admin_user: Any) -> None:
    client = client_for(admin_user)
    endpoint = webhook_endpoint_create(actor=admin_user, url="https://receiver.example.test/hook").endpoint
    _messages(endpoint, 1)
    one = _log_queries(client, endpoint)
    _messages(endpoint, 59, start=1)
    many = _log_queries(client, endpoint)
    assert one == many == LOG_QUERIES
    page = client.get(reverse("integrations:webhook_endpoint_detail", args=[endpoint.pk])).content.decode()
    assert page.count('data-testid="log-row"') == 50  # 50 a page
    assert page.count(">Replay</button>") == 50


def test_adding_a_webhook_shows_its_secret_once(admin_user: Any) -> None:
    client = client_for(admin_user)
    response = client.post(reverse("integrations:webhook_endpoint_list"), {
        "url": "https://receiver.example.test/hook", "description": "Data warehouse",
        "event_types": ["opportunity.won", "milestone.done"]})
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.description, endpoint.event_types, endpoint.owner) == (
        "Data warehouse", ["milestone.done", "opportunity.won"], admin_user)
    assert endpoint.secret in response.content.decode()
    again = client.get(reverse("integrations:webhook_endpoint_detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in again and "Send a test ping" in again
    listing = client.get(reverse("integrations:webhook_endpoint_list")).content.decode()
    assert "Data warehouse" in listing and "Milestone done, Opportunity won" in listing


def test_an_unknown_event_type_is_refused_on_its_field(admin_user: Any) -> None:
    response = client_for(admin_user).post(f"{API}/webhooks", {
        "url": "https://receiver.example.test/hook", "event_types": ["risk.exploded"]}, content_type="application/json")
    assert response.status_code == 422
    assert "event_types" in response.json()["error"]["fields"]
    assert WebhookEndpoint.objects.count() == 0


def test_the_api_returns_the_secret_only_from_create_and_rotate(admin_user: Any) -> None:
    client = client_for(admin_user)
    created = client.post(f"{API}/webhooks", {"url": "https://receiver.example.test/hook",
                                              "event_types": ["milestone.done"]}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["milestone.done"]
    got = client.get(f"{API}/webhooks/{body['id']}").json()
    assert "secret" not in got and got["secret_rotating_until"] is None
    rotated = client.post(f"{API}/webhooks/{body['id']}/rotate-secret").json()
    assert rotated["secret"] != body["secret"] and rotated["secret_rotating_until"] is not None
    listed = client.get(f"{API}/webhooks").json()
    assert listed["count"] == 1 and "secret" not in listed["items"][0]
    patched = client.patch(f"{API}/webhooks/{body['id']}", {"version": rotated["version"], "description": "DWH"},
                           content_type="application/json")
    assert (patched.status_code, patched.json()["description"]) == (200, "DWH")
    stale = client.patch(f"{API}/webhooks/{body['id']}", {"version": 1, "description": "x"},
                         content_type="application/json")
    assert stale.status_code == 409
    types = client.get(f"{API}/event-types").json()["items"]
    assert "webhook.ping" not in [item["key"] for item in types]


def test_the_messages_api_lists_attempts_and_replays_with_the_same_id(
    admin_user: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(admin_user)
    endpoint = webhook_endpoint_create(actor=admin_user, url="https://receiver.example.test/hook").endpoint
    _messages(endpoint, 3, status=OutboundStatus.FAILED)
    with CaptureQueriesContext(connection) as context:
        page = client.get(f"{API}/webhooks/{endpoint.pk}/messages").json()
    assert len(context.captured_queries) <= 12
    assert page["count"] == 3 and [a["number"] for a in page["items"][0]["attempt_log"]] == [1, 2]
    message = OutboundMessage.objects.order_by("id").first()
    assert message is not None
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = client.post(f"{API}/outbound-messages/{message.pk}/replay")
    assert answer.status_code == 202
    assert (answer.json()["webhook_id"], answer.json()["status"], len(queued)) == (message.message_id, "pending", 1)
    again = client.post(f"{API}/outbound-messages/{message.pk}/replay")
    assert again.status_code == 422  # still being delivered


def test_the_home_card_counts_exactly_the_failures_page_it_links_to(admin_user: Any) -> None:
    client = client_for(admin_user)
    endpoint = webhook_endpoint_create(actor=admin_user, url="https://receiver.example.test/hook").endpoint
    _messages(endpoint, 3, status=OutboundStatus.FAILED)
    _messages(endpoint, 2, status=OutboundStatus.RETRYING, start=10)
    _messages(endpoint, 1, status=OutboundStatus.FAILED, start=20)
    OutboundMessage.objects.filter(message_id=f"msg_{endpoint.pk}_20").update(
        created_at=timezone.now() - timezone.timedelta(days=8))
    card = next(card for card in client.get(reverse("home")).context["cards"] if card.key == "deliveries_failing")
    assert card.count == 3
    page = client.get(card.url)
    assert page.context["page"].total == 3
    assert page.content.decode().count('data-testid="failure-row"') == 3
    everything = client.get(reverse("integrations:outbound_failures"))
    assert everything.context["page"].total == 6  # failed and retrying, any age
    assert client_for(make_user(role="project_manager")).get(reverse("integrations:outbound_failures")).status_code == 403


def test_a_project_manager_adds_a_channel_for_a_project_they_manage_only(django_capture_on_commit_callbacks: Any) -> None:
    manager = make_user(role="project_manager")
    mine = make_project(manager=manager, name="Acme rollout")
    theirs = make_project(name="Globex audit")
    client = client_for(manager)
    page = client.get(reverse("integrations:chat_channel_list")).content.decode()
    assert "Project: Acme rollout" in page and "Globex audit" not in page
    response = client.post(reverse("integrations:chat_channel_list"), {
        "target": f"project:{mine.pk}", "kind": ChatKind.SLACK, "name": "#acme", "url": "https://hooks.slack.com/services/T/B/X",
        "event_types": ["milestone.done"]})
    assert response.status_code == 302
    channel = ChatChannel.objects.get()
    assert (channel.project, channel.team, channel.created_by, channel.event_types) == (mine, None, manager, ["milestone.done"])
    refused = client.post(f"{API}/chat-channels", {"kind": "slack", "name": "#globex", "url": "https://hooks.slack.com/x",
                                                   "project_id": theirs.pk}, content_type="application/json")
    assert refused.status_code in (403, 422)
    assert ChatChannel.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=False) as queued:
        tested = client.post(reverse("integrations:chat_channel_action", args=[channel.pk]), {"action": "test"})
    assert tested.status_code == 302 and len(queued) == 1
    test_message = OutboundMessage.objects.get(channel=channel)
    assert test_message.event_type == "webhook.ping"
    assert json.loads(test_message.body)["text"] == "Test ping: Tandem is connected to #acme for Acme rollout."


def test_a_team_lead_adds_a_channel_for_their_team(admin_user: Any) -> None:
    lead = make_user(role="member")
    team = make_team(name="Design", lead=lead)
    other = make_team(name="Ops")
    client = client_for(lead)
    created = client.post(f"{API}/chat-channels", {"kind": "teams", "name": "Design news", "team_id": team.pk,
                                                   "url": "https://prod.example.logic.azure.com/workflows/1"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["team_id"] == team.pk
    refused = client.post(f"{API}/chat-channels", {"kind": "teams", "name": "Ops", "team_id": other.pk,
                                                   "url": "https://prod.example.logic.azure.com/workflows/2"},
                          content_type="application/json")
    assert refused.status_code == 403
    listed = client.get(f"{API}/chat-channels").json()
    assert [item["name"] for item in listed["items"]] == ["Design news"]
    # Admins see every channel.
    assert client_for(admin_user).get(f"{API}/chat-channels").json()["count"] == 1


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_failures_page_and_the_chat_list_cost_the_same_at_1_and_40_rows(admin_user: Any) -> None:
    client = client_for(admin_user)
    endpoint = webhook_endpoint_create(actor=admin_user, url="https://receiver.example.test/hook").endpoint
    projects = [make_project() for _ in range(2)]
    ChatChannel.objects.create(kind=ChatKind.SLACK, name="#c0", url="https://hooks.slack.com/x", project=projects[0])
    _messages(endpoint, 1, status=OutboundStatus.FAILED)
    failures_one = _queries(client, reverse("integrations:outbound_failures"))
    chat_one = _queries(client, reverse("integrations:chat_channel_list"))
    _messages(endpoint, 39, status=OutboundStatus.FAILED, start=1)
    ChatChannel.objects.bulk_create([
        ChatChannel(kind=ChatKind.TEAMS, name=f"#c{n}", url="https://example.test/w", project=projects[n % 2])
        for n in range(1, 40)
    ])
    assert _queries(client, reverse("integrations:outbound_failures")) == failures_one == 6
    assert _queries(client, reverse("integrations:chat_channel_list")) == chat_one == 8
