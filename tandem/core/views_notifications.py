"""The user's notifications: the list, mark one or all read, and the unread badge of the
top bar.

The badge costs one query on a full page and none on an HTMX partial: the layout asks
for :class:`UnreadBadge` lazily (``tandem.core.context_processors.navigation`` puts it in
every template's context), and only ``base.html`` reads it. Marking read answers HTMX
with the changed item and an out-of-band swap of the badge; without JavaScript the same
forms post and redirect back to the list.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from tandem.core.errors import NotFoundError
from tandem.core.models import Notification
from tandem.core.notifications import (
    notification_list,
    notification_mark_read,
    notification_unread_count,
)
from tandem.core.pagination import page_query, paginate
from tandem.core.web import wants_partial

BADGE_CAP = 99


class UnreadBadge:
    """The unread count of the top bar, counted on first use (capped: "99+")."""

    def __init__(self, user: Any, *, count: int | None = None) -> None:
        self.user = user
        if count is not None:  # already counted by the page (the home page's card): no query
            self.__dict__["count"] = count

    @cached_property
    def count(self) -> int:
        return notification_unread_count(actor=self.user, cap=BADGE_CAP)

    @property
    def display(self) -> str:
        return f"{BADGE_CAP}+" if self.count > BADGE_CAP else str(self.count)

    @property
    def label(self) -> str:
        if self.count == 0:
            return "Notifications, none unread"
        return f"Notifications, {self.display} unread"


def safe_link(url: str) -> str:
    """A notification's link when it stays on this site (a path), else ``""``: a stored
    ``javascript:`` or foreign URL is never rendered as a link."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


def _rows(items: list[Notification]) -> list[tuple[Notification, str]]:
    return [(item, safe_link(item.url)) for item in items]


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """Newest first; ``?unread=1`` shows only the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    page = paginate(
        notification_list(actor=request.user, unread_only=unread_only), request.GET.get("page"), None
    )
    params = {"unread": "1" if unread_only else ""}
    context = {
        "page": page,
        "rows": _rows(list(page.items)),
        "unread_only": unread_only,
        "previous_query": page_query(params, page=page.previous_number) if page.has_previous else "",
        "next_query": page_query(params, page=page.next_number) if page.has_next else "",
    }
    return render(request, "core/notifications.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the user's notifications read (someone else's: 404, nothing changes)."""
    try:
        item = notification_list(actor=request.user).get(pk=notification_id)
    except Notification.DoesNotExist as exc:
        raise NotFoundError("This notification does not exist.") from exc
    notification_mark_read(actor=request.user, notification_id=item.pk)
    if wants_partial(request):
        item.refresh_from_db(fields=["read_at"])
        context = {"item": item, "link": safe_link(item.url), "badge": UnreadBadge(request.user), "oob_badge": True}
        return render(request, "core/partials/notification.html", context)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    changed = notification_mark_read(actor=request.user)
    messages.success(request, "All notifications are marked read." if changed else "Nothing was unread.")
    return redirect("core:notifications")
