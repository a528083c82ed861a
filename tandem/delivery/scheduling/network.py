"""The dependency network and the critical path method.

Every task is a node with a duration in working minutes; a summary task becomes two
zero-length nodes, its start (before each child: start-to-start) and its finish (after
each child: finish-to-finish), so links to and from summaries behave as in MS Project.
A link says "the successor's start or finish is no earlier than the predecessor's start
or finish plus the lag" (a negative lag is a lead):

====  ========================  ========================
type  from (predecessor)        to (successor)
====  ========================  ========================
FS    finish                    start
SS    start                     start
FF    finish                    finish
SF    start                     finish
====  ========================  ========================

Forward pass (in topological order): early start = the latest of the project start,
each incoming link's bound and the task's own lower bounds (start no earlier than,
finish no earlier than, must start / finish on, its actual start); early finish = early
start + duration (or the actual finish). Backward pass (in reverse): late finish = the
earliest of the project finish, each outgoing link's bound and the task's upper bounds
(finish no later than, start no later than, deadline); late start = late finish −
duration. Total float = late start − early start; a task is critical when its float is
zero or less. A summary rolls up its children: earliest early start, latest early
finish, least float.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from .calendar import ProjectCalendar, Timeline

TaskId = Hashable


class LinkType(enum.StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


# (from the predecessor's finish?, to the successor's finish?)
_ENDS: dict[LinkType, tuple[bool, bool]] = {
    LinkType.FS: (True, False),
    LinkType.SS: (False, False),
    LinkType.FF: (True, True),
    LinkType.SF: (False, True),
}


class ConstraintType(enum.StrEnum):
    """MS Project's constraint types (MSPDI ``ConstraintType`` 0–7, in that order)."""

    ASAP = "asap"  # as soon as possible
    ALAP = "alap"  # as late as possible
    MSO = "mso"  # must start on
    MFO = "mfo"  # must finish on
    SNET = "snet"  # start no earlier than
    SNLT = "snlt"  # start no later than
    FNET = "fnet"  # finish no earlier than
    FNLT = "fnlt"  # finish no later than


@dataclass(frozen=True, slots=True)
class TaskInput:
    id: TaskId
    duration: int = 0  # working minutes; ignored for summary tasks
    parent: TaskId | None = None
    name: str = ""
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: dt.datetime | None = None
    deadline: dt.datetime | None = None
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Link:
    predecessor: TaskId
    successor: TaskId
    type: LinkType = LinkType.FS
    lag: int = 0  # working minutes; negative is a lead


@dataclass(frozen=True, slots=True)
class ScheduledTask:
    id: TaskId
    early_start: dt.datetime
    early_finish: dt.datetime
    late_start: dt.datetime
    late_finish: dt.datetime
    total_float: int  # working minutes
    is_critical: bool
    is_summary: bool
    es: int  # the same dates as working minutes from the project start
    ef: int
    ls: int
    lf: int

    @property
    def total_float_hours(self) -> float:
        return self.total_float / 60


@dataclass(frozen=True)
class ScheduleResult:
    start: dt.datetime
    finish: dt.datetime
    tasks: dict[TaskId, ScheduledTask]
    finish_offset: int

    @property
    def critical_path(self) -> list[TaskId]:
        """Critical tasks that are not summaries, in early-start order."""
        rows = [task for task in self.tasks.values() if task.is_critical and not task.is_summary]
        return [task.id for task in sorted(rows, key=lambda task: (task.es, task.ef))]


class CycleError(ValueError):
    """The links form a loop; ``names`` are the tasks in it, in link order."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        loop = " → ".join([*self.names, self.names[0]]) if self.names else ""
        super().__init__(f"These tasks depend on each other in a loop: {loop}.")


class UnknownTaskError(ValueError):
    pass


@dataclass
class Network:
    """Nodes and edges ready for both passes (shared with the Monte Carlo forecast)."""

    names: list[str]
    duration: list[int]
    lower_start: list[int | None]  # early start bounds (None: none)
    fixed_start: list[int | None]  # actual start or must-start-on
    fixed_finish: list[int | None]  # actual finish
    upper_finish: list[int | None]
    alap: list[bool]
    edges_in: list[list[tuple[int, int, bool, bool]]]  # (from node, lag, from finish, to finish)
    edges_out: list[list[tuple[int, int, bool, bool]]]  # (to node, lag, from finish, to finish)
    order: list[int]  # topological
    node_of: dict[TaskId, int]  # leaf task → node
    summary_nodes: dict[TaskId, tuple[int, int]]  # summary task → (start node, finish node)
    children: dict[TaskId, list[TaskId]] = field(default_factory=dict)
    task_order: list[TaskId] = field(default_factory=list)


def build_network(
    tasks: Sequence[TaskInput], links: Iterable[Link], timeline: Timeline
) -> Network:
    by_id = {task.id: task for task in tasks}
    children: dict[TaskId, list[TaskId]] = {}
    for task in tasks:
        if task.parent is not None:
            if task.parent not in by_id:
                raise UnknownTaskError(f"The task {task.name or task.id!r} has an unknown parent.")
            children.setdefault(task.parent, []).append(task.id)

    names: list[str] = []
    duration: list[int] = []
    node_of: dict[TaskId, int] = {}
    summary_nodes: dict[TaskId, tuple[int, int]] = {}
    owner: list[TaskInput] = []

    def add_node(task: TaskInput, length: int, suffix: str = "") -> int:
        names.append((task.name or str(task.id)) + suffix)
        duration.append(length)
        owner.append(task)
        return len(names) - 1

    for task in tasks:
        if task.id in children:
            summary_nodes[task.id] = (add_node(task, 0), add_node(task, 0))
        else:
            if task.duration < 0:
                raise ValueError(f"The task {task.name or task.id!r} has a negative duration.")
            node_of[task.id] = add_node(task, task.duration)

    count = len(names)
    edges_in: list[list[tuple[int, int, bool, bool]]] = [[] for _ in range(count)]
    edges_out: list[list[tuple[int, int, bool, bool]]] = [[] for _ in range(count)]

    def connect(source: int, target: int, lag: int, from_finish: bool, to_finish: bool) -> None:
        edges_in[target].append((source, lag, from_finish, to_finish))
        edges_out[source].append((target, lag, from_finish, to_finish))

    for summary, (start_node, finish_node) in summary_nodes.items():
        for child in children[summary]:
            if child in summary_nodes:
                child_start, child_finish = summary_nodes[child]
            else:
                child_start = child_finish = node_of[child]
            connect(start_node, child_start, 0, False, False)
            connect(child_finish, finish_node, 0, True, True)

    for link in links:
        if link.predecessor not in by_id or link.successor not in by_id:
            raise UnknownTaskError("A link names a task that is not in the plan.")
        if link.predecessor == link.successor:
            raise CycleError([by_id[link.predecessor].name or str(link.predecessor)])
        from_finish, to_finish = _ENDS[LinkType(link.type)]
        source = _endpoint(link.predecessor, from_finish, node_of, summary_nodes)
        target = _endpoint(link.successor, to_finish, node_of, summary_nodes)
        connect(source, target, link.lag, from_finish, to_finish)

    lower_start: list[int | None] = [None] * count
    fixed_start: list[int | None] = [None] * count
    fixed_finish: list[int | None] = [None] * count
    upper_finish: list[int | None] = [None] * count
    alap = [False] * count
    for task in tasks:
        if task.id in summary_nodes:
            start_node, finish_node = summary_nodes[task.id]
        else:
            start_node = finish_node = node_of[task.id]
        _apply_constraints(task, start_node, finish_node, duration, timeline,
                           lower_start, fixed_start, fixed_finish, upper_finish, alap)

    order = _topological_order(count, edges_out, edges_in, names, owner)
    return Network(
        names=names, duration=duration, lower_start=lower_start, fixed_start=fixed_start,
        fixed_finish=fixed_finish, upper_finish=upper_finish, alap=alap, edges_in=edges_in,
        edges_out=edges_out, order=order, node_of=node_of, summary_nodes=summary_nodes,
        children=children, task_order=[task.id for task in tasks],
    )


def _endpoint(
    task_id: TaskId, finish: bool, node_of: dict[TaskId, int],
    summary_nodes: dict[TaskId, tuple[int, int]],
) -> int:
    if task_id in summary_nodes:
        start_node, finish_node = summary_nodes[task_id]
        return finish_node if finish else start_node
    return node_of[task_id]


def _tighter_low(current: int | None, value: int) -> int:
    return value if current is None else max(current, value)


def _tighter_high(current: int | None, value: int) -> int:
    return value if current is None else min(current, value)


def _apply_constraints(
    task: TaskInput, start_node: int, finish_node: int, duration: list[int], timeline: Timeline,
    lower_start: list[int | None], fixed_start: list[int | None],
    fixed_finish: list[int | None], upper_finish: list[int | None], alap: list[bool],
) -> None:
    if task.deadline is not None:
        upper_finish[finish_node] = _tighter_high(upper_finish[finish_node], timeline.offset(task.deadline))
    if task.actual_start is not None:
        fixed_start[start_node] = timeline.offset(task.actual_start)
        if task.actual_finish is not None and start_node == finish_node:
            finish = timeline.offset(task.actual_finish)
            fixed_finish[finish_node] = finish
            duration[finish_node] = max(0, finish - (fixed_start[start_node] or 0))
        return  # work that has started keeps its actual dates: constraints no longer move it
    kind = ConstraintType(task.constraint)
    if kind is ConstraintType.ALAP:
        alap[start_node] = True
        return
    if kind is ConstraintType.ASAP or task.constraint_date is None:
        return
    at = timeline.offset(task.constraint_date)
    if kind is ConstraintType.MSO:
        fixed_start[start_node] = at
        upper_finish[finish_node] = _tighter_high(upper_finish[finish_node], at + duration[start_node])
    elif kind is ConstraintType.MFO:
        fixed_start[start_node] = at - duration[start_node]
        upper_finish[finish_node] = _tighter_high(upper_finish[finish_node], at)
    elif kind is ConstraintType.SNET:
        lower_start[start_node] = _tighter_low(lower_start[start_node], at)
    elif kind is ConstraintType.FNET:
        lower_start[start_node] = _tighter_low(lower_start[start_node], at - duration[start_node])
    elif kind is ConstraintType.SNLT:
        upper_finish[finish_node] = _tighter_high(upper_finish[finish_node], at + duration[start_node])
    elif kind is ConstraintType.FNLT:
        upper_finish[finish_node] = _tighter_high(upper_finish[finish_node], at)


def _topological_order(
    count: int, edges_out: list[list[tuple[int, int, bool, bool]]],
    edges_in: list[list[tuple[int, int, bool, bool]]], names: list[str],
    owner: list[TaskInput],
) -> list[int]:
    waiting = [len(incoming) for incoming in edges_in]
    ready = [node for node in range(count) if waiting[node] == 0]
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for target, _lag, _from_finish, _to_finish in edges_out[node]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    if len(order) < count:
        raise CycleError(_find_cycle(waiting, edges_in, owner))
    return order


def _find_cycle(
    waiting: list[int], edges_in: list[list[tuple[int, int, bool, bool]]],
    owner: list[TaskInput],
) -> list[str]:
    """One loop among the nodes left over by the topological sort, as task names.

    Every node left over still waits on another left-over node, so walking backwards
    along incoming links must come round to a node already seen."""
    left = {node for node, count in enumerate(waiting) if count > 0}
    node = min(left)
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(source for source, *_rest in edges_in[node] if source in left)
    loop = list(reversed(path[seen[node]:]))
    first = loop.index(min(loop))  # begin with the task that comes first in the plan
    loop = loop[first:] + loop[:first]
    names: list[str] = []
    for member in loop:
        task = owner[member]
        name = task.name or str(task.id)
        if name not in names:
            names.append(name)
    return names


def forward_pass(network: Network) -> tuple[list[int], list[int]]:
    count = len(network.duration)
    early_start = [0] * count
    early_finish = [0] * count
    duration = network.duration
    for node in network.order:
        fixed = network.fixed_start[node]
        if fixed is not None:
            start = fixed
        else:
            start = 0
            lower = network.lower_start[node]
            if lower is not None and lower > start:
                start = lower
            length = duration[node]
            for source, lag, from_finish, to_finish in network.edges_in[node]:
                bound = (early_finish[source] if from_finish else early_start[source]) + lag
                if to_finish:
                    bound -= length
                if bound > start:
                    start = bound
        early_start[node] = start
        finished = network.fixed_finish[node]
        early_finish[node] = finished if finished is not None else start + duration[node]
    return early_start, early_finish


def backward_pass(network: Network, finish: int, early_finish: list[int]) -> tuple[list[int], list[int]]:
    count = len(network.duration)
    late_start = [0] * count
    late_finish = [0] * count
    duration = network.duration
    for node in reversed(network.order):
        latest = finish
        upper = network.upper_finish[node]
        if upper is not None and upper < latest:
            latest = upper
        length = duration[node]
        for target, lag, from_finish, to_finish in network.edges_out[node]:
            bound = (late_finish[target] if to_finish else late_start[target]) - lag
            if not from_finish:
                bound += length
            if bound < latest:
                latest = bound
        late_finish[node] = latest
        late_start[node] = latest - length
    return late_start, late_finish


def schedule(
    tasks: Sequence[TaskInput],
    links: Iterable[Link],
    calendar: ProjectCalendar,
    start: dt.datetime,
) -> ScheduleResult:
    """Early and late dates, total float and the critical path of a plan."""
    timeline = Timeline(calendar, start)
    network = build_network(tasks, links, timeline)
    early_start, early_finish = forward_pass(network)
    finish = max(early_finish, default=0)
    late_start, late_finish = backward_pass(network, finish, early_finish)
    for node, is_alap in enumerate(network.alap):
        if is_alap:
            early_start[node], early_finish[node] = late_start[node], late_finish[node]
    return _result(network, timeline, early_start, early_finish, late_start, late_finish, finish)


def _dates(timeline: Timeline, start: int, finish: int) -> tuple[dt.datetime, dt.datetime]:
    """Start and finish as local datetimes. Work starts at the next working minute and
    finishes at the end of the last; a zero-length task (a milestone) sits where the work
    before it finished (17:00), unless nothing comes before it (the project start)."""
    if start == finish:
        at = timeline.finish_at(start) if start > 0 else timeline.start_at(start)
        return at, at
    return timeline.start_at(start), timeline.finish_at(finish)


def _result(
    network: Network, timeline: Timeline, early_start: list[int], early_finish: list[int],
    late_start: list[int], late_finish: list[int], finish: int,
) -> ScheduleResult:
    rows: dict[TaskId, ScheduledTask] = {}

    def make(task_id: TaskId, es: int, ef: int, ls: int, lf: int, slack: int, summary: bool) -> ScheduledTask:
        early = _dates(timeline, es, ef)
        late = _dates(timeline, ls, lf)
        return ScheduledTask(
            id=task_id, early_start=early[0], early_finish=early[1],
            late_start=late[0], late_finish=late[1],
            total_float=slack, is_critical=slack <= 0, is_summary=summary,
            es=es, ef=ef, ls=ls, lf=lf,
        )

    for task_id, node in network.node_of.items():
        slack = late_start[node] - early_start[node]
        rows[task_id] = make(task_id, early_start[node], early_finish[node],
                             late_start[node], late_finish[node], slack, False)

    # Summaries roll up their children, deepest first.
    depth: dict[TaskId, int] = {}

    def depth_of(task_id: TaskId) -> int:
        if task_id not in depth:
            kids = network.children.get(task_id, [])
            depth[task_id] = 1 + max((depth_of(kid) for kid in kids if kid in network.summary_nodes), default=0)
        return depth[task_id]

    for summary in sorted(network.summary_nodes, key=depth_of):
        kids = [rows[kid] for kid in network.children[summary]]
        es = min(kid.es for kid in kids)
        ef = max(kid.ef for kid in kids)
        ls = min(kid.ls for kid in kids)
        lf = max(kid.lf for kid in kids)
        slack = min(kid.total_float for kid in kids)
        rows[summary] = make(summary, es, ef, ls, lf, slack, True)

    ordered = {task_id: rows[task_id] for task_id in network.task_order}
    start_offset = min((row.es for row in rows.values()), default=0)
    return ScheduleResult(
        start=timeline.start_at(start_offset),
        finish=_dates(timeline, start_offset, finish)[1],
        tasks=ordered,
        finish_offset=finish,
    )
