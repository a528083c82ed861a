"""Delivery's home card ("My day", :mod:`tandem.core.home`): "My tasks".

The number is counted with the "My tasks" list's selector (its ``for_count`` shape,
:func:`tandem.delivery.selectors.my_task_list`), so it equals the list's total, and links
to that list; the first tasks, earliest finish first, are listed under it. The card shows
only when something is assigned (no zero placeholder). Its number is counted with every
other card's in one query; the rows cost one more when there are tasks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.core import home
from tandem.core.home import Card, Row
from tandem.core.rows import DateText, UrlPattern
from tandem.delivery.selectors import my_task_list

ROWS_SHOWN = 3
COUNT_KEY = "delivery.my_tasks"


@home.count_source
def _numbers(user: Any) -> dict[str, QuerySet[Any]]:
    """The "My tasks" list in its count shape, counted with every other card's number in
    one query (:func:`tandem.core.home.counts`)."""
    return {COUNT_KEY: my_task_list(actor=user, for_count=True)}


@home.card(key="my_tasks", title="My tasks", order=15)
def my_tasks(user: Any) -> Card | None:
    count = home.counts(user)[COUNT_KEY]
    if not count:
        return None
    now = timezone.now()
    detail, dates = UrlPattern("delivery:project_detail", "project_id"), DateText()
    first = my_task_list(actor=user).values("id", "name", "early_finish", "project_id", "project__code")[:ROWS_SHOWN]
    rows = [
        Row(
            row["name"],
            f"{detail(row['project_id'])}#task-{int(row['id'])}",
            detail=row["project__code"] + (f" · finishes {dates.day(row['early_finish'])}" if row["early_finish"] else ""),
            badge="Overdue" if row["early_finish"] is not None and row["early_finish"] < now else "",
            tone="danger",
        )
        for row in first
    ]
    overdue = any(row.badge for row in rows)
    return Card(
        title="My tasks",
        count=count,
        url=reverse("delivery:my_tasks"),
        caption="assigned to you, not done",
        rows=rows,
        urgent=overdue,
        tone="danger" if overdue else "primary",
    )
