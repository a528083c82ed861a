"""Governance's tabs on the project pages (``registry.record_tab``), after delivery's;
each part appends its own."""

from __future__ import annotations

from tandem.core import registry
from tandem.delivery.models import Project

registry.record_tab(Project, key="meetings", label="Meetings", url_name="governance:project_meetings",
                    icon="calendar-event", order=82)
