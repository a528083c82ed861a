"""The PostgreSQL half of :mod:`tandem.core.backup`: ``pg_dump`` / ``pg_restore`` in
custom format (``-Fc``), run with the connection settings of Django's database.

The tools come with the PostgreSQL client package (Debian: ``postgresql-client``);
``pg_dump`` must be at least the server's major version (it refuses an older one), and
``pg_restore`` must be at least the version of the ``pg_dump`` that made the file.
Both problems are reported as such, with what to install. Progress (on a terminal)
counts the tables the tool reports in its ``--verbose`` output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

from tandem.core.backup import BackupError, refuse_unless_forced
from tandem.core.progress import Progress

CLIENT_PACKAGE = "postgresql-client"
TABLE_LINE = re.compile(r"(dumping contents of|processing data for) table")


def find_tool(name: str, *, path: str | None = None) -> str:
    """The full path of ``pg_dump`` / ``pg_restore``, or an error naming the package."""
    found = shutil.which(name, path=path)
    if found is None:
        raise BackupError(
            f"{name} was not found (PATH): install the PostgreSQL client tools of your "
            f"server's major version or newer (Debian and Ubuntu: "
            f"apt-get install {CLIENT_PACKAGE})"
        )
    return found


def tool_major(tool: str) -> int:
    """The major version of ``tool`` (``pg_dump (PostgreSQL) 15.20`` -> 15)."""
    completed = subprocess.run(  # noqa: S603  (a path found by shutil.which)
        [tool, "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"\)\s*(\d+)", completed.stdout)
    if completed.returncode != 0 or match is None:
        raise BackupError(f"{tool} --version failed: {completed.stderr.strip()}")
    return int(match.group(1))


def check_dump_version(tool_version: int, server_version: int) -> None:
    """``pg_dump`` refuses a server newer than itself: say so before running it."""
    if tool_version < server_version:
        raise BackupError(
            f"pg_dump {tool_version} cannot back up a PostgreSQL {server_version} server: "
            f"install the client tools of version {server_version} or newer (Debian and "
            f"Ubuntu: apt-get install {CLIENT_PACKAGE}-{server_version}) and put them first "
            "on PATH"
        )


def connection_arguments(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment (password, SSL mode) for the database."""
    settings = connection.settings_dict
    argv = ["--no-password", "--dbname", str(settings["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            argv += [option, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    options = settings.get("OPTIONS") or {}
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[variable] = str(options[key])
    return argv, env


def _explain(tool: str, code: int, lines: Iterable[str], file: Path) -> str:
    text = "\n".join(lines)
    if "server version mismatch" in text:
        return (
            f"{tool} is older than the PostgreSQL server: install the client tools of the "
            f"server's version (Debian and Ubuntu: apt-get install {CLIENT_PACKAGE}-<version>)"
            f"\n{text}"
        )
    if "unsupported version" in text:
        return (
            f"{file} was made by a newer pg_dump than this pg_restore: install the client "
            f"tools of the version that made it ({CLIENT_PACKAGE}-<version>)\n{text}"
        )
    return f"{tool} failed (exit code {code}); nothing was changed\n{text}"


def _run(
    argv: list[str], env: dict[str, str], *, file: Path, bar_total: int, label: str,
    progress: Progress,
) -> None:  # fmt: skip
    """Run a client tool with ``--verbose``, its table lines advancing a progress bar;
    :class:`BackupError` with its last messages if it fails."""
    tail: deque[str] = deque(maxlen=12)
    with progress.bar(label, total=bar_total, unit="tables") as bar:
        process = subprocess.Popen(  # noqa: S603  (our own arguments, no shell)
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        assert process.stderr is not None
        for line in process.stderr:
            if TABLE_LINE.search(line):
                bar.update(1)
            elif "error" in line.lower() or "warning" in line.lower() or "fatal" in line.lower():
                tail.append(line.rstrip())
        code = process.wait()
    if code != 0:
        raise BackupError(_explain(Path(argv[0]).name, code, tail, file))


def dump(connection: BaseDatabaseWrapper, path: Path, *, progress: Progress) -> None:
    """``pg_dump -Fc`` of the database into ``path`` (through a ``.partial`` file)."""
    tool = find_tool("pg_dump")
    connection.ensure_connection()
    check_dump_version(tool_major(tool), connection.pg_version // 10000)  # type: ignore[attr-defined]
    tables = len(connection.introspection.table_names())
    partial = path.with_name(path.name + ".partial")
    argv, env = connection_arguments(connection)
    try:
        _run(
            [tool, "--format=custom", "--verbose", "--file", str(partial), *argv],
            env, file=path, bar_total=tables, label=f"backup: {path.name}", progress=progress,
        )  # fmt: skip
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


def archive_tables(source: Path, tool: str) -> list[str]:
    """The tables whose data the archive holds (``pg_restore --list``)."""
    completed = subprocess.run(  # noqa: S603  (a path found by shutil.which)
        [tool, "--list", str(source)], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BackupError(_explain("pg_restore", completed.returncode, [completed.stderr], source))
    return re.findall(r"TABLE DATA \S+ (\S+) ", completed.stdout)


def restore(
    connection: BaseDatabaseWrapper, source: Path, *, force: bool, progress: Progress
) -> None:
    """``pg_restore --clean --if-exists --single-transaction``: all or nothing."""
    tool = find_tool("pg_restore")
    tables = archive_tables(source, tool)
    if "django_migrations" not in tables:
        raise BackupError(f"{source} is a PostgreSQL dump but not Tandem's (no django_migrations)")
    refuse_unless_forced(connection, source, force=force)
    connection.close()
    argv, env = connection_arguments(connection)
    _run(
        [
            tool, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
            "--no-owner", "--no-privileges", "--verbose", *argv, str(source),
        ],
        env, file=source, bar_total=len(tables), label=f"restore: {source.name}",
        progress=progress,
    )  # fmt: skip
