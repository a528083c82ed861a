""""Status reports due" (home, project managers): their active projects with no report
published in the last 14 days, counted with every card's number in one query, linking
to the portfolio filtered to exactly those projects (``?due=1&manager=me``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from tandem.core import home
from tandem.core.home import Card, Row
from tandem.core.permissions import has_role
from tandem.core.roles import Role
from tandem.delivery.views.common import ME
from tandem.governance.selectors.reports import reports_due

DUE_KEY = "governance.status_reports_due"
ROWS_SHOWN = 3
ROW_FIELDS = ("id", "code", "name", "latest_period_end")


@home.count_source
def _numbers(user: Any) -> dict[str, QuerySet[Any]]:
    if not has_role(user, Role.PROJECT_MANAGER):
        return {}
    return {DUE_KEY: reports_due(actor=user).select_related(None).order_by()}


@home.card(key="status_reports_due", title="Status reports due", order=17,
           visible=lambda user: has_role(user, Role.PROJECT_MANAGER))
def status_reports_due(user: Any) -> Card | None:
    count = home.counts(user).get(DUE_KEY, 0)
    if not count:
        return None
    rows = [
        Row(row["name"], reverse("governance:project_status", kwargs={"project_id": row["id"]}),
            detail=row["code"] + (f" · last report {row['latest_period_end']:%-d %b %Y}" if row["latest_period_end"]
                                  else " · no report yet"))
        for row in reports_due(actor=user).values(*ROW_FIELDS)[:ROWS_SHOWN]
    ]
    return Card(
        title="Status reports due",
        count=count,
        url=reverse("governance:report_list") + f"?due=1&manager={ME}",
        caption="of your active projects have no report published in 14 days",
        rows=rows,
        tone="warning",
    )
