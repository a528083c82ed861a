"""The pipeline's home cards (``tandem.core.home``): "Pipeline closing this quarter".

An account manager's card counts their own open opportunities whose expected close
date falls in the current calendar quarter, with their amount in the base currency;
executives and administrators get the same for everyone. The number is counted with
the list's selector and filters (its ``for_count`` shape), in the home page's one count
query with every other card's (:func:`tandem.core.home.counts`), and links to exactly
that list: ``?status=open&owner=me&close_from=<quarter start>&close_to=<quarter end>``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone

from tandem.commercial.currency import MissingRateError
from tandem.commercial.models import OpportunityStatus
from tandem.commercial.selectors.opportunities import (
    OpportunityFilters,
    opportunity_list,
    pipeline_totals,
)
from tandem.commercial.views.opportunities import ME, quarter_bounds
from tandem.core import home
from tandem.core.history import format_money
from tandem.core.home import Card
from tandem.core.permissions import has_role, sees_everything
from tandem.core.roles import Role
from tandem.core.rows import plain_url

COUNT_KEY = "commercial.pipeline_this_quarter"


def _works_own_pipeline(user: Any) -> bool:
    return has_role(user, Role.ACCOUNT_MANAGER) and not sees_everything(user)


def _quarter_filters(user: Any, *, mine: bool) -> OpportunityFilters:
    start, end = quarter_bounds(timezone.localdate())
    return OpportunityFilters(
        status=OpportunityStatus.OPEN, owner_id=user.pk if mine else None, close_from=start, close_to=end
    )


@home.count_source
def _numbers(user: Any) -> dict[str, QuerySet[Any]]:
    """The list behind the card ``user`` gets (if any), counted with the other cards'
    numbers in one query (:func:`tandem.core.home.counts`); its totals read the same
    rows (built once per home page)."""
    if not (_works_own_pipeline(user) or sees_everything(user)):
        return {}

    def build() -> QuerySet[Any]:
        filters = _quarter_filters(user, mine=not sees_everything(user))
        return opportunity_list(actor=user, filters=filters, for_count=True)

    return {COUNT_KEY: home.shared(COUNT_KEY, build)}


def _quarter_card(user: Any, *, mine: bool) -> Card:
    filters = _quarter_filters(user, mine=mine)
    start, end = filters.close_from, filters.close_to
    assert start is not None and end is not None
    params = {"status": OpportunityStatus.OPEN, **({"owner": ME} if mine else {}),
              "close_from": start.isoformat(), "close_to": end.isoformat()}
    count = home.counts(user)[COUNT_KEY]
    caption = "open opportunities closing by " + f"{end.day} {end:%b %Y}"
    if count:
        try:
            totals = pipeline_totals(_numbers(user)[COUNT_KEY])
        except MissingRateError as error:
            caption += f" (no total: {error.message})"
        else:
            caption += f", worth {format_money(totals.amount_base, totals.currency)} (weighted {format_money(totals.weighted_base, totals.currency)})"
    return Card(
        title="Pipeline closing this quarter",
        count=count,
        url=f"{plain_url('commercial:opportunity_list')}?{urlencode(params)}",
        caption=caption,
        empty="Nothing in your pipeline closes this quarter." if mine else "Nothing in the pipeline closes this quarter.",
    )


@home.card(key="pipeline_this_quarter", title="Pipeline closing this quarter", order=50, visible=_works_own_pipeline)
def pipeline_this_quarter(user: Any) -> Card:
    return _quarter_card(user, mine=True)


@home.card(key="org_pipeline_this_quarter", title="Pipeline closing this quarter", order=51, visible=sees_everything)
def org_pipeline_this_quarter(user: Any) -> Card:
    return _quarter_card(user, mine=False)
