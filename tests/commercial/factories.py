"""Builders for commercial records.

Each builder writes through its commercial service once that service exists; until
then through ``core.services.model_create`` (validated and audited). Amounts are
``Decimal``; dates default to fixed days so tests pin exact figures.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from tandem.clients.models import Account
from tandem.commercial import services
from tandem.commercial.models import (
    BillingMilestone,
    Budget,
    Contract,
    ExchangeRate,
    Expense,
    NegotiationRound,
    Opportunity,
    OpportunityLine,
    PriceList,
    Product,
    Quote,
    RateCard,
    RevenueEntry,
    Stage,
)
from tandem.commercial.services import expense_create
from tandem.core.services import model_create, model_update

_counter = itertools.count(1)


def stage(name: str) -> Stage:
    """One of the default stages (``Qualification`` … ``Closed lost``), seeded by migration
    (and seeded again here after a test that flushed the database)."""
    try:
        return Stage.objects.get(name=name)
    except Stage.DoesNotExist:
        seed_stages()
        return Stage.objects.get(name=name)


def make_product(**data: Any) -> Product:
    number = next(_counter)
    data.setdefault("name", f"Service {number:04d}")
    data.setdefault("list_price", Decimal("1000.00"))
    data.setdefault("unit_cost", Decimal("600.00"))
    return services.product_create(actor=None, data=data)


def make_price_list(*, items: dict[Product, Decimal] | None = None, **data: Any) -> PriceList:
    data.setdefault("name", f"Price list {next(_counter):04d}")
    price_list = services.price_list_create(actor=None, data=data)
    for product, price in (items or {}).items():
        services.price_list_item_create(actor=None, price_list=price_list, data={"product": product, "unit_price": price})
    return price_list


def make_rate_card(**data: Any) -> RateCard:
    data.setdefault("name", f"Rate card {next(_counter):04d}")
    return services.rate_card_create(actor=None, data=data)


def make_rate(*, currency: str, date: dt.date, rate: str | Decimal) -> ExchangeRate:
    return services.exchange_rate_create(actor=None, data={"currency": currency, "date": date, "rate": Decimal(rate)})


def make_opportunity(*, account: Account, stage_name: str = "Qualification", **data: Any) -> Opportunity:
    stage_row = stage(stage_name)
    data.setdefault("name", f"Deal {next(_counter):04d}")
    data.setdefault("amount", Decimal("10000.00"))
    data.setdefault("expected_close_date", dt.date(2031, 3, 31))
    data.setdefault("owner", account.owner)
    data.setdefault("probability", stage_row.probability)
    data.setdefault("forecast_category", stage_row.forecast_category)
    data["status"] = stage_row.outcome
    if stage_row.outcome != "open":
        data.setdefault("closed_on", data["expected_close_date"])
    return model_create(actor=None, model=Opportunity, data={"account": account, "stage": stage_row, **data})


def make_line(*, opportunity: Opportunity, **data: Any) -> OpportunityLine:
    data.setdefault("description", "Consulting days")
    data.setdefault("quantity", Decimal("1"))
    data.setdefault("unit_price", Decimal("1000.00"))
    quantity, price, discount = data["quantity"], data["unit_price"], Decimal(data.get("discount_percent", 0))
    data.setdefault("amount", (quantity * price * (100 - discount) / 100).quantize(Decimal("0.01")))
    return model_create(actor=None, model=OpportunityLine, data={"opportunity": opportunity, **data})


QUOTE_SERVICE_FIELDS = frozenset({"issued_on", "valid_until", "terms", "notes", "status"})


def make_quote(*, opportunity: Opportunity, **data: Any) -> Quote:
    """Through ``quote_create`` (numbered ``Q-<year>-NNNN`` by the sequence, lines copied)
    when the opportunity is open with lines and only the service's fields are given;
    ``status`` is then set on the created quote. Otherwise a bare quote row."""
    if (
        set(data) <= QUOTE_SERVICE_FIELDS and opportunity.status == "open"
        and OpportunityLine.objects.filter(opportunity=opportunity).exists()
    ):
        from tandem.commercial.services import quote_create

        status = data.pop("status", None)
        quote = quote_create(
            actor=None, opportunity=opportunity, issued_on=data.get("issued_on", dt.date(2031, 1, 5)),
            valid_until=data.get("valid_until", dt.date(2031, 2, 5)), terms=data.get("terms", ""),
            notes=data.get("notes", ""),
        )
        if status is not None:
            quote = model_update(actor=None, instance=quote, data={"status": status})
        return quote
    data.setdefault("number", f"Q-2031-{next(_counter):04d}")
    data.setdefault("issued_on", dt.date(2031, 1, 5))
    data.setdefault("valid_until", dt.date(2031, 2, 5))
    data.setdefault("currency", opportunity.currency)
    data.setdefault("total", opportunity.amount)
    return model_create(actor=None, model=Quote, data={"opportunity": opportunity, **data})


def make_contract(*, account: Account, **data: Any) -> Contract:
    data.setdefault("number", f"C-2031-{next(_counter):04d}")
    data.setdefault("title", f"{account.name} services")
    data.setdefault("start_date", dt.date(2031, 1, 1))
    data.setdefault("end_date", dt.date(2031, 12, 31))
    data.setdefault("owner", account.owner)
    data.setdefault("value", Decimal("12000.00"))
    return model_create(actor=None, model=Contract, data={"account": account, **data})


def make_milestone(*, contract: Contract, **data: Any) -> BillingMilestone:
    data.setdefault("name", "Go-live")
    data.setdefault("due_date", dt.date(2031, 6, 30))
    data.setdefault("amount", Decimal("5000.00"))
    return model_create(actor=None, model=BillingMilestone, data={"contract": contract, **data})


def make_round(*, contract: Contract, **data: Any) -> NegotiationRound:
    data.setdefault("number", contract.rounds.count() + 1)
    data.setdefault("proposed_at", dt.datetime(2030, 12, 1, 10, 0, tzinfo=dt.UTC))
    data.setdefault("value", contract.value)
    return model_create(actor=None, model=NegotiationRound, data={"contract": contract, **data})


def make_revenue(*, account: Account, **data: Any) -> RevenueEntry:
    """One-off and time-and-materials entries through ``revenue_entry_create``; recurring
    and milestone entries (the contract services write those) directly."""
    from tandem.commercial.services import revenue_entry_create
    from tandem.commercial.services.revenue import ENTRY_FIELDS, MANUAL_KINDS

    data.setdefault("kind", "one_off")
    data.setdefault("month", dt.date(2031, 1, 1))
    data.setdefault("amount", Decimal("1000.00"))
    data.setdefault("currency", account.currency)
    if data["kind"] in MANUAL_KINDS and set(data) <= set(ENTRY_FIELDS):
        return revenue_entry_create(actor=None, account=account, data=data)
    return model_create(actor=None, model=RevenueEntry, data={"account": account, **data})


def make_budget(*, account: Account, **data: Any) -> Budget:
    from tandem.commercial.services import budget_create

    data.setdefault("year", 2031)
    data.setdefault("amount", Decimal("50000.00"))
    data.setdefault("currency", account.currency)
    return budget_create(actor=None, account=account, data=data)


def make_expense(*, account: Account, **data: Any) -> Expense:
    data.setdefault("date", dt.date(2031, 1, 15))
    data.setdefault("description", "Travel")
    data.setdefault("amount", Decimal("250.00"))
    data.setdefault("currency", account.currency)
    return expense_create(actor=None, account=account, data=data)


def seed_stages() -> None:
    """The default pipeline stages of migration ``commercial.0002`` (tests that flush the
    database remove them)."""
    import importlib

    seed = importlib.import_module("tandem.commercial.migrations.0002_default_stages")
    for name, order, probability, category, outcome in seed.STAGES:
        Stage.objects.get_or_create(
            name=name,
            defaults={"order": order, "probability": probability, "forecast_category": category, "outcome": outcome},
        )


def build_account_records(account: Account, *, product: Product) -> dict[str, Any]:
    """One record of every commercial kind that belongs to ``account`` (the
    authorization matrix builds these for each of its accounts)."""
    from tandem.commercial.models import AccountPrice, AccountPricing, ProjectRequest

    opportunity = make_opportunity(account=account, name=f"{account.name} expansion", type="upsell")
    won = make_opportunity(account=account, name=f"{account.name} won", stage_name="Closed won")
    contract = make_contract(account=account, opportunity=won, status="active", monthly_amount=Decimal("1000.00"))
    return {
        "pricing": model_create(actor=None, model=AccountPricing, data={"account": account, "discount_percent": Decimal("5")}),
        "price": model_create(
            actor=None, model=AccountPrice, data={"account": account, "product": product, "unit_price": Decimal("900.00")}
        ),
        "opportunity": opportunity,
        "line": make_line(opportunity=opportunity, product=product),
        "quote": make_quote(opportunity=opportunity),
        "contract": contract,
        "milestone": make_milestone(contract=contract),
        "round": make_round(contract=contract),
        "revenue": make_revenue(account=account, contract=contract, kind="recurring"),
        "budget": make_budget(account=account),
        "expense": make_expense(account=account),
        "project_request": model_create(
            actor=None, model=ProjectRequest,
            data={"account": account, "opportunity": won, "contract": contract, "name": f"{account.name} rollout"},
        ),
    }


def build_reference_data() -> dict[str, Any]:
    """A product, a price list with it, a rate card with a role line, and a rate."""
    from tandem.commercial.models import RateCardLine

    product = make_product(name="Advisory retainer", code="ADV-RET", recurrence="monthly")
    rate_card = make_rate_card(name="Standard rates", is_default=True)
    return {
        "product": product,
        "price_list": make_price_list(name="Public sector", items={product: Decimal("950.00")}),
        "rate_card": rate_card,
        "rate_card_line": model_create(
            actor=None, model=RateCardLine, data={"rate_card": rate_card, "role_name": "Consultant", "hourly_rate": Decimal("120")}
        ),
        "rate": make_rate(currency="USD", date=dt.date(2030, 1, 1), rate="0.9"),
    }
