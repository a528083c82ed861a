"""Monte Carlo completion forecast over the dependency network, vectorised with numpy.

Each task's duration is drawn, once per run, from its three-point estimate (optimistic
O, most likely M, pessimistic P): a scaled beta (PERT: α = 1 + 4(M − O)/(P − O),
β = 1 + 4(P − M)/(P − O)) or a triangular distribution; a task without a range keeps
its duration. The forward pass then walks the network in topological order on whole
columns of runs at once (finish = max(predecessor bound + lag) + duration, the same
rules as :mod:`.network`), and the backward pass marks the tasks with no float in each
run. The result is the finish at P50 / P80 / P95 (the smallest finish that at least
that share of runs reach, so tests are exact) and each task's criticality index (the
share of runs in which it was critical). The generator is seeded: one seed, one answer.

Runs are computed in chunks so memory stays bounded (tasks × chunk numbers per pass).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .calendar import ProjectCalendar, Timeline
from .network import Link, Network, TaskId, TaskInput, build_network

PERCENTILES = (50, 80, 95)
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class Estimate:
    optimistic: int
    likely: int
    pessimistic: int

    def __post_init__(self) -> None:
        if not (0 <= self.optimistic <= self.likely <= self.pessimistic):
            raise ValueError("an estimate needs optimistic ≤ most likely ≤ pessimistic, none negative")


@dataclass(frozen=True)
class ForecastResult:
    runs: int
    seed: int
    finish: dict[int, dt.datetime]  # percentile → local finish datetime
    finish_offsets: dict[int, int]  # percentile → working minutes from the start
    criticality: dict[TaskId, float]  # leaf task → share of runs on a critical path
    histogram: list[tuple[dt.date, int]]  # finish day → runs finishing that day
    deterministic_finish: dt.datetime


def _sample(
    rng: np.random.Generator, estimate: Estimate, size: int, distribution: str
) -> np.ndarray:
    low, mode, high = estimate.optimistic, estimate.likely, estimate.pessimistic
    if high == low:
        return np.full(size, float(low))
    if distribution == "triangular":
        return rng.triangular(low, mode, high, size)
    alpha = 1 + 4 * (mode - low) / (high - low)
    beta = 1 + 4 * (high - mode) / (high - low)
    return low + rng.beta(alpha, beta, size) * (high - low)


def forecast(
    tasks: Sequence[TaskInput],
    links: Iterable[Link],
    calendar: ProjectCalendar,
    start: dt.datetime,
    estimates: Mapping[TaskId, Estimate],
    *,
    runs: int = 10_000,
    seed: int = 1,
    distribution: str = "pert",
) -> ForecastResult:
    if runs < 1:
        raise ValueError("a forecast needs at least one run")
    if distribution not in {"pert", "triangular"}:
        raise ValueError("distribution is 'pert' or 'triangular'")
    timeline = Timeline(calendar, start)
    network = build_network(tasks, list(links), timeline)
    count = len(network.duration)
    leaf_nodes = network.node_of
    sampled = {
        node: estimates[task_id]
        for task_id, node in leaf_nodes.items()
        if task_id in estimates and network.fixed_finish[node] is None
    }
    rng = np.random.default_rng(seed)
    chunk = max(1, min(runs, _CHUNK_CELLS // max(count, 1)))
    finishes = np.empty(runs)
    critical_counts = np.zeros(count)
    done = 0
    while done < runs:
        size = min(chunk, runs - done)
        duration = np.empty((count, size))
        for node in range(count):
            estimate = sampled.get(node)
            if estimate is None:
                duration[node] = network.duration[node]
            else:
                duration[node] = _sample(rng, estimate, size, distribution)
        early_start, early_finish = _forward(network, duration, size)
        finish = early_finish.max(axis=0) if count else np.zeros(size)
        critical_counts += _critical(network, duration, early_start, finish)
        finishes[done:done + size] = finish
        done += size

    offsets = {
        percentile: math.ceil(float(np.quantile(finishes, percentile / 100, method="inverted_cdf")) - 1e-9)
        for percentile in PERCENTILES
    }
    deterministic = 0.0
    if count:
        fixed = np.array(network.duration, dtype=float).reshape(count, 1)
        deterministic = float(_forward(network, fixed, 1)[1].max())
    days: dict[dt.date, int] = {}
    for value in np.ceil(finishes - 1e-9).astype(np.int64):
        day = timeline.finish_at(int(value)).date() if value > 0 else timeline.start_at(0).date()
        days[day] = days.get(day, 0) + 1
    return ForecastResult(
        runs=runs,
        seed=seed,
        finish={p: (timeline.finish_at(o) if o > 0 else timeline.start_at(0)) for p, o in offsets.items()},
        finish_offsets=offsets,
        criticality={task_id: float(critical_counts[node] / runs) for task_id, node in leaf_nodes.items()},
        histogram=sorted(days.items()),
        deterministic_finish=timeline.finish_at(math.ceil(deterministic)) if deterministic > 0 else timeline.start_at(0),
    )


def _forward(network: Network, duration: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    count = len(network.duration)
    early_start = np.zeros((count, size))
    early_finish = np.zeros((count, size))
    for node in network.order:
        fixed = network.fixed_start[node]
        if fixed is not None:
            start = np.full(size, float(fixed))
        else:
            lower = network.lower_start[node]
            start = np.full(size, float(max(0, lower if lower is not None else 0)))
            for source, lag, from_finish, to_finish in network.edges_in[node]:
                bound = (early_finish[source] if from_finish else early_start[source]) + lag
                if to_finish:
                    bound = bound - duration[node]
                np.maximum(start, bound, out=start)
        early_start[node] = start
        finished = network.fixed_finish[node]
        early_finish[node] = finished if finished is not None else start + duration[node]
    return early_start, early_finish


def _critical(
    network: Network, duration: np.ndarray, early_start: np.ndarray, finish: np.ndarray
) -> np.ndarray:
    """How many runs each node had no float in (late start ≤ early start)."""
    count = len(network.duration)
    late_start = np.zeros_like(early_start)
    late_finish = np.zeros_like(early_start)
    for node in reversed(network.order):
        latest = finish.copy()
        upper = network.upper_finish[node]
        if upper is not None:
            np.minimum(latest, float(upper), out=latest)
        for target, lag, from_finish, to_finish in network.edges_out[node]:
            bound = (late_finish[target] if to_finish else late_start[target]) - lag
            if not from_finish:
                bound = bound + duration[node]
            np.minimum(latest, bound, out=latest)
        late_finish[node] = latest
        late_start[node] = latest - duration[node]
    on_path = (late_start - early_start) <= 1e-6
    counts: np.ndarray = on_path.sum(axis=1).astype(float)
    return counts if count else np.zeros(0)


__all__ = ["PERCENTILES", "Estimate", "ForecastResult", "ProjectCalendar", "forecast"]
