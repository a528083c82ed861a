"""Governance's entries in the sidebar's "Governance" area (registered from
``GovernanceConfig.ready()``); each part appends its entries."""

from __future__ import annotations

from tandem.core import registry

# RACI: every signed-in person's letters across the projects they see.
registry.nav_entry(area="governance", label="My responsibilities", url_name="governance:my_responsibilities",
                   icon="list-check", order=20)
from tandem.governance import home_raci as _home_raci  # noqa: E402,F401  (the "My RACI duties" card)
