"""Contracts, their negotiation rounds and billing milestones.

The rules, in one place for pages, the API, the jobs and the demo:

* A contract belongs to an account the actor may change (its account manager, their
  team, admins); jobs act as the system (``actor=None``). Its number
  (``C-2031-0007``) is drawn from ``core.Sequence`` in the writing transaction.
* Lifecycle, and nothing else: ``draft → negotiation → active → expired | terminated``
  (:data:`TRANSITIONS`). Any other move is refused with a sentence saying what is
  allowed. Expiring needs the end date to have passed; terminating early needs a reason
  and a date. Expired and terminated contracts no longer change.
* Negotiation rounds are numbered 1, 2, 3… per contract and never deleted. A round on a
  draft contract opens the negotiation; a new round counters the one still pending.
  Accepting a round (its outcome) makes its value and monthly amount the contract's,
  in the same transaction.
* A milestone is billed once, on an active contract: billing writes its milestone
  revenue entry (month = first day of the billed month) in the same transaction. A
  billed milestone no longer changes and is not deleted.
* :func:`revenue_recurring_generate` writes one recurring revenue entry per active
  contract with a monthly amount and month in its term; the database's unique
  constraint makes a second run write nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
from tandem.commercial.models import (
    BillingMilestone,
    Contract,
    ContractStatus,
    NegotiationRound,
    Party,
    RevenueEntry,
    RevenueKind,
    RoundOutcome,
)
from tandem.core.errors import PermissionDeniedError
from tandem.core.events import event_publish
from tandem.core.permissions import is_admin, require_change, require_delete
from tandem.core.roles import Role
from tandem.core.sequences import formatted
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor

CONTRACT_FIELDS = (
    "title", "kind", "pricing_strategy", "owner", "value", "monthly_amount", "currency", "start_date", "end_date",
    "auto_renew", "renewal_term_months", "notice_days", "terms",
)
ROUND_FIELDS = ("party", "client_contact_name", "proposed_at", "value", "monthly_amount", "terms", "note")
ROUND_UPDATE_FIELDS = ("outcome", "note", "terms", "value", "monthly_amount", "client_contact_name")
MILESTONE_FIELDS = ("name", "due_date", "amount")

#: The only moves a contract's status makes.
TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.NEGOTIATION}),
    ContractStatus.NEGOTIATION: frozenset({ContractStatus.ACTIVE}),
    ContractStatus.ACTIVE: frozenset({ContractStatus.EXPIRED, ContractStatus.TERMINATED}),
    ContractStatus.EXPIRED: frozenset(),
    ContractStatus.TERMINATED: frozenset(),
}
CLOSED = frozenset({ContractStatus.EXPIRED, ContractStatus.TERMINATED})
_VERBS = {
    ContractStatus.NEGOTIATION: "go into negotiation",
    ContractStatus.ACTIVE: "become active",
    ContractStatus.EXPIRED: "expire",
    ContractStatus.TERMINATED: "be terminated",
}
_A_CONTRACT: dict[str, str] = {
    ContractStatus.DRAFT: "A draft contract",
    ContractStatus.NEGOTIATION: "A contract in negotiation",
    ContractStatus.ACTIVE: "An active contract",
    ContractStatus.EXPIRED: "An expired contract",
    ContractStatus.TERMINATED: "A terminated contract",
}


RENEWAL_PREFIX = "Renewal: "


def renewal_name(title: str) -> str:
    """The name of the renewal opportunity of a contract titled ``title``: "Renewal: "
    once, however many renewals the contract itself came from (a won renewal's contract
    takes the opportunity's name), cut to the field's 200 characters."""
    while title.startswith(RENEWAL_PREFIX):
        title = title.removeprefix(RENEWAL_PREFIX)
    return f"{RENEWAL_PREFIX}{title}"[:200]


def _today() -> dt.date:
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, on the month's last day when it is
    shorter (31 Jan + 1 month = 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _label(status: str) -> str:
    return ContractStatus(status).label.lower()


def check_transition(contract: Contract, target: str) -> None:
    """Refuse a status move :data:`TRANSITIONS` does not allow, saying what is."""
    current = contract.status
    if target in TRANSITIONS[current]:
        return
    allowed = sorted(TRANSITIONS[current])
    if not allowed:
        hint = "it is closed and no longer changes."
    else:
        hint = "it can only " + " or ".join(_VERBS[ContractStatus(status)] for status in allowed) + "."
    raise ValidationError({"status": f"{_A_CONTRACT[current]} cannot {_VERBS[ContractStatus(target)]}: {hint}"})


def _require_account_change(actor: SystemActor, account: Account) -> None:
    if actor is not None and not may_change_account(actor, account):
        raise PermissionDeniedError(f"You may not add contracts to {account}.")


def _require_change(actor: SystemActor, obj: Any) -> None:
    if actor is not None:
        require_change(actor, obj)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(CONTRACT_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].upper()
    owner = data.get("owner")
    if owner is not None and not (owner.is_active and (Role.ACCOUNT_MANAGER in owner.roles or Role.ADMIN in owner.roles)):
        raise ValidationError({"owner": "The owner must be an active account manager."})
    return data


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError({"end_date": "The contract cannot end before it starts."})


# --- Contracts -----------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *, actor: SystemActor, account: Account, data: dict[str, Any], opportunity: Any = None
) -> Contract:
    """A draft contract for ``account`` (from ``opportunity`` when given: it must be the
    same account's). Owner: the given one, else the account's."""
    _require_account_change(actor, account)
    data = _clean(data)
    if not data.get("title"):
        raise ValidationError({"title": "Give the contract a title."})
    start = data.get("start_date")
    if start is None:
        raise ValidationError({"start_date": "Give the date the contract starts."})
    _check_dates(start, data.get("end_date"))
    if opportunity is not None and opportunity.account_id != account.pk:
        raise ValidationError({"opportunity": "The opportunity belongs to another account."})
    if data.get("owner") is None:
        data["owner"] = account.owner
    data.setdefault("currency", account.currency)
    number = formatted("contract", prefix="C", year=start.year)
    return model_create(
        actor=actor, model=Contract,
        data={**data, "account": account, "opportunity": opportunity, "number": number, "status": ContractStatus.DRAFT},
    )


@transaction.atomic
def contract_update(
    *, actor: SystemActor, contract: Contract, data: dict[str, Any], expected_version: int | None = None
) -> Contract:
    """Change a contract's terms; an expired or terminated contract no longer changes."""
    _require_change(actor, contract)
    if contract.status in CLOSED:
        raise ValidationError({"status": f"{_A_CONTRACT[contract.status]} no longer changes."})
    data = _clean(data)
    if "title" in data and not data["title"]:
        raise ValidationError({"title": "Give the contract a title."})
    _check_dates(data.get("start_date", contract.start_date), data.get("end_date", contract.end_date))
    return model_update(actor=actor, instance=contract, data=data, expected_version=expected_version)


def _move(
    *, actor: SystemActor, contract: Contract, target: str, fields: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Contract:
    _require_change(actor, contract)
    check_transition(contract, target)
    return model_update(
        actor=actor, instance=contract, data={"status": target, **(fields or {})}, expected_version=expected_version
    )


@transaction.atomic
def contract_start_negotiation(
    *, actor: SystemActor, contract: Contract, expected_version: int | None = None
) -> Contract:
    return _move(actor=actor, contract=contract, target=ContractStatus.NEGOTIATION, expected_version=expected_version)


@transaction.atomic
def contract_activate(
    *, actor: SystemActor, contract: Contract, signed_on: dt.date | None = None, expected_version: int | None = None
) -> Contract:
    """Signed: the contract becomes active (``signed_on`` defaults to today). A round
    still waiting for an answer must be settled first."""
    _require_change(actor, contract)
    if contract.status == ContractStatus.NEGOTIATION and contract.rounds.filter(outcome=RoundOutcome.PENDING).exists():
        raise ValidationError({"status": "A proposal is still waiting for an answer: accept or reject it first."})
    contract = _move(
        actor=actor, contract=contract, target=ContractStatus.ACTIVE, fields={"signed_on": signed_on or _today()},
        expected_version=expected_version,
    )
    event_publish(type="contract.signed", actor=actor, account_id=contract.account_id, data={
        "contract": {"id": contract.pk, "number": contract.number, "title": contract.title,
                     "signed_on": contract.signed_on, "start_date": contract.start_date, "end_date": contract.end_date},
        "account": {"id": contract.account_id, "name": contract.account.name},
        "url": reverse("commercial:contract_detail", args=[contract.pk]),
    })
    return contract


@transaction.atomic
def contract_expire(
    *, actor: SystemActor, contract: Contract, today: dt.date | None = None, expected_version: int | None = None
) -> Contract:
    """An active contract whose end date has passed expires (to end one early,
    terminate it)."""
    _require_change(actor, contract)
    today = today or _today()
    check_transition(contract, ContractStatus.EXPIRED)
    if (contract.end_date is None or contract.end_date >= today):
        until = "has no end date" if contract.end_date is None else f"runs until {contract.end_date:%-d %b %Y}"
        raise ValidationError({"status": f"The contract {until}: terminate it to end it early."})
    return _move(actor=actor, contract=contract, target=ContractStatus.EXPIRED, expected_version=expected_version)


@transaction.atomic
def contract_terminate(
    *, actor: SystemActor, contract: Contract, reason: str, on: dt.date | None = None,
    expected_version: int | None = None,
) -> Contract:
    """End an active contract early, for ``reason``, on ``on`` (default today)."""
    _require_change(actor, contract)
    check_transition(contract, ContractStatus.TERMINATED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the contract ends early."})
    on = on or _today()
    if on < contract.start_date:
        raise ValidationError({"on": "A contract cannot end before it starts."})
    return _move(
        actor=actor, contract=contract, target=ContractStatus.TERMINATED,
        fields={"terminated_on": on, "termination_reason": reason[:300]}, expected_version=expected_version,
    )


@transaction.atomic
def contract_auto_renew(*, actor: SystemActor, contract: Contract, today: dt.date | None = None) -> Contract:
    """An active auto-renewing contract past its end date runs on: its end date moves by
    its renewal term until it lies on or after ``today``."""
    today = today or _today()
    if contract.status != ContractStatus.ACTIVE or not contract.auto_renew or contract.end_date is None:
        raise ValidationError({"auto_renew": "Only an active, auto-renewing contract with an end date renews by itself."})
    if contract.renewal_term_months < 1:
        raise ValidationError({"renewal_term_months": "The renewal term must be at least one month."})
    end = contract.end_date
    while end < today:
        end = add_months(end, contract.renewal_term_months)
    if end == contract.end_date:
        return contract
    return model_update(actor=actor, instance=contract, data={"end_date": end})


# --- Negotiation rounds -----------------------------------------------------------------


def _locked(contract: Contract) -> Contract:
    """The contract's row, locked until the transaction ends (round numbers, milestone
    billing): concurrent writers queue instead of clashing."""
    return Contract.objects.select_for_update().get(pk=contract.pk)


@transaction.atomic
def negotiation_round_create(*, actor: SystemActor, contract: Contract, data: dict[str, Any]) -> NegotiationRound:
    """The next proposal (number = last + 1). On a draft contract it opens the
    negotiation; a round still pending is countered by it."""
    _require_change(actor, contract)
    unknown = sorted(set(data) - set(ROUND_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    contract = _locked(contract)
    if contract.status not in (ContractStatus.DRAFT, ContractStatus.NEGOTIATION):
        raise ValidationError({"contract": f"The negotiation is over: the contract is {_label(contract.status)}."})
    if data.get("value") is None:
        raise ValidationError({"value": "Give the proposed value."})
    if contract.status == ContractStatus.DRAFT:
        contract_start_negotiation(actor=actor, contract=contract)
    number = (contract.rounds.aggregate(last=Max("number"))["last"] or 0) + 1
    for pending in contract.rounds.filter(outcome=RoundOutcome.PENDING):
        model_update(actor=actor, instance=pending, data={"outcome": RoundOutcome.COUNTERED})
    fields = {"party": Party.US, "proposed_at": timezone.now(), "monthly_amount": Decimal(0), **data}
    if fields["party"] == Party.US and actor is not None:
        fields["proposed_by"] = actor
    return model_create(actor=actor, model=NegotiationRound, data={"contract": contract, "number": number, **fields})


@transaction.atomic
def negotiation_round_update(
    *, actor: SystemActor, negotiation_round: NegotiationRound, data: dict[str, Any],
    expected_version: int | None = None,
) -> NegotiationRound:
    """Record how a round ended (``outcome``) or correct it while it is pending.
    Accepting the latest round sets the contract's value and monthly amount to it."""
    _require_change(actor, negotiation_round)
    unknown = sorted(set(data) - set(ROUND_UPDATE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    contract = _locked(negotiation_round.contract)
    settled = negotiation_round.outcome != RoundOutcome.PENDING
    for name in ("outcome", "value", "monthly_amount", "terms"):
        if settled and name in data and data[name] != getattr(negotiation_round, name):
            raise ValidationError({name: "This round has its answer already; record a new round instead."})
    outcome = data.get("outcome", negotiation_round.outcome)
    if outcome == RoundOutcome.ACCEPTED and not settled:
        if contract.status != ContractStatus.NEGOTIATION:
            raise ValidationError({"outcome": f"The contract is {_label(contract.status)}: there is no negotiation to settle."})
        last = contract.rounds.aggregate(last=Max("number"))["last"]
        if negotiation_round.number != last:
            raise ValidationError({"outcome": "Only the latest proposal can be accepted."})
    updated = model_update(actor=actor, instance=negotiation_round, data=data, expected_version=expected_version)
    if outcome == RoundOutcome.ACCEPTED and not settled:
        model_update(
            actor=actor, instance=contract, data={"value": updated.value, "monthly_amount": updated.monthly_amount}
        )
    return updated


def round_history(rounds: list[NegotiationRound]) -> list[dict[str, Any]]:
    """Each round (in number order) with the change of value against the round before
    (``None`` for the first): how the deal moved."""
    history = []
    previous: Decimal | None = None
    for item in rounds:
        history.append({"round": item, "delta": None if previous is None else item.value - previous})
        previous = item.value
    return history


# --- Billing milestones -----------------------------------------------------------------


def _milestone_open_contract(contract: Contract) -> None:
    if contract.status in CLOSED:
        raise ValidationError({"contract": f"The contract is {_label(contract.status)}: its milestones no longer change."})


def _clean_milestone(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(MILESTONE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    return dict(data)


@transaction.atomic
def billing_milestone_create(*, actor: SystemActor, contract: Contract, data: dict[str, Any]) -> BillingMilestone:
    _require_change(actor, contract)
    _milestone_open_contract(contract)
    data = _clean_milestone(data)
    for name, message in (("name", "Name the milestone."), ("due_date", "Give its due date."), ("amount", "Give its amount.")):
        if not data.get(name) and data.get(name) != 0:
            raise ValidationError({name: message})
    return model_create(actor=actor, model=BillingMilestone, data={"contract": contract, **data})


@transaction.atomic
def billing_milestone_update(
    *, actor: SystemActor, milestone: BillingMilestone, data: dict[str, Any], expected_version: int | None = None
) -> BillingMilestone:
    _require_change(actor, milestone)
    _milestone_open_contract(milestone.contract)
    if milestone.billed_on is not None:
        raise ValidationError({"billed_on": f"This milestone was billed on {milestone.billed_on:%-d %b %Y}; it no longer changes."})
    return model_update(actor=actor, instance=milestone, data=_clean_milestone(data), expected_version=expected_version)


@transaction.atomic
def billing_milestone_delete(
    *, actor: SystemActor, milestone: BillingMilestone, expected_version: int | None = None
) -> None:
    if actor is not None:
        require_delete(actor, milestone)
    _milestone_open_contract(milestone.contract)
    if milestone.billed_on is not None:
        raise ValidationError({"billed_on": "A billed milestone is kept with its revenue; it cannot be deleted."})
    model_delete(actor=actor, instance=milestone, expected_version=expected_version)


@transaction.atomic
def billing_milestone_bill(
    *, actor: SystemActor, milestone: BillingMilestone, on: dt.date | None = None, expected_version: int | None = None
) -> RevenueEntry:
    """Bill a milestone of an active contract on ``on`` (default today): its
    ``billed_on`` is set and its milestone revenue entry (month = first day of ``on``'s
    month, the contract's currency) written, in one transaction."""
    _require_change(actor, milestone)
    contract = _locked(milestone.contract)
    milestone = BillingMilestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.billed_on is not None:
        raise ValidationError({"billed_on": f"This milestone was billed on {milestone.billed_on:%-d %b %Y} already."})
    if contract.status != ContractStatus.ACTIVE:
        raise ValidationError({"contract": f"Only an active contract bills; this one is {_label(contract.status)}."})
    on = on or _today()
    model_update(actor=actor, instance=milestone, data={"billed_on": on}, expected_version=expected_version)
    return model_create(
        actor=actor, model=RevenueEntry,
        data={
            "account_id": contract.account_id, "contract": contract, "milestone": milestone,
            "opportunity_id": contract.opportunity_id, "kind": RevenueKind.MILESTONE, "month": month_start(on),
            "amount": milestone.amount, "currency": contract.currency,
            "description": f"{contract.number}: {milestone.name}"[:200],
        },
    )


# --- Recurring revenue ------------------------------------------------------------------


def recurring_due(month: dt.date) -> Any:
    """Active contracts with a monthly amount whose term covers ``month`` and that have
    no recurring entry for it yet."""
    first = month_start(month)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return (
        Contract.objects.filter(status=ContractStatus.ACTIVE, monthly_amount__gt=0, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .exclude(revenue_entries__kind=RevenueKind.RECURRING, revenue_entries__month=first)
        .order_by("id")
    )


def revenue_recurring_generate(*, actor: SystemActor, month: dt.date) -> int:
    """One recurring revenue entry for ``month`` per active contract with a monthly
    amount and ``month`` in its term (the system, or an administrator). Returns how many
    were written: a second run writes none (unique per contract and month)."""
    if actor is not None and not is_admin(actor):
        raise PermissionDeniedError("Only administrators generate recurring revenue.")
    first = month_start(month)
    created = 0
    for contract in recurring_due(first).iterator(chunk_size=500):
        try:
            with transaction.atomic():
                model_create(
                    actor=actor, model=RevenueEntry,
                    data={
                        "account_id": contract.account_id, "contract": contract, "opportunity_id": contract.opportunity_id,
                        "kind": RevenueKind.RECURRING, "month": first, "amount": contract.monthly_amount,
                        "currency": contract.currency, "description": f"{contract.number}: {first:%B %Y}",
                    },
                )
        except IntegrityError:  # another run wrote it meanwhile: the constraint keeps one
            continue
        created += 1
    return created
