"""Delivery's entries in the sidebar's "Delivery" area (registered from
``DeliveryConfig.ready()``): "Projects" for everyone who may see projects (every role:
managers, team members, account managers through their accounts, executives) and
"My tasks" for every signed-in user."""

from __future__ import annotations

from typing import Any

from tandem.core import registry
from tandem.core.permissions import has_role, sees_everything
from tandem.core.roles import Role


def sees_projects(user: Any) -> bool:
    """Whoever may be shown a project: executives and admins, project and account
    managers, and team members (a project's team sees it)."""
    return sees_everything(user) or has_role(user, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER, Role.MEMBER)


registry.nav_entry(area="delivery", label="Projects", url_name="delivery:project_list", icon="briefcase", order=2,
                   visible=sees_projects)
registry.nav_entry(area="delivery", label="My tasks", url_name="delivery:my_tasks", icon="checklist", order=4)

# "Capacity" for project managers, executives and admins, who plan people's time (the grid
# shows anyone else only themselves: tandem.delivery.selectors.capacity.sees_capacity).
from tandem.delivery.selectors.capacity import sees_capacity  # noqa: E402

registry.nav_entry(area="delivery", label="Capacity", url_name="delivery:capacity", icon="calendar-stats", order=6,
                   visible=sees_capacity)
