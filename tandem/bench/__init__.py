"""``tandem bench``: the performance ratios of QUALITY.md, measured side by side.

Each measure is a function registered with :func:`tandem.bench.registry.measure` in a
module of :mod:`tandem.bench.measures` (one module per app; later issues add theirs).
It returns a :class:`~tandem.bench.registry.Result`, printed as one line::

    P2: ratio=3.10 target=<=6 page=/people/ rows=50 page_ms=9.81 baseline_ms=3.16 ...

Ratios, not absolute times: both sides of a ratio are timed in the same process, in
interleaved repetitions, and compared by their medians, so a noisy shared machine
slows both alike. Query counts are exact. The baselines (a minimal logged-in view, a
plain ``JsonResponse``) live in :mod:`tandem.bench.views`, reachable only through the
bench's own URLconf (:mod:`tandem.bench.urls`), never in the served application.
"""
