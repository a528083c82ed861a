"""``tandem bench``: the performance ratios, measured side by side."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import warnings

from tandem.cli.common import (
    CommandFailedError,
    add_scale_arguments,
    progress_for,
    scale,
    setup_django,
)


def _bench_database(args: argparse.Namespace) -> str | None:
    """Point Django at a temporary SQLite database unless ``--use-current-db``; its
    folder (None when the current database is measured)."""
    from django.apps import apps

    if apps.ready:
        if not args.use_current_db:
            raise CommandFailedError(
                "Django is already set up in this process: pass --use-current-db, "
                "or run `tandem bench` in a process of its own"
            )
        return None
    # Measure the production code path: no DEBUG query log, cached templates.
    os.environ["TANDEM_DEBUG"] = "false"
    if args.use_current_db:
        return None
    temp_dir = tempfile.mkdtemp(prefix="tandem-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{temp_dir}/bench.sqlite3"
    return temp_dir


def cmd_bench(args: argparse.Namespace) -> int:
    only = (
        [name.strip().upper() for name in args.only.split(",") if name.strip()]
        if args.only
        else None
    )
    if args.repeat is not None and args.repeat < 1:
        raise CommandFailedError(f"--repeat must be at least 1, not {args.repeat}")
    temp_dir = _bench_database(args)
    # WhiteNoise warns when STATIC_ROOT has not been collected; the bench serves no files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    try:
        setup_django()
        from tandem.bench import runner

        factor = scale(args.scale)
        try:
            measures = runner.select_measures(only)
        except LookupError as exc:
            raise CommandFailedError(f"--only: {exc}") from exc
        progress = progress_for(args)
        if temp_dir is not None:
            print(
                f"bench: temporary SQLite database in {temp_dir}, demo scale {factor:g}",
                file=sys.stderr,
            )
            runner.prepare_database(scale=factor, seed=args.seed, progress=progress)
        failures = runner.run(measures, repeat=args.repeat, progress=progress, out=sys.stdout)
    finally:
        if temp_dir is not None:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(temp_dir, ignore_errors=True)
    return 1 if failures else 0


def add_bench_parser(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser(
        "bench",
        help="measure the performance ratios of QUALITY.md",
        description="Measure each ratio side by side in one run and print one line per measure: "
        "'NAME: ratio=X.XX target=<=Y ...'. Uses a fresh temporary SQLite database filled by "
        "the demo generator, unless --use-current-db. Exits 1 if a target is missed.",
    )
    bench.add_argument("--only", metavar="P2,P3,...", help="only these measures")
    add_scale_arguments(bench, default="large")
    bench.add_argument(
        "--use-current-db",
        action="store_true",
        help="measure the configured DATABASE_URL as it is (it must hold data)",
    )
    bench.add_argument(
        "--repeat", type=int, default=None, metavar="N", help="timed repetitions per side"
    )
    bench.set_defaults(handler=cmd_bench)
