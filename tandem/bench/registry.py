"""The registry of benchmark measures and the one line format of their results.

Each measure's target is the one in docs/benchmarks.md (the project's copy of the
performance targets); a change of target changes that table too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tandem.bench.runner import BenchContext


class BenchError(Exception):
    """A measure could not be taken (a page missing or failing, data absent)."""


@dataclass(frozen=True)
class Target:
    """``ratio <= value`` (``at_most``) or ``ratio >= value`` (``at_least``)."""

    value: float
    at_most: bool = True

    def met(self, ratio: float) -> bool:
        if math.isnan(ratio):
            return False
        return ratio <= self.value if self.at_most else ratio >= self.value

    def __str__(self) -> str:
        return f"{'<=' if self.at_most else '>='}{self.value:g}"


@dataclass(frozen=True)
class Result:
    """One measure's outcome. ``details`` are extra ``key=value`` pairs for the line;
    ``extra_ok`` is false when a condition besides the ratio failed (e.g. a query cap)."""

    name: str
    ratio: float
    target: Target
    details: dict[str, object] = field(default_factory=dict)
    extra_ok: bool = True
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.extra_ok and self.target.met(self.ratio)

    def line(self) -> str:
        """``NAME: ratio=X.XX target=<=Y key=value ... status=ok|missed|error``."""
        ratio = "nan" if math.isnan(self.ratio) else f"{self.ratio:.2f}"
        parts = [f"{self.name}: ratio={ratio}", f"target={self.target}"]
        parts += [f"{key}={_value(value)}" for key, value in self.details.items()]
        if self.error:
            parts += ["status=error", f"error={self.error!r}"]
        else:
            parts.append(f"status={'ok' if self.passed else 'missed'}")
        return " ".join(parts)


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value).replace(" ", "_")


MeasureFunction = Callable[["BenchContext"], Result]


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    target: Target
    run: MeasureFunction


_MEASURES: dict[str, Measure] = {}


def measure(
    name: str, *, title: str, target: Target
) -> Callable[[MeasureFunction], MeasureFunction]:
    """Register a measure under ``name`` (``P2``); its function returns a :class:`Result`."""

    def decorator(function: MeasureFunction) -> MeasureFunction:
        if name in _MEASURES:
            raise ValueError(f"benchmark measure {name} is registered twice")
        _MEASURES[name] = Measure(name, title, target, function)
        return function

    return decorator


def registered() -> dict[str, Measure]:
    return dict(_MEASURES)
