"""Governance's tabs on the project pages (``registry.record_tab``), after delivery's;
each part appends its own."""

from __future__ import annotations

from tandem.core import registry
from tandem.delivery.models import Project

# Risks and SWOT
registry.record_tab(Project, key="risks", label="Risks", url_name="governance:project_risks", icon="alert-triangle",
                    order=84)
# Status reports: the RAG trend and the reports of the project.
registry.record_tab(Project, key="status", label="Status", url_name="governance:project_status", icon="traffic-lights",
                    order=80)
