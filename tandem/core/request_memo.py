"""Values read once per request: a setting that several parts of one page read (the
organisation's base currency, say) costs one query, not one per reader.

:class:`RequestMemoMiddleware` opens a memo for each request and drops it after the
answer; :func:`memo` computes a value on first use within it and returns the same value
after. Outside a request (commands, jobs, tests calling selectors), nothing is kept: the
value is computed each time. A service that changes a memoized value calls
:func:`forget` with its key, so the rest of the request reads the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponseBase

_MEMO: ContextVar[dict[str, Any] | None] = ContextVar("request_memo", default=None)


def memo[T](key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request under ``key`` (each time outside a request)."""
    values = _MEMO.get()
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]


def forget(key: str) -> None:
    """Drop ``key`` from this request's memo (after a write that changes it)."""
    values = _MEMO.get()
    if values is not None:
        values.pop(key, None)


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _MEMO.reset(token)
