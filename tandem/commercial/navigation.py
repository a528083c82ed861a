"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


# Quotes: the sales desk's list of offers (a quote is made from an opportunity's page).
registry.nav_entry(
    area="sales", label="Quotes", url_name="commercial:quote_list", icon="file-invoice", order=30, visible=sales_desk
)
