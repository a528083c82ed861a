"""Status report pages: the project's "Status" tab (the RAG trend and the reports, and
"Write this period's report"), one report (its facts linked, the metrics, the edit form
of a draft, Publish naming who receives it, a printable layout), and the portfolio
(each visible active project's latest RAGs, filtered by RAG, manager and "due")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import ConflictError
from tandem.core.pagination import page_links, paginate
from tandem.core.permissions import policy_for, require_change
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.models import Project, ProjectStatus
from tandem.delivery.policies import manages
from tandem.delivery.views.common import ME, me_or_id, project_header
from tandem.governance.models import StatusReport
from tandem.governance.models.common import Rag
from tandem.governance.models.reports import ReportStatus
from tandem.governance.selectors import reports as selectors
from tandem.governance.services import reports as services

TREND_REPORTS = 12
PAGE_SIZE = 50
RAG_COLOURS = {Rag.GREEN: "success", Rag.AMBER: "warning", Rag.RED: "danger"}
RAG_ROWS = (("schedule_rag", "Schedule"), ("budget_rag", "Budget"), ("scope_rag", "Scope"),
            ("overall_rag", "Overall"))
SECTION_LABELS = {"progress": "Progress", "schedule": "Schedule", "budget": "Budget", "risks": "Risks",
                  "scope": "Scope", "accomplishments": "Accomplishments", "blockers": "Blockers"}


def rag_cell(value: str | None) -> dict[str, str]:
    if not value:
        return {"word": "No report", "colour": "secondary", "value": ""}
    return {"word": Rag(value).label, "colour": RAG_COLOURS.get(Rag(value), "secondary"), "value": value}


class StatusReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    overall_rag = forms.ChoiceField(label="Overall", choices=Rag.choices)
    schedule_rag = forms.ChoiceField(label="Schedule", choices=Rag.choices)
    budget_rag = forms.ChoiceField(label="Budget", choices=Rag.choices)
    scope_rag = forms.ChoiceField(label="Scope", choices=Rag.choices)
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    accomplishments = forms.CharField(label="Accomplishments", required=False,
                                      widget=forms.Textarea(attrs={"rows": 6}))
    next_steps = forms.CharField(label="Next steps", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    blockers = forms.CharField(label="Blockers", required=False, widget=forms.Textarea(attrs={"rows": 4}))


def _trend(reports: list[StatusReport]) -> dict[str, Any]:
    """The RAG strip: a column per report (oldest first), a row per RAG."""
    columns = list(reversed(reports))
    return {
        "columns": [{"label": f"{report.period_end:%-d %b %Y}",
                     "url": reverse("governance:status_report_detail", kwargs={"status_report_id": report.pk}),
                     "draft": report.status == ReportStatus.DRAFT} for report in columns],
        "rows": [{"label": label, "cells": [
            {**rag_cell(getattr(report, name)),
             "url": reverse("governance:status_report_detail", kwargs={"status_report_id": report.pk})}
            for report in columns]} for name, label in RAG_ROWS],
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_status(request: HttpRequest, project_id: int) -> HttpResponse:
    """The Status tab; POST makes (or opens) this period's draft."""
    project = delivery_selectors.project_page_get(actor=request.user, project_id=project_id)
    if request.method == "POST":
        try:
            report = services.status_report_draft(actor=request.user, project=project)
        except ValidationError as error:  # the last report already covers today
            messages.warning(request, " ".join(error.messages))
            return redirect("governance:project_status", project_id=project.pk)
        return redirect("governance:status_report_detail", status_report_id=report.pk)
    reports = selectors.status_report_list(project=project)
    page = paginate(reports, request.GET.get("page"), PAGE_SIZE)
    trend_reports = list(reports.select_related(None).only(
        "pk", "period_end", "status", *[name for name, _label in RAG_ROWS])[:TREND_REPORTS])
    can_write = manages(request.user, project)
    return render(request, "governance/reports/project_status.html", {
        **project_header(project, "status"),
        "page": page, "links": page_links(page, request.GET),
        "reports": [{"report": report, "overall": rag_cell(report.overall_rag),
                     "url": reverse("governance:status_report_detail", kwargs={"status_report_id": report.pk})}
                    for report in page.items],
        "trend": _trend(trend_reports),
        "can_write": can_write,
        "has_draft": any(report.status == ReportStatus.DRAFT for report in trend_reports),
    })


def _detail_context(request: HttpRequest, report: StatusReport, form: StatusReportForm | None = None,
                    **extra: Any) -> dict[str, Any]:
    project = report.project
    can_change = report.status == ReportStatus.DRAFT and policy_for(report).can_change(request.user, report)
    recipients = services.recipient_names(services.report_recipients(report)) if can_change else []
    sections: dict[str, list[dict[str, str]]] = {}
    for fact in report.facts or []:
        sections.setdefault(SECTION_LABELS.get(fact.get("section", ""), "Other"), []).append(fact)
    if can_change and form is None:
        form = StatusReportForm(initial={"version": report.version, **{
            name: getattr(report, name) for name in services.EDITABLE_FIELDS}})
    metrics = report.metrics or {}
    pid = project.pk
    budget = services.safe_reverse("delivery:project_budget", project_id=pid,
                                   query={"on": report.period_end.isoformat()})
    gantt = services.safe_reverse("delivery:project_gantt", project_id=pid)
    risks = services.safe_reverse("governance:risk_list", query={
        "project": pid, "status": "open", "min_score": services.HIGH_RISK_SCORE})
    metric_links = {"plan": services.safe_reverse("delivery:project_detail", project_id=pid, fragment="plan"),
                    "budget": budget, "gantt": gantt, "risks": risks}
    return {
        **project_header(project, "status"),
        "report": report,
        "rags": [{"label": label, **rag_cell(getattr(report, name))} for name, label in
                 (("overall_rag", "Overall"), *RAG_ROWS[:3])],
        "fact_sections": list(sections.items()),
        "metrics": metrics,
        "metric_links": metric_links,
        "form": form,
        "can_change": can_change,
        "recipients": recipients,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def status_report_detail(request: HttpRequest, status_report_id: int) -> HttpResponse:
    """The report; POST saves a draft's edit (a stale version says so and keeps the
    typed text)."""
    report = selectors.status_report_get(actor=request.user, status_report_id=status_report_id)
    if request.method == "POST":
        require_change(request.user, report)  # 403 before the form is read
        form = StatusReportForm(request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
            try:
                services.status_report_update(actor=request.user, report=report, data=data,
                                              version=form.cleaned_data["version"])
            except ConflictError:
                form.add_error(None, "Someone saved this report since you opened it. Reload to see their "
                                     "changes (your text is kept below to copy).")
                return render(request, "governance/reports/report_detail.html",
                              _detail_context(request, report, form), status=409)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Report saved.")
                return redirect("governance:status_report_detail", status_report_id=report.pk)
        return render(request, "governance/reports/report_detail.html", _detail_context(request, report, form),
                      status=422)
    return render(request, "governance/reports/report_detail.html", _detail_context(request, report))


@login_required
@require_POST
def status_report_publish_view(request: HttpRequest, status_report_id: int) -> HttpResponse:
    report = selectors.status_report_get(actor=request.user, status_report_id=status_report_id)
    version = request.POST.get("version", "")
    try:
        services.status_report_publish(actor=request.user, report=report,
                                       version=int(version) if version.isdigit() else None)
    except ConflictError:
        messages.warning(request, "Someone changed this report since you opened it; check it and publish again.")
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, "Report published and sent.")
    return redirect("governance:status_report_detail", status_report_id=report.pk)


@login_required
@require_POST
def status_report_delete_view(request: HttpRequest, status_report_id: int) -> HttpResponse:
    report = selectors.status_report_get(actor=request.user, status_report_id=status_report_id)
    project_id = report.project_id
    version = request.POST.get("version", "")
    try:
        services.status_report_delete(actor=request.user, report=report,
                                      version=int(version) if version.isdigit() else None)
    except (ConflictError, ValidationError) as error:
        messages.warning(request, getattr(error, "message", "") or " ".join(getattr(error, "messages", [])))
        return redirect("governance:status_report_detail", status_report_id=report.pk)
    messages.success(request, "Draft deleted.")
    return redirect("governance:project_status", project_id=project_id)


def _managers(actor: Any) -> list[tuple[str, str]]:
    """The managers of the active projects ``actor`` sees (one query)."""
    rows = (delivery_selectors.project_list(actor=actor).filter(status=ProjectStatus.ACTIVE, manager__isnull=False)
            .order_by("manager__full_name", "manager_id").values_list("manager_id", "manager__full_name").distinct())
    return [(str(pk), name) for pk, name in rows]


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The portfolio: every visible active project's latest published RAGs."""
    rag = request.GET.get("rag", "")
    manager = request.GET.get("manager", "")
    due = request.GET.get("due", "") == "1"
    filters = selectors.PortfolioFilters(rag=rag if rag in Rag.values else "",
                                         manager_id=me_or_id(manager, request.user), due=due)
    projects: QuerySet[Project] = selectors.portfolio_list(actor=request.user, filters=filters)
    page = paginate(projects, request.GET.get("page"), PAGE_SIZE)
    rows = []
    for project in page.items:
        report_id = project.latest_report_id  # type: ignore[attr-defined]
        url = reverse("governance:status_report_detail", kwargs={"status_report_id": report_id}) if report_id else ""
        rows.append({
            "project": project,
            "project_url": reverse("governance:project_status", kwargs={"project_id": project.pk}),
            "url": url,
            "period_end": project.latest_period_end,  # type: ignore[attr-defined]
            "rags": [rag_cell(getattr(project, f"latest_{name}")) for name in
                     ("overall_rag", "schedule_rag", "budget_rag", "scope_rag")],
        })
    return render(request, "governance/reports/report_list.html", {
        "page": page, "links": page_links(page, request.GET), "rows": rows,
        "rag": filters.rag, "manager": manager, "due": due,
        "rag_choices": Rag.choices, "managers": [(ME, "Me"), *_managers(request.user)],
        "is_filtered": bool(filters.rag or filters.manager_id or due),
    })
