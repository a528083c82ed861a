"""Back up and restore Tandem's database (``tandem backup FILE``, ``tandem restore FILE``).

A backup is the database's own format, so the database's own tools read it too:

- **SQLite**: a copy made with SQLite's online backup API while Tandem runs. The copy
  reads one snapshot (a read transaction held from the first page to the last), so
  writers carry on (WAL) and none of their half-done work is copied. The copy is
  checked (``PRAGMA quick_check``), switched to a single file (no ``-wal``), and
  moved into place only when complete.
- **PostgreSQL**: ``pg_dump --format=custom`` (one consistent snapshot as well).

Both formats begin with their own signature (``SQLite format 3``, ``PGDMP``): that is
the header :func:`backup_kind` reads, so a SQLite backup offered to a PostgreSQL
Tandem (or the reverse) is refused before anything is touched.

A restore refuses to replace a database that holds data unless ``force`` (the error
says what is there), and it leaves the database as it was on any failure:

- SQLite: the backup is copied into a temporary file beside the database, checked
  (``PRAGMA integrity_check``, ``django_migrations`` present), then written into the
  live database by the backup API in ONE write transaction: other connections see the
  old content or the new, never a mix, and a failure rolls back. (Replacing the file
  under running processes would not be safe: they keep the old file open, and its
  ``-wal`` would be replayed into the new one.)
- PostgreSQL: ``pg_restore --clean --if-exists --single-transaction``.

The PostgreSQL half lives in :mod:`tandem.core.backup_postgres`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from tandem.core.progress import Progress

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
SIGNATURES = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
KIND_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
SUFFIXES = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
# Tables `tandem migrate` itself fills: a database holding only these holds no data. An
# app's model whose rows a data migration writes says so with the class attribute
# ``seeded_by_migrations = True`` (core names no domain table).
SEEDED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission", "django_session"})


def _seeded_tables() -> frozenset[str]:
    return SEEDED_BY_MIGRATE | {
        model._meta.db_table for model in apps.get_models() if getattr(model, "seeded_by_migrations", False)
    }
SQLITE_STEP_PAGES = 256  # pages copied per step of the SQLite backup API (1 MB)


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


class RestoreRefusedError(BackupError):
    """The database holds data and ``force`` was not given; nothing was changed."""


@dataclass
class BackupResult:
    path: Path
    kind: str
    size: int
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)


def engine_kind(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "sqlite":
        return SQLITE
    if connection.vendor == "postgresql":
        return POSTGRESQL
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def backup_kind(path: Path) -> str:
    """``sqlite`` or ``postgresql``, read from the file's first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SIGNATURES[SQLITE]))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    for kind, signature in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise BackupError(
        f"{path} is not a Tandem backup: it is neither a SQLite database nor a "
        "PostgreSQL custom-format dump"
    )


def backup_path(target: Path, kind: str) -> Path:
    """``target``, or a dated file name inside it when it is a folder."""
    if target.is_dir():
        return target / f"tandem-{time.strftime('%Y%m%d-%H%M%S')}{SUFFIXES[kind]}"
    return target


def database_contents(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows per table of Tandem's models that hold data (tables filled by ``migrate``
    itself left out); empty for a new or freshly migrated database."""
    existing = set(connection.introspection.table_names())
    tables = sorted(
        ({model._meta.db_table for model in apps.get_models(include_auto_created=True)} & existing)
        - _seeded_tables()
    )
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = cursor.fetchone()[0]
            if rows:
                counts[table] = rows
    return counts


def describe_contents(counts: dict[str, int], *, shown: int = 5) -> str:
    """``12,000 rows in 14 tables (clients_account: 5,000, ...)``: the largest first."""
    largest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:shown]
    detail = ", ".join(f"{table}: {rows:,}" for table, rows in largest)
    more = ", ..." if len(counts) > shown else ""
    return f"{sum(counts.values()):,} rows in {len(counts)} tables ({detail}{more})"


def _connection(alias: str) -> BaseDatabaseWrapper:
    return connections[alias]


def backup(
    target: Path,
    *,
    alias: str = "default",
    overwrite: bool = False,
    progress: Progress | None = None,
    on_step: Callable[[], None] | None = None,
) -> BackupResult:
    """Back up database ``alias`` into ``target`` (a file, or a folder for a dated
    file); ``on_step`` runs between the steps of a SQLite copy."""
    connection = _connection(alias)
    kind = engine_kind(connection)
    path = backup_path(Path(target), kind)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists: choose another name, or pass --force to replace it")
    if not path.parent.is_dir():
        raise BackupError(f"no such folder: {path.parent}")
    if kind == SQLITE and not _sqlite_path(connection).is_file():
        raise BackupError(f"no database at {_sqlite_path(connection)}: nothing to back up")
    started = time.perf_counter()
    tables = database_contents(connection)
    progress = progress or Progress.quiet()
    if kind == SQLITE:
        sqlite_backup(_sqlite_path(connection), path, progress=progress, on_step=on_step)
    else:
        from tandem.core import backup_postgres

        backup_postgres.dump(connection, path, progress=progress)
    return BackupResult(path, kind, path.stat().st_size, time.perf_counter() - started, tables)


def restore(
    source: Path, *, alias: str = "default", force: bool = False, progress: Progress | None = None
) -> BackupResult:
    """Replace database ``alias`` with the backup ``source``.

    Refuses (:class:`RestoreRefusedError`) a database that holds data unless ``force``;
    on any failure the database is left as it was."""
    source = Path(source)
    connection = _connection(alias)
    kind = engine_kind(connection)
    found = backup_kind(source)
    if found != kind:
        raise BackupError(
            f"{source} is a {KIND_NAMES[found]} backup, and this Tandem uses "
            f"{KIND_NAMES[kind]} (DATABASE_URL): restore it into a {KIND_NAMES[found]} "
            "database; moving data between the two is not a restore"
        )
    started = time.perf_counter()
    progress = progress or Progress.quiet()
    if kind == SQLITE:
        sqlite_restore(connection, source, force=force, progress=progress)
    else:
        from tandem.core import backup_postgres

        backup_postgres.restore(connection, source, force=force, progress=progress)
    connection.close()
    tables = database_contents(connection)
    return BackupResult(source, kind, source.stat().st_size, time.perf_counter() - started, tables)


def refuse_unless_forced(connection: BaseDatabaseWrapper, source: Path, *, force: bool) -> None:
    """Refuse to replace data without ``force``, saying what is there."""
    contents = database_contents(connection)
    if contents and not force:
        raise RestoreRefusedError(
            f"the database already holds data: {describe_contents(contents)}. "
            f"Restoring {source.name} would replace all of it; pass --force to do so "
            "(take a backup of it first)"
        )


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def sqlite_backup(
    database: Path,
    path: Path,
    *,
    progress: Progress,
    on_step: Callable[[], None] | None = None,
) -> None:
    """Copy ``database`` into ``path`` from one snapshot, through a ``.partial`` file."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=30, isolation_level=None)
    target = sqlite3.connect(partial)
    try:
        # A read transaction held across every step: the copy is one snapshot, and
        # writers in other connections (WAL) neither wait nor restart the copy.
        source.execute("BEGIN")
        pages = source.execute("PRAGMA page_count").fetchone()[0]
        with progress.bar(f"backup: {path.name}", total=pages, unit="pages") as bar:

            def step(status: int, remaining: int, total: int) -> None:
                bar.total = total
                bar.n = total - remaining
                bar.refresh()
                if on_step is not None:
                    on_step()

            source.backup(target, pages=SQLITE_STEP_PAGES, progress=step, sleep=0)
        source.execute("COMMIT")
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _sqlite_check(target, "quick_check", path)
    except sqlite3.Error as exc:
        target.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"the SQLite backup failed: {exc}") from exc
    finally:
        source.close()
    target.close()
    os.replace(partial, path)


def _sqlite_check(connection: sqlite3.Connection, pragma: str, path: Path) -> None:
    rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
    if rows != ["ok"]:
        raise BackupError(f"{path} is damaged ({pragma}: {'; '.join(rows[:3])})")


def _sqlite_verify(copy: Path, source: Path) -> None:
    """The copy is a sound SQLite database made by Tandem (it has migrations)."""
    check = sqlite3.connect(copy)
    try:
        _sqlite_check(check, "integrity_check", source)
        found = check.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} cannot be read as a SQLite database: {exc}") from exc
    finally:
        check.close()
    if found is None:
        raise BackupError(f"{source} is a SQLite database but not Tandem's (no django_migrations)")


def sqlite_restore(
    connection: BaseDatabaseWrapper, source: Path, *, force: bool, progress: Progress
) -> None:
    """Copy ``source`` to a temporary file, verify it, then write it into the database
    in one transaction (or move it into place when there is no database yet)."""
    database = _sqlite_path(connection)
    temporary = database.with_name(f"{database.name}.restoring-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    try:
        _sqlite_copy(source, temporary)
        _sqlite_verify(temporary, source)
        fresh = not database.exists() or database.stat().st_size == 0
        if not fresh:
            refuse_unless_forced(connection, source, force=force)
        connection.close()
        if fresh:
            for companion in ("-wal", "-shm"):  # left by a deleted database: stale
                Path(f"{database}{companion}").unlink(missing_ok=True)
            os.replace(temporary, database)
        else:
            _sqlite_write_into(temporary, database, progress=progress)
    finally:
        temporary.unlink(missing_ok=True)


def _sqlite_copy(source: Path, target: Path) -> None:
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} cannot be read as a SQLite database: {exc}") from exc
    finally:
        reader.close()
        writer.close()


def _sqlite_write_into(verified: Path, database: Path, *, progress: Progress) -> None:
    """The backup API into the live database: one write transaction (it waits for the
    write lock like any writer), committed only when every page is written."""
    reader = sqlite3.connect(verified)
    live = sqlite3.connect(database, timeout=60, isolation_level=None)
    try:
        pages = reader.execute("PRAGMA page_count").fetchone()[0]
        with progress.bar(f"restore: {database.name}", total=pages, unit="pages") as bar:

            def step(status: int, remaining: int, total: int) -> None:
                bar.total = total
                bar.n = total - remaining
                bar.refresh()

            reader.backup(live, pages=SQLITE_STEP_PAGES, progress=step, sleep=0)
    except sqlite3.Error as exc:
        raise BackupError(f"the restore failed and changed nothing: {exc}") from exc
    finally:
        reader.close()
        with contextlib.suppress(sqlite3.Error):
            live.close()
