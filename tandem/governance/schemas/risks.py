"""Shapes of the risk register and SWOT API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.refs import UserRef, user_ref
from tandem.clients.schemas.values import Day, ReferenceId, body_text, patch_text
from tandem.core.api import PageMeta, optional
from tandem.governance.models import Risk, SwotAnalysis, SwotItem
from tandem.governance.services.risks import contingency_done, score_word

Category = Literal["schedule", "budget", "scope", "resources", "technical", "quality", "client", "commercial", "external"]
Response = Literal["avoid", "mitigate", "transfer", "accept"]
Quadrant = Literal["strength", "weakness", "opportunity", "threat"]


class RiskOut(BaseModel):
    id: int
    project_id: int | None
    account_id: int | None
    title: str
    description: str
    category: str
    probability: int
    impact: int
    score: int = Field(description="probability × impact (1–25).")
    score_word: str = Field(description="Low (under 8), Medium (8–14) or High (15 and above).")
    owner: UserRef | None
    response: str
    mitigation_plan: str
    contingency_plan: str
    trigger: str
    review_date: dt.date | None
    status: str
    occurred_at: dt.datetime | None
    closed_at: dt.datetime | None
    contingency_task_id: int | None = Field(description="The summary task the contingency plan became.")
    contingency_done: bool
    version: int


class RiskPage(PageMeta):
    items: list[RiskOut]


def risk_out(risk: Risk, *, actor: Any) -> dict[str, Any]:
    return {
        "id": risk.pk, "project_id": risk.project_id, "account_id": risk.account_id, "title": risk.title,
        "description": risk.description, "category": risk.category, "probability": risk.probability,
        "impact": risk.impact, "score": risk.score, "score_word": score_word(risk.score)[0],
        "owner": user_ref(risk.owner, actor=actor), "response": risk.response,
        "mitigation_plan": risk.mitigation_plan, "contingency_plan": risk.contingency_plan, "trigger": risk.trigger,
        "review_date": risk.review_date, "status": risk.status, "occurred_at": risk.occurred_at,
        "closed_at": risk.closed_at, "contingency_task_id": risk.contingency_task_id,
        "contingency_done": contingency_done(risk), "version": risk.version,
    }


class RiskCreateIn(StrictIn):
    title: str = body_text(200, required=True)
    description: str = body_text(10_000)
    category: Category = "schedule"
    probability: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    owner_id: ReferenceId | None = None
    response: Response = "mitigate"
    mitigation_plan: str = body_text(10_000)
    contingency_plan: str = body_text(10_000, description="One step a line; each becomes a task if it occurs.")
    trigger: str = body_text(10_000)
    review_date: Day | None = None


class RiskUpdateIn(StrictIn):
    """Send ``version`` and only the fields to change."""

    version: int = VERSION_FIELD
    title: str = patch_text(200, required=True)
    description: str = patch_text(10_000)
    category: Category = optional()
    probability: int = optional(ge=1, le=5)
    impact: int = optional(ge=1, le=5)
    owner_id: ReferenceId | None = optional()
    response: Response = optional()
    mitigation_plan: str = patch_text(10_000)
    contingency_plan: str = patch_text(10_000)
    trigger: str = patch_text(10_000)
    review_date: Day | None = optional()


class RiskOccurredIn(StrictIn):
    version: int | None = Field(default=None, ge=1, description="The version you read; a stale one answers 409.")
    make_tasks: bool = Field(default=False, description="Also turn the contingency plan into tasks, in the same step.")


class RiskListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: Literal["open", "occurred", "closed"] | None = None
    category: Category | None = None
    owner_id: int | None = Field(default=None, ge=1)
    probability: int | None = Field(default=None, ge=1, le=5)
    impact: int | None = Field(default=None, ge=1, le=5)
    review_due: bool = Field(default=False, description="Only open risks whose review date has come.")


class ContingencyOut(BaseModel):
    risk: RiskOut
    task_ids: list[int] = Field(description="The summary task first, then one task a step (project risks).")
    follow_up_ids: list[int] = Field(description="One follow-up a step (account risks).")


class ExposurePoint(BaseModel):
    day: dt.date
    exposure: int
    open_risks: int


class ExposureOut(BaseModel):
    project_id: int
    exposure: int = Field(description="Now: Σ probability × impact of the open risks.")
    open_risks: int
    heat_map: list[list[int]] = Field(description="Open risks by probability (rows 5 → 1) × impact (columns 1 → 5).")
    trend: list[ExposurePoint]


class SwotItemOut(BaseModel):
    id: int
    analysis_id: int
    quadrant: str
    text: str
    position: int
    risk_id: int | None
    opportunity_id: int | None
    version: int


def swot_item_out(item: SwotItem) -> dict[str, Any]:
    return {"id": item.pk, "analysis_id": item.analysis_id, "quadrant": item.quadrant, "text": item.text,
            "position": item.position, "risk_id": item.risk_id, "opportunity_id": item.opportunity_id,
            "version": item.version}


class SwotAnalysisOut(BaseModel):
    id: int
    project_id: int | None
    account_id: int | None
    title: str
    context: str
    items: list[SwotItemOut]
    version: int


class SwotAnalysisPage(PageMeta):
    items: list[SwotAnalysisOut]


def swot_out(analysis: SwotAnalysis) -> dict[str, Any]:
    return {"id": analysis.pk, "project_id": analysis.project_id, "account_id": analysis.account_id,
            "title": analysis.title, "context": analysis.context,
            "items": [swot_item_out(item) for item in analysis.items.all()], "version": analysis.version}


class SwotAnalysisCreateIn(StrictIn):
    title: str = body_text(200, required=True)
    context: str = body_text(10_000)


class SwotAnalysisUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    title: str = patch_text(200, required=True)
    context: str = patch_text(10_000)


class SwotItemCreateIn(StrictIn):
    quadrant: Quadrant
    text: str = body_text(500, required=True)


class SwotItemUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    text: str = patch_text(500, required=True)
    move: Literal["up", "down"] | None = optional(description="Swap with the neighbour above or below.")


class OpportunityLinkOut(BaseModel):
    item: SwotItemOut
    opportunity_id: int
