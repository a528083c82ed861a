"""Settings entries of outbound delivery: Webhooks and Delivery failures (admins),
Chat channels (admins, project managers and team leads)."""

from __future__ import annotations

from typing import Any

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def may_see_channels(user: Any) -> bool:
    """Admins and project managers (no query: the sidebar is drawn on every page; a team
    lead without the role opens the page from the team's link or its address)."""
    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER)


registry.settings_page(label="Webhooks", url_name="integrations:webhook_endpoint_list", icon="webhook", order=70,
                       visible=is_admin)
registry.settings_page(label="Chat channels", url_name="integrations:chat_channel_list", icon="message-circle",
                       order=71, visible=may_see_channels)
registry.settings_page(label="Delivery failures", url_name="integrations:outbound_failures", icon="alert-octagon",
                       order=72, visible=is_admin)
