"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


# catalog: catalog, pricing, currencies. Everyone reads the catalog, price lists, rate
# cards and rates (quotes and plans are priced from them); administrators change them.
registry.nav_entry(area="sales", label="Catalog", url_name="commercial:product_list", icon="package", order=50)
registry.settings_page(label="Exchange rates", url_name="commercial:exchange_rates", icon="currency-euro", order=60)
registry.settings_page(label="Price lists", url_name="commercial:price_list_list", icon="tags", order=61)
registry.settings_page(label="Rate cards", url_name="commercial:rate_card_list", icon="clock-dollar", order=62)
