"""``tandem serve`` (gunicorn) and the commands that pass through to Django:
``migrate``, ``worker`` (django-tasks-db's ``db_worker``) and ``manage``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from tandem.cli.common import (
    SETTINGS_MODULE,
    CommandFailedError,
    exit_code,
    run_django,
    setup_django,
)

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_THREADS = 4
# The project folder (config/settings.py's BASE_DIR): var/ lives there by default.
BASE_DIR = Path(__file__).resolve().parents[2]

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

WORKER_HELP = (
    "tandem worker [--no-scheduler] [db_worker options]: run background tasks and, "
    "unless --no-scheduler, enqueue the daily jobs at their time. The worker does not "
    "restart on code changes unless --reload.\n"
)


def var_dir() -> Path:
    """``TANDEM_VAR_DIR``, else ``<project>/var`` (as config/settings.py reads it)."""
    return Path(os.environ.get("TANDEM_VAR_DIR") or BASE_DIR / "var")


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
    """The gunicorn command line for ``tandem serve`` (``--dry-run`` prints it).

    Gunicorn's control socket goes into the instance's own var/ folder (its default,
    ``~/.gunicorn/gunicorn.ctl``, would be shared by every instance of the user)."""
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
        "--control-socket", str(var_dir() / "gunicorn.ctl"),
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
        code = run_django(["tandem serve", "collectstatic", "--noinput", "--verbosity", "0"])
        if code:
            return code
    var_dir().mkdir(parents=True, exist_ok=True)
    print(
        f"Tandem on http://{args.bind} ({args.workers} workers x {args.threads} threads)",
        file=sys.stderr,
    )
    sys.stderr.flush()
    os.execv(sys.executable, argv)  # noqa: S606  (replaces this process with gunicorn)
    return 0  # pragma: no cover  (execv does not return)


def add_serve_parser(sub: argparse._SubParsersAction) -> None:
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


# --- migrate, worker, manage: Django's own commands -------------------------------------


def cmd_migrate(rest: list[str]) -> int:
    """Django's ``migrate`` (same options), then the organisation calendar row."""
    setup_django()
    if {"-h", "--help"} & set(rest):
        return run_django(["tandem", "migrate", "--help"])
    from django.core.management import CommandError, call_command

    try:
        call_command("migrate", *rest)
    except CommandError as exc:
        print(f"tandem migrate: error: {exc}", file=sys.stderr)
        return 1
    except SystemExit as exc:  # --help, or a bad option
        return exit_code(exc)
    if {"--plan", "--check"} & set(rest):
        return 0
    from tandem.people.selectors import calendar_get

    calendar_get()  # the one organisation calendar row
    return 0


def worker_argv(rest: list[str]) -> list[str]:
    """``db_worker``'s command line: without the auto-reloader (db_worker turns it on
    whenever DEBUG is) unless ``--reload`` is asked for."""
    options = [arg for arg in rest if arg != "--no-scheduler"]
    if not {"--reload", "--no-reload"} & set(options):
        options.append("--no-reload")
    return ["tandem worker", "db_worker", *options]


def cmd_worker(rest: list[str]) -> int:
    """django-tasks-db's ``db_worker`` (same options), with the daily-job scheduler
    (tandem.core.schedule) in a thread beside it unless ``--no-scheduler``."""
    setup_django()
    if {"-h", "--help"} & set(rest):
        print(WORKER_HELP)
        return run_django(["tandem worker", "db_worker", "--help"])
    if "--no-scheduler" in rest:
        return run_django(worker_argv(rest))
    import threading

    from tandem.core.schedule import run_scheduler

    stop = threading.Event()
    scheduler = threading.Thread(
        target=run_scheduler, args=(stop,), name="tandem-scheduler", daemon=True
    )
    scheduler.start()
    try:
        return run_django(worker_argv(rest))
    finally:
        stop.set()


def cmd_manage(rest: list[str]) -> int:
    setup_django()
    return run_django(["tandem manage", *rest])


PASSTHROUGH: dict[str, Callable[[list[str]], int]] = {
    "migrate": cmd_migrate,
    "worker": cmd_worker,
    "manage": cmd_manage,
}


def add_migrate_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "migrate",
        help="create or update the database tables (options: tandem migrate --help)",
        add_help=False,
    )


def add_worker_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "worker",
        help="run background tasks (django-tasks-db; options: tandem worker --help)",
        add_help=False,
    )


def add_manage_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "manage", help="any Django management command (tandem manage help)", add_help=False
    )
