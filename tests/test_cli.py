"""The ``tandem`` command line, run in-process through ``tandem.cli.main`` (and, for
``serve``, as the installed program)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from tandem import cli
from tandem.core.audit import history_for
from tandem.core.demo import DEMO_LOGINS, DEMO_PASSWORD
from tandem.core.models import AuditAction
from tandem.core.roles import Role
from tandem.people.models import AccessToken, OrganisationCalendar, TokenScope, User
from tandem.people.services import token_authenticate
from tests.factories import make_user

STRONG_PASSWORD = "Quiet-harbour-lantern-42"


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_role_and_scope_names_match_the_models():
    assert tuple(Role.values) == cli.ROLES
    assert tuple(TokenScope.values) == cli.TOKEN_SCOPES


def test_help_lists_every_subcommand(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for name in (
        "serve", "migrate", "createuser", "token", "worker", "demo", "bench", "import",
        "backup", "restore", "manage",
    ):  # fmt: skip
        assert f"    {name}" in out


def test_no_subcommand_prints_help_and_fails(capsys):
    code, _, err = run(capsys)
    assert code == 2
    assert "usage: tandem" in err


# --- createuser ------------------------------------------------------------------------


@pytest.mark.django_db
def test_createuser_creates_exactly_one_user_with_its_roles(capsys, monkeypatch):
    code, out, err = run(
        capsys,
        "createuser", "Ana@Corp.test", "--name", "Ana Lima", "--role", "project_manager",
        "--role", "account_manager", "--title", "Delivery Lead", "--password-stdin",
        stdin=STRONG_PASSWORD + "\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert (
        out == "Created ana@corp.test (Ana Lima) with role(s): account_manager, project_manager.\n"
    )
    user = User.objects.get()
    assert user.email == "ana@corp.test"
    assert user.full_name == "Ana Lima"
    assert set(user.role_assignments.values_list("role", flat=True)) == {
        Role.PROJECT_MANAGER,
        Role.ACCOUNT_MANAGER,
    }
    assert user.is_staff is False
    assert user.check_password(STRONG_PASSWORD)
    assert user.person.title == "Delivery Lead"
    assert [entry.action for entry in history_for(user)] == [AuditAction.CREATE]


@pytest.mark.django_db
def test_createuser_admin_may_open_the_django_admin(capsys, monkeypatch):
    code, _, _ = run(
        capsys, "createuser", "root@corp.test", "--name", "Root", "--role", "admin", "--no-password"
    )
    assert code == 0
    user = User.objects.get()
    assert user.is_staff is True
    assert user.has_usable_password() is False


@pytest.mark.django_db
def test_createuser_with_an_unknown_role_fails_naming_it(capsys):
    code, out, err = run(
        capsys, "createuser", "bob@corp.test", "--name", "Bob", "--role", "boss", "--no-password"
    )
    assert code == 2
    assert out == ""
    assert "argument --role: invalid choice: 'boss'" in err
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_createuser_refuses_a_taken_email_and_changes_nothing(capsys):
    existing = make_user(email="ana@corp.test", full_name="Ana First")
    code, _, err = run(
        capsys,
        "createuser",
        "ANA@corp.test",
        "--name",
        "Ana Again",
        "--role",
        "member",
        "--no-password",
    )
    assert code == 1
    assert err == "tandem createuser: error: email: A user with this e-mail already exists.\n"
    assert list(User.objects.values_list("pk", "full_name")) == [(existing.pk, "Ana First")]


@pytest.mark.django_db
def test_createuser_refuses_a_common_password(capsys, monkeypatch):
    code, _, err = run(
        capsys, "createuser", "ana@corp.test", "--name", "Ana", "--role", "member", "--password-stdin",
        stdin="password123\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 1
    assert err.startswith("tandem createuser: error: ")
    assert "too common" in err
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_createuser_without_a_password_source_off_a_terminal_fails(capsys, monkeypatch):
    code, _, err = run(
        capsys, "createuser", "ana@corp.test", "--name", "Ana", "--role", "member",
        stdin="", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 1
    assert "--password-stdin" in err
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_createuser_asks_for_the_password_twice_in_a_terminal(capsys, monkeypatch):
    stdin = io.StringIO("")
    stdin.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    answers = iter([STRONG_PASSWORD, STRONG_PASSWORD])
    monkeypatch.setattr(cli.users.getpass, "getpass", lambda prompt: next(answers))
    code, _, _ = run(capsys, "createuser", "ana@corp.test", "--name", "Ana", "--role", "member")
    assert code == 0
    assert User.objects.get().check_password(STRONG_PASSWORD)


@pytest.mark.django_db
def test_createuser_stops_when_the_two_passwords_differ(capsys, monkeypatch):
    stdin = io.StringIO("")
    stdin.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    answers = iter([STRONG_PASSWORD, STRONG_PASSWORD + "x"])
    monkeypatch.setattr(cli.users.getpass, "getpass", lambda prompt: next(answers))
    code, _, err = run(capsys, "createuser", "ana@corp.test", "--name", "Ana", "--role", "member")
    assert code == 1
    assert err == "tandem createuser: error: the two passwords differ\n"
    assert User.objects.count() == 0


# --- token create ----------------------------------------------------------------------


@pytest.mark.django_db
def test_token_create_prints_a_secret_that_authenticates(capsys):
    user = make_user(email="ana@corp.test")
    before = timezone.now()
    code, out, err = run(
        capsys, "token", "create", "ANA@corp.test", "--name", "nightly export",
        "--scope", "read_write", "--expires-days", "30",
    )  # fmt: skip
    assert code == 0
    secret = out.strip()
    assert out == secret + "\n"  # the secret alone on standard output
    assert "nightly export" in err and "shown once" in err
    token = token_authenticate(secret)
    assert token is not None
    assert token.user == user
    assert token.name == "nightly export"
    assert token.scope == TokenScope.READ_WRITE
    assert (
        before + dt.timedelta(days=30) <= token.expires_at <= timezone.now() + dt.timedelta(days=30)
    )
    assert AccessToken.objects.count() == 1


@pytest.mark.django_db
def test_token_create_defaults_to_read_only_without_expiry(capsys):
    make_user(email="ana@corp.test")
    code, out, _ = run(capsys, "token", "create", "ana@corp.test", "--name", "report")
    assert code == 0
    token = token_authenticate(out.strip())
    assert (token.scope, token.expires_at) == (TokenScope.READ, None)


@pytest.mark.django_db
def test_token_create_for_an_unknown_user_fails_naming_it(capsys):
    code, out, err = run(capsys, "token", "create", "nobody@corp.test", "--name", "x")
    assert (code, out) == (1, "")
    assert err == "tandem token create: error: no user with the e-mail 'nobody@corp.test'\n"
    assert AccessToken.objects.count() == 0


@pytest.mark.django_db
def test_token_create_refuses_a_disabled_account(capsys):
    make_user(email="gone@corp.test")
    User.objects.filter(email="gone@corp.test").update(is_active=False)
    code, _, err = run(capsys, "token", "create", "gone@corp.test", "--name", "x")
    assert code == 1
    assert "disabled" in err
    assert AccessToken.objects.count() == 0


@pytest.mark.django_db
def test_token_create_refuses_a_bad_expiry_and_scope(capsys):
    make_user(email="ana@corp.test")
    code, _, err = run(
        capsys, "token", "create", "ana@corp.test", "--name", "x", "--expires-days", "0"
    )
    assert code == 1
    assert "--expires-days must be at least 1, not 0" in err
    code, _, err = run(capsys, "token", "create", "ana@corp.test", "--name", "x", "--scope", "all")
    assert code == 2
    assert "argument --scope: invalid choice: 'all'" in err
    assert AccessToken.objects.count() == 0


# --- migrate, manage, demo, bench ------------------------------------------------------


@pytest.mark.django_db
def test_migrate_makes_sure_the_organisation_calendar_exists(capsys):
    OrganisationCalendar.objects.all().delete()
    code, _, _ = run(capsys, "migrate", "--noinput", "--verbosity", "0")
    assert code == 0
    assert list(OrganisationCalendar.objects.values_list("pk", flat=True)) == [1]


@pytest.mark.django_db
def test_manage_passes_other_commands_to_django(capsys):
    code, out, _ = run(capsys, "manage", "check")
    assert code == 0
    assert "System check identified no issues" in out


def test_manage_reports_an_unknown_command(capsys):
    code, _, err = run(capsys, "manage", "no_such_command")
    assert code == 1
    assert "Unknown command: 'no_such_command'" in err


@pytest.mark.django_db
def test_demo_loads_the_data_and_prints_the_logins(capsys):
    code, out, _ = run(capsys, "demo", "--scale", "small", "--seed", "3", "--quiet")
    assert code == 0
    assert out.startswith("Demo data (scale 0.004, seed 3) made in ")
    for login in DEMO_LOGINS:
        assert f"{login.email} " in out
    assert out.count(DEMO_PASSWORD) == len(DEMO_LOGINS)
    assert User.objects.count() == 30  # the demo never has fewer than 30 people
    # Again: nothing to do, the logins are printed again.
    code, out, _ = run(capsys, "demo", "--scale", "small", "--quiet")
    assert code == 0
    assert out.startswith("Demo data is already loaded")
    assert User.objects.count() == 30


@pytest.mark.django_db
def test_demo_refuses_a_database_with_other_data(capsys):
    make_user(email="real@corp.test")
    code, out, err = run(capsys, "demo", "--scale", "0.05", "--quiet")
    assert (code, out) == (1, "")
    assert err.startswith(
        "tandem demo: error: the database already holds data the demo did not make"
    )
    assert "--reset" in err
    assert list(User.objects.values_list("email", flat=True)) == ["real@corp.test"]


@pytest.mark.django_db
def test_demo_rejects_a_bad_scale_naming_it(capsys):
    code, _, err = run(capsys, "demo", "--scale", "huge")
    assert code == 1
    assert err.startswith("tandem demo: error: --scale: invalid scale 'huge'")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_bench_rejects_an_unknown_measure_naming_it(capsys):
    code, out, err = run(capsys, "bench", "--use-current-db", "--only", "P2,P99")
    assert (code, out) == (1, "")
    assert err.startswith(
        "tandem bench: error: --only: unknown measure(s) P99; known: P2, P3, P4, P5, P6, P7, P2C, P2D, P2H, P2R, P2S, P3C, P3D, P3H, P3R, P3S, P4D, P4G, P4S, P5O, P6M"
    )


def test_bench_needs_its_own_process_for_a_temporary_database(capsys):
    code, _, err = run(capsys, "bench", "--only", "P2")
    assert code == 1
    assert "--use-current-db" in err


# --- serve -----------------------------------------------------------------------------


def test_serve_dry_run_prints_the_gunicorn_command(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("TANDEM_WORKERS", raising=False)
    monkeypatch.setenv("TANDEM_THREADS", "6")
    monkeypatch.setenv("TANDEM_VAR_DIR", str(tmp_path))
    code, out, _ = run(capsys, "serve", "--dry-run", "--bind", "127.0.0.1:8123", "--workers", "3")
    assert code == 0
    command = out.split()
    assert command[:4] == [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    pairs = dict(itertools.pairwise(command))
    assert pairs["--bind"] == "127.0.0.1:8123"
    assert pairs["--workers"] == "3"
    assert pairs["--threads"] == "6"
    assert pairs["--worker-class"] == "gthread"
    # The control socket in this instance's var/, not the shared ~/.gunicorn.
    assert pairs["--control-socket"] == str(tmp_path / "gunicorn.ctl")
    assert command[-1] == "--preload"


def test_serve_puts_the_control_socket_under_the_project_var_folder(capsys, monkeypatch):
    monkeypatch.delenv("TANDEM_VAR_DIR", raising=False)
    code, out, _ = run(capsys, "serve", "--dry-run")
    assert code == 0
    pairs = dict(itertools.pairwise(out.split()))
    project = Path(__file__).resolve().parent.parent
    assert pairs["--control-socket"] == str(project / "var" / "gunicorn.ctl")


def test_serve_rejects_a_bad_worker_count(capsys, monkeypatch):
    monkeypatch.setenv("TANDEM_WORKERS", "many")
    code, _, err = run(capsys, "serve", "--dry-run")
    assert code == 1
    assert err == "tandem serve: error: TANDEM_WORKERS must be a whole number, not 'many'\n"
    code, _, err = run(capsys, "serve", "--dry-run", "--workers", "0")
    assert code == 1
    assert err == "tandem serve: error: --workers must be at least 1, not 0\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_http_requests(tmp_path: Path):
    """The installed ``tandem serve`` starts gunicorn on config.wsgi and answers."""
    program = shutil.which("tandem", path=str(Path(sys.executable).parent))
    if program is None:
        pytest.fail("the tandem program is not installed: run `uv pip install --no-deps -e .`")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "TANDEM_ENV": "development",
        "TANDEM_VAR_DIR": str(tmp_path / "var"),
    }
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [program, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=5
                ) as response:
                    body = (response.status, json.loads(response.read()))
                    break
            except OSError:
                time.sleep(0.3)
        assert body == (200, {"status": "ok"})
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/", timeout=5)
        assert missing.value.code == 404
        assert (tmp_path / "var" / "gunicorn.ctl").exists()
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    # The 404 is one line: gunicorn's access log, not also Django's "Not Found" warning.
    lines = (tmp_path / "serve.log").read_text().splitlines()
    assert [line for line in lines if "/no-such-page/" in line] == [
        line for line in lines if '"GET /no-such-page/ HTTP/1.1" 404' in line
    ]
    assert len([line for line in lines if "/no-such-page/" in line]) == 1


@pytest.mark.django_db
def test_a_404_is_not_logged_by_django_and_a_500_still_is(client, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert [record for record in caplog.records if "/no-such-page/" in record.getMessage()] == []
    # Django's records reach the one root handler only (Django's own console handler,
    # which repeated every record in development, is gone); errors still get through.
    django_logger = logging.getLogger("django")
    assert (django_logger.handlers, django_logger.propagate) == ([], True)
    assert logging.getLogger("django.request").getEffectiveLevel() == logging.ERROR
    caplog.clear()
    logging.getLogger("django.request").error("Internal Server Error: /boom/")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("django.request", "ERROR", "Internal Server Error: /boom/")
    ]


def test_worker_passes_its_options_to_the_database_task_worker(capsys):
    code, out, _ = run(capsys, "worker", "--help")
    assert code == 0
    first, _, rest = out.partition("\n\n")
    assert first.startswith("tandem worker [--no-scheduler] [db_worker options]")
    assert rest.startswith("usage: tandem worker db_worker")
    assert "--batch" in rest and "--queue-name" in rest


def test_worker_runs_without_the_auto_reloader_unless_asked():
    from tandem.cli.serve import worker_argv

    assert worker_argv([]) == ["tandem worker", "db_worker", "--no-reload"]
    assert worker_argv(["--no-scheduler", "--batch"]) == [
        "tandem worker", "db_worker", "--batch", "--no-reload"
    ]  # fmt: skip
    assert worker_argv(["--reload"]) == ["tandem worker", "db_worker", "--reload"]


@pytest.mark.django_db
def test_bench_rejects_a_bad_repeat_count(capsys):
    code, _, err = run(capsys, "bench", "--use-current-db", "--repeat", "0")
    assert code == 1
    assert err == "tandem bench: error: --repeat must be at least 1, not 0\n"
