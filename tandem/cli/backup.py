"""``tandem backup FILE`` and ``tandem restore FILE`` (tandem.core.backup)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tandem.cli.common import CommandFailedError, progress_for, setup_django

BACKUP_HELP = """\
Back up the database while Tandem runs: SQLite through its online backup API (one
consistent snapshot; writers carry on), PostgreSQL through pg_dump in custom format.
FILE may be a folder: the backup is then named tandem-YYYYMMDD-HHMMSS.sqlite3 (or .dump)
inside it. Keep var/secret_key (or TANDEM_SECRET_KEY) with your backups.
"""

RESTORE_HELP = """\
Replace the database with a backup made by `tandem backup`. Refuses a database that
holds data unless --force (it says what would be replaced), and refuses a SQLite backup
for a PostgreSQL database or the reverse. On any failure the database is left as it
was. Run `tandem migrate` afterwards if the backup comes from an older Tandem.
"""


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""  # pragma: no cover


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django()
    from tandem.core import backup

    try:
        result = backup.backup(Path(args.file), overwrite=args.force, progress=progress_for(args))
    except backup.BackupError as exc:
        raise CommandFailedError(str(exc)) from exc
    rows = sum(result.tables.values())
    print(
        f"Backed up the {backup.KIND_NAMES[result.kind]} database to {result.path} "
        f"({_size(result.size)}, {rows:,} rows in {len(result.tables)} tables) "
        f"in {result.seconds:.1f} s."
    )
    return 0


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def cmd_restore(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandFailedError(f"no such file: {args.file}")
    setup_django()
    from tandem.core import backup

    try:
        result = backup.restore(path, force=args.force, progress=progress_for(args))
    except backup.BackupError as exc:
        raise CommandFailedError(str(exc)) from exc
    rows = sum(result.tables.values())
    print(
        f"Restored the {backup.KIND_NAMES[result.kind]} database from {path} "
        f"({rows:,} rows in {len(result.tables)} tables) in {result.seconds:.1f} s."
    )
    pending = _pending_migrations()
    if pending:
        print(
            f"The backup is from an older Tandem: run `tandem migrate` ({pending} "
            "migration(s) to apply).",
            file=sys.stderr,
        )
    return 0


def add_backup_parsers(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser(
        "backup",
        help="back up the database to a file while Tandem runs",
        description=BACKUP_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    backup.add_argument("file", metavar="FILE", help="the backup file to write, or a folder")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.add_argument("--quiet", action="store_true", help="no progress bar")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser(
        "restore",
        help="replace the database with a backup",
        description=RESTORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    restore.add_argument("file", metavar="FILE", help="a file written by `tandem backup`")
    restore.add_argument("--force", action="store_true", help="replace a database that holds data")
    restore.add_argument("--quiet", action="store_true", help="no progress bar")
    restore.set_defaults(handler=cmd_restore)
