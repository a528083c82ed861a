"""Governance's entries in the sidebar's "Governance" area (registered from
``GovernanceConfig.ready()``); each part appends its entries."""

from __future__ import annotations

from tandem.core import registry

# --- Meetings and calendar feeds (issue 10, points 2 and 9) ---
registry.nav_entry(area="governance", label="Meetings", url_name="governance:meeting_list", icon="calendar-event",
                   order=20)
registry.user_menu_entry(label="Calendar feeds", url_name="integrations:calendar_feeds", icon="calendar-share",
                         order=60)
from tandem.governance import meetings_wiring  # noqa: E402, F401  (home cards, account section, daily job)
