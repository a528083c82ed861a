"""Delivery's entries in the sidebar's "Delivery" area (registered from
``DeliveryConfig.ready()``): "Projects" for everyone who may see projects (every role:
managers, team members, account managers through their accounts, executives) and
"My tasks" for every signed-in user."""

from __future__ import annotations

from typing import Any

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin, sees_everything
from tandem.core.roles import Role
from tandem.delivery.selectors.capacity import sees_capacity


def sees_projects(user: Any) -> bool:
    """Whoever may be shown a project: executives and admins, project and account
    managers, and team members (a project's team sees it)."""
    return sees_everything(user) or has_role(user, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER, Role.MEMBER)


registry.nav_entry(area="delivery", label="Projects", url_name="delivery:project_list", icon="briefcase", order=2,
                   visible=sees_projects)
registry.nav_entry(area="delivery", label="My tasks", url_name="delivery:my_tasks", icon="checklist", order=4)


def records_time(user: Any) -> bool:
    """"Timesheet": whoever may work on projects (team members, project and account
    managers, admins); executives read time, they do not record it."""
    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER, Role.MEMBER)


def approves_time(user: Any) -> bool:
    """"Time approvals": project managers approve their projects' time, admins any."""
    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER)


registry.nav_entry(area="delivery", label="Timesheet", url_name="delivery:timesheet", icon="clock-hour-4", order=5,
                   visible=records_time)


registry.nav_entry(area="delivery", label="Time approvals", url_name="delivery:approvals", icon="clock-check",
                   order=6, visible=approves_time)
# "Capacity" for project managers, executives and admins, who plan people's time (the grid
# shows anyone else only themselves: tandem.delivery.selectors.capacity.sees_capacity).

registry.nav_entry(area="delivery", label="Capacity", url_name="delivery:capacity", icon="calendar-stats", order=7,
                   visible=sees_capacity)
