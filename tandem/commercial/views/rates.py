"""Settings → Exchange rates (``commercial:exchange_rates``): the base currency (set on
the organisation calendar page), the rates by currency, and for administrators a form to
add a rate and an upload of a CSV file ``date,currency,rate`` (all or nothing; the
problems named by row and column)."""

from __future__ import annotations

import csv
import io
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.commercial import services
from tandem.commercial.currency import base_currency
from tandem.commercial.models import ExchangeRate
from tandem.commercial.selectors import catalog as selectors
from tandem.commercial.views.catalog_forms import ExchangeRateForm, RatesUploadForm
from tandem.core.permissions import policy_for, require_create
from tandem.core.web import form_save

RATES_SHOWN_PER_CURRENCY = 24
MAX_UPLOAD_ROWS = 100_000


@login_required
@require_http_methods(["GET", "POST"])
def exchange_rates(request: HttpRequest) -> HttpResponse:
    actor = request.user
    can_change = policy_for(ExchangeRate).can_create(actor)
    rate_form = ExchangeRateForm(auto_id="rate-%s")
    upload_form = RatesUploadForm(auto_id="upload-%s")
    problems: list[Any] = []
    status = 200
    if request.method == "POST":
        require_create(actor, ExchangeRate)
        if request.POST.get("action") == "upload":
            upload_form = RatesUploadForm(request.POST, request.FILES, auto_id="upload-%s")
            if upload_form.is_valid():
                result, problems = _import_upload(actor, upload_form.cleaned_data["file"])
                if result is not None and not problems:
                    messages.success(
                        request,
                        f"Rates imported: {result.created} new, {result.updated} changed, {result.unchanged} already known.",
                    )
                    return redirect("commercial:exchange_rates")
            status = 400
        elif request.POST.get("action") == "add":
            rate_form = ExchangeRateForm(request.POST, auto_id="rate-%s")
            saved = form_save(rate_form, lambda: services.exchange_rate_create(actor=actor, data=dict(rate_form.cleaned_data)))
            if saved.saved:
                rate = saved.value
                messages.success(request, f"1 {rate.currency} = {rate.rate.normalize():f} {base_currency()} from {rate.date:%d %b %Y}: saved.")
                return redirect("commercial:exchange_rates")
            status = 400
    rates = selectors.exchange_rate_list(actor=actor)
    by_currency = []
    for currency, group in groupby(rates, key=lambda rate: rate.currency):
        rows = list(group)
        by_currency.append({"currency": currency, "rates": rows[:RATES_SHOWN_PER_CURRENCY], "more": max(0, len(rows) - RATES_SHOWN_PER_CURRENCY), "count": len(rows)})
    context = {
        "base_currency": base_currency(), "by_currency": by_currency, "can_change": can_change,
        "rate_form": rate_form, "upload_form": upload_form, "problems": problems,
    }
    return render(request, "commercial/rates/exchange_rates.html", context, status=status)


def _import_upload(actor: Any, upload: Any) -> tuple[Any, list[Any]]:
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, ["The file is not UTF-8 text: save it as CSV UTF-8 and upload it again."]
    reader = csv.DictReader(io.StringIO(text))
    try:
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_UPLOAD_ROWS:
                return None, [f"The file has more than {MAX_UPLOAD_ROWS:,} rows: use `tandem import rates FILE`."]
    except csv.Error as error:
        return None, [f"The file is not a readable CSV file ({error})."]
    result = services.exchange_rates_import(actor=actor, rows=rows, header=reader.fieldnames or [])
    return result, [str(error) for error in result.errors]
