"""Side-by-side timing: interleaved repetitions, compared by medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def interleaved_medians(
    candidates: dict[str, Callable[[], Any]],
    *,
    repeat: int,
    warmup: int = 10,
    on_round: Callable[[], None] | None = None,
) -> dict[str, float]:
    """Median seconds per call of each candidate.

    Each round calls every candidate once, alternating the order between rounds, so
    both sides of a ratio see the same machine load and caches. ``warmup`` rounds come
    first and are not counted. The garbage collector stays on: collecting what a page
    allocates is part of its cost, and the median keeps the rare long pause out.
    """
    names = list(candidates)
    for _ in range(warmup):
        for name in names:
            candidates[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(repeat):
        for name in names if index % 2 == 0 else list(reversed(names)):
            started = time.perf_counter()
            candidates[name]()
            samples[name].append(time.perf_counter() - started)
        if on_round is not None:
            on_round()
    return {name: statistics.median(values) for name, values in samples.items()}
