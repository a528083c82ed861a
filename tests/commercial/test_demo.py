"""The commercial step of ``tandem demo``: volumes, rows the services would accept,
consistent numbering, the account manager login's quarter, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from tandem.clients.models import Account, Lifecycle, Source
from tandem.commercial import currency
from tandem.commercial import demo as commercial_demo
from tandem.commercial.demo import world as demo_world
from tandem.commercial.models import (
    AccountPricing,
    BillingMilestone,
    Budget,
    Contract,
    ContractStatus,
    ExchangeRate,
    Expense,
    ForecastCategory,
    NegotiationRound,
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    OpportunityType,
    PriceList,
    PricingStrategy,
    Product,
    ProjectRequest,
    ProjectRequestStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
    RateCard,
    RevenueEntry,
    RevenueKind,
    RoundOutcome,
    Stage,
    StageOutcome,
)
from tandem.commercial.services.opportunities import line_amount
from tandem.core import demo, sequences
from tandem.core.models import AuditEntry, Sequence
from tandem.core.roles import Role
from tandem.people.models import User
from tandem.people.selectors import calendar_get

SCALE = demo.SCALES["small"]
# Exact at the small scale with seed 1: drawn from the seed alone, whatever the day.
PRODUCTS = 20
EXCHANGE_RATES = 2 * 48  # EUR and USD against the demo firm's pounds, four calendar years
ACCOUNT_PRICING = 66
DEALS = 728  # new business, upsells and cross-sells (renewals follow the contracts' dates)
LOGIN_OPEN_THIS_QUARTER = 6


def restore_seeded_rows() -> None:
    """Put back the rows the data migrations seed (pipeline stages, service levels),
    which wiping the business tables removes, so later test modules find them."""
    for module in ("tandem.commercial.migrations.0002_default_stages", "tandem.clients.migrations.0002_default_service_levels"):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """One demo run shared by the module's read-only tests (wiped afterwards)."""
    with django_db_blocker.unblock():
        result = demo.run_demo(scale=SCALE, seed=1, reset=True)
        yield result
        demo.wipe_business_tables()
        restore_seeded_rows()


def fingerprint() -> str:
    digest = hashlib.sha256()
    for row in Opportunity.objects.order_by("account__name", "expected_close_date", "name", "amount").values_list(
        "account__name", "name", "type", "stage__name", "amount", "currency", "expected_close_date", "closed_on",
        "owner__email",
    ):
        digest.update(repr(row).encode())
    for row in Contract.objects.order_by("number").values_list("number", "account__name", "value", "start_date", "status"):
        digest.update(repr(row).encode())
    for row in Quote.objects.order_by("number", "revision").values_list("number", "revision", "status", "total"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.django_db
def test_volumes_of_the_small_scale(demo_data):
    assert Product.objects.count() == PRODUCTS
    assert len(set(Product.objects.values_list("category", flat=True))) == 8
    assert PriceList.objects.count() == 2 and RateCard.objects.count() == 2
    assert RateCard.objects.filter(is_default=True).count() == 1
    assert ExchangeRate.objects.count() == EXCHANGE_RATES
    assert AccountPricing.objects.count() == ACCOUNT_PRICING
    assert Opportunity.objects.exclude(type=OpportunityType.RENEWAL).count() == DEALS
    # Scaled: 90 % of 200,000 at the large scale are drawn from the accounts' weights
    # (the rest are renewals), plus the demo login's twelve.
    target = commercial_demo.OPPORTUNITIES_AT_LARGE * commercial_demo.NATURAL_SHARE * SCALE
    assert abs(DEALS - 12 - target) < 0.05 * target
    assert 700 <= Opportunity.objects.count() <= 1000  # about 200,000 at the large scale
    assert Opportunity.objects.exclude(source=Source.DEMO).count() == 0
    assert 100 <= Contract.objects.count() <= 260
    assert Quote.objects.count() > 300 and RevenueEntry.objects.count() > 500 and Expense.objects.count() > 300
    for model in (Opportunity, OpportunityLine, Quote, QuoteLine, Contract, NegotiationRound, BillingMilestone, RevenueEntry):
        assert demo_data.counts[model._meta.label] == model.objects.count(), model


@pytest.mark.django_db
def test_opportunities_are_what_the_services_would_store(demo_data):
    stages = {stage.pk: stage for stage in Stage.objects.all()}
    account_managers = set(User.objects.filter(is_active=True, role_assignments__role=Role.ACCOUNT_MANAGER).values_list("pk", flat=True))
    currencies = dict(Account.objects.values_list("pk", "currency"))
    lines = defaultdict(list)
    for line in OpportunityLine.objects.all():
        assert line.amount == line_amount(line.quantity, line.unit_price, line.discount_percent)
        lines[line.opportunity_id].append(line.amount)
    for opportunity in Opportunity.objects.all():
        stage = stages[opportunity.stage_id]
        assert opportunity.status == stage.outcome
        assert opportunity.currency == currencies[opportunity.account_id]
        assert opportunity.owner_id in account_managers
        assert opportunity.amount_from_lines == (opportunity.pk in lines)
        if opportunity.amount_from_lines:
            assert opportunity.amount == sum(lines[opportunity.pk])
        assert opportunity.amount > 0
        if opportunity.status == OpportunityStatus.OPEN:
            assert opportunity.closed_on is None and opportunity.lost_reason == ""
            assert (opportunity.probability, opportunity.forecast_category) == (stage.probability, stage.forecast_category)
        elif opportunity.status == OpportunityStatus.WON:
            assert opportunity.closed_on is not None and opportunity.lost_reason == ""
            assert (opportunity.probability, opportunity.forecast_category) == (100, ForecastCategory.CLOSED)
        else:
            assert opportunity.closed_on is not None and opportunity.lost_reason
            assert (opportunity.probability, opportunity.forecast_category) == (0, ForecastCategory.OMITTED)
        if opportunity.closed_on is not None:
            assert opportunity.closed_on < timezone.localdate()
        assert (opportunity.renews_contract_id is not None) == (opportunity.type == OpportunityType.RENEWAL)
    kinds = Counter(Opportunity.objects.values_list("type", "status"))
    assert {kind for kind, _ in kinds} == set(OpportunityType.values)
    assert all(kinds[kind, status] > 0 for kind in OpportunityType.values for status in OpportunityStatus.values)
    open_stages = Counter(Opportunity.objects.filter(status=OpportunityStatus.OPEN).values_list("stage__name", flat=True))
    assert set(open_stages) == set(Stage.objects.filter(outcome=StageOutcome.OPEN).values_list("name", flat=True))
    assert len(set(Opportunity.objects.values_list("currency", flat=True))) == 3
    assert OpportunityLine.objects.count() > Opportunity.objects.filter(amount_from_lines=True).count()


@pytest.mark.django_db
def test_quotes_are_numbered_by_year_and_the_counters_continue_the_series(demo_data):
    first_issue: dict[str, dt.date] = {}
    for quote in Quote.objects.order_by("number", "revision"):
        first_issue.setdefault(quote.number, quote.issued_on)
        assert re.fullmatch(r"Q-\d{4}-\d{4}", quote.number)
        assert int(quote.number[2:6]) == first_issue[quote.number].year
        assert quote.valid_until >= quote.issued_on
        assert quote.total == sum(line.amount for line in quote.lines.all())
    latest = Quote.objects.values("number").annotate(n=Count("id"))
    assert max(row["n"] for row in latest) == 2  # some revised
    assert Quote.objects.filter(status=QuoteStatus.SUPERSEDED).count() == sum(row["n"] - 1 for row in latest)
    by_year = Counter(int(number[2:6]) for number in first_issue)
    for year, used in by_year.items():
        numbers = sorted(int(number[-4:]) for number in first_issue if int(number[2:6]) == year)
        assert numbers == list(range(1, used + 1))
        assert Sequence.objects.get(name=f"quote-{year}").value == used
    issued = [first_issue[number] for number in sorted(first_issue)]
    assert issued == sorted(issued)  # numbered in order of issue, year by year
    year = max(by_year)
    with transaction.atomic():
        assert sequences.formatted("quote", prefix="Q", year=year) == f"Q-{year}-{by_year[year] + 1:04d}"
        transaction.set_rollback(True)
    accepted = Quote.objects.filter(status=QuoteStatus.ACCEPTED).select_related("opportunity")
    assert accepted.exists()
    for quote in accepted:
        assert quote.opportunity.status == OpportunityStatus.WON
        assert timezone.localtime(quote.accepted_at).date() == quote.opportunity.closed_on
        assert quote.issued_on <= quote.opportunity.closed_on <= quote.valid_until
        assert quote.accepted_by_name
    assert Quote.objects.filter(status=QuoteStatus.ACCEPTED).values("opportunity").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert not Quote.objects.filter(opportunity__lines__isnull=True).exists()
    proposal = Stage.objects.get(name="Proposal").order
    assert not Quote.objects.filter(opportunity__status=OpportunityStatus.OPEN, opportunity__stage__order__lt=proposal).exists()
    today = timezone.localdate()
    for quote in Quote.objects.filter(opportunity__status=OpportunityStatus.OPEN).exclude(status=QuoteStatus.SUPERSEDED):
        assert quote.status in (QuoteStatus.SENT, QuoteStatus.DRAFT) and quote.valid_until >= today  # still acceptable
    assert not Quote.objects.filter(opportunity__status=OpportunityStatus.LOST).exclude(
        status__in=(QuoteStatus.DECLINED, QuoteStatus.SUPERSEDED)
    ).exists()


@pytest.mark.django_db
def test_contracts_negotiation_rounds_and_milestones(demo_data):
    today = timezone.localdate()
    numbers_by_year = Counter()
    statuses = Counter()
    for contract in Contract.objects.prefetch_related("rounds", "milestones").select_related("opportunity"):
        statuses[contract.status] += 1
        assert re.fullmatch(rf"C-{contract.start_date.year}-\d{{4}}", contract.number)
        numbers_by_year[contract.start_date.year] += 1
        assert contract.opportunity.status == OpportunityStatus.WON
        assert contract.end_date >= contract.start_date
        assert contract.currency == contract.opportunity.currency
        rounds = list(contract.rounds.all())
        assert 2 <= len(rounds) <= 4
        assert [r.number for r in rounds] == list(range(1, len(rounds) + 1))
        assert (rounds[-1].value, rounds[-1].monthly_amount) == (contract.value, contract.monthly_amount)
        assert all(r.outcome == RoundOutcome.COUNTERED for r in rounds[:-1])
        expected = RoundOutcome.PENDING if contract.status == ContractStatus.NEGOTIATION else RoundOutcome.ACCEPTED
        assert rounds[-1].outcome == expected
        assert [r.proposed_at for r in rounds] == sorted(r.proposed_at for r in rounds)
        assert (contract.signed_on is None) == (contract.status == ContractStatus.NEGOTIATION)
        if contract.monthly_amount:  # value = monthly amount x months of the term
            assert contract.value / contract.monthly_amount in (12, 24)
        milestones = list(contract.milestones.all())
        if contract.pricing_strategy == PricingStrategy.FIXED_FEE:
            assert 2 <= len(milestones) <= 4 and sum(m.amount for m in milestones) == contract.value
        else:
            assert milestones == []
        if contract.status == ContractStatus.EXPIRED:
            assert contract.end_date < today and not contract.auto_renew
        if contract.status == ContractStatus.ACTIVE:
            assert contract.end_date >= today
        assert (contract.terminated_on is not None) == (contract.status == ContractStatus.TERMINATED)
    assert set(statuses) >= {ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.TERMINATED}
    starts = list(Contract.objects.order_by("number").values_list("start_date", flat=True))
    assert starts == sorted(starts)  # numbered in order of start, year by year
    for year, used in numbers_by_year.items():
        assert Sequence.objects.get(name=f"contract-{year}").value == used


@pytest.mark.django_db
def test_recent_wins_wait_for_delivery_with_their_project_request(demo_data):
    """Each recent win carries its request; delivery's demo step takes a few of them up
    (accepted, with their project), the others wait."""
    since = timezone.localdate() - dt.timedelta(days=120)
    requests = list(ProjectRequest.objects.select_related("opportunity", "contract"))
    assert requests
    for request in requests:
        opportunity, contract = request.opportunity, request.contract
        assert opportunity.status == OpportunityStatus.WON and opportunity.type != OpportunityType.RENEWAL
        assert opportunity.closed_on >= since
        assert contract.opportunity_id == opportunity.pk and request.account_id == opportunity.account_id
        assert (request.budget, request.currency) == (contract.value, contract.currency)
        if request.status == ProjectRequestStatus.ACCEPTED:
            assert request.project.project_request_id == request.pk
        else:
            assert request.status == ProjectRequestStatus.OPEN
    assert {request.status for request in requests} == {ProjectRequestStatus.OPEN, ProjectRequestStatus.ACCEPTED}


@pytest.mark.django_db
def test_revenue_follows_the_contracts_and_the_billed_milestones(demo_data):
    this_month = timezone.localdate().replace(day=1)
    assert not RevenueEntry.objects.filter(month__gt=this_month).exists()
    for milestone in BillingMilestone.objects.all():
        entry = RevenueEntry.objects.filter(milestone=milestone).first()
        if milestone.billed_on is None:
            assert entry is None
        else:
            assert (entry.kind, entry.month, entry.amount) == (RevenueKind.MILESTONE, milestone.billed_on.replace(day=1), milestone.amount)
    recurring = defaultdict(list)
    for contract_id, month, amount in RevenueEntry.objects.filter(kind=RevenueKind.RECURRING).order_by("month").values_list("contract", "month", "amount"):
        recurring[contract_id].append((month, amount))
    for contract in Contract.objects.filter(monthly_amount__gt=0):
        if contract.status == ContractStatus.NEGOTIATION:
            assert contract.pk not in recurring
            continue
        last = min(contract.end_date, contract.terminated_on or contract.end_date, timezone.localdate())
        months = demo_world.months_between(contract.start_date, last)
        assert recurring[contract.pk] == [(month, contract.monthly_amount) for month in months]
    kinds = set(RevenueEntry.objects.values_list("kind", flat=True))
    assert kinds == set(RevenueKind.values)
    assert not RevenueEntry.objects.exclude(currency__in=("EUR", "GBP", "USD")).exists()


@pytest.mark.django_db
def test_renewals_are_the_ones_the_daily_job_would_open(demo_data):
    today = timezone.localdate()
    for contract in Contract.objects.filter(status=ContractStatus.ACTIVE):
        due = contract.end_date - dt.timedelta(days=contract.notice_days + 30) <= today
        renewals = Opportunity.objects.filter(type=OpportunityType.RENEWAL, renews_contract=contract)
        assert renewals.count() == (1 if due else 0), contract.number
        if due:
            assert renewals.get().status == OpportunityStatus.OPEN
    # Won renewals of expired contracts are followed by a new contract.
    for renewal in Opportunity.objects.filter(type=OpportunityType.RENEWAL, status=OpportunityStatus.WON):
        assert renewal.renews_contract.status in (ContractStatus.EXPIRED,)
        following = Contract.objects.get(opportunity=renewal)
        assert following.start_date == renewal.renews_contract.end_date + dt.timedelta(days=1)


@pytest.mark.django_db
def test_every_amount_has_an_exchange_rate(demo_data):
    base = calendar_get().currency
    for queryset, date_field in (
        (Opportunity.objects.all(), "expected_close_date"),
        (Opportunity.objects.filter(closed_on__isnull=False), "closed_on"),
        (Contract.objects.all(), "start_date"),
        (RevenueEntry.objects.all(), "month"),
        (Expense.objects.all(), "date"),
        (Quote.objects.all(), "issued_on"),
    ):
        currency.require_rates(queryset, currency_field="currency", date_field=date_field, base=base)
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "USD", "GBP"} - {base}
    rates = list(ExchangeRate.objects.filter(currency="USD").order_by("date").values_list("rate", flat=True))
    assert max(rates) / min(rates) < Decimal("1.1")  # moves a few per cent, never a silent 1.0


@pytest.mark.django_db
def test_budgets_and_expenses(demo_data):
    year = timezone.localdate().year
    active = Account.objects.filter(lifecycle=Lifecycle.ACTIVE)
    assert Budget.objects.count() == 2 * active.count()
    assert set(Budget.objects.values_list("year", flat=True)) == {year - 1, year}
    spent = dict(
        RevenueEntry.objects.filter(month__year=year - 1).values("account").annotate(total=Sum("amount")).values_list("account", "total")
    )
    for budget in Budget.objects.filter(year=year - 1):
        assert budget.amount >= spent.get(budget.account_id, 0)  # they planned more than they spent
        assert budget.amount % 1000 == 0
    assert Expense.objects.filter(account__customer_since__isnull=True).count() == 0
    assert Expense.objects.filter(date__gt=timezone.localdate()).count() == 0
    assert 0 < Expense.objects.filter(is_billable=True).count() < Expense.objects.count()


def test_margins_are_those_of_a_services_firm(demo_data):
    """Each month's revenue of an account has the delivery behind it (an expense of 42–68 %
    of it), so this year's margin is that of a services firm, not the 95 % that revenue
    with a few travel expenses against it made."""
    from tandem.commercial.selectors.profitability import (
        account_profitability,
        default_period,
        profitability_totals,
    )

    executive = User.objects.get(email="exec@example.com")
    start, end = default_period()
    rows = account_profitability(user=executive, start=start, end=end)
    totals = profitability_totals(rows)
    assert totals.margin_percent is not None and Decimal("20") <= totals.margin_percent <= Decimal("55")
    earning = sorted(row.margin_percent for row in rows if row.revenue_base > 0 and row.margin_percent is not None)
    assert Decimal("25") <= earning[len(earning) // 2] <= Decimal("55")
    delivery = Expense.objects.filter(category="Delivery")
    assert delivery.exists() and not delivery.filter(is_billable=True).exists()
    assert not delivery.filter(date__gt=timezone.localdate()).exists()


@pytest.mark.django_db
def test_the_account_manager_login_has_a_quarter_renewals_and_a_forecast(demo_data):
    am = User.objects.get(email="am@example.com")
    today = timezone.localdate()
    start, end = demo_world.quarter_bounds(today)
    closing = Opportunity.objects.filter(owner=am, status=OpportunityStatus.OPEN, expected_close_date__range=(start, end))
    assert closing.count() >= LOGIN_OPEN_THIS_QUARTER
    assert set(closing.values_list("stage__name", flat=True)) == set(
        Stage.objects.filter(outcome=StageOutcome.OPEN).values_list("name", flat=True)
    )
    renewals_due = Contract.objects.filter(owner=am, status=ContractStatus.ACTIVE, end_date__range=(today, today + dt.timedelta(days=90)))
    assert renewals_due.count() >= 3
    assert Opportunity.objects.filter(renews_contract__in=renewals_due, status=OpportunityStatus.OPEN).count() >= 3
    next_month = demo_world.add_months(today.replace(day=1), 1)
    contracted = Contract.objects.filter(owner=am, status=ContractStatus.ACTIVE, start_date__lte=next_month, end_date__gte=next_month)
    assert contracted.filter(monthly_amount__gt=0).count() >= 2
    assert BillingMilestone.objects.filter(
        contract__owner=am, contract__status=ContractStatus.ACTIVE, billed_on__isnull=True, due_date__gt=today
    ).exists()
    horizon = demo_world.add_months(today, 12)
    assert Opportunity.objects.filter(owner=am, status=OpportunityStatus.OPEN, expected_close_date__lte=horizon).count() > LOGIN_OPEN_THIS_QUARTER


@pytest.mark.django_db
def test_business_records_are_audited_lines_and_revenue_are_not(demo_data):
    per_model = Counter(AuditEntry.objects.filter(content_type__app_label="commercial").values_list("content_type__model", flat=True))
    for model in (Opportunity, Quote, Contract, NegotiationRound, BillingMilestone, ProjectRequest, Budget, Expense, Product):
        assert per_model[model._meta.model_name] == model.objects.count(), model
    assert per_model["opportunityline"] == 0 and per_model["revenueentry"] == 0


@pytest.mark.django_db
def test_same_seed_same_rows_other_seed_other_rows(demo_data):
    first = fingerprint()
    demo.run_demo(scale=SCALE, seed=1, reset=True)
    assert fingerprint() == first
    demo.run_demo(scale=SCALE, seed=2, reset=True)
    assert fingerprint() != first
