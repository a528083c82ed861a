"""Site-wide pages: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.core import home as home_cards
from tandem.core.views_notifications import UnreadBadge


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
    cards = home_cards.cards_for(request.user)
    # The notifications card counts the unread ones (up to 1,000, more than the badge's
    # 99): the top bar's badge shows that number instead of counting them again.
    unread = next((card.count for card in cards if card.key == "notifications"), 0)
    context = {
        "greeting": greeting(),
        "today": timezone.localdate(),
        "cards": cards,
        "cards_html": home_cards.cards_html(cards),
        "notification_badge": UnreadBadge(request.user, count=unread),
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers (no authentication, no data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
