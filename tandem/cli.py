"""``tandem``: the one command line of Tandem (``tandem --help``).

Subcommands: ``serve``, ``migrate``, ``createuser``, ``token create``, ``worker``,
``demo``, ``bench``, ``import`` and ``manage`` (any other Django management command). Each prints
errors as ``tandem <command>: error: <message naming the bad argument>`` on standard
error and exits non-zero (2 for a bad command line, 1 when the work failed). Output a
script may capture (a token secret, benchmark lines) goes to standard output; progress
bars and notes go to standard error.

Django is set up only when a subcommand needs it, so ``--help`` works without a
database, and ``bench`` can point Django at its own temporary database first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SETTINGS_MODULE = "config.settings"
DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_THREADS = 4
# Roles and scopes, spelled out here so that `--help` needs no Django set-up; the tests
# check they match tandem.core.roles.Role and tandem.people.models.TokenScope.
ROLES = ("admin", "executive", "account_manager", "project_manager", "member")
TOKEN_SCOPES = ("read", "read_write")


class CommandFailedError(Exception):
    """The work could not be done; the message says why, naming the bad input."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def _validation_message(exc: Any) -> str:
    """A Django ``ValidationError`` as ``field: message; field: message``."""
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _run_django(argv: list[str]) -> int:
    """Run Django's command line (``argv[0]`` is the program name shown in help)."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except SystemExit as exc:
        return _exit_code(exc)
    return 0


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


# --- serve -------------------------------------------------------------------------------


def _env_count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise CommandFailedError(f"{name} must be a whole number, not {raw!r}") from None


def default_workers() -> int:
    """``TANDEM_WORKERS``, else one process per core (at least two)."""
    return _env_count("TANDEM_WORKERS", max(2, os.cpu_count() or 1))


def gunicorn_argv(args: argparse.Namespace) -> list[str]:
    """The gunicorn command line for ``tandem serve`` (``--dry-run`` prints it)."""
    argv = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", args.bind,
        "--worker-class", "gthread",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--timeout", str(args.timeout),
        "--graceful-timeout", "30",
        "--keep-alive", "5",
        "--max-requests", "2000",
        "--max-requests-jitter", "200",
        "--forwarded-allow-ips", args.forwarded_allow_ips,
        "--error-logfile", "-",
    ]  # fmt: skip
    if args.access_log:
        argv += ["--access-logfile", "-"]
    argv += ["--reload"] if args.reload else ["--preload"]
    return argv


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers is None:
        args.workers = default_workers()
    if args.threads is None:
        args.threads = _env_count("TANDEM_THREADS", DEFAULT_THREADS)
    for name in ("workers", "threads", "timeout"):
        if getattr(args, name) < 1:
            raise CommandFailedError(f"--{name} must be at least 1, not {getattr(args, name)}")
    argv = gunicorn_argv(args)
    if args.dry_run:
        print(" ".join(argv))
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if os.environ.get("TANDEM_ENV") == "production" and not args.no_collectstatic:
        code = _run_django(["tandem serve", "collectstatic", "--noinput", "--verbosity", "0"])
        if code:
            return code
    print(
        f"Tandem on http://{args.bind} ({args.workers} workers x {args.threads} threads)",
        file=sys.stderr,
    )
    sys.stderr.flush()
    os.execv(sys.executable, argv)  # noqa: S606  (replaces this process with gunicorn)
    return 0  # pragma: no cover  (execv does not return)


# --- migrate, worker, manage: Django's own commands -------------------------------------


def cmd_migrate(rest: list[str]) -> int:
    """Django's ``migrate`` (same options), then the organisation calendar row."""
    _setup_django()
    if {"-h", "--help"} & set(rest):
        return _run_django(["tandem", "migrate", "--help"])
    from django.core.management import CommandError, call_command

    try:
        call_command("migrate", *rest)
    except CommandError as exc:
        print(f"tandem migrate: error: {exc}", file=sys.stderr)
        return 1
    except SystemExit as exc:  # --help, or a bad option
        return _exit_code(exc)
    if {"--plan", "--check"} & set(rest):
        return 0
    from tandem.people.selectors import calendar_get

    calendar_get()  # the one organisation calendar row
    return 0


def cmd_worker(rest: list[str]) -> int:
    """django-tasks-db's ``db_worker`` (same options), with the daily-job scheduler
    (tandem.core.schedule) in a thread beside it unless ``--no-scheduler``."""
    _setup_django()
    if "--no-scheduler" in rest:
        return _run_django(["tandem worker", "db_worker", *[arg for arg in rest if arg != "--no-scheduler"]])
    if {"-h", "--help"} & set(rest):
        print("tandem worker [--no-scheduler] [db_worker options]: run background tasks and, "
              "unless --no-scheduler, enqueue the daily jobs at their time.\n")
        return _run_django(["tandem worker", "db_worker", *rest])
    import threading

    from tandem.core.schedule import run_scheduler

    stop = threading.Event()
    scheduler = threading.Thread(target=run_scheduler, args=(stop,), name="tandem-scheduler", daemon=True)
    scheduler.start()
    try:
        return _run_django(["tandem worker", "db_worker", *rest])
    finally:
        stop.set()


def cmd_manage(rest: list[str]) -> int:
    _setup_django()
    return _run_django(["tandem manage", *rest])


PASSTHROUGH: dict[str, Callable[[list[str]], int]] = {
    "migrate": cmd_migrate,
    "worker": cmd_worker,
    "manage": cmd_manage,
}


# --- createuser, token create ------------------------------------------------------------


def _read_password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandFailedError("--password-stdin: standard input held no password")
        return password
    if not sys.stdin.isatty():
        raise CommandFailedError(
            "no password: pass --password-stdin (and pipe it in) or --no-password "
            "(the user then sets one through 'forgot password')"
        )
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise CommandFailedError("the two passwords differ")
    return password


def cmd_createuser(args: argparse.Namespace) -> int:
    password = _read_password(args)
    _setup_django()
    from django.core.exceptions import ValidationError

    from tandem.people import services

    try:
        user = services.user_create(
            actor=None,
            email=args.email,
            full_name=args.name,
            password=password,
            roles=args.roles,
            title=args.title,
        )
    except ValidationError as exc:
        raise CommandFailedError(_validation_message(exc)) from exc
    roles = ", ".join(role for role in ROLES if role in user.roles)
    print(f"Created {user.email} ({user.full_name}) with role(s): {roles}.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    if args.expires_days is not None and args.expires_days < 1:
        raise CommandFailedError(f"--expires-days must be at least 1, not {args.expires_days}")
    _setup_django()
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tandem.people import services
    from tandem.people.models import User

    user = User.objects.filter(email__iexact=args.email.strip()).first()
    if user is None:
        raise CommandFailedError(f"no user with the e-mail {args.email!r}")
    if not user.is_active:
        raise CommandFailedError(f"the account {user.email} is disabled")
    expires_at = (
        timezone.now() + dt.timedelta(days=args.expires_days) if args.expires_days else None
    )
    try:
        token, secret = services.token_create(
            actor=None, user=user, name=args.name, scope=args.scope, expires_at=expires_at
        )
    except ValidationError as exc:
        raise CommandFailedError(_validation_message(exc)) from exc
    expiry = f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "no expiry"
    print(
        f"Token {token.name!r} for {user.email} ({token.scope}, {expiry}). "
        "Its secret is shown once, below; keep it safe.",
        file=sys.stderr,
    )
    print(secret)
    return 0


# --- demo, bench -------------------------------------------------------------------------


def _scale(value: str) -> float:
    """``--scale`` as a factor (after Django is set up: the demo module defines scales)."""
    from tandem.core.demo import parse_scale

    try:
        return parse_scale(value)
    except ValueError as exc:
        raise CommandFailedError(f"--scale: {exc}") from exc


def _progress(args: argparse.Namespace) -> Any:
    from tandem.core.progress import Progress

    return Progress(enabled=False) if args.quiet else Progress()


def cmd_demo(args: argparse.Namespace) -> int:
    _setup_django()
    from tandem.core import demo

    try:
        result = demo.run_demo(
            scale=_scale(args.scale), seed=args.seed, reset=args.reset, progress=_progress(args)
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


def cmd_bench(args: argparse.Namespace) -> int:
    only = (
        [name.strip().upper() for name in args.only.split(",") if name.strip()]
        if args.only
        else None
    )
    if args.repeat is not None and args.repeat < 1:
        raise CommandFailedError(f"--repeat must be at least 1, not {args.repeat}")
    from django.apps import apps

    temp_dir = None
    if not apps.ready:
        # Measure the production code path: no DEBUG query log, cached templates.
        os.environ["TANDEM_DEBUG"] = "false"
        if not args.use_current_db:
            temp_dir = tempfile.mkdtemp(prefix="tandem-bench-")
            os.environ["DATABASE_URL"] = f"sqlite:///{temp_dir}/bench.sqlite3"
    elif not args.use_current_db:
        raise CommandFailedError(
            "Django is already set up in this process: pass --use-current-db, "
            "or run `tandem bench` in a process of its own"
        )
    # WhiteNoise warns when STATIC_ROOT has not been collected; the bench serves no files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    try:
        _setup_django()
        from tandem.bench import runner

        scale = _scale(args.scale)
        try:
            measures = runner.select_measures(only)
        except LookupError as exc:
            raise CommandFailedError(f"--only: {exc}") from exc
        progress = _progress(args)
        if temp_dir is not None:
            print(
                f"bench: temporary SQLite database in {temp_dir}, demo scale {scale:g}",
                file=sys.stderr,
            )
            runner.prepare_database(scale=scale, seed=args.seed, progress=progress)
        failures = runner.run(measures, repeat=args.repeat, progress=progress, out=sys.stdout)
    finally:
        if temp_dir is not None:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(temp_dir, ignore_errors=True)
    return 1 if failures else 0


# --- import ------------------------------------------------------------------------------

IMPORT_SOURCES = ("salesforce", "hubspot")
IMPORT_OBJECTS = ("accounts", "contacts")
MAX_ERRORS_SHOWN = 50


def _import_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``--map FIELD=HEADER`` pairs as ``{field: header}`` (an empty header unmaps)."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip():
            raise CommandFailedError(f"--map {pair!r}: write FIELD=HEADER, e.g. last_name=Surname")
        mapping[field.strip()] = header.strip()
    return mapping


def _import_report(job: Any) -> list[str]:
    """The import job as lines: outcome, counts, row errors (at most 50), warnings."""
    from tandem.integrations.models import ImportStatus

    if job.status in (ImportStatus.VALIDATED, ImportStatus.INVALID):  # nothing written
        counts = f"to create: {job.created_count}  to update: {job.updated_count}"
    else:
        counts = (
            f"created: {job.created_count}  updated: {job.updated_count}  "
            f"unchanged: {job.unchanged_count}"
        )
    lines = [
        f"{job.get_source_display()} {job.object} from {job.file_name}: "
        f"{job.get_status_display()}.",
        f"rows: {job.total_rows}  {counts}  errors: {job.error_count}  "
        f"warnings: {len(job.warnings)}",
    ]
    if job.message:
        lines.append(job.message)
    for title, problems in (("errors", job.errors), ("warnings", job.warnings)):
        if not problems:
            continue
        lines.append(f"{title}:")
        lines += [
            f"  row {item['row']}, column {item['column']}: {item['message']}"
            for item in problems[:MAX_ERRORS_SHOWN]
        ]
        total = job.error_count if title == "errors" else len(problems)
        if total > MAX_ERRORS_SHOWN:
            lines.append(f"  ... and {total - MAX_ERRORS_SHOWN} more")
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise CommandFailedError(f"--batch-size must be at least 1, not {args.batch_size}")
    mapping = _import_mapping(args.map or [])
    path = Path(args.file)
    if not path.is_file():
        raise CommandFailedError(f"no such file: {args.file}")
    _setup_django()
    from tandem.core.errors import PermissionDeniedError
    from tandem.integrations.importing.files import FileRejected
    from tandem.integrations.importing.runner import run_import
    from tandem.integrations.models import ImportStatus
    from tandem.people.models import User

    actor = None
    if args.as_user:
        actor = User.objects.filter(email__iexact=args.as_user.strip(), is_active=True).first()
        if actor is None:
            raise CommandFailedError(f"--as: no active user with the e-mail {args.as_user!r}")
    progress = _progress(args)
    with progress.bar(f"import: {path.name}", unit="rows") as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            job = run_import(
                actor=actor,
                source=args.source,
                data=path,
                file_name=path.name,
                object_name=args.object,
                mapping=mapping,
                dry_run=args.dry_run,
                skip_invalid=args.skip_invalid,
                batch_size=args.batch_size,
                progress=advance,
                encoding=args.encoding,
            )
        except (FileRejected, PermissionDeniedError) as exc:
            raise CommandFailedError(str(exc)) from exc
    lines = _import_report(job)
    if job.status == ImportStatus.INVALID:
        print("\n".join(lines), file=sys.stderr)
        raise CommandFailedError(
            f"{path.name} was refused: {job.error_count} problem(s), nothing was written "
            "(fix them, or pass --skip-invalid to import the valid rows)"
        )
    print("\n".join(lines))
    return 0


# --- the parser --------------------------------------------------------------------------

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
  tandem manage check --deploy        any Django management command

Configuration comes from the environment (DATABASE_URL, TANDEM_ENV, TANDEM_SECRET_KEY,
...): see docs/operations.md.
"""

SERVE_HELP = """\
Serve Tandem with gunicorn (config.wsgi), the production server: several worker
processes, each with a few threads (gthread), static files served by WhiteNoise.
With TANDEM_ENV=production, `collectstatic` runs first. Put a TLS-terminating proxy
(or load balancer) in front of it in production and list its address in
--forwarded-allow-ips so X-Forwarded-Proto is trusted.

environment:
  TANDEM_BIND      address to bind (default 127.0.0.1:8000)
  TANDEM_WORKERS   worker processes (default: one per CPU core, at least 2)
  TANDEM_THREADS   threads per worker (default 4)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description=HELP,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="serve the web application and API (gunicorn)",
        description=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--bind",
        default=os.environ.get("TANDEM_BIND", DEFAULT_BIND),
        help="HOST:PORT or unix:PATH to listen on (default: %(default)s)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: TANDEM_WORKERS, else one per CPU core, at least 2)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=None,
        help=f"threads per worker (default: TANDEM_THREADS, else {DEFAULT_THREADS})",
    )
    serve.add_argument(
        "--timeout",
        type=int,
        default=60,
        help="seconds before a stuck worker is restarted (default: %(default)s)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("TANDEM_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        help="proxies whose X-Forwarded-* headers are trusted (default: %(default)s)",
    )
    serve.add_argument(
        "--reload", action="store_true", help="restart when code changes (development)"
    )
    serve.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help="do not log each request"
    )
    serve.add_argument(
        "--no-collectstatic", action="store_true", help="skip collectstatic in production mode"
    )
    serve.add_argument("--dry-run", action="store_true", help="print the gunicorn command and exit")
    serve.set_defaults(handler=cmd_serve)

    sub.add_parser(
        "migrate",
        help="create or update the database tables (options: tandem migrate --help)",
        add_help=False,
    )

    createuser = sub.add_parser(
        "createuser",
        help="create a user with roles",
        description="Create a user with a person profile and one or more roles. The password "
        "is asked for twice when run in a terminal.",
    )
    createuser.add_argument("email", help="the e-mail address the user logs in with")
    createuser.add_argument("--name", required=True, help="full name, e.g. 'Ana Lima'")
    createuser.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        choices=ROLES,
        metavar="ROLE",
        help=f"a role to hold; repeat for several ({', '.join(ROLES)})",
    )
    createuser.add_argument("--title", default="", help="job title, e.g. 'Project Manager'")
    password = createuser.add_mutually_exclusive_group()
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password.add_argument(
        "--no-password",
        action="store_true",
        help="no password: the user sets one through 'forgot password'",
    )
    createuser.set_defaults(handler=cmd_createuser)

    token = sub.add_parser("token", help="personal access tokens for the API")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = token_sub.add_parser(
        "create",
        help="create a token and print its secret (once)",
        description="Create a personal access token for a user. The secret is printed once, "
        "alone on standard output; send it as 'Authorization: Bearer <secret>'.",
    )
    create.add_argument("email", help="the user the token acts as")
    create.add_argument(
        "--name", required=True, help="what the token is for, e.g. 'nightly export'"
    )
    create.add_argument(
        "--scope",
        choices=TOKEN_SCOPES,
        default="read",
        help="read (GET only) or read_write (default: read)",
    )
    create.add_argument(
        "--expires-days", type=int, default=None, metavar="N", help="expire after N days"
    )
    create.set_defaults(handler=cmd_token_create)

    sub.add_parser(
        "worker",
        help="run background tasks (django-tasks-db; options: tandem worker --help)",
        add_help=False,
    )

    demo_parser = sub.add_parser(
        "demo",
        help="load demo data and print the demo logins",
        description="Fill the database with a believable services firm, the same rows for the "
        "same --seed. Scale 1.0 (large) is 200 people in 10 teams; small is 0.004 (30 people). Refuses a "
        "database that holds other data unless --reset. Does nothing if the demo is loaded.",
    )
    _add_scale_arguments(demo_parser, default="small")
    demo_parser.add_argument(
        "--reset", action="store_true", help="first delete every row of Tandem's business tables"
    )
    demo_parser.set_defaults(handler=cmd_demo)

    bench = sub.add_parser(
        "bench",
        help="measure the performance ratios of QUALITY.md",
        description="Measure each ratio side by side in one run and print one line per measure: "
        "'NAME: ratio=X.XX target=<=Y ...'. Uses a fresh temporary SQLite database filled by "
        "the demo generator, unless --use-current-db. Exits 1 if a target is missed.",
    )
    bench.add_argument("--only", metavar="P2,P3,...", help="only these measures")
    _add_scale_arguments(bench, default="large")
    bench.add_argument(
        "--use-current-db",
        action="store_true",
        help="measure the configured DATABASE_URL as it is (it must hold data)",
    )
    bench.add_argument(
        "--repeat", type=int, default=None, metavar="N", help="timed repetitions per side"
    )
    bench.set_defaults(handler=cmd_bench)

    importer = sub.add_parser(
        "import",
        help="import accounts or contacts from a Salesforce or HubSpot export",
        description="Import a CSV or XLSX export of accounts or contacts. Every row is checked "
        "first; with errors nothing is written (exit 1) unless --skip-invalid. Re-importing "
        "the same file changes nothing (records are matched by their record id); an "
        "interrupted import resumes where it stopped when run again.",
    )
    importer.add_argument("source", choices=IMPORT_SOURCES, help="the system the file comes from")
    importer.add_argument("file", help="the exported file (.csv or .xlsx)")
    importer.add_argument(
        "--object",
        choices=IMPORT_OBJECTS,
        default=None,
        help="what the file holds (default: recognised from its name and headers)",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="check every row and count, write nothing"
    )
    importer.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, skip the others"
    )
    importer.add_argument(
        "--map",
        action="append",
        metavar="FIELD=HEADER",
        help="read FIELD from column HEADER (repeat; FIELD= leaves a field out)",
    )
    importer.add_argument(
        "--encoding", default=None, help="the file's text encoding (default: detected)"
    )
    importer.add_argument(
        "--batch-size",
        type=int,
        default=2000,
        metavar="N",
        help="rows written per transaction (default: %(default)s)",
    )
    importer.add_argument(
        "--as",
        dest="as_user",
        metavar="EMAIL",
        default=None,
        help="import as this user (their permissions apply; default: the system)",
    )
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(handler=cmd_import)

    sub.add_parser(
        "manage", help="any Django management command (tandem manage help)", add_help=False
    )
    return parser


def _add_scale_arguments(parser: argparse.ArgumentParser, *, default: str) -> None:
    parser.add_argument(
        "--scale",
        default=default,
        metavar="small|large|FACTOR",
        help=f"size of the data set; FACTOR 1.0 = large (default: {default})",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tandem`` with ``argv`` (default: the process arguments); the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in PASSTHROUGH:
        return PASSTHROUGH[arguments[0]](arguments[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:
        return _exit_code(exc)
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


if __name__ == "__main__":
    sys.exit(main())
