"""Governance's entries in the sidebar's "Governance" area (registered from
``GovernanceConfig.ready()``); each part appends its entries."""

from __future__ import annotations

from tandem.core import registry


# Status reports: the portfolio of the latest RAGs, for project managers, executives and admins.
def _reads_status_reports(user: object) -> bool:
    from tandem.core.permissions import has_role, is_admin
    from tandem.core.roles import Role

    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER, Role.EXECUTIVE)


registry.nav_entry(area="governance", label="Status reports", url_name="governance:report_list", icon="traffic-lights",
                   order=10, visible=_reads_status_reports)


from tandem.governance import home_reports  # noqa: E402,F401  (the "Status reports due" home card)
