"""Authentication: log in by e-mail, throttling without user enumeration, audit of
log-ins, and bearer-token authentication for the API.

Throttling counts recent failures per e-mail and per client address in the database
(``LoginAttempt``), so it holds across several app server processes. A throttled
attempt gets the same answer whether or not the e-mail exists, and the password hash
is computed for unknown e-mails too (constant work), so neither the message nor the
timing tells whether an account exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from tandem.core import audit
from tandem.core.models import AuditAction
from tandem.people.models import LoginAttempt, User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.TANDEM_LOGIN_WINDOW_SECONDS)


def login_is_throttled(*, email: str, ip_address: str | None) -> bool:
    """True when the e-mail or the client address has too many recent failures."""
    limit = settings.TANDEM_LOGIN_MAX_FAILURES
    since = _window_start()
    recent = LoginAttempt.objects.filter(at__gte=since)
    if recent.filter(email=email.strip().lower()).count() >= limit:
        return True
    # An address may try several accounts (an office behind one NAT), so it gets more.
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def login_failure_record(*, email: str, ip_address: str | None) -> None:
    LoginAttempt.objects.create(email=email.strip().lower()[:254], ip_address=ip_address)
    audit.record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        changes={"email": [None, email.strip().lower()[:254]]},
        ip_address=ip_address,
    )


def login_success_record(*, user: User, ip_address: str | None) -> None:
    LoginAttempt.objects.filter(email=user.email).delete()
    audit.record(actor=user, action=AuditAction.LOGIN, instance=user, ip_address=ip_address)


def logout_record(*, user: Any, ip_address: str | None) -> None:
    if user is not None and user.is_authenticated:
        audit.record(actor=user, action=AuditAction.LOGOUT, instance=user, ip_address=ip_address)


def login_attempts_prune(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    deleted, _ = LoginAttempt.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted


class EmailBackend(ModelBackend):
    """Logs in by e-mail (case-insensitive); refuses inactive users, including on every
    request of an existing session (``get_user``), which cuts off disabled accounts."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        email = (kwargs.get("email") or username or "").strip().lower()
        if not email or password is None:
            return None
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(email__iexact=email)
        except user_model.DoesNotExist:
            # Same work as a real check, so timing does not reveal unknown e-mails.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.filter(pk=user_id, is_active=True)
            .select_related("person")
            .prefetch_related("role_assignments")
            .first()
        )
        return user
