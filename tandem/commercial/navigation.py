"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


# --- pipeline -------------------------------------------------------------------------------
registry.nav_entry(area="sales", label="Pipeline", url_name="commercial:pipeline_board", icon="layout-kanban", order=10, visible=sales_desk)
registry.nav_entry(area="sales", label="Opportunities", url_name="commercial:opportunity_list", icon="target-arrow", order=20, visible=sales_desk)
registry.settings_page(label="Pipeline stages", url_name="commercial:stage_settings", icon="columns-3", order=60, visible=is_admin)
