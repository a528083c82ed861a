"""Governance's entries in the sidebar's "Governance" area (registered from
``GovernanceConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role
from tandem.delivery.navigation import sees_projects


def reads_status_reports(user: Any) -> bool:
    """The portfolio of the latest RAGs: project managers, executives and admins."""
    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER, Role.EXECUTIVE)


registry.nav_entry(area="governance", label="Status reports", url_name="governance:report_list", icon="traffic-lights",
                   order=10, visible=reads_status_reports)
# Meetings: everyone signed in has some (as attendee or organizer).
registry.nav_entry(area="governance", label="Meetings", url_name="governance:meeting_list", icon="calendar-event",
                   order=20)
# RACI: every signed-in person's letters across the projects they see.
registry.nav_entry(area="governance", label="My responsibilities", url_name="governance:my_responsibilities",
                   icon="list-check", order=25)
# The organisation-wide risk list, for whoever sees projects or accounts.
registry.nav_entry(area="governance", label="Risks", url_name="governance:risk_list", icon="alert-triangle", order=30,
                   visible=sees_projects)
