"""Builders for risks and SWOT analyses, through the governance services."""

from __future__ import annotations

from typing import Any

from tandem.governance.models import Risk, SwotAnalysis, SwotItem
from tandem.governance.services.risks import risk_create
from tandem.governance.services.swot import swot_analysis_create, swot_item_create


def make_risk(*, project: Any = None, account: Any = None, **data: Any) -> Risk:
    data.setdefault("title", "Key developer leaves")
    data.setdefault("probability", 3)
    data.setdefault("impact", 4)
    return risk_create(actor=None, project=project, account=account, data=data)


def make_swot(*, project: Any = None, account: Any = None, title: str = "Q3 review") -> SwotAnalysis:
    return swot_analysis_create(actor=None, project=project, account=account, data={"title": title})


def make_item(analysis: SwotAnalysis, quadrant: str, text: str) -> SwotItem:
    return swot_item_create(actor=None, analysis=analysis, quadrant=quadrant, text=text)
