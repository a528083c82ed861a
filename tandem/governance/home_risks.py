"""The "Risks to review" home card: open risks I own whose review date has come. Its
number is counted with the risk list's selector and the filters its link carries
(``?review=due&owner=me``), so it equals that list's total."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.core import home
from tandem.core.home import Card, Row
from tandem.governance.models import Risk, RiskStatus
from tandem.governance.selectors.risks import RiskFilters, risk_list

KEY = "governance.risks_to_review"
ROWS_SHOWN = 3


def _due(user: Any, *, for_count: bool = False) -> QuerySet[Any]:
    return risk_list(actor=user, filters=RiskFilters(review_due=True, owner_id=user.pk), sort="review",
                     for_count=for_count)


@home.count_source
def _numbers(user: Any) -> dict[str, home.Gated]:
    """My risks to review, built only when I own an open risk whose review is due at all."""
    today = timezone.localdate()
    mine = home.Prepared(
        "governance.risks.mine", (user.pk, today, RiskStatus.OPEN),
        lambda: Risk.objects.filter(owner=user.pk, status=RiskStatus.OPEN, review_date__lte=today),
    )
    return {KEY: home.Gated(mine=mine, build=lambda: _due(user, for_count=True))}


@home.card(key=KEY, title="Risks to review", order=40)
def risks_to_review(user: Any) -> Card | None:
    count = home.counts(user).get(KEY, 0)
    if not count:
        return None
    rows = [Row(label=risk.title, url=reverse("governance:risk_detail", kwargs={"risk_id": risk.pk}),
                detail=f"Review was due {risk.review_date:%d %b %Y}", badge=f"Score {risk.score}",
                tone="danger" if risk.score >= 15 else "warning")
            for risk in _due(user)[:ROWS_SHOWN]]
    return Card(title="Risks to review", count=count, url=f"{reverse('governance:risk_list')}?review=due&owner=me",
                caption="open risks you own with their review date come", rows=rows, urgent=True, tone="warning")
