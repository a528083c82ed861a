"""Demo data for commercial (``tandem demo``, step ``commercial``, after clients).

At scale 1.0 ("large", for benchmarks) about 200,000 opportunities over the last two
years and the next eight months; ``small`` (0.004) about 800. Everything is laid
relative to the day the demo runs, like the clients step, and drawn from the step's own
seeded generators (deals, contracts, budgets and the login's desk each have theirs), so
the same seed gives the same deals the same number of days ago; contracts run in
calendar months, so their dates and what follows from them move with the calendar.

* **Catalog**: twenty products and services in eight categories (list price and unit
  cost in the base currency), two price lists (public sector; North America in US
  dollars), two rate cards (the default by role, with two named experts; public
  sector), and terms for about a fifth of the customers (price list, rate card,
  account-wide discount, some negotiated prices).
* **Exchange rates** on the first of every month, from January two years ago to
  December next year, for each demo currency (EUR, GBP, USD) other than the base
  currency of the organisation calendar (GBP in the demo firm), moving a few per cent.
* **Opportunities** of every type: new business for prospects, upsells and cross-sells
  for customers, renewals of contracts. Those that closed more than ten days ago are
  won or lost (customers win about a quarter of new business, half the upsells and
  two cross-sells in five; prospects that never became customers win nothing), with
  ``closed_on`` and a lost reason; open ones sit in later stages the nearer they close.
  Most have lines from the catalog (the account's currency, its discount), each
  ``amount`` computed by :func:`~tandem.commercial.services.opportunities.line_amount`
  and the opportunity's amount their sum; status, probability and forecast category
  follow the stage as the services set them.
* **Quotes** for deals with lines from the proposal stage on: sent (open), accepted on
  the closing day (won) or declined (some lost), a quarter with an earlier revision
  superseded; numbered ``Q-YYYY-NNNN`` by year of issue in order of issue (at the large
  scale, block of accounts by block), and the ``core.Sequence`` counters left at the
  last number used, so the next quote continues the series. Contracts likewise.
* **Contracts** for most won deals (``C-YYYY-NNNN``): subscriptions and retainers with
  a monthly amount (value = monthly × months), fixed-fee work with two to four billing
  milestones that add up to its value, time-and-materials work billed month by month.
  Two to four **negotiation rounds** each (we propose high, the client counters, the
  last round is the contract's value: accepted, or pending for contracts still in
  negotiation). Contracts past their end are expired, or extended by whole terms when
  auto-renewing; a client's churn terminates them.
* **Renewals** as the daily job opens them (active contracts within their notice
  period plus 30 days), and past ones of expired contracts: won (a new contract follows
  on) or lost.
* **Revenue**: recurring entries month by month from the contracts up to this month,
  milestone entries for billed milestones, time and materials for finished months,
  one-off entries for won deals without a contract. **Budgets** for every active
  customer for last year and this year (above what they spent, at least a floor by
  tier), and **expenses** (travel, subcontractors, licences...) while they are customers.
  Deals won in the last four months carry the **project request** their contract
  hands to delivery (waiting for it).
* **The account manager login** (``am@example.com``) has open deals in every open
  stage closing this quarter, three contracts ending within 90 days (with their renewal
  opportunities), two subscriptions running into next year and milestones due in the
  coming months: its home cards and forecast have something real to show.

Rows are built account chunk by account chunk and inserted with
:func:`tandem.core.bulk.insert_objects` (with their "create" history entries in bulk,
except lines and revenue entries: see :func:`_insert_chunk`), so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from tandem.clients.models import Account, Lifecycle, Source
from tandem.commercial.demo import catalog, contracts, deals
from tandem.commercial.demo.world import (
    AccountRow,
    World,
    add_months,
    count,
    default_stages,
    money,
    monthly_eur_rates,
    quarter_bounds,
    round_to,
    stages,
)
from tandem.commercial.models import (
    BillingMilestone,
    Budget,
    Contract,
    Expense,
    NegotiationRound,
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    OpportunityType,
    ProjectRequest,
    ProjectRequestStatus,
    Quote,
    QuoteLine,
    RevenueEntry,
    RevenueKind,
    Stage,
)
from tandem.core import demo
from tandem.core.audit import record_created_many
from tandem.core.models import Sequence
from tandem.core.roles import Role
from tandem.people.selectors import calendar_get

STEP = "commercial"
OPPORTUNITIES_AT_LARGE = 200_000
NATURAL_SHARE = 0.9  # the rest are renewals of contracts
CHUNK_ACCOUNTS = 2000
AM_LOGIN = "am@example.com"
TIER_WEIGHT = {"strategic": 12.0, "key": 6.0, "standard": 2.5, "long_tail": 1.0}
LIFECYCLE_WEIGHT: dict[str, float] = {Lifecycle.ACTIVE: 1.0, Lifecycle.PROSPECT: 0.5, Lifecycle.CHURNED: 0.6}
CONTRACT_SHARE = 0.85  # of won deals; the rest are billed once
EXPENSES_A_YEAR = {"strategic": 10.0, "key": 5.0, "standard": 1.5, "long_tail": 0.5}
# category, description, low, high (account currency), billable share
EXPENSES = (
    ("Travel", "Train fares and hotel for the workshop", 180, 1400, 0.5),
    ("Subcontractor", "Specialist subcontractor", 2500, 18000, 0.3),
    ("Software licence", "Testing tool licences", 300, 2400, 0.2),
    ("Hosting", "Cloud hosting costs passed through", 400, 3500, 0.8),
    ("Hospitality", "Lunch with the steering group", 60, 450, 0.0),
    ("Training materials", "Printed course materials", 120, 900, 0.6),
)
# The delivery behind each month's revenue of an account: contractors and the delivery
# team's costs, a share of that revenue, so margins land where a services firm's do
# (before the time the delivery app records).
DELIVERY_COST_SHARE = (0.42, 0.68)
PROJECT_REQUEST_DAYS = 120
BUDGET_FLOOR = {"strategic": 250_000, "key": 80_000, "standard": 20_000, "long_tail": 5_000}


@dataclass
class Chunk:
    deals: list[deals.Deal] = field(default_factory=list)
    agreements: list[contracts.Agreement] = field(default_factory=list)
    revenue: list[RevenueEntry] = field(default_factory=list)
    expenses: list[Expense] = field(default_factory=list)
    customers: dict[int, dt.date] = field(default_factory=dict)  # account id: customer since


def _moment(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def _put(ctx: demo.DemoContext, model: type[Any], objects: list[Any], *, audit: bool = True) -> None:
    """Insert built rows as they are (history timestamps kept) and, for business records,
    their "create" history entries in bulk."""
    ctx.insert_objects(model, objects)
    if audit:
        for start in range(0, len(objects), demo.BATCH_SIZE):
            record_created_many(actor=None, instances=objects[start : start + demo.BATCH_SIZE])


def _accounts() -> list[AccountRow]:
    fields = ("pk", "name", "currency", "owner_id", "lifecycle", "tier", "industry", "customer_since", "churned_on")
    return [AccountRow(*row) for row in Account.objects.filter(source=Source.DEMO).order_by("pk").values_list(*fields)]


def _managers(ctx: demo.DemoContext) -> list[int]:
    from tandem.people.models import User

    users = ctx.shared.get("people.by_role", {}).get(Role.ACCOUNT_MANAGER)
    if users is None:
        users = User.objects.filter(role_assignments__role=Role.ACCOUNT_MANAGER)
    return sorted({user.pk for user in users if user.is_active})


def _am_login(ctx: demo.DemoContext) -> Any:
    from tandem.people.models import User

    login = ctx.shared.get("people.logins", {}).get(AM_LOGIN)
    return login or User.objects.filter(email=AM_LOGIN, is_active=True).first()


def _world(ctx: demo.DemoContext, rng: random.Random) -> World:
    today = timezone.localdate()
    if not Stage.objects.exists():
        ctx.bulk_create(Stage, default_stages())
    open_stages, won, lost = stages()
    first, last = dt.date(ctx.year - 2, 1, 1), dt.date(ctx.year + 1, 12, 1)
    world = World(today=today, base=calendar_get().currency, first_month=first, last_month=last,
                  stages_open=open_stages, stage_won=won, stage_lost=lost)
    world.eur_rates = monthly_eur_rates(rng, first, last)
    world.managers = _managers(ctx)
    return world


def _contracts_for(rng: random.Random, world: World, won: list[deals.Deal], chunk: Chunk, ctx: demo.DemoContext) -> None:
    """Contracts of won deals, then renewals of those contracts and the contracts won
    renewals bring, level by level (each level inserted before the next refers to it)."""
    level: list[contracts.Agreement] = []
    for deal in won:
        if deal.opportunity.amount <= 0:
            continue
        if deal.plan is None and deal.opportunity.type != OpportunityType.RENEWAL and rng.random() > CONTRACT_SHARE:
            _one_off(deal, chunk)
            continue
        if deal.plan is not None:
            planned_start, term = deal.plan
            item = contracts.agreement(rng, world, deal, start=planned_start, term=term, auto_renew=False, signed=True)
        else:
            item = contracts.agreement(rng, world, deal)
        if item is not None:
            level.append(item)
    while level:
        for item in level:  # numbered below, once the chunk's contracts are all known
            item.contract.number = f"pending-{len(chunk.agreements)}"
            chunk.agreements.append(item)
        _put(ctx, Contract, [item.contract for item in level], audit=False)
        _project_requests(ctx, world, level)
        pairs = [(item, contracts.renewal(rng, world, item)) for item in level]
        renewals = [(item, deal) for item, deal in pairs if deal is not None]
        _insert_deals(ctx, world, [deal for _, deal in renewals])
        chunk.deals.extend(deal for _, deal in renewals)
        following: list[contracts.Agreement] = []
        for previous, deal in renewals:
            if deal.opportunity.status != OpportunityStatus.WON:
                continue
            renewed = contracts.agreement(rng, world, deal, start=previous.end + dt.timedelta(days=1), term=previous.term)
            if renewed is not None:
                following.append(renewed)
        level = following
    contracts.number_contracts(world, chunk.agreements)
    numbered = [item.contract for item in chunk.agreements]
    Contract.objects.bulk_update(numbered, ["number"], batch_size=500)
    for first in range(0, len(numbered), demo.BATCH_SIZE):
        record_created_many(actor=None, instances=numbered[first : first + demo.BATCH_SIZE])


def _project_requests(ctx: demo.DemoContext, world: World, level: list[contracts.Agreement]) -> None:
    """What the deals won in the last four months asked delivery to start (waiting for
    delivery, which takes them up once it exists); renewals carry on existing work."""
    since = world.today - dt.timedelta(days=PROJECT_REQUEST_DAYS)
    rows = [
        ProjectRequest(
            account_id=item.contract.account_id, opportunity=item.deal.opportunity, contract=item.contract,
            name=item.deal.opportunity.name, description="Start the work agreed in the contract.",
            requested_start=item.start, budget=item.contract.value, currency=item.contract.currency,
            pricing_strategy=item.contract.pricing_strategy, status=ProjectRequestStatus.OPEN,
            requested_by_id=item.contract.owner_id, created_at=_moment(item.deal.closed_day), updated_at=_moment(item.deal.closed_day),
        )
        for item in level
        if item.deal.opportunity.type != OpportunityType.RENEWAL and item.deal.closed_day >= since
    ]
    _put(ctx, ProjectRequest, rows)


def _one_off(deal: deals.Deal, chunk: Chunk) -> None:
    opportunity, closed = deal.opportunity, deal.closed_day
    chunk.revenue.append(
        RevenueEntry(
            account_id=opportunity.account_id, opportunity=opportunity, kind=RevenueKind.ONE_OFF, month=closed.replace(day=1),
            amount=opportunity.amount, currency=opportunity.currency, description=opportunity.name[:200],
            created_at=_moment(closed), updated_at=_moment(closed),
        )
    )


def _insert_deals(ctx: demo.DemoContext, world: World, items: list[deals.Deal]) -> None:
    deals.number_quotes(world, items)
    _put(ctx, Opportunity, [deal.opportunity for deal in items])
    # Lines are written with their opportunity, whose history records the amount they
    # make; quote lines are copies inside their quote (not records of their own).
    _put(ctx, OpportunityLine, [line for deal in items for line in deal.lines], audit=False)
    _put(ctx, Quote, [quote for deal in items for quote in deal.quotes])
    _put(ctx, QuoteLine, [line for deal in items for line in deal.quote_lines], audit=False)


def _expenses(rng: random.Random, world: World, account: AccountRow, chunk: Chunk) -> None:
    if account.customer_since is None:
        return
    first = max(account.customer_since, world.today - dt.timedelta(days=730))
    last = min(world.today, account.churned_on or world.today)
    if last <= first:
        return
    days = (last - first).days
    for _ in range(count(rng, EXPENSES_A_YEAR.get(account.tier, 1.0) * days / 365)):
        category, description, low, high, billable = rng.choice(EXPENSES)
        day = first + dt.timedelta(days=rng.randint(0, days))
        chunk.expenses.append(
            Expense(
                account_id=account.pk, date=day, category=category, description=description,
                amount=money(rng.uniform(low, high)), currency=account.currency, is_billable=rng.random() < billable,
                created_at=_moment(day), updated_at=_moment(day),
            )
        )


def _delivery_costs(rng: random.Random, world: World, revenue: list[RevenueEntry], chunk: Chunk) -> None:
    """Per account and month with revenue, the delivery behind it: one expense of a
    share of that month's revenue (:data:`DELIVERY_COST_SHARE`), not billable, dated in
    that month (never after today nor before the account became a customer)."""
    months: dict[tuple[int, dt.date, str], Decimal] = {}
    for entry in revenue:
        key = (entry.account_id, entry.month, entry.currency)
        months[key] = months.get(key, Decimal(0)) + entry.amount
    for (account_id, month, currency), amount in sorted(months.items()):
        since = chunk.customers.get(account_id)
        if since is None or amount <= 0:
            continue
        day = max(since, min(world.today, month + dt.timedelta(days=rng.randint(0, 27))))
        chunk.expenses.append(
            Expense(
                account_id=account_id, date=day, category="Delivery", description=f"Delivery team and contractors, {month:%B %Y}",
                amount=money(float(amount) * rng.uniform(*DELIVERY_COST_SHARE)), currency=currency, is_billable=False,
                created_at=_moment(day), updated_at=_moment(day),
            )
        )


def _insert_chunk(ctx: demo.DemoContext, rng: random.Random, world: World, chunk: Chunk) -> None:
    """Rounds, milestones and revenue of the chunk's contracts (inserted already), and
    its expenses with the delivery behind its revenue. Revenue entries are what the
    monthly job and the milestone billing write: no history entry each (a million rows at
    the large scale, read by nobody)."""
    _put(ctx, NegotiationRound, [r for item in chunk.agreements for r in item.rounds])
    _put(ctx, BillingMilestone, [m for item in chunk.agreements for m in item.milestones])
    revenue = [entry for item in chunk.agreements for entry in item.revenue] + chunk.revenue
    _put(ctx, RevenueEntry, revenue, audit=False)
    _delivery_costs(rng, world, revenue, chunk)
    _put(ctx, Expense, chunk.expenses)


def _process(
    ctx: demo.DemoContext, rng: random.Random, world: World, chunk: Chunk, costs_rng: random.Random
) -> None:
    """``rng`` is the contracts' own generator: contract terms run in calendar months, so
    their draws depend on the day; the deals' draws never do. ``costs_rng`` draws the
    delivery costs (its own, so the other draws stay as they were)."""
    _insert_deals(ctx, world, chunk.deals)
    won = [deal for deal in chunk.deals if deal.opportunity.status == OpportunityStatus.WON]
    _contracts_for(rng, world, won, chunk, ctx)
    _insert_chunk(ctx, costs_rng, world, chunk)


def _login_deals(ctx: demo.DemoContext, world: World, accounts: list[AccountRow]) -> list[deals.Deal]:
    """The demo account manager's quarter: open deals in every open stage closing before
    the quarter ends, and won deals whose contracts (planned: ``Deal.plan``) are three
    ending within 90 days, two subscriptions running into next year and a fixed-fee
    project with milestones still to bill. Drawn from a generator of their own, so the
    rest of the data is what the seed always gave; inserted with the first accounts."""
    login = _am_login(ctx)
    desk = [a for a in accounts if login is not None and a.owner_id == login.pk and a.lifecycle == Lifecycle.ACTIVE]
    if not desk:
        return []
    rng = ctx.rng(f"{STEP}:logins")
    today = world.today
    _, quarter_end = quarter_bounds(today)
    by_code = {product.code: product for product in world.products}
    made = []
    for number in range(6):
        account = desk[number % len(desk)]
        stage = world.stages_open[number % len(world.stages_open)]
        close = today + dt.timedelta(days=min((quarter_end - today).days, 3 + number * 4))
        products = [by_code[code] for code in (("WEB", "A11Y"), ("DSYS",), ("SUP",), ("INTG", "DEV"), ("HOST",), ("UXR",))[number]]
        made.append(deals.build(rng, world, account, kind=(OpportunityType.UPSELL, OpportunityType.CROSS_SELL)[number % 2],
                                close=close, stage=stage, owner_id=login.pk, products=products))
        deals.add_quotes(rng, world, made[-1], world.stages_open[min(2, len(world.stages_open) - 1)].order)
    plans = [  # product, months from start to today, term, ends in days
        ("SUP", None, 12, 25), ("CLOUD", None, 12, 50), ("HOST", None, 12, 80),
        ("CMS", 3, 24, None), ("SUP-PREM", 5, 24, None), ("WEB", 1, 6, None),
    ]
    for number, (code, months_in, term, ends_in) in enumerate(plans):
        account = desk[(number + 2) % len(desk)]
        if ends_in is not None:
            start = add_months(today + dt.timedelta(days=ends_in + 1), -term)
        else:
            start = add_months(today, -(months_in or 0)).replace(day=1)
        closed = start - dt.timedelta(days=14)
        deal = deals.build(rng, world, account, kind=OpportunityType.CROSS_SELL, close=closed, stage=world.stage_won,
                           owner_id=login.pk, closed_on=closed, products=[by_code[code]])
        deal.plan = (start, term)
        made.append(deal)
    return made


def _budgets(ctx: demo.DemoContext, rng: random.Random, world: World, accounts: list[AccountRow]) -> None:
    """Last year's and this year's budget of every active customer: above what they
    spent (this year's spend so far taken over twelve months), at least a floor by tier."""
    years = (ctx.year - 1, ctx.year)
    spent: dict[tuple[int, int], Decimal] = {
        (row["account_id"], row["year"]): row["total"]
        for row in RevenueEntry.objects.filter(month__year__in=years)
        .values("account_id", year=ExtractYear("month"))
        .annotate(total=Sum("amount"))
    }
    elapsed = Decimal(world.today.month) / 12
    rows = []
    for account in accounts:
        if account.lifecycle != Lifecycle.ACTIVE:
            continue
        for year in years:
            total = spent.get((account.pk, year), Decimal(0))
            if year == world.today.year:
                total = total / elapsed
            floor = BUDGET_FLOOR.get(account.tier, 5_000) * rng.uniform(0.8, 1.2)
            amount = round_to(max(total * Decimal(str(rng.uniform(1.05, 1.35))), Decimal(str(floor))), 1000)
            rows.append(Budget(account_id=account.pk, year=year, amount=amount, currency=account.currency,
                               notes="Agreed at the annual planning meeting." if rng.random() < 0.3 else "",
                               created_at=_moment(dt.date(year - 1, 12, 1)), updated_at=_moment(dt.date(year - 1, 12, 1))))
    _put(ctx, Budget, rows)


def _sequences(world: World) -> None:
    """Leave each year's quote and contract counter at the last number used."""
    for prefix, numbers in (("quote", world.quote_numbers), ("contract", world.contract_numbers)):
        for year, value in numbers.items():
            Sequence.objects.update_or_create(name=f"{prefix}-{year}", defaults={"value": value})


def _foreign_rows() -> int:
    return (
        Opportunity.objects.exclude(source=Source.DEMO).count()
        + Contract.objects.filter(Q(opportunity__isnull=True) | ~Q(opportunity__source=Source.DEMO)).count()
    )


def _estimate(ctx: demo.DemoContext) -> int:
    opportunities = ctx.scaled(OPPORTUNITIES_AT_LARGE)
    # opportunities, lines, quotes and their lines, contracts, rounds, revenue, expenses
    return opportunities * 8


@demo.step(STEP, order=30, foreign_rows=_foreign_rows, estimate=_estimate)
def generate_commercial(ctx: demo.DemoContext) -> None:
    """Catalog, pricing and exchange rates; two years of opportunities with lines and
    quotes; contracts with negotiation rounds, milestones and renewals; revenue, budgets
    and expenses."""
    rng = ctx.rng(STEP)
    world = _world(ctx, rng)
    accounts = _accounts()
    world.products = catalog.products(ctx, world)
    lists = catalog.price_lists(ctx, world)
    people = list(ctx.shared.get("people.by_role", {}).get(Role.MEMBER, []))
    cards = catalog.rate_cards(ctx, world, people)
    catalog.exchange_rates(ctx, world)
    catalog.account_pricing(ctx, rng, world, accounts, lists, cards)
    if not world.managers or not accounts:
        return
    weights = [TIER_WEIGHT.get(a.tier, 1.0) * LIFECYCLE_WEIGHT.get(a.lifecycle, 1.0) for a in accounts]
    factor = ctx.scaled(OPPORTUNITIES_AT_LARGE * NATURAL_SHARE) / (sum(weights) or 1.0)
    proposal_order = world.stages_open[min(2, len(world.stages_open) - 1)].order
    contract_rng, costs_rng = ctx.rng(f"{STEP}:contracts"), ctx.rng(f"{STEP}:delivery_costs")
    login_deals = _login_deals(ctx, world, accounts)
    for start in range(0, len(accounts), CHUNK_ACCOUNTS):
        chunk = Chunk()
        if start == 0:
            chunk.deals.extend(login_deals)
        for account, weight in zip(accounts[start : start + CHUNK_ACCOUNTS], weights[start : start + CHUNK_ACCOUNTS], strict=True):
            chunk.deals.extend(deals.natural_deals(rng, world, account, weight * factor, proposal_order))
            _expenses(rng, world, account, chunk)
            if account.customer_since is not None:
                chunk.customers[account.pk] = account.customer_since
        _process(ctx, contract_rng, world, chunk, costs_rng)
    _budgets(ctx, ctx.rng(f"{STEP}:budgets"), world, accounts)
    _sequences(world)
    ctx.shared.update({"commercial.products": world.products, "commercial.today": world.today})

