"""``tandem backup`` / ``tandem restore`` (tandem.core.backup): round trips on SQLite and
PostgreSQL compared table by table (row count and a hash of the rows in primary-key
order), backups taken while another thread writes, refusals that change nothing."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from tqdm import tqdm

from tandem import cli
from tandem.core import backup as core_backup
from tandem.core import backup_postgres
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.factories import make_user

Digests = dict[str, tuple[int, str]]


# --- the comparison helper --------------------------------------------------------------


def _digest_rows(cursor: Any, table: str, order: list[str], quote: str = '"') -> tuple[int, str]:
    columns = ", ".join(f"{quote}{name}{quote}" for name in order) or "1"
    cursor.execute(f"SELECT * FROM {quote}{table}{quote} ORDER BY {columns}")
    digest = hashlib.sha256()
    count = 0
    for row in cursor.fetchall():
        digest.update(repr(tuple(row)).encode())
        count += 1
    return count, digest.hexdigest()


def sqlite_digests(path: Path, *, skip: tuple[str, ...] = ()) -> Digests:
    """Per table: (rows, sha256 of the rows ordered by primary key, else by every column)."""
    db = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            if name not in skip
        ]
        result = {}
        for table in tables:
            info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
            keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
            result[table] = _digest_rows(db.cursor(), table, keys or [row[1] for row in info])
        return result
    finally:
        db.close()


def postgres_digests(url: str, *, skip: tuple[str, ...] = ()) -> Digests:
    """The same for a PostgreSQL database (public schema)."""
    import psycopg

    with psycopg.connect(url) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [name for (name,) in cursor.fetchall() if name not in skip]
        result = {}
        for table in tables:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
                "ORDER BY array_position(i.indkey, a.attnum)",
                [f'public."{table}"'],
            )
            keys = [name for (name,) in cursor.fetchall()]
            if not keys:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "ORDER BY ordinal_position",
                    [table],
                )
                keys = [name for (name,) in cursor.fetchall()]
            result[table] = _digest_rows(cursor, table, keys)
    return result


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- SQLite, in this process -----------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite backups: this run's database is PostgreSQL"
)


def _seed() -> None:
    am = make_user(role="account_manager", email="am@corp.test")
    for number in range(3):
        account = make_account(owner=am, name=f"Client {number}")
        make_contact(account=account)
        make_interaction(account=account)
        make_inquiry(account=account)


def _database() -> Path:
    return Path(connection.settings_dict["NAME"])


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip_restores_every_table_exactly(capsys, tmp_path):
    _seed()
    before = sqlite_digests(_database())
    assert before["clients_account"][0] == 3
    assert before["people_user"][0] == 1
    file = tmp_path / "tandem.sqlite3"

    code, out, err = run(capsys, "backup", str(file), "--quiet")

    assert (code, err) == (0, "")
    assert out.startswith(f"Backed up the SQLite database to {file} (")
    assert sqlite_digests(file) == before
    make_user(email="late@corp.test")  # the database changes after the backup
    changed = sqlite_digests(_database())
    assert changed["people_user"][0] == 2

    code, out, err = run(capsys, "restore", str(file), "--quiet")

    contents = core_backup.database_contents(connection)
    assert contents["people_user"] == 2
    assert (code, out) == (1, "")
    assert err == (
        "tandem restore: error: the database already holds data: "
        f"{core_backup.describe_contents(contents)}. Restoring tandem.sqlite3 would replace "
        "all of it; pass --force to do so (take a backup of it first)\n"
    )
    assert sqlite_digests(_database()) == changed  # untouched

    code, out, err = run(capsys, "restore", str(file), "--force", "--quiet")

    assert code == 0, err
    assert out.startswith(f"Restored the SQLite database from {file} (")
    assert sqlite_digests(_database()) == before
    from tandem.people.models import User

    assert list(User.objects.values_list("email", flat=True)) == ["am@corp.test"]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_while_another_thread_writes_is_one_snapshot(monkeypatch, tmp_path):
    _seed()
    monkeypatch.setattr(core_backup, "SQLITE_STEP_PAGES", 1)  # many steps
    committed = 0
    stop = threading.Event()
    progressed = threading.Condition()
    writer_done = threading.Event()

    def writer() -> None:
        nonlocal committed
        db = sqlite3.connect(_database(), timeout=30, isolation_level=None)
        while not stop.is_set() and committed < 2000:
            db.execute("BEGIN IMMEDIATE")
            for half in ("a", "b"):  # two rows per transaction
                db.execute(
                    "INSERT INTO django_session VALUES (?, 'x', '2099-01-01 00:00:00')",
                    [f"w{committed:05d}{half}"],
                )
            db.execute("COMMIT")
            with progressed:
                committed += 1
                progressed.notify_all()
        db.close()
        with progressed:  # no more commits to wait for: the copy's steps go on at once
            writer_done.set()
            progressed.notify_all()

    seen_at_first_step: list[int] = []

    def on_step() -> None:  # let the writer commit between two steps of the copy
        with progressed:
            if not seen_at_first_step:
                seen_at_first_step.append(committed)
            target = committed + 1
            progressed.wait_for(lambda: committed >= target or stop.is_set() or writer_done.is_set(), timeout=5)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = core_backup.backup(tmp_path / "during.sqlite3", on_step=on_step)
    finally:
        stop.set()
        thread.join()

    copy = sqlite3.connect(result.path)
    keys = [key for (key,) in copy.execute("SELECT session_key FROM django_session ORDER BY 1")]
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()
    pairs = len(keys) // 2
    assert keys == [f"w{n:05d}{half}" for n in range(pairs) for half in ("a", "b")]
    assert pairs <= seen_at_first_step[0]  # nothing committed after the copy began
    assert committed >= pairs + 10  # the writer went on during the copy


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_restore_refuses_other_files_and_changes_nothing(capsys, tmp_path):
    _seed()
    before = sqlite_digests(_database())
    dump = tmp_path / "tandem.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
    not_tandem = tmp_path / "other.sqlite3"
    sqlite3.connect(not_tandem).execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    good = tmp_path / "good.sqlite3"
    assert run(capsys, "backup", str(good), "--quiet")[0] == 0
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    text = tmp_path / "notes.txt"
    text.write_text("hello")

    expected = {
        dump: f"tandem restore: error: {dump} is a PostgreSQL backup, and this Tandem uses "
        "SQLite (DATABASE_URL): restore it into a PostgreSQL database; moving data between "
        "the two is not a restore\n",
        not_tandem: f"tandem restore: error: {not_tandem} is a SQLite database but not "
        "Tandem's (no django_migrations)\n",
        text: f"tandem restore: error: {text} is not a Tandem backup: it is neither a SQLite "
        "database nor a PostgreSQL custom-format dump\n",
    }
    for file, message in expected.items():
        assert run(capsys, "restore", str(file), "--force", "--quiet") == (1, "", message)
    code, out, err = run(capsys, "restore", str(damaged), "--force", "--quiet")
    assert (code, out) == (1, "")
    assert err.startswith(f"tandem restore: error: {damaged} ")
    assert sqlite_digests(_database()) == before
    assert not list(_database().parent.glob(f"{_database().name}.restoring-*"))


class _FailingBar:
    """A progress bar that breaks the restore after a few steps."""

    def __init__(self) -> None:
        self.steps = 0
        self.total = self.n = 0

    def refresh(self) -> None:
        self.steps += 1
        if self.steps == 3:
            raise OSError("disk unplugged")


class _FailingProgress:
    @contextlib.contextmanager
    def bar(self, *args: Any, **kwargs: Any):
        yield _FailingBar()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_restore_failing_half_way_leaves_the_database_as_it_was(capsys, monkeypatch, tmp_path):
    file = tmp_path / "empty.sqlite3"
    assert run(capsys, "backup", str(file), "--quiet")[0] == 0  # no data yet
    _seed()
    before = sqlite_digests(_database())
    monkeypatch.setattr(core_backup, "SQLITE_STEP_PAGES", 1)
    with pytest.raises(OSError, match="disk unplugged"):
        core_backup.restore(file, force=True, progress=_FailingProgress())  # type: ignore[arg-type]
    assert sqlite_digests(_database()) == before
    assert sqlite3.connect(_database()).execute("PRAGMA journal_mode").fetchone() == ("wal",)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_backup_names_a_dated_file_in_a_folder_and_never_overwrites(capsys, tmp_path):
    code, out, _ = run(capsys, "backup", str(tmp_path), "--quiet")
    assert code == 0
    (made,) = tmp_path.iterdir()
    assert made.name.startswith("tandem-") and made.suffix == ".sqlite3"
    assert f"to {made} (" in out
    assert run(capsys, "backup", str(made), "--quiet") == (
        1,
        "",
        f"tandem backup: error: {made} exists: choose another name, or pass --force to "
        "replace it\n",
    )
    assert run(capsys, "backup", str(made), "--quiet", "--force")[0] == 0
    code, _, err = run(capsys, "backup", str(tmp_path / "missing" / "x.sqlite3"), "--quiet")
    assert (code, err) == (1, f"tandem backup: error: no such folder: {tmp_path / 'missing'}\n")


@pytest.mark.django_db
def test_a_freshly_migrated_database_holds_no_data():
    assert core_backup.database_contents(connection) == {}
    make_user(email="ana@corp.test")
    contents = core_backup.database_contents(connection)
    assert contents["people_user"] == 1
    assert core_backup.describe_contents({"a": 1200, "b": 3}) == "1,203 rows in 2 tables (a: 1,200, b: 3)"


# --- PostgreSQL tools: messages ----------------------------------------------------------


def test_a_missing_client_tool_is_named_with_its_package():
    with pytest.raises(core_backup.BackupError) as caught:
        backup_postgres.find_tool("pg_dump", path="/nonexistent")
    assert str(caught.value) == (
        "pg_dump was not found (PATH): install the PostgreSQL client tools of your server's "
        "major version or newer (Debian and Ubuntu: apt-get install postgresql-client)"
    )


def test_a_pg_dump_older_than_the_server_is_refused_before_it_runs():
    backup_postgres.check_dump_version(16, 15)
    backup_postgres.check_dump_version(15, 15)
    with pytest.raises(core_backup.BackupError) as caught:
        backup_postgres.check_dump_version(15, 16)
    assert str(caught.value).startswith(
        "pg_dump 15 cannot back up a PostgreSQL 16 server: install the client tools of "
        "version 16 or newer (Debian and Ubuntu: apt-get install postgresql-client-16)"
    )


def test_client_tool_failures_say_which_version_to_install(tmp_path):
    file = tmp_path / "new.dump"
    explain = backup_postgres._explain
    assert explain("pg_dump", 1, ["pg_dump: error: aborting because of server version mismatch"], file) == (
        "pg_dump is older than the PostgreSQL server: install the client tools of the server's "
        "version (Debian and Ubuntu: apt-get install postgresql-client-<version>)\n"
        "pg_dump: error: aborting because of server version mismatch"
    )
    assert explain("pg_restore", 1, ["pg_restore: error: unsupported version (1.99) in file header"], file) == (
        f"{file} was made by a newer pg_dump than this pg_restore: install the client tools of "
        "the version that made it (postgresql-client-<version>)\n"
        "pg_restore: error: unsupported version (1.99) in file header"
    )


# --- PostgreSQL: the installed program on databases of its own ---------------------------

POSTGRES_URL = os.environ.get(
    "TANDEM_BACKUP_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def _tandem(url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "TANDEM_ENV": "development"}
    return subprocess.run(
        [sys.executable, "-m", "tandem.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
        for statement in statements:
            db.execute(statement)


@pytest.fixture
def postgres_databases():
    """Two new databases on the PostgreSQL server, dropped afterwards: a migrated one with
    data, and an empty migrated one (made from it as a template before the data)."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not installed (apt-get install postgresql-client)")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    names = (f"tandem_backup_{os.getpid()}_a", f"tandem_backup_{os.getpid()}_b")
    import psycopg

    try:
        _admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
    except psycopg.OperationalError as exc:
        pytest.fail(f"no PostgreSQL server at {POSTGRES_URL} (TANDEM_BACKUP_TEST_POSTGRES_URL): {exc}")
    _admin(f'CREATE DATABASE "{names[0]}"')
    try:
        migrated = _tandem(f"{base}/{names[0]}", "migrate", "--noinput", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        _admin(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        _admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL backups: run with the suite on PostgreSQL (make test-postgres)",
)
def test_postgres_round_trip_while_another_thread_writes(postgres_databases, tmp_path):
    import psycopg

    source, target = postgres_databases
    made = _tandem(source, "demo", "--scale", "0.002", "--quiet")
    assert made.returncode == 0, made.stderr
    before = postgres_digests(source, skip=("django_session",))
    assert before["clients_account"][0] > 0
    stop = threading.Event()
    committed = 0

    def writer() -> None:
        nonlocal committed
        with psycopg.connect(source, autocommit=True) as db:
            while not stop.is_set():
                with db.transaction():
                    for half in ("a", "b"):
                        db.execute(
                            "INSERT INTO django_session VALUES (%s, 'x', '2099-01-01')",
                            [f"w{committed:05d}{half}"],
                        )
                committed += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        file = tmp_path / "tandem.dump"
        done = _tandem(source, "backup", str(file), "--quiet")
    finally:
        stop.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Backed up the PostgreSQL database to {file} (")

    restored = _tandem(target, "restore", str(file), "--quiet")  # a fresh database: no --force
    assert restored.returncode == 0, restored.stderr
    assert postgres_digests(target, skip=("django_session",)) == before
    with psycopg.connect(target) as db:
        keys = [key for (key,) in db.execute("SELECT session_key FROM django_session ORDER BY 1")]
    pairs = len(keys) // 2
    assert keys == [f"w{n:05d}{half}" for n in range(pairs) for half in ("a", "b")]
    assert committed > pairs  # the writer went on after pg_dump's snapshot
    after_restore = postgres_digests(target)

    refused = _tandem(target, "restore", str(file), "--quiet")
    assert refused.returncode == 1
    assert refused.stderr.startswith("tandem restore: error: the database already holds data: ")
    assert postgres_digests(target) == after_restore

    _admin_url(target, "DELETE FROM people_roleassignment")
    emptied = postgres_digests(target)
    assert emptied["people_roleassignment"][0] == 0
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    sqlite_file = tmp_path / "t.sqlite3"
    sqlite3.connect(sqlite_file).execute("CREATE TABLE django_migrations (id INTEGER)")
    for bad in (damaged, sqlite_file):
        failed = _tandem(target, "restore", str(bad), "--force", "--quiet")
        assert failed.returncode == 1
        assert failed.stderr.startswith("tandem restore: error: ")
        assert postgres_digests(target) == emptied  # untouched
    assert "is a SQLite backup, and this Tandem uses PostgreSQL" in failed.stderr

    forced = _tandem(target, "restore", str(file), "--force", "--quiet")
    assert forced.returncode == 0, forced.stderr
    assert postgres_digests(target) == after_restore


def _admin_url(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute(statement)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_draw_a_progress_bar_on_a_terminal(capsys, monkeypatch, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    _seed()
    monkeypatch.setattr(core_backup, "SQLITE_STEP_PAGES", 4)
    terminal = Terminal()
    file = tmp_path / "t.sqlite3"
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stderr", terminal)
        assert cli.main(["backup", str(file)]) == 0
        assert cli.main(["restore", str(file), "--force"]) == 0
    pages = sqlite3.connect(file).execute("PRAGMA page_count").fetchone()[0]
    drawn = terminal.getvalue()
    assert "backup: t.sqlite3" in drawn and "restore: " in drawn
    # The last frame of each bar shows it complete: "100%|██████████| 6.38k/6.38k" (tqdm
    # writes a large total in thousands).
    total = tqdm.format_sizeof(pages)
    assert drawn.replace(".00", "").count(f"| {total}/{total} ") >= 2
    assert capsys.readouterr().out.count("\n") == 2  # one line each, on standard output
