"""Governance's tabs on the project pages (``registry.record_tab``), after delivery's
(which end at Resources, order 70), and its tab on the account's record: Relationship
(meetings, relationship risks and SWOT analyses, the discussion), after delivery's
Projects."""

from __future__ import annotations

from tandem.clients.models import Account
from tandem.core import registry
from tandem.delivery.models import Project

#: The account tab where governance's account sections sit (``record_section(tab=…)``).
RELATIONSHIP_TAB = "relationship"

registry.record_tab(Account, key=RELATIONSHIP_TAB, label="Relationship", url_name="governance:account_relationship",
                    icon="users-group", order=40)

registry.record_tab(Project, key="status", label="Status", url_name="governance:project_status",
                    icon="traffic-lights", order=80)
registry.record_tab(Project, key="meetings", label="Meetings", url_name="governance:project_meetings",
                    icon="calendar-event", order=82)
registry.record_tab(Project, key="risks", label="Risks", url_name="governance:project_risks",
                    icon="alert-triangle", order=84)
registry.record_tab(Project, key="raci", label="RACI", url_name="governance:project_raci", icon="table", order=86)
registry.record_tab(Project, key="stakeholders", label="Stakeholders", url_name="governance:project_stakeholders",
                    icon="users-group", order=88)
registry.record_tab(Project, key="activity", label="Activity", url_name="governance:project_activity",
                    icon="message-circle", order=90)
