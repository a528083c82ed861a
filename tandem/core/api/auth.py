"""API authentication (bearer token, then session with CSRF) and the per-user throttle."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf

from tandem.core import registry
from tandem.core.api.errors import SAFE_METHODS
from tandem.core.errors import PermissionDeniedError

# --- Authentication ----------------------------------------------------------------------


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_…`` — a personal access token (see module docstring)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        access_token = registry.authenticate_token(token)
        if access_token is None:
            raise AuthenticationError(message="The token is unknown, expired or revoked.")
        if request.method not in SAFE_METHODS and not access_token.allows_write:
            raise PermissionDeniedError(
                "This token is read-only: it may only read (GET).", code="token_read_only"
            )
        user = access_token.user
        request.user = user
        request.access_token = access_token  # type: ignore[attr-defined]
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The browser's Django session; unsafe methods must pass Django's CSRF check.

    Only a signed-in, active user is accepted. The CSRF check runs only for a session
    that would otherwise authenticate, so a request with neither a session nor a token
    answers 401 (not a misleading CSRF 403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)  # ``csrf`` also tells the docs page to send the token

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDeniedError(
                "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.",
                code="csrf_failed",
            )
        return user


API_AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


def current_user(request: HttpRequest) -> Any:
    """The authenticated user of an API request (set by :data:`API_AUTH`)."""
    return request.auth  # type: ignore[attr-defined]


class UserRateThrottle(BaseThrottle):
    """Requests per authenticated user, sliding window, at
    ``settings.TANDEM_API_THROTTLE_RATE`` (``"<n>/<s|m|h|d>"``; default
    :attr:`DEFAULT_RATE`; ``None`` or ``""`` switches it off). The rate is read per
    request, so tests and operators can change it without a restart.

    The request history lives in the cache (Redis when configured, so it is shared by
    every app server; per process otherwise). The per-request answer is kept in a
    thread-local, because ninja shares one throttle object between threads.
    """

    DEFAULT_RATE = "300/s"
    PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def __init__(self) -> None:
        self._state = threading.local()

    @classmethod
    def parse_rate(cls, rate: str) -> tuple[int, int]:
        count, _, period = rate.partition("/")
        try:
            return int(count), cls.PERIODS[period.strip()[:1]]
        except (ValueError, KeyError) as exc:
            raise ImproperlyConfigured(f"TANDEM_API_THROTTLE_RATE {rate!r} is not like '300/s'.") from exc

    def allow_request(self, request: HttpRequest) -> bool:
        self._state.wait = None
        rate = getattr(settings, "TANDEM_API_THROTTLE_RATE", self.DEFAULT_RATE)
        user_pk = getattr(getattr(request, "auth", None), "pk", None)
        if not rate or user_pk is None:
            return True
        limit, period = self.parse_rate(rate)
        key = f"throttle_tandem_api_{user_pk}"
        now = time.time()
        history = [at for at in cache.get(key, []) if at > now - period]  # newest first
        if len(history) >= limit:
            self._state.wait = max(0.0, period - (now - history[limit - 1]))
            return False
        cache.set(key, [now, *history], period)
        return True

    def wait(self) -> float | None:
        return getattr(self._state, "wait", None)
