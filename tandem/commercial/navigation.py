"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


# --- profit: profitability and expenses ---
def sees_costs_somewhere(user: object) -> bool:
    """Admins, executives and account managers (who see their own accounts' costs)."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


registry.nav_entry(
    area="sales", label="Profitability", url_name="commercial:profitability", icon="chart-line", order=60, visible=sales_desk
)
registry.nav_entry(
    area="sales", label="Expenses", url_name="commercial:expense_list", icon="receipt", order=65, visible=sees_costs_somewhere
)
