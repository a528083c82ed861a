"""Contracts from won opportunities, with their negotiation rounds, milestones, revenue
and renewals."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from tandem.commercial.demo.deals import Deal, build
from tandem.commercial.demo.world import (
    World,
    add_months,
    money,
    month_start,
    months_between,
    round_to,
)
from tandem.commercial.models import (
    BillingMilestone,
    Contract,
    ContractKind,
    ContractStatus,
    NegotiationRound,
    OpportunityType,
    Party,
    PricingStrategy,
    RevenueEntry,
    RevenueKind,
    RoundOutcome,
)
from tandem.commercial.services.contracts import renewal_name
from tandem.people.demo import FIRST_NAMES, LAST_NAMES

RECURRING = (PricingStrategy.SUBSCRIPTION, PricingStrategy.RETAINER)
MILESTONE_NAMES = ("Kick-off", "Discovery complete", "Design signed off", "Beta release", "Go-live", "Final acceptance")
TERMINATION_REASONS = ("Client ended the relationship", "Budget withdrawn", "Work moved in-house")
ROUND_TERMS = {
    Party.US: ("Our proposal as quoted.", "Revised scope with a phased start.", "Price held if signed this month."),
    Party.CLIENT: ("Asked for a lower day rate.", "Wants 60 days' payment terms.", "Asked to cap the first year."),
}


@dataclass
class Agreement:
    deal: Deal
    contract: Contract
    term: int
    start: dt.date
    end: dt.date
    signed_on: dt.date | None = None
    terminated_on: dt.date | None = None
    rounds: list[NegotiationRound] = field(default_factory=list)
    milestones: list[BillingMilestone] = field(default_factory=list)
    revenue: list[RevenueEntry] = field(default_factory=list)


def _moment(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def _kind(deal: Deal) -> str:
    strategy = deal.opportunity.pricing_strategy
    lead = deal.lines[0].product if deal.lines else None
    if lead is not None and lead.category == "Support":
        return ContractKind.SUPPORT
    kinds: dict[str, str] = {PricingStrategy.SUBSCRIPTION: ContractKind.SUBSCRIPTION, PricingStrategy.RETAINER: ContractKind.RETAINER}
    return kinds.get(strategy, ContractKind.STATEMENT_OF_WORK)


def agreement(
    rng: random.Random, world: World, deal: Deal, *, start: dt.date | None = None, term: int | None = None,
    auto_renew: bool | None = None, signed: bool = False,
) -> Agreement | None:
    """The contract a won opportunity became (``None`` when the client left before it
    would start), numbered later (:func:`number_contracts`). Status along ``draft → negotiation → active → expired | terminated``:
    still in negotiation for some won in the last three weeks; auto-renewing contracts
    past their end run on by whole renewal terms, as the daily job extends them."""
    opportunity, account, today = deal.opportunity, deal.account, world.today
    closed = deal.closed_day
    strategy = opportunity.pricing_strategy
    recurring = strategy in RECURRING
    if term is None:
        term = rng.choice((12, 12, 24)) if recurring else rng.randint(3, 9) if strategy == PricingStrategy.FIXED_FEE else rng.randint(6, 12)
    start = start if start is not None else closed + dt.timedelta(days=rng.randint(7, 28))
    if account.churned_on is not None and start >= account.churned_on:
        return None
    end = add_months(start, term) - dt.timedelta(days=1)
    if recurring:
        monthly = money(opportunity.amount / term)
        value = monthly * term
    else:
        monthly, value = Decimal(0), opportunity.amount
    contract = Contract(
        account_id=account.pk, opportunity=opportunity, title=opportunity.name, kind=_kind(deal),
        pricing_strategy=strategy, owner_id=opportunity.owner_id, value=value, monthly_amount=monthly,
        currency=opportunity.currency, start_date=start, end_date=end,
        auto_renew=(recurring and rng.random() < 0.4) if auto_renew is None else auto_renew,
        renewal_term_months=12, notice_days=rng.choice((30, 60, 60, 90)),
        terms="Standard terms of business; invoices payable within 30 days.",
        created_at=_moment(closed), updated_at=_moment(closed),
    )
    item = Agreement(deal, contract, term, start, end)
    if not signed and closed >= today - dt.timedelta(days=21) and rng.random() < 0.5:
        contract.status = ContractStatus.NEGOTIATION
    else:
        contract.status = ContractStatus.ACTIVE
        item.signed_on = max(closed, min(start, today) - dt.timedelta(days=rng.randint(0, 5)))
        while contract.auto_renew and item.end < today:
            item.end = add_months(item.end + dt.timedelta(days=1), contract.renewal_term_months) - dt.timedelta(days=1)
        if item.end < today:
            contract.status = ContractStatus.EXPIRED
        if account.churned_on is not None and item.end >= account.churned_on:
            contract.status = ContractStatus.TERMINATED
            item.terminated_on = account.churned_on
            contract.termination_reason = rng.choice(TERMINATION_REASONS)
        contract.signed_on, contract.end_date, contract.terminated_on = item.signed_on, item.end, item.terminated_on
        contract.updated_at = _moment(item.signed_on)
    deal_agreement = item
    _rounds(rng, world, deal_agreement)
    _milestones(rng, world, deal_agreement)
    _revenue(rng, world, deal_agreement)
    return deal_agreement


def _rounds(rng: random.Random, world: World, item: Agreement) -> None:
    """Two to four rounds: we propose above the final value, the client counters below,
    and the last round is the value the contract holds (accepted, or still pending)."""
    contract = item.contract
    count = rng.randint(2, 4)
    first = max(world.earliest, item.deal.closed_day - dt.timedelta(days=rng.randint(15, 40)))
    last = item.signed_on or world.today
    step = max(1, (last - first).days // count)
    for number in range(1, count + 1):
        party = Party.US if number % 2 else Party.CLIENT
        final = number == count
        if final:
            value, monthly = contract.value, contract.monthly_amount
        else:
            factor = rng.uniform(1.05, 1.2) if party == Party.US else rng.uniform(0.82, 0.96)
            value = round_to(contract.value * Decimal(str(factor)), 100) if contract.value >= 1000 else contract.value
            monthly = money(value / item.term) if contract.monthly_amount else Decimal(0)
        on = last if final else min(last, first + dt.timedelta(days=step * (number - 1)))
        outcome = RoundOutcome.COUNTERED
        if final:
            outcome = RoundOutcome.PENDING if contract.status == ContractStatus.NEGOTIATION else RoundOutcome.ACCEPTED
        item.rounds.append(
            NegotiationRound(
                contract=contract, number=number, party=party,
                proposed_by_id=contract.owner_id if party == Party.US else None,
                client_contact_name="" if party == Party.US else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                proposed_at=_moment(on, 10 + number), value=value, monthly_amount=monthly,
                terms=rng.choice(ROUND_TERMS[party]), outcome=outcome,
                created_at=_moment(on, 10 + number), updated_at=_moment(on, 10 + number),
            )
        )


def _billing(item: Agreement, day: dt.date) -> bool:
    if item.contract.status == ContractStatus.NEGOTIATION:
        return False
    return item.terminated_on is None or day < item.terminated_on


def _milestones(rng: random.Random, world: World, item: Agreement) -> None:
    """Fixed-fee work is billed in two to four milestones that add up to its value."""
    contract = item.contract
    if contract.pricing_strategy != PricingStrategy.FIXED_FEE or contract.value <= 0:
        return
    count = rng.randint(2, 4)
    share = money(contract.value / count)
    names = rng.sample(MILESTONE_NAMES, count)
    names.sort(key=MILESTONE_NAMES.index)
    for number in range(count):
        amount = share if number < count - 1 else contract.value - share * (count - 1)
        due = min(item.end, add_months(item.start, round((number + 1) * item.term / count)) - dt.timedelta(days=rng.randint(1, 10)))
        milestone = BillingMilestone(
            contract=contract, name=names[number], due_date=due, amount=amount,
            created_at=contract.created_at, updated_at=contract.created_at,
        )
        billed = due + dt.timedelta(days=rng.randint(0, 10))
        if billed <= world.today and _billing(item, billed):
            milestone.billed_on = billed
            milestone.updated_at = _moment(billed)
            item.revenue.append(
                RevenueEntry(
                    account_id=contract.account_id, contract=contract, milestone=milestone, kind=RevenueKind.MILESTONE,
                    month=month_start(billed), amount=amount, currency=contract.currency,
                    description=f"{contract.title}: {milestone.name}"[:200], created_at=_moment(billed), updated_at=_moment(billed),
                )
            )
        item.milestones.append(milestone)


def _revenue(rng: random.Random, world: World, item: Agreement) -> None:
    """Recurring revenue each month of the term up to this month (what the monthly job
    records); time-and-materials contracts bill the time of each finished month."""
    contract = item.contract
    if contract.status == ContractStatus.NEGOTIATION:
        return
    until = min(item.end, item.terminated_on or item.end, world.today)
    if contract.monthly_amount > 0:
        for month in months_between(item.start, until):
            item.revenue.append(
                RevenueEntry(
                    account_id=contract.account_id, contract=contract, kind=RevenueKind.RECURRING, month=month,
                    amount=contract.monthly_amount, currency=contract.currency,
                    description=f"{contract.title}: {month:%B %Y}"[:200], created_at=_moment(month), updated_at=_moment(month),
                )
            )
    elif contract.pricing_strategy == PricingStrategy.TIME_AND_MATERIALS:
        this_month = month_start(world.today)
        for month in months_between(item.start, until):
            if month >= this_month:
                break
            amount = money(contract.value / item.term * Decimal(str(rng.uniform(0.6, 1.15))))
            item.revenue.append(
                RevenueEntry(
                    account_id=contract.account_id, contract=contract, kind=RevenueKind.TIME_AND_MATERIALS, month=month,
                    amount=amount, currency=contract.currency, description=f"Billable time, {month:%B %Y}",
                    source_key=f"demo-time:{item.deal.opportunity.pk}:{month:%Y-%m}",
                    created_at=_moment(add_months(month, 1)), updated_at=_moment(add_months(month, 1)),
                )
            )


def renewal(rng: random.Random, world: World, item: Agreement) -> Deal | None:
    """The renewal opportunity of a contract, as the daily job opens it (active
    contracts within notice + 30 days of their end), or the past one of an expired
    contract: won (a new contract follows) or lost."""
    contract, today = item.contract, world.today
    account = item.deal.account
    due = item.end - dt.timedelta(days=contract.notice_days + 30)
    owner = contract.owner_id
    amount = round_to(contract.value * Decimal(str(rng.uniform(1.0, 1.08))), 100)
    name = renewal_name(contract.title)
    if contract.status == ContractStatus.ACTIVE and due <= today <= item.end:
        close = max(today + dt.timedelta(days=3), item.end - dt.timedelta(days=contract.notice_days // 2))
        stage = world.stage_for(rng, (close - today).days)
        deal = build(rng, world, account, kind=OpportunityType.RENEWAL, close=close, stage=stage, owner_id=owner,
                     amount=amount, with_lines=False, renews_contract=contract, name=name)
        deal.opportunity.pricing_strategy = contract.pricing_strategy
        return deal
    if contract.status != ContractStatus.EXPIRED:
        return None
    close = max(world.earliest, item.end - dt.timedelta(days=rng.randint(contract.notice_days // 2, contract.notice_days)))
    won = account.churned_on is None and rng.random() < 0.6
    deal = build(rng, world, account, kind=OpportunityType.RENEWAL, close=close,
                 stage=world.stage_won if won else world.stage_lost, owner_id=owner, closed_on=close,
                 amount=amount, with_lines=False, renews_contract=contract, name=name)
    deal.opportunity.pricing_strategy = contract.pricing_strategy
    return deal


def number_contracts(world: World, items: list[Agreement]) -> None:
    """``C-YYYY-NNNN`` by the year the contract starts, in order of start."""
    for item in sorted(items, key=lambda item: (item.start, item.deal.closed_day)):
        item.contract.number = world.next_contract_number(item.start.year)
