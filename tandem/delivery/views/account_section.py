"""The account's **Projects** tab (``/delivery/accounts/<id>/``, core hook
:func:`tandem.core.registry.record_tab`) and its "Projects" section
(:func:`~tandem.core.registry.record_section`, registered when the app is ready; the
tab also shows commercial's project requests and cross-sell ideas): the
account's projects the viewer may see, the latest start first, at most
:data:`SHOWN` with a link to the project list filtered to the account for the rest
(one query: the first ``SHOWN + 1`` rows tell whether there are more)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from tandem.clients.models import Account
from tandem.core.registry import record_section, record_tab
from tandem.delivery.selectors import account_project_list
from tandem.delivery.views.common import PROJECT_STATUS_BADGES

SHOWN = 5


def projects_section_context(viewer: Any, account: Account) -> dict[str, Any] | None:
    """The section's projects; no section while the viewer sees none."""
    projects = list(account_project_list(actor=viewer, account=account)[: SHOWN + 1])
    if not projects:
        return None
    return {
        "account": account,
        "projects": [
            {"project": project, "badge": PROJECT_STATUS_BADGES.get(project.status, "secondary")}
            for project in projects[:SHOWN]
        ],
        "more": len(projects) > SHOWN,
        "list_url": f"{reverse('delivery:project_list')}?{urlencode({'account': account.pk, 'view': 'all'})}",
    }


PROJECTS_TAB = "projects"

record_tab(Account, key=PROJECTS_TAB, label="Projects", url_name="delivery:account_projects", icon="checklist", order=30)
record_section(
    model=Account, key="delivery.projects", template="delivery/_account_projects.html",
    context=projects_section_context, slot="main", order=30, tab=PROJECTS_TAB,
)
