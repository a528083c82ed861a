"""Reads of the risk register and SWOT analyses, scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.core.permissions import get_visible, scoped
from tandem.governance.models import Risk, RiskExposure, RiskStatus, SwotAnalysis, SwotItem

SORTS = {
    "score": ("-score", "title", "id"), "-score": ("score", "title", "id"),
    "title": ("title", "id"), "-title": ("-title", "-id"),
    "review": ("review_date", "-score", "id"), "-review": ("-review_date", "-score", "id"),
    "status": ("status", "-score", "id"), "-status": ("-status", "-score", "id"),
}


@dataclass(frozen=True)
class RiskFilters:
    status: str = ""
    category: str = ""
    owner_id: int | None = None
    probability: int | None = None
    impact: int | None = None
    review_due: bool = False
    project_id: int | None = None
    account_id: int | None = None


def risk_list(*, actor: Any, filters: RiskFilters | None = None, sort: str = "score",
              for_count: bool = False) -> QuerySet[Risk]:
    """The risks ``actor`` may see, filtered; "review due" is open risks whose review date
    has come (today or before)."""
    filters = filters or RiskFilters()
    queryset = scoped(actor, Risk, for_count=for_count)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.probability is not None:
        queryset = queryset.filter(probability=filters.probability)
    if filters.impact is not None:
        queryset = queryset.filter(impact=filters.impact)
    if filters.review_due:
        queryset = queryset.filter(status=RiskStatus.OPEN, review_date__lte=timezone.localdate())
    if filters.project_id is not None:
        queryset = queryset.filter(project_id=filters.project_id)
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id, project__isnull=True)
    if for_count:
        return queryset
    return queryset.select_related("project", "account", "owner").order_by(*SORTS.get(sort, SORTS["score"]))


def risk_get(*, actor: Any, risk_id: Any) -> Risk:
    return get_visible(actor, Risk.objects.select_related(
        "project__account", "project__manager", "account", "owner", "raised_by", "contingency_task"), risk_id)


def heat_map(*, risks: QuerySet[Risk]) -> list[list[int]]:
    """Counts of open risks by probability (rows, 5 first) × impact (columns 1–5), one query."""
    grid = [[0] * 5 for _ in range(5)]
    for row in (risks.filter(status=RiskStatus.OPEN).order_by().values("probability", "impact")
                .annotate(count=Count("id"))):
        grid[5 - row["probability"]][row["impact"] - 1] = row["count"]
    return grid


class ExposurePoint(NamedTuple):
    """One day of a subject's exposure (:class:`RiskExposure` without the model)."""

    day: dt.date
    exposure: int
    open_risks: int


def exposure_trend(*, project: Any = None, account: Any = None, days: int = 90,
                   today: dt.date | None = None) -> list[ExposurePoint]:
    """The subject's exposure by day over the last ``days`` days, oldest first."""
    today = today or timezone.localdate()
    subject = Q(project=project) if project is not None else Q(account=account)
    return [ExposurePoint(*point) for point in
            RiskExposure.objects.filter(subject, day__gt=today - dt.timedelta(days=days), day__lte=today)
            .order_by("day").values_list("day", "exposure", "open_risks")]


def swot_list(*, actor: Any, project: Any = None, account: Any = None) -> QuerySet[SwotAnalysis]:
    subject = Q(project=project) if project is not None else Q(account=account, project__isnull=True)
    return scoped(actor, SwotAnalysis).filter(subject).annotate(item_count=Count("items")).order_by("-created_at", "-id")


def swot_get(*, actor: Any, swot_analysis_id: Any) -> SwotAnalysis:
    return get_visible(actor, SwotAnalysis.objects.select_related("project__account", "account").prefetch_related(
        Prefetch("items", queryset=SwotItem.objects.select_related("risk", "opportunity").order_by("position", "id"))),
        swot_analysis_id)


def swot_item_get(*, actor: Any, swot_item_id: Any) -> SwotItem:
    return get_visible(actor, SwotItem.objects.select_related("analysis__project__account", "analysis__account"),
                       swot_item_id)
