"""Shapes of the status reports API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from tandem.clients.schemas.bodies import OPTIONAL_VERSION, VERSION_FIELD, StrictIn
from tandem.clients.schemas.refs import UserRef, user_ref
from tandem.clients.schemas.values import Day, patch_text
from tandem.core.api import PageMeta, PageParams, optional
from tandem.delivery.models import Project
from tandem.governance.models import StatusReport

RagName = Literal["green", "amber", "red"]
TEXT_MAX = 20_000


class StatusReportDraftIn(StrictIn):
    """Make (or open) the project's draft for the period ending ``period_end``."""

    period_end: Day | None = Field(default=None, description="The period's last day; today when left out.")


class StatusReportUpdateIn(StrictIn):
    """Changes to a draft: send ``version`` and only the fields to change."""

    version: int = VERSION_FIELD
    schedule_rag: RagName = optional()
    budget_rag: RagName = optional()
    scope_rag: RagName = optional()
    overall_rag: RagName = optional()
    summary: str = patch_text(TEXT_MAX)
    accomplishments: str = patch_text(TEXT_MAX)
    next_steps: str = patch_text(TEXT_MAX)
    blockers: str = patch_text(TEXT_MAX)


class StatusReportPublishIn(StrictIn):
    version: int | None = OPTIONAL_VERSION


class FactOut(BaseModel):
    section: str
    text: str
    url: str = Field(description="The page listing the rows behind the statement (\"\" when there is none).")


class StatusReportOut(BaseModel):
    id: int
    version: int
    project_id: int
    period_start: dt.date
    period_end: dt.date
    status: Literal["draft", "published"]
    schedule_rag: RagName
    budget_rag: RagName
    scope_rag: RagName
    overall_rag: RagName
    summary: str
    accomplishments: str
    next_steps: str
    blockers: str
    facts: list[FactOut]
    metrics: dict[str, Any]
    author: UserRef | None
    published_at: dt.datetime | None
    published_by: UserRef | None


class StatusReportPage(PageMeta):
    items: list[StatusReportOut]


class PortfolioParams(PageParams):
    rag: RagName | None = Field(default=None, description="Only projects whose latest overall RAG is this.")
    manager_id: int | None = Field(default=None, ge=1, description="Only this manager's projects.")
    due: bool = Field(default=False, description="Only projects with no report published in the last 14 days.")


class PortfolioRowOut(BaseModel):
    project_id: int
    project_code: str
    project_name: str
    manager: UserRef | None
    latest_report_id: int | None
    latest_period_end: dt.date | None
    overall_rag: RagName | None
    schedule_rag: RagName | None
    budget_rag: RagName | None
    scope_rag: RagName | None


class PortfolioPage(PageMeta):
    items: list[PortfolioRowOut]


def report_out(report: StatusReport, *, actor: Any) -> dict[str, Any]:
    return {
        "id": report.pk, "version": report.version, "project_id": report.project_id,
        "period_start": report.period_start, "period_end": report.period_end, "status": report.status,
        "schedule_rag": report.schedule_rag, "budget_rag": report.budget_rag, "scope_rag": report.scope_rag,
        "overall_rag": report.overall_rag, "summary": report.summary, "accomplishments": report.accomplishments,
        "next_steps": report.next_steps, "blockers": report.blockers,
        "facts": [{"section": f.get("section", ""), "text": f.get("text", ""), "url": f.get("url", "")}
                  for f in report.facts or []],
        "metrics": report.metrics or {},
        "author": user_ref(report.author, actor=actor), "published_at": report.published_at,
        "published_by": user_ref(report.published_by, actor=actor),
    }


def portfolio_row_out(project: Project, *, actor: Any) -> dict[str, Any]:
    return {
        "project_id": project.pk, "project_code": project.code, "project_name": project.name,
        "manager": user_ref(project.manager, actor=actor),
        "latest_report_id": project.latest_report_id,  # type: ignore[attr-defined]
        "latest_period_end": project.latest_period_end,  # type: ignore[attr-defined]
        "overall_rag": project.latest_overall_rag,  # type: ignore[attr-defined]
        "schedule_rag": project.latest_schedule_rag,  # type: ignore[attr-defined]
        "budget_rag": project.latest_budget_rag,  # type: ignore[attr-defined]
        "scope_rag": project.latest_scope_rag,  # type: ignore[attr-defined]
    }
