"""The import pages: the user's import jobs, the upload, and a job's report.

Flow: the upload form sends the file; the page checks it with
:func:`~tandem.integrations.importing.runner.run_import` (a dry run unless "check only"
is cleared) and shows the job's page: the object detected, the column mapping (one
select per field, pre-selected from the automatic mapping), the counts that would be
created and updated, and the row errors. From there "Check again" re-runs the dry run
with the adjusted mapping and "Import" runs the real import (synchronously; big files
are better imported with ``tandem import`` on the server, see docs/imports.md).

The file is kept under ``MEDIA_ROOT/imports/<sha256>.<csv|xlsx>`` while a job may need
it (:mod:`tandem.integrations.importing.storage`): the name comes from the content,
never from the name the user gave it. A file the reader refuses (``FileRejected``) or
larger than ``TANDEM_MAX_UPLOAD_BYTES`` is not kept, and the message stands next to the
file field; a file whose import is done is removed, the others by the daily cleanup.

Only administrators and account managers import
(:func:`tandem.integrations.policies.may_import`): the list and upload pages answer 403
to everyone else. A job page follows the job's Policy: a job the user may not see is a
404 like a missing one; running a job the user may see but not change is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import PermissionDeniedError
from tandem.core.pagination import page_query, paginate
from tandem.core.permissions import get_visible, policy_for, require_change, scoped
from tandem.core.uploads import upload_refusal
from tandem.integrations.forms import ImportUploadForm, MappingForm
from tandem.integrations.importing.files import FileRejected, read_table
from tandem.integrations.importing.runner import IMPORTERS, run_import
from tandem.integrations.importing.storage import (
    XLSX_SIGNATURE,
    remove_old_files,
    remove_stored,
    store_upload,
    stored_file,
)
from tandem.integrations.models import ImportJob, ImportStatus
from tandem.integrations.policies import may_import

SHOWN_ERRORS = 200


def _require_importer(user: Any) -> None:
    if not may_import(user):
        raise PermissionDeniedError("Only account managers and administrators import client data.")


# --- Stored uploads (kept while a job may need them: importing/storage.py) -----------------

__all__ = ["store_upload", "stored_file"]


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
    valid = request.method == "POST" and form.is_valid()
    refusal = upload_refusal(request)
    if refusal:  # the file was stopped at the limit: say so, not "required"
        form.errors["file"] = form.error_class([refusal])
        valid = False
    if valid:
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
    if job.status == ImportStatus.DONE:
        remove_stored(job.file_sha256)  # nothing left to do with it
    else:
        store_upload(data)  # for "Check again" / "Import" on the job page
    remove_old_files()
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
            if new_job.status == ImportStatus.DONE:
                remove_stored(new_job.file_sha256)
            return redirect("integrations:import_detail", import_job_id=new_job.pk)
    context = _detail_context(request, job, form, note)
    return render(
        request, "integrations/import_detail.html", context, status=422 if form is not None else 410
    )
