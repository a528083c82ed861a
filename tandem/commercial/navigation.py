"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


# --- contracts (contracts slice) ---
registry.nav_entry(area="sales", label="Contracts", url_name="commercial:contract_list", icon="file-certificate", order=30, visible=sales_desk)
