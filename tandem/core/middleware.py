"""Small cross-cutting HTTP middleware of core.

:class:`NoStoreForAuthenticatedMiddleware` marks every answer given to a logged-in user
(pages, API answers, exports; session or bearer token) ``Cache-Control: no-store``, so
neither the browser nor a shared proxy keeps a copy of client data after log-out.
Anonymous answers (the log-in page, static files) keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import SimpleLazyObject, empty


class NoStoreForAuthenticatedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        _resolve_user(request)
        response = self.get_response(request)
        if _authenticated(request) or request.headers.get("Authorization", "").startswith("Bearer "):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


def _resolve_user(request: HttpRequest) -> None:
    """Put the user itself in ``request.user`` in place of Django's lazy wrapper: a page
    reads it hundreds of times (every permission check), each read through the wrapper
    costing a Python-level attribute hook."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        request.user = user._wrapped if user._wrapped is not empty else _evaluated(user)


def _evaluated(user: SimpleLazyObject) -> Any:
    user._setup()
    return user._wrapped


def _authenticated(request: HttpRequest) -> bool:
    # ``request.user`` is lazy: reading it here costs nothing the view did not already do,
    # and an API request authenticated by a token sets ``request.auth`` instead.
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or getattr(request, "auth", None) is not None
