"""Site-wide pages: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.core import home as home_cards


def greeting() -> str:
    """"Good morning" / "Good afternoon" / "Good evening" by the local hour."""
    hour = timezone.localtime().hour
    if hour < 12:
        return "Good morning"
    return "Good afternoon" if hour < 18 else "Good evening"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """"My day": a greeting, then the cards the apps register that have something for
    this user, most urgent first (:mod:`tandem.core.home`)."""
    context = {
        "greeting": greeting(),
        "today": timezone.localdate(),
        "cards": home_cards.cards_for(request.user),
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers (no authentication, no data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
