"""HTMX helpers: ``request.htmx`` tells a partial request from a full page load."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class HtmxMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.htmx = request.headers.get("HX-Request") == "true"  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.htmx:  # type: ignore[attr-defined]
            # Partial and full responses of one URL must not share a cache entry.
            response.headers["Vary"] = ", ".join(
                filter(None, [response.headers.get("Vary"), "HX-Request"])
            )
        return response


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
