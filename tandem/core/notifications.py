"""In-app notifications (and their e-mail copies): write and read.

``notification_send`` is idempotent per (recipient, key): a job that runs twice for
the same day notifies once. E-mail goes through Django's configured mailer after the
transaction commits, only for notifications actually created.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.core.models import Notification
from tandem.core.statements import compiled_sql, run_once_compiled

logger = logging.getLogger("tandem.notifications")


def notification_send(
    *, recipient: Any, kind: str, key: str, title: str, body: str = "", url: str = "", email: bool = False
) -> Notification | None:
    """Create the notification unless one with this key exists; returns it or ``None``."""
    if recipient is None or not recipient.is_active:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, key=key[:200], title=title[:200], body=body, url=url[:500]
            )
    except IntegrityError:
        return None
    if email and recipient.email:
        address = recipient.email
        transaction.on_commit(
            lambda: _send_copy(address=address, subject=f"[Tandem] {title}"[:200], body=f"{body}\n\n{url}".strip())
        )
    return notification


def _send_copy(*, address: str, subject: str, body: str) -> None:
    """The e-mail copy; a mail server failure is logged, the notification stands."""
    try:
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[address])
    except Exception:  # SMTP errors come in many types; the in-app notification is the record
        logger.exception("could not e-mail notification to %s", address)


def notification_mark_read(*, actor: Any, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the actor's notifications read."""
    queryset = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_id is not None:
        queryset = queryset.filter(pk=notification_id)
    return queryset.update(read_at=timezone.now())


def notification_list(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=actor)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def notification_unread_count(*, actor: Any, cap: int = 99) -> int:
    """Unread count for the top bar, counted up to ``cap`` (shown as "99+"): the rows of
    :func:`notification_list`'s unread ones, in SQL compiled once (it is on every page)."""
    if actor is None or not actor.is_authenticated:
        return 0

    def build() -> tuple[str, tuple[Any, ...]]:
        ids, params = compiled_sql(notification_list(actor=actor, unread_only=True).order_by().values("pk")[: cap + 1])
        return f"SELECT COUNT(*) FROM ({ids}) capped", params  # noqa: S608 -- Django's compiled SQL, values bound

    return int(run_once_compiled(f"notifications.unread_count:{cap}", (actor.pk,), build)[0][0])
