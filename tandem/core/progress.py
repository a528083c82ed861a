"""Progress bars for long command-line work (``tandem demo``, ``tandem bench``).

A thin wrapper around tqdm that writes to standard error, so standard output stays
clean for what a script may capture (a token secret, benchmark lines). Bars are off
when standard error is not a terminal (CI, pipes, tests) or when the user asked for
``--quiet``; the code that reports progress does not need to know which.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm


class Progress:
    """A factory of progress bars that share one on/off decision.

    ``enabled=None`` (the default) means: on when ``stream`` is a terminal.
    """

    def __init__(self, *, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled

    @classmethod
    def quiet(cls) -> Progress:
        """Bars that never draw (tests, library use)."""
        return cls(enabled=False)

    @contextmanager
    def bar(self, description: str, total: int | None = None, unit: str = "rows") -> Iterator[tqdm]:
        """A bar for one piece of work of ``total`` units; call ``.update(n)`` on it."""
        with tqdm(
            total=total,
            desc=description,
            unit=unit,
            unit_scale=True,
            file=self.stream,
            disable=not self.enabled,
            leave=False,
            dynamic_ncols=True,
        ) as handle:
            yield handle
