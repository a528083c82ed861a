"""The profitability page: revenue, cost, margin and margin % per account over a period,
with the monthly trend. Costs and margins show only where the user may see them
(:func:`tandem.commercial.policies.may_see_costs`): executives and admins everywhere, an
account manager on the accounts they own; elsewhere the cells say "Restricted"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from tandem.clients.views.lists import account_from_query
from tandem.commercial.costs import cost_sources
from tandem.commercial.currency import MissingRateError, base_currency
from tandem.commercial.policies import may_see_costs
from tandem.commercial.selectors.profitability import (
    account_profitability,
    default_period,
    profitability_totals,
    profitability_trend,
)
from tandem.core.forms import DateInput, StyledForm
from tandem.core.permissions import sees_everything

TREND_MONTHS = 12


class PeriodForm(StyledForm):
    start = forms.DateField(label="From", required=False, widget=DateInput)
    end = forms.DateField(label="To", required=False, widget=DateInput)
    account = forms.IntegerField(required=False, widget=forms.HiddenInput)


def period_from(form: PeriodForm) -> tuple[dt.date, dt.date]:
    """The form's period, else this year to date; an end before the start is swapped."""
    start, end = default_period()
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return (start, end) if start <= end else (end, start)


def optional_url(name: str) -> str | None:
    """The URL of a page another slice of the app serves, when it is installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@login_required
@require_GET
def profitability(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = PeriodForm(request.GET or None)
    start, end = period_from(form)
    account = account_from_query(actor, request.GET.get("account"))
    context: dict[str, Any] = {
        "form": form, "start": start, "end": end, "account": account, "base_currency": base_currency(),
        "revenue_url": optional_url("commercial:revenue_list"), "expense_url": reverse("commercial:expense_list"),
        "cost_sources": cost_sources(),
        "sees_costs": may_see_costs(actor, account),
    }
    try:
        rows = account_profitability(user=actor, start=start, end=end, account=account)
        trend = profitability_trend(user=actor, account=account, months=TREND_MONTHS, end=end)
    except MissingRateError as error:
        context["rate_error"] = error.message
        return render(request, "commercial/profitability/profitability.html", context, status=422)
    context.update(
        rows=rows, totals=profitability_totals(rows), trend=trend,
        any_costs=any(row.costs_visible for row in rows),
        trend_scope=account.name if account else ("every account" if sees_everything(actor) else "your accounts"),
    )
    return render(request, "commercial/profitability/profitability.html", context)
