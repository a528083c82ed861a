"""The import pages: the user's import jobs, the upload, and a job's report.

Flow: the upload form sends the file; the page checks it with
:func:`~tandem.integrations.importing.runner.run_import` (a dry run unless "check only"
is cleared) and shows the job's page: the object detected, the column mapping (one
select per field, pre-selected from the automatic mapping), the counts that would be
created and updated, and the row errors. From there "Check again" re-runs the dry run
with the adjusted mapping and "Import" runs the real import (synchronously; big files
are better imported with ``tandem import`` on the server, see docs/imports.md).

The file is kept under ``MEDIA_ROOT/imports/<sha256>.<csv|xlsx>``: the name comes from
the content, never from the name the user gave it. A file the reader refuses
(``FileRejected``) is not kept, and its message stands next to the file field.

Only administrators and account managers import
(:func:`tandem.integrations.policies.may_import`): the list and upload pages answer 403
to everyone else. A job page follows the job's Policy: a job the user may not see is a
404 like a missing one; running a job the user may see but not change is a 403.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import PermissionDeniedError
from tandem.core.pagination import page_query, paginate
from tandem.core.permissions import get_visible, policy_for, require_change, scoped
from tandem.integrations.forms import ImportUploadForm, MappingForm
from tandem.integrations.importing.clients import IMPORTERS
from tandem.integrations.importing.files import FileRejected, read_table
from tandem.integrations.importing.runner import run_import
from tandem.integrations.models import ImportJob, ImportStatus
from tandem.integrations.policies import may_import

SHOWN_ERRORS = 200
XLSX_SIGNATURE = b"PK\x03\x04"


def _require_importer(user: Any) -> None:
    if not may_import(user):
        raise PermissionDeniedError("Only account managers and administrators import client data.")


# --- Stored uploads ----------------------------------------------------------------------


def stored_file(digest: str) -> Path | None:
    """The kept upload with this SHA-256, if it is still there."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    folder = Path(settings.MEDIA_ROOT) / "imports"
    for extension in ("csv", "xlsx"):
        path = folder / f"{digest}.{extension}"
        if path.is_file():
            return path
    return None


def store_upload(data: bytes) -> Path:
    """Keep ``data`` as ``imports/<sha256>.<csv|xlsx>`` (the extension from the content);
    written to a temporary file first, so a reader never sees half a file."""
    digest = hashlib.sha256(data).hexdigest()
    extension = "xlsx" if data.startswith(XLSX_SIGNATURE) else "csv"
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.{extension}"
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return path


def _upload_bytes(upload: UploadedFile, encoding: str) -> bytes:
    """The upload's content; a CSV read in a chosen encoding is kept as UTF-8, so the
    kept file needs no encoding to be read again."""
    data = b"".join(upload.chunks())
    if encoding and not data.startswith(XLSX_SIGNATURE):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise FileRejected(f"{upload.name} cannot be read as {encoding}: {exc}") from exc
        data = text.encode("utf-8")
    return data


# --- Pages -------------------------------------------------------------------------------


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    # The row-error lists can be long: the list shows only their counts.
    jobs = (
        scoped(request.user, ImportJob)
        .select_related("created_by")
        .defer("errors", "warnings", "mapping")
        .order_by("-created_at", "-id")
    )
    page = paginate(jobs, request.GET.get("page"), request.GET.get("per_page"))
    params = {"per_page": request.GET.get("per_page", "")}
    context = {
        "page": page,
        "previous_query": page_query(params, page=page.previous_number)
        if page.has_previous
        else "",
        "next_query": page_query(params, page=page.next_number) if page.has_next else "",
    }
    return render(request, "integrations/import_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_create(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        try:
            data = _upload_bytes(upload, form.cleaned_data["encoding"])
        except FileRejected as rejected:
            form.add_error("file", str(rejected))
        else:
            job = _run_upload(request, form, upload, data)
            if job is not None:
                return redirect("integrations:import_detail", import_job_id=job.pk)
    return render(request, "integrations/import_form.html", {"form": form})


def _run_upload(
    request: HttpRequest, form: ImportUploadForm, upload: UploadedFile, data: bytes
) -> ImportJob | None:
    """Check (or import) the uploaded file; ``None`` when the reader refused it (the
    message is then on the file field and the file is not kept)."""
    try:
        job = run_import(
            actor=request.user,
            source=form.cleaned_data["source"],
            data=data,
            file_name=upload.name or "upload",
            object_name=form.cleaned_data["object"] or None,
            dry_run=form.cleaned_data["dry_run"],
            skip_invalid=form.cleaned_data["skip_invalid"],
        )
    except FileRejected as rejected:
        form.add_error("file", str(rejected))
        return None
    except PermissionDeniedError:
        raise
    except Exception:
        store_upload(data)  # a real import stopped half-way resumes from the kept file
        raise
    store_upload(data)
    return job


def _mapping_form(job: ImportJob, data: Any = None) -> tuple[MappingForm | None, str]:
    """The mapping form of a job whose file is kept, or ``None`` and the reason why not."""
    path = stored_file(job.file_sha256)
    if path is None:
        return None, "The file of this job is no longer kept here; upload it again to import it."
    try:
        headers = read_table(path, job.file_name).headers
    except FileRejected as rejected:  # the reader's rules changed since the upload
        return None, str(rejected)
    importer = IMPORTERS[job.object]
    form = MappingForm(
        data,
        fields=importer.fields,
        headers=headers,
        mapping=job.mapping,
        initial={"skip_invalid": job.skip_invalid},
    )
    return form, ""


def _detail_context(
    request: HttpRequest, job: ImportJob, form: MappingForm | None, note: str
) -> dict[str, Any]:
    importer = IMPORTERS.get(job.object)
    labels = {target.name: target.label for target in importer.fields} if importer else {}
    may_run = (
        policy_for(ImportJob).can_change(request.user, job) and job.status != ImportStatus.DONE
    )
    return {
        "job": job,
        "mapping_rows": [(labels.get(name, name), header) for name, header in job.mapping.items()],
        "errors": job.errors[:SHOWN_ERRORS],
        "errors_shown": min(len(job.errors), SHOWN_ERRORS),
        "warnings": job.warnings[:SHOWN_ERRORS],
        "form": form if may_run else None,
        "form_note": note if may_run else "",
        "resumable": job.status == ImportStatus.FAILED,
    }


@login_required
@require_GET
def import_detail(request: HttpRequest, import_job_id: int) -> HttpResponse:
    job = get_visible(request.user, ImportJob.objects.select_related("created_by"), import_job_id)
    _require_importer(request.user)
    form, note = (None, "")
    if job.status != ImportStatus.DONE and policy_for(ImportJob).can_change(request.user, job):
        form, note = _mapping_form(job)
    return render(
        request, "integrations/import_detail.html", _detail_context(request, job, form, note)
    )


@login_required
@require_POST
def import_run(request: HttpRequest, import_job_id: int) -> HttpResponse:
    """Check again (``action=check``) or import (``action=import``) a job's kept file
    with the posted mapping; the new job's page shows the outcome."""
    job = get_visible(request.user, ImportJob.objects.select_related("created_by"), import_job_id)
    require_change(request.user, job)
    _require_importer(request.user)
    form, note = _mapping_form(job, request.POST)
    if form is not None and form.is_valid():
        path = stored_file(job.file_sha256)
        assert path is not None  # _mapping_form found it
        try:
            new_job = run_import(
                actor=request.user,
                source=job.source,
                data=path,
                file_name=job.file_name,
                object_name=job.object,
                mapping=form.mapping(),
                dry_run=request.POST.get("action") != "import",
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except FileRejected as rejected:
            form.add_error(None, str(rejected))
        else:
            return redirect("integrations:import_detail", import_job_id=new_job.pk)
    context = _detail_context(request, job, form, note)
    return render(
        request, "integrations/import_detail.html", context, status=422 if form is not None else 410
    )
