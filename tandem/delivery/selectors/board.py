"""The plan's board: its work tasks (not summaries) in a column per status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from tandem.delivery.models import Project, Task, TaskAssignment
from tandem.delivery.models.plan import TaskStatus

BOARD_COLUMN_LIMIT = 100


@dataclass
class BoardColumn:
    status: str
    label: str
    count: int = 0
    cards: list[Task] = field(default_factory=list)
    offset: int = 0

    @property
    def more(self) -> int:
        return max(self.count - self.offset - len(self.cards), 0)


def board_columns(
    *, project: Project, status: str = "", offset: int = 0, limit: int = BOARD_COLUMN_LIMIT,
) -> list[BoardColumn]:
    """A column per task status, in order (only ``status`` when given), each with its
    count and up to ``limit`` cards from ``offset`` (the earliest scheduled finish
    first), in one query (window functions: a row number and a count per status). The
    caller has checked the project is visible. Each card carries ``initials``: its
    assignees' initials and names (one more query)."""
    statuses = [status] if status in TaskStatus.values else list(TaskStatus.values)
    order = [F("early_finish").asc(nulls_last=True), F("outline_index").asc(), F("pk").asc()]
    rows = list(
        Task.objects.filter(project=project, is_summary=False, status__in=statuses)
        .annotate(board_row=Window(RowNumber(), partition_by=[F("status")], order_by=order),
                  board_count=Window(Count("pk"), partition_by=[F("status")]))
        .filter(board_row__gt=offset, board_row__lte=offset + limit)
        .order_by("status", "board_row")
    )
    names = task_people(task_ids=[task.pk for task in rows])
    columns = {value: BoardColumn(value, str(TaskStatus(value).label), offset=offset) for value in statuses}
    for task in rows:
        task.people = names.get(task.pk, [])  # type: ignore[attr-defined]
        column = columns[task.status]
        column.count = task.board_count
        column.cards.append(task)
    if offset:  # a column whose window is past its end still needs its count
        for column in columns.values():
            if not column.cards:
                column.count = Task.objects.filter(project=project, is_summary=False, status=column.status).count()
    return list(columns.values())


def task_people(*, task_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each task's assignees as ``{"name", "initials"}``, by name, in one query."""
    people: dict[int, list[dict[str, Any]]] = {}
    rows = (TaskAssignment.objects.filter(task_id__in=task_ids)
            .order_by("task_id", "user__full_name", "user__email", "pk")
            .values_list("task_id", "user__full_name", "user__email"))
    for task_id, full_name, email in rows:
        name = full_name or email
        words = [word for word in (full_name or email.split("@")[0]).replace(".", " ").split() if word]
        initials = "".join(word[0] for word in words[:2]).upper() or "?"
        people.setdefault(task_id, []).append({"name": name, "initials": initials})
    return people
