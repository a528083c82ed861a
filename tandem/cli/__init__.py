"""``tandem``: the one command line of Tandem (``tandem --help``).

Subcommands: ``serve``, ``migrate``, ``createuser``, ``token create``, ``worker``,
``demo``, ``bench``, ``import``, ``backup``, ``restore`` and ``manage`` (any other Django
management command), one module per group: :mod:`~tandem.cli.serve` (serve, migrate,
worker, manage), :mod:`~tandem.cli.users` (createuser, token), :mod:`~tandem.cli.demo`,
:mod:`~tandem.cli.bench`, :mod:`~tandem.cli.imports`, :mod:`~tandem.cli.backup`; shared
helpers in :mod:`~tandem.cli.common`. Each prints errors as
``tandem <command>: error: <message naming the bad argument>`` on standard error and
exits non-zero (2 for a bad command line, 1 when the work failed). Output a script may
capture (a token secret, benchmark lines) goes to standard output; progress bars and
notes go to standard error.

Django is set up only when a subcommand needs it, so ``--help`` works without a
database, and ``bench`` can point Django at its own temporary database first.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tandem.cli import backup, bench, demo, exports, imports, serve, users
from tandem.cli.common import CommandFailedError, exit_code
from tandem.cli.users import ROLES, TOKEN_SCOPES

__all__ = ["ROLES", "TOKEN_SCOPES", "CommandFailedError", "build_parser", "main"]

HELP = "Tandem: one system for account managers and project managers of a services business."
EPILOG = """\
examples:
  tandem migrate                      create or update the database tables
  tandem demo --scale small           load a small demo organisation, print its logins
  tandem serve                        serve on http://127.0.0.1:8000
  tandem createuser ana@example.org --name "Ana Lima" --role admin
  tandem token create ana@example.org --name "nightly export" --scope read
  tandem worker                       run background tasks
  tandem bench --only P2,P7           measure performance ratios
  tandem import salesforce Contact.csv --dry-run   check a CRM export, write nothing
  tandem import msproject plan.xml --project ACME-WEB   a plan into a project (created if new)
  tandem export msproject ACME-WEB -o plan.xml    a project's plan for MS Project
  tandem backup var/backups/          back up the database (a dated file in that folder)
  tandem restore FILE                 replace an empty database with a backup
  tandem manage check --deploy        any Django management command

Configuration comes from the environment (DATABASE_URL, TANDEM_ENV, TANDEM_SECRET_KEY,
...): see docs/operations.md.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description=HELP,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve.add_serve_parser(sub)
    serve.add_migrate_parser(sub)
    users.add_createuser_parser(sub)
    users.add_token_parser(sub)
    serve.add_worker_parser(sub)
    demo.add_demo_parser(sub)
    bench.add_bench_parser(sub)
    imports.add_import_parser(sub)
    exports.add_export_parser(sub)
    backup.add_backup_parsers(sub)
    serve.add_manage_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tandem`` with ``argv`` (default: the process arguments); the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in serve.PASSTHROUGH:
        return serve.PASSTHROUGH[arguments[0]](arguments[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:
        return exit_code(exc)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    name = args.command if args.command != "token" else f"token {args.token_command}"
    try:
        return int(handler(args))
    except CommandFailedError as exc:
        print(f"tandem {name}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"tandem {name}: interrupted", file=sys.stderr)
        return 130
