""""My tasks" (:class:`tandem.core.lists.ListView`, key ``my_tasks``): the tasks
assigned to the signed-in user that are not done, in the open projects they may see,
the earliest scheduled finish first (:func:`tandem.delivery.selectors.my_task_list`).
The home card "My tasks" counts the same selector (tandem/delivery/home.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from tandem.core import export, lists
from tandem.core.lists import Column, ListFilterForm, ListView
from tandem.core.rows import UrlPattern, esc, joined
from tandem.delivery.selectors import MY_TASK_SORTS, my_task_list
from tandem.delivery.views.common import task_badge
from tandem.people.selectors import calendar_get

ROW_FIELDS = (
    "id", "name", "wbs", "status", "percent_complete", "early_start", "early_finish", "is_critical",
    "is_milestone", "project_id", "project__code", "project__name",
)  # fmt: skip
ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "

MY_TASK_EXPORT = [
    export.Column("Project", "project.code"),
    export.Column("WBS", "wbs"),
    export.Column("Task", "name"),
    export.Column("Status", lambda row: row.get_status_display()),
    export.Column("Percent complete", "percent_complete"),
    export.Column("Start", "early_start"),
    export.Column("Finish", "early_finish"),
    export.Column("Critical", "is_critical"),
]


class MyTaskFilterForm(ListFilterForm):
    sort_keys = tuple(key for key in MY_TASK_SORTS if not key.startswith("-"))
    default_sort = "finish"


def my_task_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    """Each task links to its row in its project's plan."""
    project_detail = UrlPattern("delivery:project_detail", "project_id")
    if not rows:
        return joined([])
    zone = ZoneInfo(calendar_get().time_zone)  # the plan's dates, in the organisation's zone
    now = timezone.now()
    out = []
    for row in rows:
        project_url = project_detail(row["project_id"])
        icon = '<i class="ti ti-diamond text-warning me-1" aria-hidden="true"></i><span class="visually-hidden">Milestone: </span>' if row["is_milestone"] else ""
        finish = row["early_finish"]
        overdue = ' <span class="badge text-bg-danger">Overdue</span>' if finish is not None and finish < now else ""
        critical = ' <span class="badge text-bg-warning">Critical</span>' if row["is_critical"] else ""
        percent = int(row["percent_complete"])
        out.append(
            f"{ROW_START}"
            f'\n          <td><a href="{project_url}#task-{int(row["id"])}">{icon}{esc(row["name"])}</a>'
            f'<div class="small text-body-secondary">{esc(row["wbs"])}</div></td>'
            f'\n          <td><a href="{project_url}">{esc(row["project__code"])}</a>'
            f'<div class="small text-body-secondary">{esc(row["project__name"])}</div></td>'
            f"\n          <td>{task_badge(row['status'])}{critical}</td>"
            f'\n          <td class="text-end">{percent}%</td>'
            f'\n          <td class="text-nowrap">{_day(row["early_start"], zone)}</td>'
            f'\n          <td class="text-nowrap">{_day(finish, zone)}{overdue}</td>{ROW_END}'
        )
    return joined(out)


def _day(value: Any, zone: Any) -> str:
    if value is None:
        return '<span class="text-body-secondary">Not scheduled</span>'
    local = value.astimezone(zone)
    return f'<time datetime="{local.replace(tzinfo=None).isoformat(timespec="minutes")}">{local.day} {local:%b %Y}</time>'


@lists.register
class MyTaskList(ListView):
    """The signed-in user's open tasks, earliest finish first."""

    key = "my_tasks"
    url_name = "delivery:my_tasks"
    title, noun = "My tasks", "tasks"
    template = "delivery/my_tasks.html"
    results_id = "my-task-results"
    filter_form = MyTaskFilterForm
    columns = (
        Column("Task", phone=True),
        Column("Project", phone=True),
        Column("Status", phone=True),
        Column("Progress", align="end"),
        Column("Start"),
        Column("Finish", sort="finish", phone=True),
    )
    row_fields = ROW_FIELDS
    export_columns = MY_TASK_EXPORT
    export_name = "my-tasks"
    saved_views = False

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        return my_task_list(actor=self.actor, sort=values["sort"], for_count=for_count)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return my_task_rows(rows)


my_tasks = MyTaskList.as_view()
