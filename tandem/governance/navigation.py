"""Governance's entries in the sidebar's "Governance" area (registered from
``GovernanceConfig.ready()``); each part appends its entries."""

from __future__ import annotations

from tandem.core import registry  # noqa: F401
