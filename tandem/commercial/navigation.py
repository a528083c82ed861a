"""The commercial entries in the sidebar's "Sales" area and the settings pages
(registered from ``CommercialConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry  # noqa: F401  (entries join as the pages land)
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def sales_desk(user: object) -> bool:
    """Admins, executives and account managers work the pipeline, contracts and revenue."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)
