"""P6: the critical-path schedule of a 10,000-task / 20,000-link project.

A project of 1,000 phases of nine tasks each (10,000 tasks with the phases) and 20,000
finish-to-start links (each task waits for two or three of the 40 tasks before it, some
with a lag) is written once (not timed). Then, side by side:

* **stored**: :func:`tandem.delivery.services.project_reschedule`, what every plan change
  runs: load the plan from the database (two queries), compute, and save every task's
  dates (the stored dates are cleared between rounds, so each save writes all 10,000
  rows);
* **compute**: :func:`tandem.delivery.scheduling.schedule` on the same plan already in
  memory.

The ratio is stored ÷ compute (target ≤ 3). The project length is checked against
networkx's longest path through the same network (``check=ok``), and the critical path's
tasks must all lie on a longest path. Everything happens in a transaction that is rolled
back.
"""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
from django.db import transaction

from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.bench.timing import interleaved_medians
from tandem.core.bulk import insert_objects
from tandem.core.roles import Role
from tandem.delivery.models import Dependency, Project, Task
from tandem.delivery.scheduling import schedule
from tandem.delivery.services import outline_refresh, project_create, project_reschedule
from tandem.delivery.services.schedule import plan_load

P6_PHASES = 1_000
P6_TASKS_PER_PHASE = 9
P6_WINDOW = 40
P6_LINKS_PER_TASK = 2
TARGET = Target(3.0)


def build_plan(project: Project, *, phases: int = P6_PHASES, per_phase: int = P6_TASKS_PER_PHASE,
               seed: int = 6) -> tuple[int, int]:
    """Write the benchmark's plan into ``project``: ``phases`` summaries of ``per_phase``
    tasks, two or three finish-to-start links per task from the 40 before it. Answers
    (tasks, links)."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    summaries = [
        Task(project=project, name=f"Phase {number + 1}", position=number, created_at=now, updated_at=now)
        for number in range(phases)
    ]
    insert_objects(Task, summaries)
    leaves: list[Task] = []
    for summary in summaries:
        for position in range(per_phase):
            leaves.append(Task(
                project=project, parent_id=summary.pk, name=f"{summary.name} task {position + 1}", position=position,
                duration_minutes=rng.randint(1, 10) * 240, created_at=now, updated_at=now,
            ))
    insert_objects(Task, leaves)
    links: list[Dependency] = []
    for index in range(1, len(leaves)):
        window = leaves[max(0, index - P6_WINDOW):index]
        # Two links per task, three for two tasks in nine: about 20,000 for 9,000 tasks.
        wanted = P6_LINKS_PER_TASK + (1 if index % 9 in (0, 4) else 0)
        for predecessor in rng.sample(window, min(len(window), wanted)):
            links.append(Dependency(
                project=project, predecessor_id=predecessor.pk, successor_id=leaves[index].pk,
                lag_minutes=rng.choice((0, 0, 0, 60, 480)), created_at=now, updated_at=now,
            ))
    insert_objects(Dependency, links)
    outline_refresh(project)
    return len(summaries) + len(leaves), len(links)


def longest_path_minutes(project: Project) -> tuple[int, set[int]]:
    """The project length by networkx (working minutes) and the tasks of one longest path."""
    graph = nx.DiGraph()
    durations = dict(Task.objects.filter(project=project, is_summary=False).values_list("id", "duration_minutes"))
    for task_id, minutes in durations.items():
        graph.add_edge("start", task_id, weight=0)
        graph.add_edge(task_id, "finish", weight=minutes)
    for predecessor, successor, lag in Dependency.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "lag_minutes"):
        graph.add_edge(predecessor, successor, weight=durations[predecessor] + lag)
    path = nx.dag_longest_path(graph, weight="weight")
    return int(nx.path_weight(graph, path, weight="weight")), set(path[1:-1])


@measure("P6", title="schedule 10k tasks / 20k links: load + compute + save / compute in memory", target=TARGET)
def schedule_throughput(ctx: BenchContext) -> Result:
    actor = ctx.user(Role.ADMIN)
    with transaction.atomic():
        project = project_create(actor=actor, data={
            "code": "BENCH-P6", "name": "Benchmark plan", "start_date": dt.date(2027, 1, 4)})
        tasks, links = build_plan(project)
        plan = plan_load(project)
        expected, path = longest_path_minutes(project)
        result = schedule(plan.tasks, plan.links, plan.calendar, plan.origin)
        critical = set(result.critical_path)
        check = "ok" if result.finish_offset == expected and path <= critical else "mismatch"
        if check != "ok":
            raise BenchError(f"critical path length {result.finish_offset} ≠ networkx {expected}")

        def clear() -> None:
            Task.objects.filter(project=project).update(early_start=None, early_finish=None, late_start=None,
                                                         late_finish=None, total_float_minutes=None)

        project_reschedule(project=project)  # warm up, then start every round from cleared dates
        clear()
        medians = interleaved_medians(
            {
                "stored": lambda: project_reschedule(project=project),
                "compute": lambda: schedule(plan.tasks, plan.links, plan.calendar, plan.origin),
            },
            repeat=ctx.repetitions(5), warmup=0, on_round=clear,
        )
        transaction.set_rollback(True)
    ratio = medians["stored"] / medians["compute"]
    return Result(
        name="P6", ratio=ratio, target=TARGET,
        details={"tasks": tasks, "links": links, "stored_ms": medians["stored"] * 1000,
                 "compute_ms": medians["compute"] * 1000, "length_h": expected / 60, "check": check},
        extra_ok=check == "ok",
    )
