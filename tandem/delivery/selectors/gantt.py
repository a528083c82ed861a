"""The Gantt's rows: a window of the plan as it shows with some summaries folded.

frappe-gantt (the chart the page draws with) takes seconds to draw a few thousand tasks
and can hang at 5,000 (frappe/gantt#486), so the server answers only the rows in view:

* **Folding.** A folded (collapsed) summary hides the tasks under it. ``depth`` is how
  many outline levels show by default (0: every level): summaries at that level are
  folded, those above it open. ``expanded`` opens folded summaries, ``collapsed`` folds
  open ones. With ``depth`` left out, a plan of up to :data:`EXPAND_ALL_UP_TO` tasks
  shows every level and a bigger one its top level (:data:`BIG_PLAN_DEPTH`).
* **Window.** The visible rows in outline order, ``limit`` of them from ``offset``, with
  the number of visible rows (to page through them) and of the plan's tasks.
* Per row: predecessors within the window (the chart's arrows) and the dates of the
  project's latest baseline (read from ``BaselineTask``).

Queries: the plan's size (1), the ``expanded`` and ``collapsed`` summaries (1 each,
when named), the window (1, reading the plan in outline order only as far as the
window's end), the visible rows' count (1, unless every row is visible: the plan's
size), its links (1), the latest baseline (1) and its rows for the window (1): the
same at 10 tasks and at 10,000. The caller has checked that the actor may see the project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from tandem.delivery.models import Baseline, BaselineTask, Dependency, Project, Task

DEFAULT_WINDOW = 200
MAX_WINDOW = 500
MAX_FOLDS = 500  # ids named in ``collapsed`` or ``expanded``
EXPAND_ALL_UP_TO = 300
BIG_PLAN_DEPTH = 1

_ROW_FIELDS = (
    "pk", "parent_id", "name", "wbs", "outline_level", "early_start", "early_finish", "percent_complete",
    "is_summary", "is_milestone", "is_critical", "version",
)


@dataclass(frozen=True)
class GanttRow:
    id: int
    parent_id: int | None
    name: str
    wbs: str
    level: int
    start: dt.datetime | None
    finish: dt.datetime | None
    progress: int
    is_summary: bool
    is_milestone: bool
    is_critical: bool
    collapsed: bool
    dependencies: list[int]
    baseline_start: dt.datetime | None
    baseline_finish: dt.datetime | None
    version: int


@dataclass(frozen=True)
class GanttWindow:
    rows: list[GanttRow]
    offset: int
    limit: int
    depth: int
    visible_count: int
    task_count: int
    baseline_id: int | None
    baseline_name: str | None


def default_depth(task_count: int) -> int:
    """Every level for a plan of up to :data:`EXPAND_ALL_UP_TO` tasks, else the top level."""
    return 0 if task_count <= EXPAND_ALL_UP_TO else BIG_PLAN_DEPTH


def _open_summaries(project: Project, expanded: frozenset[int], depth: int) -> set[int]:
    """The summaries of ``expanded`` that show their tasks under ``depth``: each must be
    visible itself (within ``depth``, or under an open summary)."""
    if not expanded or depth == 0:
        return set()
    rows = sorted(
        Task.objects.filter(project=project, pk__in=expanded, is_summary=True)
        .values_list("outline_level", "pk", "parent_id"),
    )
    open_ids: set[int] = set()
    for level, task_id, parent_id in rows:  # shallow first: a parent is decided before its tasks
        if level <= depth or parent_id in open_ids:
            open_ids.add(task_id)
    return open_ids


def _folded_ranges(project: Project, collapsed: frozenset[int]) -> tuple[Q | None, set[int]]:
    """A filter matching the tasks under the ``collapsed`` summaries (each one's subtree
    is the run of outline indexes up to the next task at its level or above), and the
    summaries found."""
    if not collapsed:
        return None, set()
    subtree_end = (
        Task.objects.filter(
            project=project, outline_index__gt=OuterRef("outline_index"),
            outline_level__lte=OuterRef("outline_level"),
        ).order_by("outline_index").values("outline_index")[:1]
    )
    rows = (
        Task.objects.filter(project=project, pk__in=collapsed, is_summary=True)
        .annotate(subtree_end=Subquery(subtree_end)).values_list("pk", "outline_index", "subtree_end")
    )
    hidden: Q | None = None
    found: set[int] = set()
    for task_id, first, end in rows:
        found.add(task_id)
        inside = Q(outline_index__gt=first)
        if end is not None:
            inside &= Q(outline_index__lt=end)
        hidden = inside if hidden is None else hidden | inside
    return hidden, found


def _ids(values: Iterable[int]) -> frozenset[int]:
    return frozenset(list(values)[:MAX_FOLDS])


def gantt_window(
    *, project: Project, offset: int = 0, limit: int = DEFAULT_WINDOW, depth: int | None = None,
    collapsed: Iterable[int] = (), expanded: Iterable[int] = (),
) -> GanttWindow:
    """``limit`` visible rows of ``project``'s plan from ``offset`` (see the module)."""
    limit = max(1, min(limit, MAX_WINDOW))
    offset = max(0, offset)
    folded, opened = _ids(collapsed), _ids(expanded)
    task_count = Task.objects.filter(project=project).count()
    if depth is None:
        depth = default_depth(task_count)
    open_ids = _open_summaries(project, opened, depth)
    hidden, folded_found = _folded_ranges(project, folded)
    queryset = Task.objects.filter(project=project)
    if depth:
        queryset = queryset.filter(Q(outline_level__lte=depth) | Q(parent_id__in=open_ids))
    if hidden is not None:
        queryset = queryset.exclude(hidden)
    values = list(queryset.order_by("outline_index", "pk").values(*_ROW_FIELDS)[offset: offset + limit])
    # Counted apart: a window aggregate would read every visible row before the LIMIT.
    visible_count = task_count if depth == 0 and hidden is None else queryset.count()
    ids = [row["pk"] for row in values]
    predecessors: dict[int, list[int]] = {}
    if ids:
        links = (Dependency.objects.filter(successor_id__in=ids, predecessor_id__in=ids)
                 .order_by("pk").values_list("successor_id", "predecessor_id"))
        for successor, predecessor in links:
            predecessors.setdefault(successor, []).append(predecessor)
    baseline = Baseline.objects.filter(project=project).order_by("-created_at", "-pk").values_list("pk", "name").first()
    baseline_dates: dict[int, tuple[dt.datetime | None, dt.datetime | None]] = {}
    if baseline is not None and ids:
        baseline_dates = {
            task_id: (start, finish)
            for task_id, start, finish in BaselineTask.objects.filter(baseline_id=baseline[0], task_id__in=ids)
            .values_list("task_id", "start", "finish")
        }

    def is_folded(row: dict[str, Any]) -> bool:
        if not row["is_summary"]:
            return False
        if row["pk"] in folded_found:
            return True
        return bool(depth) and row["outline_level"] >= depth and row["pk"] not in open_ids

    rows = [
        GanttRow(
            id=row["pk"], parent_id=row["parent_id"], name=row["name"], wbs=row["wbs"], level=row["outline_level"],
            start=row["early_start"], finish=row["early_finish"], progress=row["percent_complete"],
            is_summary=row["is_summary"], is_milestone=row["is_milestone"], is_critical=row["is_critical"],
            collapsed=is_folded(row), dependencies=predecessors.get(row["pk"], []),
            baseline_start=baseline_dates.get(row["pk"], (None, None))[0],
            baseline_finish=baseline_dates.get(row["pk"], (None, None))[1],
            version=row["version"],
        )
        for row in values
    ]
    return GanttWindow(
        rows=rows, offset=offset, limit=limit, depth=depth, visible_count=visible_count, task_count=task_count,
        baseline_id=baseline[0] if baseline else None, baseline_name=baseline[1] if baseline else None,
    )
