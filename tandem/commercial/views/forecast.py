"""The forecast page: the next 12 months by month as a stacked bar chart (Chart.js,
served from node_modules like the other front-end packages) with the table behind it
one tab away, the commit / best case / worst case view switch, filters by account
manager and by account (a select that searches the accounts as you type), and the
breakdowns by account manager and by account.

Every figure comes from :mod:`tandem.commercial.selectors.forecast` (one set of grouped
aggregates per table); a missing exchange rate shows its message instead of figures.
The page itself computes only the whole forecast; a breakdown is computed when it is
opened (``?breakdown=owner`` or ``account``: the fragment for HTMX, the page with that
breakdown open for a plain visit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from tandem.commercial.currency import MissingRateError, base_currency
from tandem.commercial.selectors.forecast import (
    FIGURES,
    ForecastGroup,
    ForecastMonth,
    forecast_breakdown_with_base,
    forecast_with_base,
)
from tandem.commercial.selectors.revenue import add_months
from tandem.commercial.views.common import (
    account_from_query,
    account_manager_options,
    money,
    month_label,
)
from tandem.core.forms import FastSelect, StyledForm
from tandem.core.rows import esc, joined
from tandem.core.web import wants_partial

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
# The breakdowns, opened one at a time: (label, heading of the name column).
BREAKDOWNS = {"owner": ("By account manager", "Account manager"), "account": ("By account", "Account")}
# The by-account breakdown lists the largest accounts; the account filter reaches the others.
BREAKDOWN_ROWS = 50
ACCOUNT_SEARCH_URL = "/api/v1/accounts"


class ForecastFilterForm(StyledForm):
    owner = forms.TypedChoiceField(label="Account manager", required=False, coerce=int, empty_value=None, widget=FastSelect)
    account = forms.TypedChoiceField(
        label="Account", required=False, coerce=int, empty_value=None,
        widget=FastSelect(attrs={"data-account-search": ACCOUNT_SEARCH_URL}),
        help_text="Type two letters or more of its name",
    )
    view = forms.ChoiceField(
        label="View", required=False, choices=[(key, label) for key, (label, _, _) in VIEWS.items()], widget=FastSelect,
    )
    breakdown = forms.ChoiceField(required=False, choices=[("", ""), *((key, key) for key in BREAKDOWNS)], widget=forms.HiddenInput)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], account: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Everyone"), *owners]  # type: ignore[attr-defined]
        # Only the chosen account is an option: the others are found by searching (the
        # accounts API, through the page's script), never listed in full.
        chosen = [(str(account.pk), account.name)] if account is not None else []
        self.fields["account"].choices = [("", "All accounts"), *chosen]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """Each valid value (an invalid one is left out, the others kept)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("owner", "account", "view", "breakdown")}


def _query(**params: Any) -> str:
    return urlencode({key: value for key, value in params.items() if value})


def _group_rows(groups: list[ForecastGroup], figure: str, currency: str, link: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": group.name, "url": link(group.key),
            "contracted": money(group.sum("contracted"), currency), "milestones": money(group.sum("milestones"), currency),
            "pipeline": money(group.sum("weighted_pipeline"), currency), "shown": money(group.sum(figure), currency),
        }
        for group in groups
    ]


def _breakdown(actor: Any, by: str, *, owner: int | None, account: Any, view: str, figure: str) -> dict[str, Any]:
    """The context of one breakdown table (its 12-month sums per account manager or
    account, one set of grouped aggregates)."""
    currency, groups = forecast_breakdown_with_base(
        user=actor, by=by, months=12, owner=owner, account=account,  # type: ignore[arg-type]
    )
    label, who = BREAKDOWNS[by]
    shown = groups[:BREAKDOWN_ROWS] if by == "account" else groups

    def link(pk: int | None) -> str:
        if not pk:
            return ""
        return "?" + (_query(owner=pk, view=view) if by == "owner" else _query(account=pk, view=view))

    return {
        "key": by, "label": label, "who": who, "testid": f"by-{by}", "figure_label": FIGURE_LABELS[figure],
        "groups": _group_rows(shown, figure, currency, link), "hidden": len(groups) - len(shown),
    }


@login_required
@require_GET
def forecast_page(request: HttpRequest) -> HttpResponse:
    actor = request.user
    account = account_from_query(actor, request.GET.get("account"))
    form = ForecastFilterForm(request.GET or None, owners=account_manager_options(actor), account=account)
    values = form.values() if form.is_bound else {}
    view = values.get("view") or "expected"
    label, explanation, figure = VIEWS[view]
    owner: int | None = values.get("owner") or None
    if values.get("account") is None:
        account = None
    opened = values.get("breakdown") or ""
    if opened and wants_partial(request):
        try:
            table = _breakdown(actor, opened, owner=owner, account=account, view=view, figure=figure)
        except MissingRateError as error:
            return render(request, "commercial/forecast/_breakdown.html", {"rate_error": error.message})
        return render(request, "commercial/forecast/_breakdown.html", {"table": table})
    filters = {"owner": owner or "", "account": account.pk if account else ""}
    context: dict[str, Any] = {
        "form": form, "view": view, "view_label": label, "view_explanation": explanation, "account": account,
        "views": [
            {"key": key, "label": name, "active": key == view, "query": _query(**filters, view=key, breakdown=opened)}
            for key, (name, _, _) in VIEWS.items()
        ],
        "breakdowns": [
            {"key": key, "label": name, "open": key == opened, "query": _query(**filters, view=view, breakdown=key)}
            for key, (name, _) in BREAKDOWNS.items()
        ],
    }
    try:
        result = forecast_with_base(user=actor, months=12, owner=owner, account=account)
        if opened:
            context["breakdown"] = _breakdown(actor, opened, owner=owner, account=account, view=view, figure=figure)
    except MissingRateError as error:
        context.update(rate_error=error.message, base_currency=base_currency())
        return render(request, "commercial/forecast/forecast.html", context, status=200)
    currency = result.base_currency
    months = result.months
    pipeline_link = _pipeline_link(owner, account)
    contracts_url = _contracts_link(owner, account)
    context.update(
        base_currency=currency,
        rows_html=forecast_rows(months, currency, contracts_url=contracts_url, pipeline_link=pipeline_link),
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
    )
    return render(request, "commercial/forecast/forecast.html", context)


CELL = '\n                <td class="text-end text-nowrap">'


def forecast_rows(
    months: Sequence[ForecastMonth], currency: str, *, contracts_url: str, pipeline_link: Callable[[dt.date], str]
) -> SafeString:
    """The body rows of the month table, written in Python (:mod:`tandem.core.rows`):
    the markup the template's loop wrote (pinned in the tests)."""
    out = []
    for month in months:
        contracted = esc(money(month.contracted, currency))
        if contracts_url:
            contracted = f'<a href="{esc(contracts_url)}">{contracted}</a>'
        pipeline, url = esc(money(month.weighted_pipeline, currency)), pipeline_link(month.month)
        if url:
            pipeline = f'<a href="{esc(url)}">{pipeline}</a>'
        out.append(
            f'\n              <tr data-month="{month.month:%Y-%m}">'
            f'\n                <th scope="row">{esc(month_label(month.month))}</th>'
            f"{CELL}{contracted}</td>{CELL}{esc(money(month.milestones, currency))}</td>{CELL}{pipeline}</td>"
            f"{CELL}{esc(money(month.commit, currency))}</td>{CELL}{esc(money(month.best_case, currency))}</td>"
            f"{CELL}{esc(money(month.worst_case, currency))}</td>"
            f'\n                <td class="text-end text-nowrap fw-bold">{esc(money(month.total, currency))}</td>'
            "\n              </tr>"
        )
    return joined(out)


def _pipeline_link(owner: int | None, account: Any) -> Callable[[dt.date], str]:
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
