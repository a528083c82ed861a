"""The layout's context: the sidebar and user menu the apps registered
(:mod:`tandem.core.registry`), and the unread badge of the top bar.

Nothing here names a domain app or URL: each app registers its own entries.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.core import registry
from tandem.core.views_notifications import UnreadBadge


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_areas": [], "nav_items": [], "user_menu": []}
    areas = registry.navigation_for(user, request.path)
    user_menu = registry.user_menu_for(user, request.path)
    return {
        "nav_areas": areas,
        "sidebar_html": registry.sidebar_html(areas),
        "user_menu_html": registry.user_menu_html(user_menu),
        # The same links flat, in the order shown (tests and pages that list them).
        "nav_items": [{"label": link.label, "url": link.url, "active": link.active} for area in areas for link in area.links],
        "user_menu": user_menu,
        # Counted only when a template shows it (the layout's top bar): one query per page.
        "notification_badge": UnreadBadge(user),
    }
