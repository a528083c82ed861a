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
# --- comments: the project's Activity tab; the account's Discussion section, the
# account timeline's comments and the "Mentions" home card register with it.
registry.record_tab(Project, key="activity", label="Activity", url_name="governance:project_activity",
                    icon="message-circle", order=90)
from tandem.governance import comment_hooks  # noqa: E402, F401
registry.record_tab(Project, key="meetings", label="Meetings", url_name="governance:project_meetings",
                    icon="calendar-event", order=82)
