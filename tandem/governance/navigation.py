"""Governance's entries in the sidebar's "Governance" area (registered from
``GovernanceConfig.ready()``); each part appends its entries."""

from __future__ import annotations

from tandem.core import registry

# Risks and SWOT: the organisation-wide risk list, for whoever sees projects or accounts
# (everyone with a role: executives and admins, project and account managers, members);
# the account page's section and the "Risks to review" home card come with it.
from tandem.delivery.navigation import sees_projects
from tandem.governance import home_risks  # noqa: F401
from tandem.governance.views import risks as _risk_views  # noqa: F401  (the account section)

registry.nav_entry(area="governance", label="Risks", url_name="governance:risk_list", icon="alert-triangle", order=30,
                   visible=sees_projects)

# Status reports: the portfolio of the latest RAGs, for project managers, executives and admins.
def _reads_status_reports(user: object) -> bool:
    from tandem.core.permissions import has_role, is_admin
    from tandem.core.roles import Role

    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER, Role.EXECUTIVE)


registry.nav_entry(area="governance", label="Status reports", url_name="governance:report_list", icon="traffic-lights",
                   order=10, visible=_reads_status_reports)


from tandem.governance import home_reports  # noqa: E402,F401  (the "Status reports due" home card)
# --- Meetings and calendar feeds (issue 10, points 2 and 9) ---
registry.nav_entry(area="governance", label="Meetings", url_name="governance:meeting_list", icon="calendar-event",
                   order=20)
registry.user_menu_entry(label="Calendar feeds", url_name="integrations:calendar_feeds", icon="calendar-share",
                         order=60)
from tandem.governance import meetings_wiring  # noqa: E402, F401  (home cards, account section, daily job)
