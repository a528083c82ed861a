"""``GET /forecast``: the next months' revenue forecast in the base currency
(definitions in :mod:`tandem.commercial.selectors.forecast` and docs/forecast.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from tandem.clients import selectors as client_selectors
from tandem.commercial.schemas.revenue import ForecastOut, ForecastQuery, forecast_month_out
from tandem.commercial.selectors.forecast import forecast_with_base
from tandem.core.api import LIST_ERRORS, current_user, error_responses, resolve_reference

router = Router(tags=["forecast"])


@router.get("/forecast", response={200: ForecastOut, **error_responses(LIST_ERRORS)})
def get_forecast(request: HttpRequest, query: Query[ForecastQuery]) -> dict[str, Any]:
    """Month by month from the current month: ``contracted`` (active contracts' monthly
    amounts), ``milestones`` (unbilled milestones due), ``weighted_pipeline`` (open
    opportunities' amount × probability by expected close), ``commit``, ``best_case`` and
    ``total``, as decimal strings. ``owner`` (an id or ``me``) keeps one account
    manager's contracts and opportunities, ``account`` one account's. A missing exchange
    rate answers 422 naming the currency and the date."""
    actor = current_user(request)
    owner: Any = None
    if query.owner == "me":
        owner = actor.pk
    elif query.owner:
        owner = int(query.owner)
    account = None
    if query.account:
        account = resolve_reference(
            "account", lambda: client_selectors.account_get(actor=actor, account_id=int(query.account))
        )
    result = forecast_with_base(user=actor, months=query.months, owner=owner, account=account)
    return {"base_currency": result.base_currency, "months": [forecast_month_out(month) for month in result.months]}
