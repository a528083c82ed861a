"""Quote pages: the quote (lines, totals, terms, the client's answer), its printable
page (A4, no app chrome: the client receives it as a PDF from the browser's print),
making a quote from an opportunity, revising it, and the send / accept / decline
actions. The quote list is in :mod:`tandem.commercial.views.quote_list`.

Every view reads through :mod:`tandem.commercial.selectors.quotes` (404 for a quote
the user may not see), checks the change permission before reading a form (403), and
writes through one service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.commercial import services
from tandem.commercial.models import (
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    Quote,
    QuoteStatus,
    Unit,
)
from tandem.commercial.selectors import quotes as selectors
from tandem.commercial.services.quotes import OPEN_STATUSES, quote_is_expired
from tandem.core.errors import ConflictError
from tandem.core.forms import DateInput, StyledForm, VersionedForm
from tandem.core.history import history_rows
from tandem.core.permissions import policy_for, require_change, require_create
from tandem.core.web import form_save

DEFAULT_VALID_DAYS = 30
UNIT_LABELS = {str(value): str(label) for value, label in Unit.choices}
STATUS_BADGES: dict[str, str] = {
    QuoteStatus.DRAFT: "text-bg-secondary",
    QuoteStatus.SENT: "text-bg-info",
    QuoteStatus.ACCEPTED: "text-bg-success",
    QuoteStatus.DECLINED: "text-bg-danger",
    QuoteStatus.SUPERSEDED: "text-bg-light border",
}
OPPORTUNITY_BADGES: dict[str, str] = {
    OpportunityStatus.OPEN: "text-bg-info",
    OpportunityStatus.WON: "text-bg-success",
    OpportunityStatus.LOST: "text-bg-secondary",
}


def money_text(amount: Decimal | None, currency: str) -> str:
    """``USD 12,400.00``: the amount with its currency, thousands grouped."""
    return "" if amount is None else f"{currency} {amount:,.2f}"


def number_text(value: Decimal) -> str:
    """A quantity or a percentage without trailing zeros (``3``, ``2.5``, ``12.75``)."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def unit_text(unit: str, quantity: Decimal) -> str:
    """``day`` / ``days`` after a quantity (nothing for a line without a unit)."""
    if not unit:
        return ""
    word = UNIT_LABELS.get(unit, unit).lower()
    return word if quantity == 1 else f"{word}s"


def status_label(quote: Quote) -> tuple[str, str]:
    """The words and badge class of a quote's state (a passed valid-until day shows
    as "Expired")."""
    if quote_is_expired(quote):
        return "Expired", "text-bg-warning"
    return quote.get_status_display(), STATUS_BADGES.get(quote.status, "text-bg-light border")


def opportunity_url(opportunity: Opportunity) -> str | None:
    """The opportunity's page (served by the pipeline pages), if it is installed."""
    try:
        return reverse("commercial:opportunity_detail", kwargs={"opportunity_id": opportunity.pk})
    except NoReverseMatch:
        return None


def company_name() -> str:
    """Who the quote is from: ``TANDEM_COMPANY_NAME`` (settings), else "Tandem"."""
    return str(getattr(settings, "TANDEM_COMPANY_NAME", "") or "Tandem")


# --- Forms ---------------------------------------------------------------------------------


class QuoteForm(VersionedForm):
    valid_until = forms.DateField(label="Valid until", widget=DateInput, help_text="The last day the client may accept.")
    terms = forms.CharField(
        label="Terms", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Payment and delivery terms, printed on the quote.",
    )
    notes = forms.CharField(
        label="Note to the client", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed above the lines.",
    )


class AcceptForm(StyledForm):
    accepted_by_name = forms.CharField(label="Accepted by", max_length=200, help_text="Who accepted for the client.")
    version = forms.IntegerField(widget=forms.HiddenInput)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


# --- Context --------------------------------------------------------------------------------


def line_rows(quote: Quote) -> list[dict[str, str]]:
    """The quote's lines as the pages show them (money with its currency)."""
    return [
        {
            "description": line.description,
            "quantity": number_text(line.quantity),
            "unit": unit_text(line.unit, line.quantity),
            "unit_price": money_text(line.unit_price, quote.currency),
            "discount": f"{number_text(line.discount_percent)} %" if line.discount_percent else "",
            "amount": money_text(line.amount, quote.currency),
        }
        for line in quote.lines.all()
    ]


def quote_context(request: HttpRequest, quote: Quote) -> dict[str, Any]:
    opportunity = quote.opportunity
    label, badge = status_label(quote)
    return {
        "quote": quote,
        "opportunity": opportunity,
        "account": opportunity.account,
        "status_label": label,
        "status_badge": badge,
        "opportunity_badge": OPPORTUNITY_BADGES.get(opportunity.status, "text-bg-light border"),
        "opportunity_url": opportunity_url(opportunity),
        "lines": line_rows(quote),
        "total": money_text(quote.total, quote.currency),
        "company_name": company_name(),
    }


def _detail(request: HttpRequest, quote: Quote, *, status: int = 200, **extra: Any) -> HttpResponse:
    actor = request.user
    can_change = policy_for(Quote).can_change(actor, quote)
    revisions = selectors.quote_revisions(actor=actor, quote=quote)
    is_latest = not revisions or revisions[0].pk == quote.pk
    workable = can_change and is_latest and quote.opportunity.status == OpportunityStatus.OPEN
    expired = quote_is_expired(quote)
    context = {
        **quote_context(request, quote),
        "can_change": can_change,
        "can_send": workable and quote.status == QuoteStatus.DRAFT and not expired,
        "can_accept": workable and quote.status in OPEN_STATUSES and not expired,
        "can_decline": can_change and is_latest and quote.status in OPEN_STATUSES,
        "can_revise": workable and quote.status != QuoteStatus.ACCEPTED and quote.status != QuoteStatus.SUPERSEDED,
        "is_expired": expired,
        "revisions": [
            {"quote": row, "label": status_label(row)[0], "badge": status_label(row)[1]} for row in revisions
        ] if len(revisions) > 1 else [],
        "latest": revisions[0] if revisions and not is_latest else None,
        "history": history_rows(quote, viewer=actor),
        "conflict": extra.pop("conflict", False),
        "error": extra.pop("error", ""),
    }
    context["accept_form"] = extra.pop("accept_form", None) or AcceptForm(
        initial={"version": quote.version}, auto_id="id_accept_%s"
    )
    return render(request, "commercial/quotes/quote_detail.html", context, status=status)


# --- Pages ----------------------------------------------------------------------------------


@login_required
@require_GET
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _detail(request, selectors.quote_get(actor=request.user, quote_id=quote_id))


@login_required
@require_GET
def quote_print(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote as the client receives it: A4, no app chrome (print or save as PDF)."""
    quote = selectors.quote_get(actor=request.user, quote_id=quote_id)
    context = quote_context(request, quote)
    context["owner"] = quote.opportunity.owner
    return render(request, "commercial/quotes/quote_print.html", context)


def _opportunity_lines(opportunity: Opportunity) -> list[dict[str, str]]:
    lines = OpportunityLine.objects.filter(opportunity=opportunity).order_by("position", "id")
    return [
        {"description": line.description, "quantity": number_text(line.quantity),
         "amount": money_text(line.amount, opportunity.currency)}
        for line in lines
    ]


@login_required
@require_http_methods(["GET", "POST"])
def quote_create(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """A quote from the opportunity's lines: the valid-until day, terms and a note."""
    actor = request.user
    opportunity = selectors.quote_opportunity_get(actor=actor, opportunity_id=opportunity_id)
    require_create(actor, Quote)
    require_change(actor, opportunity)
    initial = {"valid_until": timezone.localdate() + dt.timedelta(days=DEFAULT_VALID_DAYS)}
    form = QuoteForm(request.POST or None, initial=initial)
    if request.method == "POST":
        result = form_save(form, lambda: services.quote_create(
            actor=actor, opportunity=opportunity, valid_until=form.cleaned_data["valid_until"],
            terms=form.cleaned_data["terms"], notes=form.cleaned_data["notes"],
        ))
        if result.saved:
            messages.success(request, f"Quote {result.value.number} created as a draft.")
            return redirect("commercial:quote_detail", quote_id=result.value.pk)
    context = {
        "form": form, "opportunity": opportunity, "account": opportunity.account,
        "opportunity_url": opportunity_url(opportunity), "lines": _opportunity_lines(opportunity),
        "total": money_text(opportunity.amount, opportunity.currency), "title": f"New quote for {opportunity.name}",
    }
    return render(request, "commercial/quotes/quote_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quote_revise(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The next revision from the opportunity's current lines (the quote is superseded)."""
    actor = request.user
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    require_change(actor, quote)
    valid_days = (quote.valid_until - quote.issued_on).days
    initial = {
        "valid_until": timezone.localdate() + dt.timedelta(days=valid_days), "terms": quote.terms,
        "notes": quote.notes, "version": quote.version,
    }
    form = QuoteForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        result = form_save(form, lambda: services.quote_revise(
            actor=actor, quote=quote, valid_until=form.cleaned_data["valid_until"], terms=form.cleaned_data["terms"],
            notes=form.cleaned_data["notes"], expected_version=form.cleaned_data["version"],
        ))
        if result.saved:
            messages.success(request, f"Revision {result.value.revision} of {quote.number} created as a draft.")
            return redirect("commercial:quote_detail", quote_id=result.value.pk)
        status = result.status
    opportunity = quote.opportunity
    context = {
        "form": form, "quote": quote, "opportunity": opportunity, "account": opportunity.account,
        "opportunity_url": opportunity_url(opportunity), "lines": _opportunity_lines(opportunity),
        "total": money_text(opportunity.amount, opportunity.currency),
        "title": f"Revise {quote.number} (revision {quote.revision + 1})",
    }
    return render(request, "commercial/quotes/quote_form.html", context, status=status)


def _act(request: HttpRequest, quote_id: int, action: str) -> HttpResponse:
    actor = request.user
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    require_change(actor, quote)
    write = {"send": services.quote_send, "decline": services.quote_decline}[action]
    try:
        write(actor=actor, quote=quote, expected_version=_version(request))
    except ConflictError:
        return _detail(request, selectors.quote_get(actor=actor, quote_id=quote_id), status=409, conflict=True)
    except ValidationError as error:
        return _detail(request, selectors.quote_get(actor=actor, quote_id=quote_id), error=" ".join(error.messages))
    messages.success(request, f"Quote {quote.number} marked {'sent' if action == 'send' else 'declined'}.")
    return redirect("commercial:quote_detail", quote_id=quote.pk)


@login_required
@require_POST
def quote_send(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _act(request, quote_id, "send")


@login_required
@require_POST
def quote_decline(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _act(request, quote_id, "decline")


@login_required
@require_POST
def quote_accept(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The client accepted: the quote is accepted and its opportunity won."""
    actor = request.user
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    require_change(actor, quote)
    form = AcceptForm(request.POST, auto_id="id_accept_%s")
    result = form_save(form, lambda: services.quote_accept(
        actor=actor, quote=quote, accepted_by_name=form.cleaned_data["accepted_by_name"],
        expected_version=form.cleaned_data["version"],
    ))
    if result.saved:
        messages.success(request, f"Quote {quote.number} accepted: {quote.opportunity.name} is won.")
        return redirect("commercial:quote_detail", quote_id=quote.pk)
    fresh = selectors.quote_get(actor=actor, quote_id=quote_id)
    return _detail(request, fresh, status=result.status, accept_form=form, conflict=result.conflict)

