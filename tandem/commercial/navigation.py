"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


# The Sales area, in the order an account manager works: the pipeline, its quotes and
# contracts, then the money (forecast, revenue, budgets, profitability, expenses), then the
# catalog everyone prices from (readable by everyone).
registry.nav_entry(area="sales", label="Pipeline", url_name="commercial:pipeline_board", icon="layout-kanban", order=10, visible=sales_desk)
registry.nav_entry(area="sales", label="Opportunities", url_name="commercial:opportunity_list", icon="target-arrow", order=20, visible=sales_desk)
registry.nav_entry(area="sales", label="Quotes", url_name="commercial:quote_list", icon="file-invoice", order=30, visible=sales_desk)
registry.nav_entry(
    area="sales", label="Contracts", url_name="commercial:contract_list", icon="file-certificate", order=40, visible=sales_desk
)
registry.nav_entry(area="sales", label="Forecast", url_name="commercial:forecast", icon="chart-bar", order=50, visible=sales_desk)
registry.nav_entry(area="sales", label="Revenue", url_name="commercial:revenue_list", icon="cash", order=60, visible=sales_desk)
registry.nav_entry(area="sales", label="Budgets", url_name="commercial:budget_list", icon="wallet", order=70, visible=sales_desk)
registry.nav_entry(
    area="sales", label="Profitability", url_name="commercial:profitability", icon="chart-line", order=80, visible=sales_desk
)
registry.nav_entry(area="sales", label="Expenses", url_name="commercial:expense_list", icon="receipt", order=85, visible=sales_desk)
registry.nav_entry(area="sales", label="Catalog", url_name="commercial:product_list", icon="package", order=90)
registry.settings_page(label="Pipeline stages", url_name="commercial:stage_settings", icon="columns-3", order=59, visible=is_admin)
# The settings behind prices: listed for the sales desk, who use them (the pages stay
# readable to everyone).
registry.settings_page(label="Exchange rates", url_name="commercial:exchange_rates", icon="currency-euro", order=60, visible=sales_desk)
registry.settings_page(label="Price lists", url_name="commercial:price_list_list", icon="tags", order=61, visible=sales_desk)
registry.settings_page(label="Rate cards", url_name="commercial:rate_card_list", icon="clock-dollar", order=62, visible=sales_desk)
