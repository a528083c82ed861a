"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


# forecast slice: revenue, budgets, forecast
registry.nav_entry(area="sales", label="Forecast", url_name="commercial:forecast", icon="chart-bar", order=60, visible=sales_desk)
registry.nav_entry(area="sales", label="Revenue", url_name="commercial:revenue_list", icon="cash", order=70, visible=sales_desk)
registry.nav_entry(area="sales", label="Budgets", url_name="commercial:budget_list", icon="wallet", order=80, visible=sales_desk)
