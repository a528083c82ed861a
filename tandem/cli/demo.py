"""``tandem demo``: load the demo organisation and print its logins."""

from __future__ import annotations

import argparse

from tandem.cli.common import (
    CommandFailedError,
    add_scale_arguments,
    progress_for,
    scale,
    setup_django,
)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from tandem.core import demo

    try:
        result = demo.run_demo(
            scale=scale(args.scale), seed=args.seed, reset=args.reset, progress=progress_for(args)
        )
    except demo.DemoRefusedError as exc:
        raise CommandFailedError(str(exc)) from exc
    if result.created:
        made = ", ".join(
            f"{count} {label.split('.')[-1]}" for label, count in result.counts.items()
        )
        print(
            f"Demo data (scale {result.scale:g}, seed {result.seed}) made in "
            f"{result.seconds:.1f} s: {made}."
        )
    else:
        print("Demo data is already loaded; run `tandem demo --reset` to rebuild it.")
    print()
    print("Demo logins:")
    print(demo.format_logins())
    return 0


def add_demo_parser(sub: argparse._SubParsersAction) -> None:
    demo_parser = sub.add_parser(
        "demo",
        help="load demo data and print the demo logins",
        description="Fill the database with a believable services firm, the same rows for the "
        "same --seed. Scale 1.0 (large) is 200 people in 10 teams; small is 0.004 (30 people). Refuses a "
        "database that holds other data unless --reset. Does nothing if the demo is loaded.",
    )
    add_scale_arguments(demo_parser, default="small")
    demo_parser.add_argument(
        "--reset", action="store_true", help="first delete every row of Tandem's business tables"
    )
    demo_parser.set_defaults(handler=cmd_demo)
