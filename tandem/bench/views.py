"""Baselines for the ratios (reached only through :mod:`tandem.bench.urls`)."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from tandem.core.api import paginate
from tandem.people import selectors
from tandem.people.schemas import user_out


@login_required
@require_GET
def baseline(request: HttpRequest) -> HttpResponse:
    """P2's denominator: the least a logged-in page can do, through the same middleware
    (session, user, CSRF, CSP, ...) as every page."""
    return HttpResponse("ok", content_type="text/plain")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@login_required
@require_GET
def users_json(request: HttpRequest) -> JsonResponse:
    """P7's denominator: the rows and fields of ``GET /api/v1/users``, paginated the same
    way, written as a plain Django ``JsonResponse`` with no API framework."""
    actor = request.user
    params = SimpleNamespace(
        limit=_int(request.GET.get("limit"), 50), offset=_int(request.GET.get("offset"), 0)
    )
    items, meta = paginate(selectors.user_list(actor=actor), params)  # type: ignore[arg-type]
    return JsonResponse({**meta, "items": [user_out(user, actor=actor) for user in items]})
