"""The forecast page: the next 12 months by month as a stacked bar chart (Chart.js,
served from node_modules like the other front-end packages) with the table behind it
one tab away, the commit / best case / worst case view switch, filters by account
manager and account, and the breakdowns by account manager and by account.

Every figure comes from :mod:`tandem.commercial.selectors.forecast` (one set of grouped
aggregates per table); a missing exchange rate shows its message instead of figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from tandem.commercial.currency import MissingRateError, base_currency
from tandem.commercial.selectors.forecast import (
    FIGURES,
    ForecastGroup,
    forecast_breakdown,
    forecast_with_base,
)
from tandem.commercial.selectors.revenue import add_months
from tandem.commercial.views.common import (
    account_from_query,
    account_manager_options,
    money,
    month_label,
)
from tandem.core.forms import StyledForm

VIEWS = {
    "expected": ("Expected", "Contracted + milestones + weighted pipeline (amount × probability)", "total"),
    "commit": ("Commit", "Contracted + milestones + open deals in the commit category, at full amount", "commit"),
    "best": ("Best case", "Commit + open deals in the best-case category, at full amount", "best_case"),
    "worst": ("Worst case", "Contracted + milestones only: nothing from the pipeline", "worst_case"),
}
FIGURE_LABELS = {
    "contracted": "Contracted recurring", "milestones": "Scheduled milestones", "weighted_pipeline": "Weighted pipeline",
    "commit": "Commit", "best_case": "Best case", "worst_case": "Worst case", "total": "Expected total",
}


class ForecastFilterForm(StyledForm):
    owner = forms.TypedChoiceField(label="Account manager", required=False, coerce=int, empty_value=None)
    view = forms.ChoiceField(label="View", required=False, choices=[(key, label) for key, (label, _, _) in VIEWS.items()])
    account = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Everyone"), *owners]  # type: ignore[attr-defined]


def _group_rows(groups: list[ForecastGroup], figure: str, currency: str, link: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": group.name, "url": link(group.key),
            "contracted": money(group.sum("contracted"), currency), "milestones": money(group.sum("milestones"), currency),
            "pipeline": money(group.sum("weighted_pipeline"), currency), "shown": money(group.sum(figure), currency),
        }
        for group in groups
    ]


@login_required
@require_GET
def forecast_page(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = ForecastFilterForm(request.GET or None, owners=account_manager_options(actor))
    values: dict[str, Any] = form.cleaned_data if form.is_valid() else {"owner": None, "view": "", "account": None}
    view = values.get("view") or "expected"
    label, explanation, figure = VIEWS[view]
    owner: int | None = values.get("owner") or None
    account = account_from_query(actor, str(values.get("account") or ""))
    context: dict[str, Any] = {
        "form": form, "view": view, "view_label": label, "view_explanation": explanation, "account": account,
        "views": [
            {"key": key, "label": name, "active": key == view,
             "query": urlencode({k: v for k, v in {"owner": owner or "", "account": account.pk if account else "", "view": key}.items() if v})}
            for key, (name, _, _) in VIEWS.items()
        ],
    }
    try:
        result = forecast_with_base(user=actor, months=12, owner=owner, account=account)
        by_owner = forecast_breakdown(user=actor, by="owner", months=12, owner=owner, account=account)
        by_account = forecast_breakdown(user=actor, by="account", months=12, owner=owner, account=account)
    except MissingRateError as error:
        context.update(rate_error=error.message, base_currency=base_currency())
        return render(request, "commercial/forecast/forecast.html", context, status=200)
    currency = result.base_currency
    months = result.months
    pipeline_link = _pipeline_link(owner, account)
    contracts_url = _contracts_link(owner, account)
    context.update(
        base_currency=currency,
        rows=[
            {
                "label": month_label(m.month), "iso": f"{m.month:%Y-%m}",
                "contracted": money(m.contracted, currency), "milestones": money(m.milestones, currency),
                "weighted_pipeline": money(m.weighted_pipeline, currency), "commit": money(m.commit, currency),
                "best_case": money(m.best_case, currency), "worst_case": money(m.worst_case, currency),
                "total": money(m.total, currency), "shown": money(getattr(m, figure), currency),
                "pipeline_url": pipeline_link(m.month),
            }
            for m in months
        ],
        totals={name: money(sum((getattr(m, name) for m in months), 0), currency) for name in FIGURES},
        shown_total=money(sum((getattr(m, figure) for m in months), 0), currency),
        figure_label=FIGURE_LABELS[figure],
        chart={
            "labels": [month_label(m.month) for m in months],
            "currency": currency,
            "view": view,
            "series": _chart_series(months, view),
        },
        contracts_url=contracts_url,
        by_owner=_group_rows(by_owner, figure, currency, lambda pk: f"?{urlencode({'owner': pk, 'view': view})}" if pk else ""),
        by_account=_group_rows(
            by_account, figure, currency,
            lambda pk: f"?{urlencode({'account': pk, 'view': view})}" if pk else "",
        ),
    )
    return render(request, "commercial/forecast/forecast.html", context)


def _pipeline_link(owner: int | None, account: Any) -> Any:
    """The opportunity list filtered to the open deals closing in a month (the rows
    behind its pipeline figure); no link while the pipeline pages are not installed."""
    try:
        base = reverse("commercial:opportunity_list")
    except NoReverseMatch:
        return lambda month: ""

    def link(month: dt.date) -> str:
        last = add_months(month, 1) - dt.timedelta(days=1)
        query = {"status": "open", "close_from": month.isoformat(), "close_to": last.isoformat()}
        if owner:
            query["owner"] = str(owner)
        if account is not None:
            query["account"] = str(account.pk)
        return f"{base}?{urlencode(query)}"

    return link


def _contracts_link(owner: int | None, account: Any) -> str:
    """The contract list filtered to the active contracts behind "contracted"; empty
    while the contract pages are not installed."""
    try:
        base = reverse("commercial:contract_list")
    except NoReverseMatch:
        return ""
    query = {"status": "active"}
    if owner:
        query["owner"] = str(owner)
    if account is not None:
        query["account"] = str(account.pk)
    return f"{base}?{urlencode(query)}"


def _chart_series(months: list[Any], view: str) -> list[dict[str, Any]]:
    """The stacked bars of a view: the same colour always means the same part."""
    parts: list[tuple[str, str, list[float]]] = [
        ("Contracted recurring", "#206bc4", [float(m.contracted) for m in months]),
        ("Scheduled milestones", "#2fb344", [float(m.milestones) for m in months]),
    ]
    if view == "expected":
        parts.append(("Weighted pipeline", "#f59f00", [float(m.weighted_pipeline) for m in months]))
    elif view == "commit":
        parts.append(("Commit deals", "#ae3ec9", [float(m.commit - m.contracted - m.milestones) for m in months]))
    elif view == "best":
        parts.append(("Commit deals", "#ae3ec9", [float(m.commit - m.contracted - m.milestones) for m in months]))
        parts.append(("Best-case deals", "#d63939", [float(m.best_case - m.commit) for m in months]))
    return [{"label": name, "color": color, "data": data} for name, color, data in parts]
