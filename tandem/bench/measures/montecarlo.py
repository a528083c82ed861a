"""P6M: the Monte Carlo completion forecast of 10,000 runs on a 1,000-task network,
against a pure-numpy lower bound.

The network (built in memory, not timed): 1,000 tasks, each waiting for one to three of
the 40 tasks before it (finish-to-start, some with a lag), each with a three-point
estimate (optimistic ½ to ¾ of the most likely, pessimistic 1¼ to 3 times it). Side by side:

* **forecast**: :func:`tandem.delivery.scheduling.forecast`, 10,000 runs, seeded: PERT
  draws per task, the forward pass, the backward pass that marks each run's critical
  tasks, the percentiles and the histogram of finish days on the calendar;
* **bound**: what no implementation can skip, written as tightly as numpy allows: draw
  the 1,000 × 10,000 beta samples in one call and do one max-plus forward pass over the
  topological order (per task: the predecessors' finishes gathered in one fancy-indexed
  read, their maximum plus the lag, plus the duration), then the finish of each run.
  No criticality, no calendar, no chunking, no Python objects per task.

The ratio is forecast ÷ bound (target ≤ 4: the forecast does two passes, not one, and
its criticality index needs the backward pass, so about 2 is the floor). The check
``p50_ok`` compares the forecast's P50 with the bound's own P50 (same distribution,
different draws): within 2 %.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Hashable

import numpy as np

from tandem.bench.registry import Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.bench.timing import interleaved_medians
from tandem.delivery.scheduling import (
    Estimate,
    ForecastResult,
    Link,
    ProjectCalendar,
    TaskInput,
    forecast,
)

TASKS = 1_000
RUNS = 10_000
WINDOW = 40
TARGET = Target(4.0)
START = dt.datetime(2027, 1, 4)


def build_network(seed: int = 7) -> tuple[list[TaskInput], list[Link], dict[Hashable, Estimate]]:
    rng = random.Random(seed)
    tasks: list[TaskInput] = []
    links: list[Link] = []
    estimates: dict[Hashable, Estimate] = {}
    for index in range(TASKS):
        likely = rng.randint(1, 10) * 240
        optimistic = likely * rng.randint(2, 3) // 4
        pessimistic = likely * rng.randint(5, 12) // 4
        tasks.append(TaskInput(id=index, duration=likely, name=f"Task {index + 1}"))
        estimates[index] = Estimate(optimistic, likely, pessimistic)
        if index:
            window = range(max(0, index - WINDOW), index)
            for predecessor in rng.sample(window, min(len(window), rng.randint(1, 3))):
                links.append(Link(predecessor, index, lag=rng.choice((0, 0, 0, 60, 480))))
    return tasks, links, estimates


def numpy_bound(links: list[Link], estimates: dict[Hashable, Estimate], runs: int, seed: int) -> np.ndarray:
    """The tight lower bound: one vectorised draw, one max-plus pass (tasks are numbered
    in a topological order already: every link points forward)."""
    low = np.array([estimates[i].optimistic for i in range(TASKS)], dtype=float)[:, None]
    mode = np.array([estimates[i].likely for i in range(TASKS)], dtype=float)[:, None]
    high = np.array([estimates[i].pessimistic for i in range(TASKS)], dtype=float)[:, None]
    span = high - low
    alpha = 1 + 4 * (mode - low) / span
    beta = 1 + 4 * (high - mode) / span
    rng = np.random.default_rng(seed)
    duration = low + rng.beta(alpha, beta, size=(TASKS, runs)) * span
    sources: list[list[int]] = [[] for _ in range(TASKS)]
    lags: list[list[int]] = [[] for _ in range(TASKS)]
    for link in links:
        sources[int(link.successor)].append(int(link.predecessor))  # type: ignore[call-overload]
        lags[int(link.successor)].append(link.lag)  # type: ignore[call-overload]
    gathers = [(np.array(s), np.array(lag, dtype=float)[:, None]) for s, lag in zip(sources, lags, strict=True)]
    finish = np.empty((TASKS, runs))
    for node in range(TASKS):
        source, lag = gathers[node]
        if len(source):
            finish[node] = np.maximum((finish[source] + lag).max(axis=0), 0) + duration[node]
        else:
            finish[node] = duration[node]
    result: np.ndarray = finish.max(axis=0)
    return result


@measure("P6M", title="Monte Carlo forecast, 10k runs on 1k tasks / numpy lower bound", target=TARGET)
def montecarlo_ratio(ctx: BenchContext) -> Result:
    tasks, links, estimates = build_network()
    calendar = ProjectCalendar()
    results: list[ForecastResult] = []
    bounds: list[np.ndarray] = []

    def full() -> None:
        results.append(forecast(tasks, links, calendar, START, estimates, runs=RUNS, seed=1))

    def bound() -> None:
        bounds.append(numpy_bound(links, estimates, RUNS, seed=1))

    medians = interleaved_medians({"forecast": full, "bound": bound}, repeat=ctx.repetitions(5), warmup=1)
    p50_bound = float(np.median(bounds[-1]))
    p50 = results[-1].finish_offsets[50]
    p50_ok = abs(p50 - p50_bound) <= 0.02 * p50_bound
    return Result(
        name="P6M", ratio=medians["forecast"] / medians["bound"], target=TARGET,
        details={"tasks": TASKS, "links": len(links), "runs": RUNS, "forecast_ms": medians["forecast"] * 1000,
                 "bound_ms": medians["bound"] * 1000, "p50_h": p50 / 60, "bound_p50_h": p50_bound / 60,
                 "p50_ok": "ok" if p50_ok else "mismatch"},
        extra_ok=p50_ok,
    )
