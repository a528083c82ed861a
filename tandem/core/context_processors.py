"""Navigation by role: one list of sections, each naming the roles that see it.

Later capabilities append their sections to ``NAVIGATION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role
from tandem.core.views_notifications import UnreadBadge

ALL_ROLES = tuple(Role.values)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ALL_ROLES
    admin_only: bool = False


NAVIGATION: list[NavItem] = [
    NavItem("Home", "home"),
    NavItem("Accounts", "clients:account_list", roles=(Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)),
    NavItem("Contacts", "clients:contact_list", roles=(Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)),
    NavItem("Interactions", "clients:interaction_list", roles=(Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)),
    # Everyone: anyone can be made the assignee of an inquiry, and then answers it from
    # the queue (project managers and members see only the inquiries assigned to them).
    NavItem("Inquiries", "clients:inquiry_queue"),
    NavItem("Needs attention", "clients:attention", roles=(Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)),
    NavItem("Import", "integrations:import_list", roles=(Role.ADMIN, Role.ACCOUNT_MANAGER)),
    NavItem("People", "people:user_list"),
    NavItem("Teams", "people:team_list"),
    NavItem("Calendar", "people:calendar"),
    NavItem("API tokens", "people:token_list"),
    NavItem("Admin", "admin:index", admin_only=True),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in NAVIGATION:
        if item.admin_only and not is_admin(user):
            continue
        if not item.admin_only and not (has_role(user, *item.roles) or is_admin(user)):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "active": request.path == url or (url != "/" and request.path.startswith(url))})
    # Counted only when a template shows it (the layout's top bar): one query per page.
    return {"nav_items": items, "notification_badge": UnreadBadge(user)}
