"""Quotes: numbered offers built from an opportunity's lines, revised, sent, accepted
(which wins the opportunity) or declined.

The rules, in one place for pages, the API and the demo:

* A quote is made by whoever may change its opportunity (its owner, the account's
  manager and team, admins), from an **open** opportunity **with lines**. Its lines are
  a copy of the opportunity's at that moment (a sent quote does not change when the
  opportunity does); its total is their sum, in the opportunity's currency.
* Its number ``Q-<year of issue>-NNNN`` comes from ``core.Sequence`` in the writing
  transaction (no two quotes share a number, a rolled-back quote gives its number
  back). ``valid_until`` is required and may not be before the day of issue.
* A **revision** keeps the number, raises ``revision`` by one, copies the opportunity's
  current lines and supersedes the quote it revises. Only the latest revision of a
  number can be revised, sent, accepted or declined; an accepted one cannot be revised.
* **Sending** marks a draft sent. **Accepting** (a draft or a sent quote, the latest
  revision, on or before its valid-until day, its opportunity still open) records who
  accepted for the client and when, wins the opportunity through
  :func:`~tandem.commercial.services.opportunities.opportunity_mark_won`, and
  supersedes the opportunity's other open quotes (drafts and sent ones), all in one
  transaction. **Declining** marks a draft or sent quote declined; it can then be revised.
* A quote is *expired* (shown, not stored) when it is a draft or sent and its
  valid-until day has passed: it can no longer be sent or accepted, only revised.

Every refusal is a ``ValidationError`` naming the field it is about (``valid_until``,
``opportunity``, ``status``, ``accepted_by_name``), a ``PermissionDeniedError`` or a
``ConflictError`` on a stale version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.commercial.models import (
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from tandem.commercial.services.opportunities import opportunity_mark_won
from tandem.core.permissions import require_change, require_create
from tandem.core.sequences import formatted
from tandem.core.services import model_create, model_update
from tandem.core.types import SystemActor

OPEN_STATUSES = frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT})
TERMS_MAX_LENGTH = 10_000


def _today() -> dt.date:
    return timezone.localdate()


def quote_is_expired(quote: Quote, *, today: dt.date | None = None) -> bool:
    """A draft or sent quote whose valid-until day has passed."""
    return quote.status in OPEN_STATUSES and quote.valid_until < (today or _today())


def _check_text(terms: str, notes: str) -> None:
    errors = {}
    for name, value in (("terms", terms), ("notes", notes)):
        if len(value) > TERMS_MAX_LENGTH:
            errors[name] = f"Keep the {name} under {TERMS_MAX_LENGTH:,} characters."
    if errors:
        raise ValidationError(errors)


def _check_dates(issued_on: dt.date, valid_until: dt.date | None) -> None:
    if valid_until is None:
        raise ValidationError({"valid_until": "Give the last day the client may accept the quote."})
    if valid_until < issued_on:
        raise ValidationError(
            {"valid_until": f"The quote must stay valid at least until its day of issue ({issued_on:%d %b %Y})."}
        )


def _quotable_lines(opportunity: Opportunity) -> list[OpportunityLine]:
    """The opportunity's lines, refused when it is closed or has none."""
    if opportunity.status != OpportunityStatus.OPEN:
        raise ValidationError(
            {"opportunity": f"The opportunity is {opportunity.get_status_display().lower()}: quote an open one."}
        )
    lines = list(OpportunityLine.objects.filter(opportunity=opportunity).select_related("product").order_by("position", "id"))
    if not lines:
        raise ValidationError({"opportunity": "The opportunity has no lines yet: add what you are offering, then quote it."})
    return lines


def _write_quote(
    *, actor: SystemActor, opportunity: Opportunity, lines: list[OpportunityLine], number: str, revision: int,
    issued_on: dt.date, valid_until: dt.date, terms: str, notes: str,
) -> Quote:
    total = sum((line.amount for line in lines), Decimal("0.00"))
    quote = model_create(actor=actor, model=Quote, data={
        "opportunity": opportunity, "number": number, "revision": revision, "status": QuoteStatus.DRAFT,
        "issued_on": issued_on, "valid_until": valid_until, "currency": opportunity.currency, "total": total,
        "terms": terms.strip(), "notes": notes.strip(),
    })
    QuoteLine.objects.bulk_create([
        QuoteLine(
            quote=quote, product=line.product, description=line.description or str(line.product or ""),
            quantity=line.quantity, unit=line.product.unit if line.product else "", unit_price=line.unit_price,
            discount_percent=line.discount_percent, amount=line.amount, position=index,
        )
        for index, line in enumerate(lines)
    ])
    return quote


def _lock_opportunity(opportunity: Opportunity) -> Opportunity:
    """The opportunity as stored, its row locked until the transaction ends (PostgreSQL;
    SQLite writers are serialised anyway)."""
    return Opportunity.objects.select_for_update().get(pk=opportunity.pk)


@transaction.atomic
def quote_create(
    *, actor: SystemActor, opportunity: Opportunity, valid_until: dt.date | None, terms: str = "", notes: str = "",
    issued_on: dt.date | None = None,
) -> Quote:
    """A new quote (revision 1, draft) from ``opportunity``'s lines, numbered
    ``Q-<year of issue>-NNNN``. ``issued_on`` defaults to today."""
    if actor is not None:
        require_create(actor, Quote)
        require_change(actor, opportunity)
    issued_on = issued_on or _today()
    _check_dates(issued_on, valid_until)
    _check_text(terms, notes)
    assert valid_until is not None
    opportunity = _lock_opportunity(opportunity)
    lines = _quotable_lines(opportunity)
    number = formatted("quote", prefix="Q", year=issued_on.year)
    return _write_quote(
        actor=actor, opportunity=opportunity, lines=lines, number=number, revision=1, issued_on=issued_on,
        valid_until=valid_until, terms=terms, notes=notes,
    )


def _require_latest(quote: Quote) -> None:
    newest = Quote.objects.filter(number=quote.number).order_by("-revision").values_list("revision", flat=True).first()
    if newest is not None and newest > quote.revision:
        raise ValidationError({"revision": f"Revision {newest} of {quote.number} replaces this one: work on that one."})


def _require_status(quote: Quote, allowed: frozenset[str], action: str) -> None:
    if quote.status not in allowed:
        raise ValidationError({"status": f"The quote is {quote.get_status_display().lower()}: it cannot be {action}."})


@transaction.atomic
def quote_revise(
    *, actor: SystemActor, quote: Quote, valid_until: dt.date | None = None, terms: str | None = None,
    notes: str | None = None, expected_version: int | None = None, issued_on: dt.date | None = None,
) -> Quote:
    """The next revision of ``quote`` (same number, ``revision + 1``, draft), from the
    opportunity's current lines; ``quote`` becomes superseded. Without ``valid_until``
    the new revision is valid as many days as the old one was; ``terms`` and ``notes``
    default to the old ones."""
    if actor is not None:
        require_change(actor, quote)
    _require_latest(quote)
    _require_status(quote, frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.DECLINED}), "revised")
    issued_on = issued_on or _today()
    if valid_until is None:
        valid_until = issued_on + (quote.valid_until - quote.issued_on)
    terms = quote.terms if terms is None else terms
    notes = quote.notes if notes is None else notes
    _check_dates(issued_on, valid_until)
    _check_text(terms, notes)
    opportunity = _lock_opportunity(quote.opportunity)
    lines = _quotable_lines(opportunity)
    # The old revision first: its version check turns a concurrent revision into a conflict.
    model_update(actor=actor, instance=quote, data={"status": QuoteStatus.SUPERSEDED}, expected_version=expected_version)
    return _write_quote(
        actor=actor, opportunity=opportunity, lines=lines, number=quote.number, revision=quote.revision + 1,
        issued_on=issued_on, valid_until=valid_until, terms=terms, notes=notes,
    )


def _require_sendable(quote: Quote, action: str) -> None:
    if quote_is_expired(quote):
        raise ValidationError({
            "valid_until": f"The quote expired on {quote.valid_until:%d %b %Y}: revise it with a new valid-until day."
        })
    if quote.opportunity.status != OpportunityStatus.OPEN:
        raise ValidationError(
            {"opportunity": f"The opportunity is already {quote.opportunity.get_status_display().lower()}: the quote cannot be {action}."}
        )


@transaction.atomic
def quote_send(*, actor: SystemActor, quote: Quote, expected_version: int | None = None) -> Quote:
    """A draft becomes sent (the client has it)."""
    if actor is not None:
        require_change(actor, quote)
    _require_latest(quote)
    _require_status(quote, frozenset({QuoteStatus.DRAFT}), "sent")
    _require_sendable(quote, "sent")
    return model_update(actor=actor, instance=quote, data={"status": QuoteStatus.SENT}, expected_version=expected_version)


@transaction.atomic
def quote_accept(
    *, actor: SystemActor, quote: Quote, accepted_by_name: str, expected_version: int | None = None,
    accepted_at: dt.datetime | None = None,
) -> Quote:
    """The client accepted ``quote``: it becomes accepted, its opportunity won (closed
    today), and the opportunity's other draft or sent quotes superseded."""
    if actor is not None:
        require_change(actor, quote)
    name = accepted_by_name.strip()
    if not name:
        raise ValidationError({"accepted_by_name": "Say who accepted the quote for the client."})
    if len(name) > 200:
        raise ValidationError({"accepted_by_name": "Keep the name under 200 characters."})
    _require_latest(quote)
    _require_status(quote, OPEN_STATUSES, "accepted")
    opportunity = _lock_opportunity(quote.opportunity)
    quote.opportunity = opportunity
    _require_sendable(quote, "accepted")
    accepted = model_update(
        actor=actor, instance=quote, expected_version=expected_version,
        data={"status": QuoteStatus.ACCEPTED, "accepted_by_name": name, "accepted_at": accepted_at or timezone.now()},
    )
    others = Quote.objects.filter(opportunity=opportunity, status__in=OPEN_STATUSES).exclude(pk=quote.pk)
    for other in others:
        model_update(actor=actor, instance=other, data={"status": QuoteStatus.SUPERSEDED})
    accepted.opportunity = opportunity_mark_won(actor=actor, opportunity=opportunity, expected_version=opportunity.version)
    return accepted


@transaction.atomic
def quote_decline(*, actor: SystemActor, quote: Quote, expected_version: int | None = None) -> Quote:
    """The client declined ``quote`` (a draft or sent one, the latest revision); it can
    then be revised. The opportunity stays as it is."""
    if actor is not None:
        require_change(actor, quote)
    _require_latest(quote)
    _require_status(quote, OPEN_STATUSES, "declined")
    return model_update(
        actor=actor, instance=quote, data={"status": QuoteStatus.DECLINED}, expected_version=expected_version
    )
