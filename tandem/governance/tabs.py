"""Governance's tabs on the project pages (``registry.record_tab``), after delivery's;
each part appends its own."""

from __future__ import annotations

from tandem.core import registry
from tandem.delivery.models import Project

# RACI and stakeholders
registry.record_tab(Project, key="raci", label="RACI", url_name="governance:project_raci", icon="table", order=86)
registry.record_tab(Project, key="stakeholders", label="Stakeholders", url_name="governance:project_stakeholders",
                    icon="users-group", order=88)
