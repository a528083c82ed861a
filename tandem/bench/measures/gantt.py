"""P4G: the Gantt's data request at 10,000 tasks ÷ the same at 100 tasks.

Two plans built as P6's (:func:`tandem.bench.measures.schedule.build_plan`: phases of
nine tasks with finish-to-start links, scheduled): 10 phases (100 tasks) and 1,000
phases (10,000 tasks), each with a baseline of every task. Side by side, the API's
``GET /api/v1/projects/{id}/gantt`` as it opens (the big plan shows its top level, the
small one every level), logged in, each answering a full window of 100 rows (the small
plan's every row: the sides differ only by the plan's size). The server sends only
the rows in view, so the ratio should stay near 1 (target ≤ 1.3, as P4). Also measured
(a detail, not the ratio): the big plan with every level open (``depth=0``: 10,000
visible rows, still a window of 100). The same request must cost the same queries on
both plans (``check=ok``: every level shown, and the top level shown). Everything
happens in a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tandem.bench.measures.schedule import build_plan
from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.bench.timing import interleaved_medians
from tandem.core.bulk import insert_objects
from tandem.core.roles import Role
from tandem.delivery.models import Baseline, BaselineTask, Project, Task
from tandem.delivery.services import project_create, project_reschedule

TARGET = Target(1.3)


def _plan(actor: Any, code: str, phases: int) -> tuple[Project, int]:
    project = project_create(actor=actor, data={"code": code, "name": f"Gantt bench {code}",
                                                "start_date": dt.date(2027, 1, 4)})
    tasks, _links = build_plan(project, phases=phases)
    project_reschedule(project=project)
    baseline = Baseline.objects.create(project=project, name="Bench baseline")
    insert_objects(BaselineTask, [
        BaselineTask(baseline=baseline, task_id=task_id, start=start, finish=finish)
        for task_id, start, finish in Task.objects.filter(project=project).values_list("id", "early_start", "early_finish")
    ])
    return project, tasks


@measure("P4G", title="Gantt data request at 10k tasks / the same at 100 tasks", target=TARGET)
def gantt_window_request(ctx: BenchContext) -> Result:
    actor = ctx.user(Role.ADMIN)
    client = ctx.client(actor)
    with transaction.atomic():
        small, small_tasks = _plan(actor, "BENCH-G100", phases=10)
        big, big_tasks = _plan(actor, "BENCH-G10K", phases=1_000)
        window = f"limit={small_tasks}"  # a full window on both sides: the small plan's every row
        paths = {
            "small": f"/api/v1/projects/{small.pk}/gantt?{window}",
            "big": f"/api/v1/projects/{big.pk}/gantt?{window}",
            "big_all_levels": f"/api/v1/projects/{big.pk}/gantt?{window}&depth=0",
        }
        queries: dict[str, int] = {}
        rows: dict[str, int] = {}
        # The small plan folded as the big one opens, to compare the same request's queries.
        for name, path in {**paths, "small_folded": f"/api/v1/projects/{small.pk}/gantt?{window}&depth=1"}.items():
            with CaptureQueriesContext(connection) as captured:
                body = json.loads(ctx.get(client, path).content)
            queries[name] = len(captured)
            rows[name] = len(body["rows"])
        if rows["big"] == 0 or rows["small"] == 0:
            raise BenchError("the Gantt answered no rows")
        repeat = ctx.repetitions(30)
        with ctx.progress.bar("bench: P4G", total=repeat, unit="rounds") as bar:
            medians = interleaved_medians(
                {name: partial(client.get, path) for name, path in paths.items()},
                repeat=repeat, warmup=min(5, repeat), on_round=lambda: bar.update(1),
            )
        transaction.set_rollback(True)
    same = queries["small"] == queries["big_all_levels"] and queries["small_folded"] == queries["big"]
    check = "ok" if same else "mismatch"
    return Result(
        name="P4G", ratio=medians["big"] / medians["small"], target=TARGET,
        details={
            "tasks_small": small_tasks, "tasks_big": big_tasks, "small_ms": medians["small"] * 1000,
            "big_ms": medians["big"] * 1000, "big_all_levels_ms": medians["big_all_levels"] * 1000,
            "all_levels_ratio": medians["big_all_levels"] / medians["small"], "rows": rows["big"],
            "queries": queries["big"], "check": check,
        },
        extra_ok=check == "ok",
    )
