"""Outbound delivery against a local HTTP receiver: retries with backoff and
``Retry-After``, Standard Webhooks signatures verified with the ``standardwebhooks``
package, rotation, replay, Slack and Teams answers, disabling after a run of failures,
nothing sent for a rolled-back change, and routing to project and team channels."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from standardwebhooks import Webhook

from tandem.core.events import event_publish
from tandem.core.models import Notification
from tandem.delivery.events import project_event_scope
from tandem.integrations.models import (
    ChatChannel,
    ChatKind,
    OutboundAttempt,
    OutboundMessage,
    OutboundStatus,
    WebhookEndpoint,
)
from tandem.integrations.outbound import delivery, services
from tandem.integrations.outbound.delivery import JITTER, RETRY_DELAYS
from tests.delivery.factories import make_project
from tests.factories import make_team, make_user
from tests.integrations.outbound_receiver import Receiver, Reply, running_receiver

pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.usefixtures("_immediate_tasks"),
]

# Figures of the receiver test, reported in the note.
FIGURES: dict[str, int] = {"deliveries made": 0, "retried": 0, "failed": 0}


@pytest.fixture
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.TANDEM_OUTBOUND_TIMEOUT_SECONDS = 1
    settings.TANDEM_BASE_URL = "https://tandem.example.test"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def _publish(project: Any, *, type: str = "milestone.done") -> None:
    event_publish(type=type, actor=None, data={
        "task": {"id": 1, "name": "Go-live <approved> & signed"}, "project": {"id": project.pk, "name": project.name},
        "url": f"/delivery/projects/{project.pk}/",
    }, **project_event_scope(project))


def _send_after_commit(django_capture_on_commit_callbacks: Any, function: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        function()


def _due_now(message: OutboundMessage) -> None:
    """Let the wait pass: the next attempt becomes due now (the timestamps signed stay
    real, so ``standardwebhooks`` accepts them)."""
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def _verify(secret: str, request: Any) -> dict[str, Any]:
    return Webhook(secret).verify(request.body, request.headers)  # raises if no signature matches


def test_fail_timeout_429_then_200_retries_with_backoff_and_signs_every_attempt(
    receiver: Receiver, admin_user: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    project = make_project()
    created = services.webhook_endpoint_create(actor=admin_user, url=receiver.url(), event_types=["milestone.done"])
    receiver.script = [
        Reply(500, "boom"),
        Reply(200, "late", delay=2.5),  # beyond the 1 s timeout
        Reply(429, "slow down", headers={"Retry-After": "7"}),
        Reply(200, "thanks"),
    ]

    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    message = OutboundMessage.objects.get()
    # Attempt 1 ran on commit (the immediate backend): 500, retry in 5 s ± 20 %.
    assert (message.status, message.attempts, message.last_status_code) == (OutboundStatus.RETRYING, 1, 500)
    wait = (message.next_attempt_at - message.last_attempt_at).total_seconds()
    assert 5 * (1 - JITTER) <= wait <= 5 * (1 + JITTER)

    # Attempt 2: no answer within the timeout; retry after 5 min with seeded jitter.
    _due_now(message)
    rng = random.Random(7)
    expected = RETRY_DELAYS[1].total_seconds() * (1 + random.Random(7).uniform(-JITTER, JITTER))
    attempt = delivery.deliver(message.pk, rng=rng)
    assert attempt is not None and attempt.status_code is None and "timed out" in attempt.error
    message.refresh_from_db()
    assert message.status == OutboundStatus.RETRYING
    assert (message.next_attempt_at - message.last_attempt_at).total_seconds() == pytest.approx(expected, abs=0.001)
    assert 240 <= expected <= 360

    # Attempt 3: 429 with Retry-After: 7 -> exactly 7 s, whatever the schedule says.
    _due_now(message)
    attempt = delivery.deliver(message.pk, rng=random.Random(1))
    assert attempt is not None and (attempt.status_code, attempt.retry_after_seconds) == (429, 7)
    message.refresh_from_db()
    assert (message.next_attempt_at - message.last_attempt_at) == dt.timedelta(seconds=7)

    # Not due yet: nothing is sent.
    assert delivery.deliver(message.pk) is None
    _due_now(message)
    attempt = delivery.deliver(message.pk)
    assert attempt is not None and attempt.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (OutboundStatus.DELIVERED, 4, None)

    attempts = list(OutboundAttempt.objects.filter(message=message).values_list("number", "status_code", "response_excerpt"))
    assert attempts == [(1, 500, "boom"), (2, None, ""), (3, 429, "slow down"), (4, 200, "thanks")]
    assert len(receiver.received) == 4
    ids = {request.headers["webhook-id"] for request in receiver.received}
    assert ids == {message.message_id}
    for request in receiver.received:
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"] == "Tandem"
        assert request.headers["webhook-signature"].startswith("v1,")
        assert request.body == message.body.encode()
        payload = _verify(created.secret, request)
        assert payload["type"] == "milestone.done"
        assert payload["data"]["url"] == f"https://tandem.example.test/delivery/projects/{project.pk}/"
    assert WebhookEndpoint.objects.get().consecutive_failures == 0
    FIGURES["deliveries made"] += 4
    FIGURES["retried"] += 3


def test_replay_sends_the_same_webhook_id_with_a_fresh_signature(
    receiver: Receiver, admin_user: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    project = make_project()
    created = services.webhook_endpoint_create(actor=admin_user, url=receiver.url())
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    message = OutboundMessage.objects.get()
    assert message.status == OutboundStatus.DELIVERED
    _send_after_commit(django_capture_on_commit_callbacks,
                       lambda: services.outbound_message_replay(actor=admin_user, message=message))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.DELIVERED, 2)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == message.message_id
    assert first.body == second.body
    _verify(created.secret, first)
    _verify(created.secret, second)
    FIGURES["deliveries made"] += 2


def test_rotation_signs_with_both_secrets_until_the_old_one_expires(
    receiver: Receiver, admin_user: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    created = services.webhook_endpoint_create(actor=admin_user, url=receiver.url())
    rotated = services.webhook_endpoint_rotate_secret(actor=admin_user, endpoint=created.endpoint)
    assert rotated.secret != created.secret and rotated.secret.startswith("whsec_")
    _send_after_commit(django_capture_on_commit_callbacks,
                       lambda: services.webhook_endpoint_ping(actor=admin_user, endpoint=rotated.endpoint))
    (request,) = receiver.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert _verify(rotated.secret, request)["type"] == "webhook.ping"
    assert _verify(created.secret, request)["type"] == "webhook.ping"
    # Once the overlap is over, only the new secret signs.
    WebhookEndpoint.objects.filter(pk=created.endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - dt.timedelta(seconds=1))
    endpoint = WebhookEndpoint.objects.get()
    _send_after_commit(django_capture_on_commit_callbacks,
                       lambda: services.webhook_endpoint_ping(actor=admin_user, endpoint=endpoint))
    last = receiver.received[-1]
    assert len(last.headers["webhook-signature"].split(" ")) == 1
    _verify(rotated.secret, last)
    with pytest.raises(Exception, match="No matching signature found"):
        _verify(created.secret, last)
    FIGURES["deliveries made"] += 2


def test_a_rolled_back_change_sends_nothing(
    receiver: Receiver, admin_user: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    project = make_project()
    services.webhook_endpoint_create(actor=admin_user, url=receiver.url())
    with django_capture_on_commit_callbacks(execute=True) as queued, transaction.atomic():
        _publish(project)
        assert OutboundMessage.objects.count() == 1  # written with the change...
        transaction.set_rollback(True)
    assert queued == []
    assert OutboundMessage.objects.count() == 0  # ...and gone with it
    assert receiver.received == []


def _channel(kind: str, url: str, *, project: Any = None, team: Any = None, name: str = "#general") -> ChatChannel:
    return ChatChannel.objects.create(kind=kind, name=name, url=url, project=project, team=team)


def test_slack_permanent_errors_are_not_retried_and_ok_is_success(
    receiver: Receiver, django_capture_on_commit_callbacks: Any,
) -> None:
    project = make_project()
    _channel(ChatKind.SLACK, receiver.url("/slack"), project=project)
    receiver.script = [Reply(404, "channel_not_found"), Reply(200, "ok")]
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    failed, delivered = OutboundMessage.objects.order_by("id")
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (OutboundStatus.FAILED, 1, None)
    assert failed.last_error == "Slack refused the message: channel_not_found."
    assert delivered.status == OutboundStatus.DELIVERED
    assert ChatChannel.objects.get().consecutive_failures == 0  # reset by the delivered one
    assert "webhook-signature" not in receiver.received[0].headers
    FIGURES["deliveries made"] += 2
    FIGURES["failed"] += 1


def test_slack_200_with_another_body_is_retried(receiver: Receiver, django_capture_on_commit_callbacks: Any) -> None:
    project = make_project()
    _channel(ChatKind.SLACK, receiver.url("/slack"), project=project)
    receiver.script = [Reply(500, "rollup_error")]
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    message = OutboundMessage.objects.get()
    assert (message.status, message.last_error) == (OutboundStatus.RETRYING, "Slack answered 500: rollup_error.")
    FIGURES["deliveries made"] += 1
    FIGURES["retried"] += 1


def test_teams_202_is_accepted(receiver: Receiver, django_capture_on_commit_callbacks: Any) -> None:
    project = make_project()
    _channel(ChatKind.TEAMS, receiver.url("/teams"), project=project)
    receiver.script = [Reply(202, "")]
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    message = OutboundMessage.objects.get()
    assert (message.status, message.last_status_code) == (OutboundStatus.DELIVERED, 202)
    FIGURES["deliveries made"] += 1


@override_settings(TANDEM_OUTBOUND_DISABLE_AFTER=2)
def test_a_run_of_failed_messages_disables_the_channel_and_tells_its_creator_and_admins(
    receiver: Receiver, admin_user: Any, project_manager: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    project = make_project(manager=project_manager)
    channel = services.chat_channel_create(actor=project_manager, kind=ChatKind.SLACK, name="#rollout",
                                           url=receiver.url("/slack"), project=project)
    receiver.script = [Reply(410, "channel_is_archived"), Reply(410, "channel_is_archived")]
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    channel.refresh_from_db()
    assert (channel.is_active, channel.consecutive_failures) == (True, 1)
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    channel.refresh_from_db()
    assert (channel.is_active, channel.consecutive_failures) == (False, 2)
    assert channel.disabled_reason == "Disabled after 2 messages in a row could not be delivered."
    told = sorted(Notification.objects.filter(kind="outbound_disabled").values_list("recipient__email", flat=True))
    assert told == sorted([admin_user.email, project_manager.email])
    # Disabled: the next event makes no message for it.
    _send_after_commit(django_capture_on_commit_callbacks, lambda: _publish(project))
    assert OutboundMessage.objects.count() == 2 and len(receiver.received) == 2
    FIGURES["deliveries made"] += 2
    FIGURES["failed"] += 2


@override_settings(TANDEM_OUTBOUND_DISABLE_AFTER=20)
def test_an_endpoint_whose_last_retry_fails_is_disabled_at_the_run_and_its_owner_told(
    receiver: Receiver, admin_user: Any,
) -> None:
    owner = make_user(role="admin", email="owner@example.test")
    endpoint = services.webhook_endpoint_create(actor=owner, url=receiver.url()).endpoint
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=19)
    now = timezone.now()
    message = OutboundMessage.objects.create(message_id="msg_x", endpoint=endpoint, event_type="milestone.done",
                                             body="{}", status=OutboundStatus.RETRYING, attempts=7, next_attempt_at=now)
    OutboundAttempt.objects.bulk_create([
        OutboundAttempt(message=message, number=n, at=now, status_code=503, error="The receiver answered 503.")
        for n in range(1, 8)
    ])
    receiver.script = [Reply(503, "down")]
    delivery.deliver(message.pk)
    message.refresh_from_db()
    endpoint.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (OutboundStatus.FAILED, 8, None)
    assert (endpoint.is_active, endpoint.consecutive_failures) == (False, 20)
    told = sorted(Notification.objects.filter(kind="outbound_disabled").values_list("recipient__email", flat=True))
    assert told == sorted([admin_user.email, "owner@example.test"])
    FIGURES["deliveries made"] += 1
    FIGURES["failed"] += 1
    # Enabled again: the count starts over.
    services.webhook_endpoint_set_active(actor=admin_user, endpoint=endpoint, active=True)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_reason) == (True, 0, "")


def test_events_reach_the_project_channel_and_the_managers_team_channel_only(
    admin_user: Any, django_capture_on_commit_callbacks: Any, settings: Any,
) -> None:
    team = make_team(name="Rollout")
    manager = make_user(role="project_manager", team=team)
    project = make_project(manager=manager)
    other_project = make_project()
    url = "http://127.0.0.1:9/never"  # nothing is sent: the tasks are captured, not run
    mine = _channel(ChatKind.SLACK, url, project=project, name="#project")
    teams = _channel(ChatKind.TEAMS, url, team=team, name="#team")
    _channel(ChatKind.SLACK, url, project=other_project, name="#other-project")
    _channel(ChatKind.SLACK, url, team=make_team(name="Other"), name="#other-team")
    _channel(ChatKind.SLACK, url, project=project, name="#only-risks").event_types = ["risk.raised"]
    ChatChannel.objects.filter(name="#only-risks").update(event_types=["risk.raised"])
    with django_capture_on_commit_callbacks(execute=False) as queued, transaction.atomic():
        _publish(project)
    routed = sorted(OutboundMessage.objects.values_list("channel__name", flat=True))
    assert routed == sorted([mine.name, teams.name])
    assert len(queued) == 1  # one on-commit callback enqueues both


def test_retry_after_reads_seconds_and_http_dates_capped_at_a_day() -> None:
    now = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    assert delivery.retry_after("120", now=now) == dt.timedelta(seconds=120)
    assert delivery.retry_after("Sun, 06 Dec 2026 12:01:30 GMT", now=now) == dt.timedelta(seconds=90)
    assert delivery.retry_after("999999", now=now) == dt.timedelta(days=1)
    assert delivery.retry_after("soon", now=now) is None
    assert delivery.retry_after(None, now=now) is None


def test_the_backoff_schedule_and_its_end() -> None:
    class Fixed(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b  # the longest wait jitter allows

    waits = [delivery.backoff(n, rng=Fixed()) for n in range(1, 9)]
    assert [w.total_seconds() if w else None for w in waits] == [
        6.0, 360.0, 2160.0, 8640.0, 21600.0, 43200.0, 43200.0, None]


def test_report_figures() -> None:
    """Runs last in the module: prints the receiver figures for the note."""
    print(f"\nRECEIVER FIGURES: {FIGURES}")


def test_the_sweep_enqueues_due_retries_and_is_scheduled_every_minute(admin_user: Any, settings: Any) -> None:
    from tandem.core import schedule
    from tandem.integrations.outbound import tasks

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    endpoint = services.webhook_endpoint_create(actor=admin_user, url="http://127.0.0.1:9/never").endpoint
    now = timezone.now()
    for key, status, due in (("due", OutboundStatus.RETRYING, now - dt.timedelta(seconds=1)),
                             ("later", OutboundStatus.RETRYING, now + dt.timedelta(minutes=5)),
                             ("lost", OutboundStatus.PENDING, now - dt.timedelta(minutes=1)),
                             ("done", OutboundStatus.DELIVERED, None)):
        OutboundMessage.objects.create(message_id=key, endpoint=endpoint, event_type="milestone.done", body="{}",
                                       status=status, next_attempt_at=due)
    assert tasks.outbound_sweep.call() == 2
    schedule.discover()
    assert schedule.PERIODIC_JOBS["tandem.integrations.outbound.tasks.outbound_sweep"].minutes == 1
