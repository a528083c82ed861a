"""Governance's tabs on the project pages (``registry.record_tab``), after delivery's;
each part appends its own."""

from __future__ import annotations

from tandem.core import registry  # noqa: F401
from tandem.delivery.models import Project  # noqa: F401
