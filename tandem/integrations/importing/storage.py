"""Uploaded import files kept for the job page's "Check again" and "Import".

A file is kept as ``MEDIA_ROOT/imports/<sha256>.<csv|xlsx>`` (named after its content,
never after the name it was uploaded with) and only while it may still be needed:

* a file the reader refuses is never kept;
* a file whose import finished (status done) is removed at once;
* every other kept file (dry runs not followed by an import, files refused for their
  rows) is removed by the daily cleanup (:func:`remove_old_files`, the worker's
  ``imports_remove_old_files`` job) once ``TANDEM_IMPORT_FILE_KEEP_HOURS`` have passed
  since its last job; a stopped import that can be resumed keeps its file a week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from tandem.integrations.models import ImportJob, ImportStatus

XLSX_SIGNATURE = b"PK\x03\x04"
RESUMABLE_KEEP = dt.timedelta(days=7)


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def stored_file(digest: str) -> Path | None:
    """The kept upload with this SHA-256, if it is still there."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    for extension in ("csv", "xlsx"):
        path = folder() / f"{digest}.{extension}"
        if path.is_file():
            return path
    return None


def store_upload(data: bytes) -> Path:
    """Keep ``data`` as ``imports/<sha256>.<csv|xlsx>`` (the extension from the content);
    written to a temporary file first, so a reader never sees half a file."""
    digest = hashlib.sha256(data).hexdigest()
    extension = "xlsx" if data.startswith(XLSX_SIGNATURE) else "csv"
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{digest}.{extension}"
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=target, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    else:
        path.touch()  # kept from now on, for the cleanup's clock
    return path


def remove_stored(digest: str) -> bool:
    path = stored_file(digest)
    if path is None:
        return False
    path.unlink(missing_ok=True)
    return True


def remove_old_files(*, now: float | None = None) -> int:
    """Remove the kept files no job needs any more; returns how many were removed."""
    now = now if now is not None else time.time()
    keep = dt.timedelta(hours=int(settings.TANDEM_IMPORT_FILE_KEEP_HOURS))
    paths = [p for p in folder().glob("*") if p.is_file()] if folder().is_dir() else []
    if not paths:
        return 0
    digests = {p.stem for p in paths}
    resumable = set(
        ImportJob.objects.filter(file_sha256__in=digests, status__in=[ImportStatus.RUNNING, ImportStatus.FAILED])
        .values_list("file_sha256", flat=True)
    )
    last_job = dict(
        ImportJob.objects.filter(file_sha256__in=digests).values("file_sha256").annotate(last=Max("created_at"))
        .values_list("file_sha256", "last")
    )
    removed = 0
    for path in paths:
        age = dt.timedelta(seconds=now - path.stat().st_mtime)
        if path.name.startswith(".upload-"):  # a write that died half-way
            expired = age > dt.timedelta(hours=1)
        elif path.stem in resumable:
            expired = age > RESUMABLE_KEEP
        else:
            last = last_job.get(path.stem)
            since_job = dt.timedelta(seconds=now - last.timestamp()) if last is not None else age
            expired = min(age, since_job) > keep
        if expired:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
