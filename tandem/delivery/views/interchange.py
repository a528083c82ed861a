"""Import and export a plan from the project page (issue 9, "Interchange": "the same
from the project page").

* "Export to MS Project" (everyone who sees the project) downloads the plan as MSPDI
  (:func:`tandem.delivery.services.plan_export`, written by ``write_mspdi``).
* "Import a plan" (the project's manager) takes an MS Project XML or an Asana CSV file
  in two steps: the file is read and imported as a dry run (everything done, then rolled
  back) and the page shows what would change (tasks and links created, updated,
  removed; the tasks whose dates would differ from the file's; warnings); "Import"
  applies it. Between the steps the checked file waits on the server under a random
  token kept in the user's session (never a path the browser names), and is removed
  once imported or after a day. Problems are listed by task; the upload limit is the
  one of every upload (:mod:`tandem.core.uploads`).
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.forms import StyledForm
from tandem.core.permissions import require_change
from tandem.core.uploads import megabytes, upload_limit, upload_refusal
from tandem.delivery import selectors, services
from tandem.delivery.calendars import project_calendar
from tandem.delivery.interchange.asana import read_asana_csv
from tandem.delivery.interchange.mspdi import read_mspdi, write_mspdi
from tandem.delivery.interchange.plan import Plan, PlanError
from tandem.delivery.models import Project
from tandem.delivery.services import PlanImportResult
from tandem.delivery.views.common import project_header

SOURCES = (("msproject", "MS Project XML (.xml)"), ("asana", "Asana CSV export (.csv)"))
SESSION_KEY = "delivery_plan_imports"
STAGED_FOR_SECONDS = 24 * 3600
SHOWN = 50


def staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "plan-imports"


class PlanImportForm(StyledForm):
    file = forms.FileField(label="Plan file", help_text="An MS Project XML (MSPDI) file or an Asana CSV export.")
    source = forms.ChoiceField(choices=(("", "Tell from the file name"), *SOURCES), required=False,
                               label="File type")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and not data.get("source"):
            name = upload.name.lower()
            if name.endswith(".xml"):
                data["source"] = "msproject"
            elif name.endswith(".csv"):
                data["source"] = "asana"
            else:
                self.add_error("source", "Choose the file type: the name ends neither in .xml nor in .csv.")
        return data


def _read(source: str, content: bytes) -> Plan:
    return read_mspdi(content) if source == "msproject" else read_asana_csv(content)


def _import(actor: Any, project: Project, source: str, content: bytes, *, dry_run: bool) -> PlanImportResult:
    return services.plan_import(actor=actor, plan=_read(source, content), code=project.code,
                                use_plan_calendar=source == "msproject", dry_run=dry_run)


def _problems(error: Exception) -> list[str]:
    if isinstance(error, PlanError):
        return error.messages
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def _sweep() -> None:
    """Remove checked files nobody imported within a day."""
    folder = staging_dir()
    if not folder.is_dir():
        return
    limit = time.time() - STAGED_FOR_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _stage(request: HttpRequest, project: Project, source: str, name: str, content: bytes) -> str:
    _sweep()
    token = secrets.token_urlsafe(24)
    folder = staging_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.plan").write_bytes(content)
    staged = dict(request.session.get(SESSION_KEY, {}))
    staged[token] = {"project": project.pk, "source": source, "name": name}
    request.session[SESSION_KEY] = staged
    return token


def _unstage(request: HttpRequest, token: str) -> None:
    staged = dict(request.session.get(SESSION_KEY, {}))
    staged.pop(token, None)
    request.session[SESSION_KEY] = staged
    (staging_dir() / f"{token}.plan").unlink(missing_ok=True)


def _page(request: HttpRequest, project: Project, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    zone = project_calendar(project)[1]
    return render(request, "delivery/interchange/plan_import.html", {
        **project_header(project, "overview", zone=zone), "limit": megabytes(upload_limit()), "shown": SHOWN,
        **context}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_page_get(actor=actor, project_id=project_id)
    require_change(actor, project)
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        staged = request.session.get(SESSION_KEY, {}).get(token)
        path = staging_dir() / f"{token}.plan"
        if staged is None or staged["project"] != project.pk or not path.is_file():
            return _page(request, project, form=PlanImportForm(), status=410,
                         problems=["The checked file is no longer here (it waits a day): choose it again."])
        try:
            result = _import(actor, project, staged["source"], path.read_bytes(), dry_run=False)
        except (PlanError, ValidationError) as error:
            _unstage(request, token)
            return _page(request, project, form=PlanImportForm(), problems=_problems(error), status=422)
        _unstage(request, token)
        messages.success(request, (
            f"{staged['name']} imported: {result.tasks_created} tasks added, {result.tasks_updated} changed, "
            f"{result.links_created} links added, {result.links_updated} changed, {result.links_removed} removed."))
        return redirect(f"{reverse('delivery:project_detail', kwargs={'project_id': project.pk})}#plan")
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        return _page(request, project, form=form)
    refusal = upload_refusal(request)
    if refusal:
        return _page(request, project, form=PlanImportForm(), problems=[refusal], status=413)
    if not form.is_valid():
        return _page(request, project, form=form, status=422)
    upload = form.cleaned_data["file"]
    content = upload.read()
    try:
        result = _import(actor, project, form.cleaned_data["source"], content, dry_run=True)
    except (PlanError, ValidationError) as error:
        return _page(request, project, form=form, problems=_problems(error), file_name=upload.name, status=422)
    token = _stage(request, project, form.cleaned_data["source"], upload.name, content)
    return _page(request, project, form=PlanImportForm(), result=result, token=token, file_name=upload.name)


@login_required
@require_GET
def project_export_msproject(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_page_get(actor=request.user, project_id=project_id)
    data = write_mspdi(services.plan_export(project=project))
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.code}.xml"'
    return response
