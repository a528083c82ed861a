"""Opportunities with their lines, and the quotes built from those lines."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from tandem.clients.models import Source
from tandem.commercial.demo.world import AccountRow, World, money, round_to
from tandem.commercial.models import (
    Contract,
    ForecastCategory,
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    OpportunityType,
    PricingStrategy,
    Product,
    Quote,
    QuoteLine,
    QuoteStatus,
    Recurrence,
    Stage,
    Unit,
)
from tandem.commercial.services.opportunities import line_amount
from tandem.people.demo import FIRST_NAMES, LAST_NAMES

SIZE = {"strategic": 4.0, "key": 2.0, "standard": 1.0, "long_tail": 0.4}
# fmt: off
LOST_REASONS = ("Went with a competitor", "No budget this year", "Project postponed", "Price too high",
                "Went quiet", "Chose to do it in-house", "Not a fit for our services")
NEXT_STEPS = ("Send the revised proposal", "Book a call with procurement", "Demo to the steering group",
              "Agree the statement of work", "Confirm the budget holder", "Workshop on requirements",
              "Chase the signed order form", "Present the pricing options")
TERMS = ("Payment 30 days from invoice. Prices exclude VAT.",
         "Invoiced monthly in advance; 30 days' payment terms. Prices exclude VAT.",
         "50 % on signature, 50 % on acceptance; 30 days' payment terms.")
NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    OpportunityType.NEW: ("{thing}", "{thing} for {short}", "First project: {thing}"),
    OpportunityType.UPSELL: ("More {thing}", "{thing}: second phase", "Extend {thing}"),
    OpportunityType.CROSS_SELL: ("Add {thing}", "{thing} (new service)", "{thing} alongside the current work"),
}
# fmt: on
TYPES: tuple[str, ...] = (OpportunityType.NEW, OpportunityType.UPSELL, OpportunityType.CROSS_SELL)
TYPE_WEIGHTS = (20, 45, 35)
WIN_RATE: dict[str, float] = {OpportunityType.NEW: 0.28, OpportunityType.UPSELL: 0.55, OpportunityType.CROSS_SELL: 0.42}
WITH_LINES = 0.85


@dataclass
class Deal:
    account: AccountRow
    opportunity: Opportunity
    lines: list[OpportunityLine] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quote_lines: list[QuoteLine] = field(default_factory=list)
    product_units: list[str] = field(default_factory=list)
    closed: dt.date | None = None  # the opportunity's closed_on, typed
    plan: tuple[dt.date, int] | None = None  # a won deal's contract: start and months

    @property
    def closed_day(self) -> dt.date:
        assert self.closed is not None, "an open opportunity has no closing day"
        return self.closed


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def _quantity(rng: random.Random, product: Product, size: float) -> Decimal:
    unit = product.unit
    if unit in (Unit.DAY,):
        value = max(1, round(rng.randint(3, 40) * size))
    elif unit == Unit.HOUR:
        value = max(5, round(rng.randint(20, 160) * size))
    elif unit == Unit.SEAT:
        value = max(5, round(rng.randint(10, 120) * size))
    elif unit == Unit.MONTH:
        value = rng.choice((6, 12, 12, 12, 24))
    elif unit == Unit.YEAR:
        value = rng.randint(1, 3)
    else:
        value = 1
    return Decimal(value)


def _pick_products(rng: random.Random, world: World, kind: str) -> list[Product]:
    """One to four products; cross-sells lead with a recurring service, new business
    with a project."""
    catalog = world.products
    recurring = [p for p in catalog if p.recurrence != Recurrence.ONE_OFF]
    projects = [p for p in catalog if p.recurrence == Recurrence.ONE_OFF]
    lead = rng.choice(recurring if kind == OpportunityType.CROSS_SELL or rng.random() < 0.3 else projects)
    extra = rng.sample([p for p in catalog if p is not lead], rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0])
    return [lead, *extra]


def _name(rng: random.Random, kind: str, lead: str, account: AccountRow) -> str:
    short = account.name.split(" (")[0]
    for suffix in (" Ltd", " plc", " Group", " LLP", " Holdings", " & Co"):
        short = short.removesuffix(suffix)
    if kind == OpportunityType.RENEWAL:
        return f"Renewal: {lead}"
    return rng.choice(NAME_PATTERNS[kind]).format(thing=lead, short=short)


def build(
    rng: random.Random, world: World, account: AccountRow, *, kind: str, close: dt.date, stage: Stage,
    owner_id: int | None, closed_on: dt.date | None = None, amount: Decimal | None = None,
    with_lines: bool | None = None, renews_contract: Contract | None = None, name: str = "",
    products: list[Product] | None = None,
) -> Deal:
    """One opportunity as the services would store it: status, probability and forecast
    category follow the stage; ``closed_on`` only when closed; a lost reason only when
    lost; the amount is the lines' sum (each by ``line_amount``) when it has lines."""
    today = world.today
    currency = account.currency
    status = stage.outcome
    size = SIZE.get(account.tier, 1.0)
    if products is None:
        if with_lines is None:
            with_lines = amount is None and rng.random() < WITH_LINES
        products = _pick_products(rng, world, kind) if with_lines else []
    lead_name = products[0].name if products else rng.choice(world.products).name
    strategy = products[0].pricing_strategy if products else rng.choice(list(PricingStrategy.values))
    pricing = world.pricing.get(account.pk)
    discount = pricing.discount_percent if pricing is not None else Decimal(0)
    lines = []
    for position, product in enumerate(products):
        quantity = _quantity(rng, product, size)
        unit_price = world.price_in(product.list_price, currency, close)
        line_discount = discount or rng.choice((Decimal(0), Decimal(0), Decimal(0), Decimal(5), Decimal(10)))
        lines.append(
            OpportunityLine(
                product=product, description=product.name, quantity=quantity, unit_price=unit_price,
                discount_percent=line_discount, amount=line_amount(quantity, unit_price, line_discount), position=position,
            )
        )
    if lines:
        amount = sum((line.amount for line in lines), Decimal(0))
    elif amount is None:
        amount = round_to(money(rng.uniform(4000, 90000) * size), 500)
    created = min(close - dt.timedelta(days=rng.randint(25, 160)), today - dt.timedelta(days=1))
    opportunity = Opportunity(
        account_id=account.pk, name=name or _name(rng, kind, lead_name, account), type=kind, stage=stage,
        status=status, probability=stage.probability, amount=amount, currency=currency,
        amount_from_lines=bool(lines), expected_close_date=close, owner_id=owner_id,
        forecast_category=stage.forecast_category, pricing_strategy=strategy, renews_contract=renews_contract,
        source=Source.DEMO, created_at=_moment(created), updated_at=_moment(closed_on or created),
    )
    if status == OpportunityStatus.OPEN:
        opportunity.next_step = rng.choice(NEXT_STEPS)
    else:
        opportunity.closed_on = closed_on or close
        opportunity.probability = 100 if status == OpportunityStatus.WON else 0
        opportunity.forecast_category = ForecastCategory.CLOSED if status == OpportunityStatus.WON else ForecastCategory.OMITTED
        if status == OpportunityStatus.LOST:
            opportunity.lost_reason = rng.choice(LOST_REASONS)
    for line in lines:
        line.opportunity = opportunity
        line.created_at = line.updated_at = opportunity.created_at
    return Deal(account, opportunity, lines, product_units=[product.unit for product in products],
                closed=None if status == OpportunityStatus.OPEN else closed_on or close)


def _contact_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def add_quotes(rng: random.Random, world: World, deal: Deal, proposal_order: int) -> None:
    """Quotes for deals with lines that reached the proposal stage: the latest revision
    sent (open), accepted on the closing day (won) or declined (lost); one in four has an
    earlier revision, superseded. Numbers ``Q-YYYY-NNNN`` by the year of issue."""
    opportunity = deal.opportunity
    if not deal.lines:
        return
    status, today = opportunity.status, world.today
    if status == OpportunityStatus.OPEN:
        if opportunity.stage.order < proposal_order:
            return
        issued = today - dt.timedelta(days=rng.randint(0, 24))
        final_status = QuoteStatus.SENT if rng.random() < 0.85 else QuoteStatus.DRAFT
    elif status == OpportunityStatus.WON:
        issued = deal.closed_day - dt.timedelta(days=rng.randint(2, 25))
        final_status = QuoteStatus.ACCEPTED
    else:
        if rng.random() > 0.4:
            return
        issued = deal.closed_day - dt.timedelta(days=rng.randint(3, 28))
        final_status = QuoteStatus.DECLINED
    issued = max(issued, world.earliest)
    revisions = 2 if rng.random() < 0.25 else 1
    terms = rng.choice(TERMS)
    for revision in range(1, revisions + 1):
        on = max(world.earliest, issued - dt.timedelta(days=14 * (revisions - revision)))
        latest = revision == revisions
        quote = Quote(
            opportunity=opportunity, number="", revision=revision,
            status=final_status if latest else QuoteStatus.SUPERSEDED, issued_on=on,
            valid_until=on + dt.timedelta(days=30), currency=opportunity.currency, total=opportunity.amount,
            terms=terms, created_at=_moment(on, 9), updated_at=_moment(on, 9),
        )
        if latest and final_status == QuoteStatus.ACCEPTED:
            quote.accepted_at = _moment(deal.closed_day, 15)
            quote.accepted_by_name = _contact_name(rng)
            quote.updated_at = quote.accepted_at
        deal.quotes.append(quote)
        for line, unit in zip(deal.lines, deal.product_units, strict=True):
            deal.quote_lines.append(
                QuoteLine(
                    quote=quote, product=line.product, description=line.description, quantity=line.quantity,
                    unit=unit, unit_price=line.unit_price, discount_percent=line.discount_percent,
                    amount=line.amount, position=line.position,
                )
            )


def natural_deals(
    rng: random.Random, world: World, account: AccountRow, expected: float, proposal_order: int
) -> list[Deal]:
    """The account's opportunities over two years and the next eight months."""
    today = world.today
    first = max(world.earliest, today - dt.timedelta(days=730))
    last = today + dt.timedelta(days=240)
    customer = account.customer_since is not None
    if account.churned_on is not None:
        last = min(last, account.churned_on + dt.timedelta(days=20), today - dt.timedelta(days=1))
    if last <= first:
        return []
    deals = []
    span = (last - first).days
    for _ in range(_draw(rng, expected)):
        close = first + dt.timedelta(days=rng.randint(0, span))
        kind: str = rng.choices(TYPES, TYPE_WEIGHTS)[0] if customer else OpportunityType.NEW
        if customer and account.customer_since is not None and close < account.customer_since:
            kind = OpportunityType.NEW
        owner = account.owner_id or rng.choice(world.managers)
        slipping = today - dt.timedelta(days=10) <= close < today and rng.random() < 0.5
        if close >= today or slipping:
            stage = world.stage_for(rng, (close - today).days)
            deals.append(build(rng, world, account, kind=kind, close=close, stage=stage, owner_id=owner))
        else:
            win = WIN_RATE[kind] if customer else 0.0
            if account.churned_on is not None and close > account.churned_on:
                win = 0.0
            won = rng.random() < win
            closed_on = min(today - dt.timedelta(days=1), max(first, close + dt.timedelta(days=rng.randint(-7, 7))))
            stage = world.stage_won if won else world.stage_lost
            deals.append(build(rng, world, account, kind=kind, close=close, stage=stage, owner_id=owner, closed_on=closed_on))
        add_quotes(rng, world, deals[-1], proposal_order)
    return deals


def _draw(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def number_quotes(world: World, items: list[Deal]) -> None:
    """``Q-YYYY-NNNN`` by the year the first revision was issued, in order of issue; the
    revisions of one offer share its number."""
    offers = sorted((deal.quotes for deal in items if deal.quotes), key=lambda quotes: (quotes[0].issued_on, quotes[0].total))
    for quotes in offers:
        number = world.next_quote_number(quotes[0].issued_on.year)
        for quote in quotes:
            quote.number = number
