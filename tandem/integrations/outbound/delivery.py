"""One delivery attempt of one message, and what follows from its answer.

* The POST carries ``content-type: application/json`` and ``user-agent: Tandem``; to a
  webhook endpoint also ``webhook-id`` (the message's id, the same on every retry and
  replay), ``webhook-timestamp`` (Unix seconds, fresh on every attempt) and
  ``webhook-signature`` (:mod:`.signing`). The receiver has
  ``TANDEM_OUTBOUND_TIMEOUT_SECONDS`` (10 s) to answer.
* Success: a 2xx; for Slack, 200 with the body ``ok``. Slack's error strings
  (``invalid_payload``, ``channel_not_found``, ``channel_is_archived``, …) are permanent:
  the message fails at once, no retry.
* Every attempt is an :class:`OutboundAttempt` (status, the first 500 characters of the
  answer, the error, the duration, the ``Retry-After`` asked for).
* A failure is retried after :data:`RETRY_DELAYS` (5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
  10 h; each ±20 % jitter), or after the receiver's ``Retry-After`` (seconds or an HTTP
  date, at most a day); after the last the message has failed.
* A failed message adds one to its endpoint's or channel's ``consecutive_failures`` (a
  delivered one resets it); at ``TANDEM_OUTBOUND_DISABLE_AFTER`` (20) in a row the
  endpoint or channel is disabled and its owner and the administrators are told.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from tandem.core.notifications import notification_send
from tandem.core.roles import Role
from tandem.integrations.models import (
    ChatChannel,
    ChatKind,
    OutboundAttempt,
    OutboundMessage,
    OutboundStatus,
    WebhookEndpoint,
)
from tandem.integrations.outbound import signing
from tandem.integrations.outbound.payloads import absolute_url

logger = logging.getLogger("tandem.outbound")

RETRY_DELAYS: tuple[dt.timedelta, ...] = (
    dt.timedelta(seconds=5), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2),
    dt.timedelta(hours=5), dt.timedelta(hours=10), dt.timedelta(hours=10),
)
JITTER = 0.2
MAX_RETRY_AFTER = dt.timedelta(days=1)
EXCERPT = 500
SLACK_PERMANENT = frozenset({
    "invalid_payload", "channel_not_found", "channel_is_archived", "action_prohibited", "no_service",
    "no_service_id", "no_team", "team_disabled", "invalid_token", "user_not_found", "no_text",
    "too_many_attachments", "posting_to_general_channel_denied", "invalid_blocks", "invalid_blocks_format",
})
USER_AGENT = "Tandem"


@dataclass(frozen=True)
class Answer:
    """What came back from one POST."""

    status_code: int | None
    text: str
    error: str
    duration_ms: int
    retry_after: dt.timedelta | None


def retry_after(value: str | None, *, now: dt.datetime) -> dt.timedelta | None:
    """``Retry-After`` as a delay: delta-seconds or an HTTP date, at most a day;
    ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = dt.timedelta(seconds=int(value))
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        delay = max(when - now, dt.timedelta(0))
    return min(delay, MAX_RETRY_AFTER)


def backoff(failed_attempts: int, *, rng: random.Random | None = None) -> dt.timedelta | None:
    """The wait after the ``failed_attempts``-th failed attempt (±20 % jitter), or
    ``None`` when no retry is left."""
    if failed_attempts > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[failed_attempts - 1]
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return dt.timedelta(seconds=base.total_seconds() * factor)


def post(url: str, body: bytes, headers: dict[str, str], *, now: dt.datetime) -> Answer:
    """POST ``body``; never raises for what the network or the receiver does."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (URL validated as http(s))
    started = time.monotonic()
    status: int | None = None
    text = ""
    error = ""
    header_retry: str | None = None
    try:
        with urllib.request.urlopen(request, timeout=settings.TANDEM_OUTBOUND_TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
            text = response.read(EXCERPT * 4).decode("utf-8", "replace")
            header_retry = response.headers.get("Retry-After")
    except urllib.error.HTTPError as exc:
        status = exc.code
        try:
            text = exc.read(EXCERPT * 4).decode("utf-8", "replace")
        except (OSError, TimeoutError):
            text = ""
        header_retry = exc.headers.get("Retry-After") if exc.headers else None
    except TimeoutError:
        error = f"No answer within {settings.TANDEM_OUTBOUND_TIMEOUT_SECONDS} s (timed out)."
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            error = f"No answer within {settings.TANDEM_OUTBOUND_TIMEOUT_SECONDS} s (timed out)."
        else:
            error = f"Could not connect: {reason}"
    except (OSError, ValueError) as exc:
        error = f"Could not send: {exc}"
    duration = int((time.monotonic() - started) * 1000)
    return Answer(status_code=status, text=text, error=error[:EXCERPT], duration_ms=duration,
                  retry_after=retry_after(header_retry, now=now))


def headers_for(message: OutboundMessage, *, now: dt.datetime) -> dict[str, str]:
    """The request headers; a webhook's are signed with a fresh timestamp."""
    headers = {"content-type": "application/json", "user-agent": USER_AGENT}
    endpoint = message.endpoint
    if endpoint is not None:
        timestamp = int(now.timestamp())
        headers["webhook-id"] = message.message_id
        headers["webhook-timestamp"] = str(timestamp)
        headers["webhook-signature"] = signing.signature_header(
            secret=endpoint.secret, message_id=message.message_id, timestamp=timestamp,
            body=message.body.encode(), previous_secret=endpoint.previous_secret,
            previous_secret_expires_at=endpoint.previous_secret_expires_at, now=now,
        )
    return headers


def verdict(message: OutboundMessage, answer: Answer) -> tuple[bool, bool, str]:
    """``(delivered, permanent, reason)`` for an answer."""
    code = answer.status_code
    if code is None:
        return False, False, answer.error
    text = answer.text.strip()
    if message.channel is not None and message.channel.kind == ChatKind.SLACK:
        if code == 200 and text == "ok":
            return True, False, ""
        if text in SLACK_PERMANENT:
            return False, True, f"Slack refused the message: {text}."
        return False, False, f"Slack answered {code}{': ' + text[:200] if text else ''}."
    if 200 <= code < 300:
        return True, False, ""
    return False, False, f"The receiver answered {code}."


def _claim(message_pk: int, *, now: dt.datetime, once: bool) -> bool:
    """Take the message for this attempt (two workers never both send it)."""
    due = Q(next_attempt_at__isnull=True) if once else Q(next_attempt_at__lte=now)
    hold = now + dt.timedelta(seconds=settings.TANDEM_OUTBOUND_TIMEOUT_SECONDS * 3)
    return OutboundMessage.objects.filter(
        due, pk=message_pk, status__in=[OutboundStatus.PENDING, OutboundStatus.RETRYING],
    ).update(next_attempt_at=hold) == 1


def deliver(message_pk: int, *, once: bool = False, now: dt.datetime | None = None,
            rng: random.Random | None = None) -> OutboundAttempt | None:
    """Make one attempt of the message if it is due (``once``: a replay or a test, one
    attempt without retries nor a count towards disabling); answer the attempt, or
    ``None`` when there was nothing to do."""
    now = now or timezone.now()
    if not _claim(message_pk, now=now, once=once):
        return None
    message = OutboundMessage.objects.select_related("endpoint", "channel").get(pk=message_pk)
    target: WebhookEndpoint | ChatChannel | None = message.endpoint or message.channel
    if target is None or not target.is_active:
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundStatus.FAILED, next_attempt_at=None,
            last_error="Not sent: the endpoint or channel is disabled.",
        )
        return None
    url = target.url
    answer = post(url, message.body.encode(), headers_for(message, now=now), now=now)
    delivered, permanent, reason = verdict(message, answer)
    return _record(message, answer, delivered=delivered, permanent=permanent, reason=reason, once=once, now=now, rng=rng)


@transaction.atomic
def _record(message: OutboundMessage, answer: Answer, *, delivered: bool, permanent: bool, reason: str,
            once: bool, now: dt.datetime, rng: random.Random | None) -> OutboundAttempt:
    number = message.attempts + 1
    attempt = OutboundAttempt.objects.create(
        message=message, number=number, at=now, status_code=answer.status_code,
        response_excerpt=answer.text[:EXCERPT], error=(answer.error or ("" if delivered else reason))[:EXCERPT],
        duration_ms=answer.duration_ms,
        retry_after_seconds=int(answer.retry_after.total_seconds()) if answer.retry_after is not None else None,
    )
    failures = _failed_in_a_row(message) if not delivered else 0
    wait: dt.timedelta | None = None
    if delivered:
        status = OutboundStatus.DELIVERED
    elif permanent or once:
        status = OutboundStatus.FAILED
    else:
        wait = answer.retry_after if answer.retry_after is not None else backoff(failures, rng=rng)
        if wait is not None and failures > len(RETRY_DELAYS):
            wait = None
        status = OutboundStatus.RETRYING if wait is not None else OutboundStatus.FAILED
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=status, attempts=number, last_attempt_at=now, last_status_code=answer.status_code,
        last_error=(reason or answer.error)[:EXCERPT] if not delivered else "",
        delivered_at=now if delivered else message.delivered_at,
        next_attempt_at=now + wait if wait is not None else None,
    )
    model = WebhookEndpoint if message.endpoint_id else ChatChannel
    target_pk = int(message.endpoint_id or message.channel_id or 0)
    if delivered:
        model.objects.filter(pk=target_pk).exclude(consecutive_failures=0).update(consecutive_failures=0)
    elif status == OutboundStatus.FAILED and not once:
        model.objects.filter(pk=target_pk).update(consecutive_failures=F("consecutive_failures") + 1)
        _disable_if_failing(model, target_pk, now=now)
    return attempt


def _failed_in_a_row(message: OutboundMessage) -> int:
    """Failed attempts of the message since its last delivered one, this one included."""
    numbers = list(message.attempt_log.order_by("-number").values_list("status_code", "response_excerpt", "error"))
    count = 0
    for _status, _text, error in numbers:
        if not error:
            break
        count += 1
    return count


def _disable_if_failing(model: type[WebhookEndpoint] | type[ChatChannel], pk: int, *, now: dt.datetime) -> None:
    limit = settings.TANDEM_OUTBOUND_DISABLE_AFTER
    reason = f"Disabled after {limit} messages in a row could not be delivered."
    changed = model.objects.filter(pk=pk, is_active=True, consecutive_failures__gte=limit).update(
        is_active=False, disabled_at=now, disabled_reason=reason,
    )
    if not changed:
        return
    target = model.objects.get(pk=pk)
    if isinstance(target, WebhookEndpoint):
        owner = target.owner
        url = absolute_url(reverse("integrations:webhook_endpoint_detail", args=[pk]))
        what = f"Webhook {target}"
    else:
        owner = target.created_by
        url = absolute_url(reverse("integrations:chat_channel_list"))
        what = f"{target.get_kind_display()} channel {target}"
    User: Any = get_user_model()
    admins = list(User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(role_assignments__role=Role.ADMIN)).distinct())
    recipients = {user.pk: user for user in admins}
    if owner is not None:
        recipients[owner.pk] = owner
    for recipient in recipients.values():
        notification_send(
            recipient=recipient, kind="outbound_disabled", key=f"outbound_disabled:{model.__name__}:{pk}:{now.isoformat()}",
            title=f"{what} was disabled", body=reason, url=url,
        )
    logger.warning("%s disabled: %s", what, reason)
