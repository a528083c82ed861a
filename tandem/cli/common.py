"""What every ``tandem`` command shares: the error type, Django set-up, exit codes,
progress bars and ``--scale``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

SETTINGS_MODULE = "config.settings"


class CommandFailedError(Exception):
    """The work could not be done; the message says why, naming the bad input."""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def validation_message(exc: Any) -> str:
    """A Django ``ValidationError`` as ``field: message; field: message``."""
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def run_django(argv: list[str]) -> int:
    """Run Django's command line (``argv[0]`` is the program name shown in help)."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except SystemExit as exc:
        return exit_code(exc)
    return 0


def exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def progress_for(args: argparse.Namespace) -> Any:
    """Progress bars on a terminal, none with ``--quiet`` (tandem.core.progress)."""
    from tandem.core.progress import Progress

    return Progress(enabled=False) if args.quiet else Progress()


def scale(value: str) -> float:
    """``--scale`` as a factor (after Django is set up: the demo module defines scales)."""
    from tandem.core.demo import parse_scale

    try:
        return parse_scale(value)
    except ValueError as exc:
        raise CommandFailedError(f"--scale: {exc}") from exc


def add_scale_arguments(parser: argparse.ArgumentParser, *, default: str) -> None:
    parser.add_argument(
        "--scale",
        default=default,
        metavar="small|large|FACTOR",
        help=f"size of the data set; FACTOR 1.0 = large (default: {default})",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
