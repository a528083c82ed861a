"""Running an import: read, recognise, map, validate every row, then write in batches.

Contract:
* A file that cannot be read, lacks a required column or is not what it claims raises
  :class:`FileRejected`; nothing is written.
* Every row is checked before anything is written (types, required values, duplicate
  record ids, accounts that exist, records the user may change). With errors, the job
  is ``invalid`` and nothing is written, unless ``skip_invalid`` imports the good rows.
* A dry run does all the checks and counts what would be created and updated.
* Writes go in batches, each one transaction that also advances ``rows_done``; a
  killed import resumes from the last committed batch (same user, source, object and
  file content). Re-importing the same file changes nothing (upsert by record id).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core import bulk
from tandem.core.errors import PermissionDeniedError
from tandem.integrations.importing.clients import IMPORTERS as CLIENT_IMPORTERS
from tandem.integrations.importing.clients import ImportContext
from tandem.integrations.importing.commercial import OPPORTUNITY_IMPORTERS
from tandem.integrations.importing.files import FileRejected, Table, read_table
from tandem.integrations.importing.mapping import auto_mapping, detection_score, validate_mapping
from tandem.integrations.models import ImportJob, ImportObject, ImportSource, ImportStatus
from tandem.integrations.policies import may_import

MAX_STORED_ERRORS = 1000
IMPORTERS = {**CLIENT_IMPORTERS, **OPPORTUNITY_IMPORTERS}
Progress = Callable[[int, int], None]


def detect_object(table: Table, source: str) -> str:
    """Which object the file holds: by the export's file name, else by its headers."""
    name = table.file_name.lower()
    if "deal" in name or "opportunit" in name:
        return ImportObject.OPPORTUNITIES
    if "compan" in name or "account" in name:
        return ImportObject.ACCOUNTS
    if "contact" in name:
        return ImportObject.CONTACTS
    scores = {obj: detection_score(table.headers, importer.fields) for obj, importer in IMPORTERS.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        raise FileRejected(
            f"Cannot tell whether {table.file_name} holds accounts, contacts or opportunities; choose the "
            "object (--object accounts|contacts|opportunities)."
        )
    return ranked[0][0]


def _positions(headers: list[str], mapping: Mapping[str, str]) -> list[tuple[str, int]]:
    """(field, column position) of each mapped field whose header is in the file."""
    index = {header: position for position, header in enumerate(headers)}
    return [(field_name, index[header]) for field_name, header in mapping.items() if header in index]


def _row_values(positions: list[tuple[str, int]], row: list[str]) -> dict[str, str]:
    width = len(row)
    return {field_name: row[position] for field_name, position in positions if position < width}


@bulk.paused_gc()
def run_import(
    *,
    actor: Any,
    source: str,
    data: bytes | Path,
    file_name: str | None = None,
    object_name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    batch_size: int = 2000,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> ImportJob:
    """Read, map, check and (unless ``dry_run`` or refused) write one file, in three
    passes: parse every row, let the clients services check each batch, then write the
    batches, each in its own transaction, recording progress so a stopped import resumes."""
    if actor is not None and not may_import(actor):
        raise PermissionDeniedError("Only account managers and administrators import client data.")
    if source not in ImportSource.values:
        raise FileRejected(f"Unknown source {source!r}; choose one of {', '.join(ImportSource.values)}.")
    raw = data.read_bytes() if isinstance(data, Path) else data
    file_name = file_name or (data.name if isinstance(data, Path) else "upload.csv")
    table = read_table(raw, file_name, encoding=encoding)
    object_name = object_name or detect_object(table, source)
    if object_name not in IMPORTERS:
        raise FileRejected(f"Unknown object {object_name!r}; choose accounts, contacts or opportunities.")
    importer = IMPORTERS[object_name]
    effective = _effective_mapping(table, importer, mapping, f"{file_name} cannot be imported as {source} {object_name}")
    context = ImportContext(actor=actor, source=source, mapping=effective)
    importer.prepare(context)

    valid, errors, error_count = _parse_rows(table, importer, context, effective)
    ready, would, refused_count = _check_batches(importer, context, valid, errors, batch_size)
    error_count += refused_count
    total = len(ready) + len({e["row"] for e in errors})
    errors.sort(key=lambda item: (item["row"], item["column"]))
    digest = hashlib.sha256(raw).hexdigest()
    job_fields: dict[str, Any] = {
        "created_by": actor if actor is not None else None, "source": source, "object": object_name,
        "file_name": file_name[:255], "file_sha256": digest, "dry_run": dry_run, "skip_invalid": skip_invalid,
        "mapping": effective, "total_rows": total, "error_count": error_count, "errors": errors,
        "warnings": context.warnings[:MAX_STORED_ERRORS],
    }
    if dry_run or (error_count and not skip_invalid):
        status = ImportStatus.INVALID if error_count and not skip_invalid else ImportStatus.VALIDATED
        return ImportJob.objects.create(
            **job_fields, status=status, finished_at=timezone.now(),
            created_count=would[0], updated_count=would[1],
            message="Nothing was written." + (f" {error_count} problem(s) to fix first." if error_count else ""),
        )
    return _write_batches(importer, context, ready, job_fields, batch_size, progress)


def _effective_mapping(table: Any, importer: Any, mapping: Mapping[str, str] | None, refusal: str) -> dict[str, str]:
    """The columns found for each field, with the caller's choices applied (an empty
    header leaves a field out); refuses the file when a required field has no column."""
    effective = auto_mapping(table.headers, importer.fields)
    for field_name, header in (mapping or {}).items():
        if header:
            effective[field_name] = header
        else:
            effective.pop(field_name, None)
    problems = validate_mapping(effective, table.headers, importer.fields)
    if problems:
        detail = "; ".join(f"{name}: {message}" for name, message in sorted(problems.items()))
        raise FileRejected(f"{refusal}: {detail}.")
    return effective


def _store_error(errors: list[dict[str, Any]], row: int, column: str, message: str) -> None:
    if len(errors) < MAX_STORED_ERRORS:
        errors.append({"row": row, "column": column, "message": message})


def _parse_rows(
    table: Any, importer: Any, context: ImportContext, effective: Mapping[str, str]
) -> tuple[list[Any], list[dict[str, Any]], int]:
    """Pass 1: parse every row (pure Python) and find duplicates within the file.
    Returns the parsed rows, the stored errors and how many errors there were."""
    errors: list[dict[str, Any]] = []
    error_count = 0
    valid: list[Any] = []
    seen: dict[str, int] = {}
    row_number = table.first_row_number - 1
    positions = _positions(table.headers, effective)
    for row in table.rows:
        row_number += 1
        if not "".join(row).strip():  # a blank row
            continue
        cleaned, row_errors = importer.clean(context, _row_values(positions, row), row_number)
        if cleaned is not None and cleaned.external_id:
            first = seen.setdefault(cleaned.external_id, row_number)
            if first != row_number:
                row_errors = [(context.column("external_id"), f"same record id as row {first}")]
                cleaned = None
        if cleaned is None:
            error_count += len(row_errors)
            for column, message in row_errors:
                _store_error(errors, row_number, column, message)
        else:
            valid.append(cleaned)
    return valid, errors, error_count


def _check_batches(
    importer: Any, context: ImportContext, valid: list[Any], errors: list[dict[str, Any]], batch_size: int
) -> tuple[list[Any], list[int], int]:
    """Pass 2: the clients services check each batch under their rules (reads only).
    Returns the rows ready to write, [would create, would update] and the refusals."""
    ready: list[Any] = []
    would = [0, 0]  # created, updated (changed or not)
    refused_count = 0
    for start in range(0, len(valid), batch_size):
        batch = valid[start : start + batch_size]
        outcome, refused = importer.check(context, batch)
        refused_rows = {number for number, _column, _message in refused}
        ready.extend(item for item in batch if item.row not in refused_rows)
        would[0] += outcome.created
        would[1] += outcome.updated + outcome.unchanged
        for number, column, message in refused:
            refused_count += 1
            _store_error(errors, number, column, message)
    return ready, would, refused_count


def _write_batches(
    importer: Any, context: ImportContext, ready: list[Any], job_fields: dict[str, Any], batch_size: int,
    progress: Progress | None,
) -> ImportJob:
    """Pass 3: write the batches, each in its own transaction, resuming a stopped import
    of the same file by the same person where it stopped."""
    job = (
        ImportJob.objects.filter(
            created_by=job_fields["created_by"], source=job_fields["source"], object=job_fields["object"],
            file_sha256=job_fields["file_sha256"], status__in=[ImportStatus.RUNNING, ImportStatus.FAILED], dry_run=False,
        ).order_by("-created_at").first()
    )
    if job is None:
        job = ImportJob.objects.create(**job_fields, status=ImportStatus.RUNNING)
    else:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, message="Resumed.")
    done = job.rows_done
    if progress:
        progress(done, len(ready))
    try:
        while done < len(ready):
            batch = ready[done : done + batch_size]
            with transaction.atomic():
                created, updated, unchanged = importer.write(context, batch)
                done += len(batch)
                job.rows_done = done
                job.created_count += created
                job.updated_count += updated
                job.unchanged_count += unchanged
                ImportJob.objects.filter(pk=job.pk).update(
                    rows_done=done, created_count=job.created_count, updated_count=job.updated_count,
                    unchanged_count=job.unchanged_count,
                )
            if progress:
                progress(done, len(ready))
    except BaseException as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, message=f"Stopped: {exc}"[:2000])
        raise
    if context.late_errors:
        late = [{"row": row, "column": column, "message": message} for row, column, message in context.late_errors]
        job.errors = sorted([*job.errors, *late], key=lambda item: (item["row"], item["column"]))[:MAX_STORED_ERRORS]
        job.error_count += len(late)
        ImportJob.objects.filter(pk=job.pk).update(errors=job.errors, error_count=job.error_count)
    job.status = ImportStatus.DONE
    job.finished_at = timezone.now()
    job.message = f"{job.created_count} created, {job.updated_count} updated, {job.unchanged_count} unchanged."
    ImportJob.objects.filter(pk=job.pk).update(status=job.status, finished_at=job.finished_at, message=job.message)
    return job
