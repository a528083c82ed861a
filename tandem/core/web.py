"""Web-page side of the error contract: domain errors raised in views become pages.

NotFoundError → 404, PermissionDeniedError → 403, ConflictError → 409.
(Placeholder until the web shell lands; see issue 2.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
