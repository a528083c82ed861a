"""Reads of status reports, always through the policies: a project's reports, one
report, the portfolio (the latest published report of every visible active project) and
the projects whose report is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from tandem.core.permissions import get_visible, scoped
from tandem.delivery.models import Project, ProjectStatus
from tandem.governance.models import StatusReport
from tandem.governance.models.common import Rag
from tandem.governance.models.reports import ReportStatus

DUE_AFTER_DAYS = 14
RAG_FIELDS = ("overall_rag", "schedule_rag", "budget_rag", "scope_rag")


def status_report_list(*, project: Project) -> QuerySet[StatusReport]:
    """The project's reports, the latest period first (the caller has checked the
    project is visible)."""
    return StatusReport.objects.filter(project=project).select_related("author", "published_by").order_by(
        "-period_end", "-pk")


def status_report_get(*, actor: Any, status_report_id: Any) -> StatusReport:
    return get_visible(actor, StatusReport.objects.select_related(
        "project", "project__manager", "project__account", "author", "published_by"), status_report_id)


@dataclass(frozen=True)
class PortfolioFilters:
    rag: str = ""  # the latest overall RAG
    manager_id: int | None = None
    due: bool = False


def _latest_published() -> QuerySet[StatusReport]:
    return StatusReport.objects.filter(project=OuterRef("pk"), status=ReportStatus.PUBLISHED).order_by(
        "-period_end", "-pk")


def due_q_cutoff() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=DUE_AFTER_DAYS)


def portfolio_list(*, actor: Any, filters: PortfolioFilters | None = None) -> QuerySet[Project]:
    """Every active project ``actor`` sees, each annotated with its latest published
    report (``latest_report_id``, ``latest_period_end``, and the four RAGs as
    ``latest_<kind>_rag``), by code; one query."""
    filters = filters or PortfolioFilters()
    latest = _latest_published()
    annotations: dict[str, Any] = {
        "latest_report_id": Subquery(latest.values("pk")[:1]),
        "latest_period_end": Subquery(latest.values("period_end")[:1]),
        **{f"latest_{name}": Subquery(latest.values(name)[:1]) for name in RAG_FIELDS},
    }
    queryset: QuerySet[Project] = scoped(actor, Project).filter(
        status=ProjectStatus.ACTIVE, is_template=False).annotate(**annotations)
    if filters.rag in Rag.values:
        queryset = queryset.filter(**{"latest_overall_rag": filters.rag})
    if filters.manager_id is not None:
        queryset = queryset.filter(manager_id=filters.manager_id)
    if filters.due:
        queryset = queryset.exclude(Exists(StatusReport.objects.filter(
            project=OuterRef("pk"), status=ReportStatus.PUBLISHED, published_at__gte=due_q_cutoff())))
    return queryset.select_related("manager", "account").order_by("code", "pk")


def reports_due(*, actor: Any) -> QuerySet[Project]:
    """The home card's projects: ``actor``'s active projects with no report published
    in the last 14 days (the portfolio's ``?due=1&manager=me``)."""
    return portfolio_list(actor=actor, filters=PortfolioFilters(due=True, manager_id=actor.pk))
