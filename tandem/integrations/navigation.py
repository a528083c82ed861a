"""Imports' entry in the sidebar (registered from ``IntegrationsConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def may_import(user: object) -> bool:
    """Admins and account managers bring in accounts and contacts from files."""
    return is_admin(user) or has_role(user, Role.ACCOUNT_MANAGER)


registry.nav_entry(area="clients", label="Imports", url_name="integrations:import_list", icon="file-import", order=60, visible=may_import)

# Each person's calendar feeds (a subscription link of their meetings, tasks due and milestones).
registry.user_menu_entry(label="Calendar feeds", url_name="integrations:calendar_feeds", icon="calendar-share",
                         order=60)
