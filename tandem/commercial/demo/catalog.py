"""The catalog, price lists, rate cards, exchange rates and accounts' pricing terms."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from tandem.clients.models import Account
from tandem.commercial.demo.world import EUR_PER_UNIT, AccountRow, World, months_between
from tandem.commercial.models import (
    AccountPrice,
    AccountPricing,
    ExchangeRate,
    PriceList,
    PriceListItem,
    PricingStrategy,
    Product,
    RateCard,
    RateCardLine,
    Recurrence,
    Unit,
)
from tandem.core import demo

FF, TM, RET, SUB = (
    PricingStrategy.FIXED_FEE, PricingStrategy.TIME_AND_MATERIALS, PricingStrategy.RETAINER, PricingStrategy.SUBSCRIPTION,
)  # fmt: skip
# name, code, category, unit, recurrence, strategy, list price, unit cost (base currency)
# fmt: off
PRODUCTS = (
    ("Discovery workshop", "DISC-WS", "Consulting", Unit.DAY, Recurrence.ONE_OFF, FF, 2400, 1100),
    ("Senior consultant day", "CONS-SR", "Consulting", Unit.DAY, Recurrence.ONE_OFF, TM, 1250, 620),
    ("Consultant day", "CONS", "Consulting", Unit.DAY, Recurrence.ONE_OFF, TM, 900, 480),
    ("Digital strategy review", "STRAT", "Consulting", Unit.PROJECT, Recurrence.ONE_OFF, FF, 18000, 9500),
    ("User research sprint", "UXR", "Design", Unit.PROJECT, Recurrence.ONE_OFF, FF, 14000, 7800),
    ("Design system", "DSYS", "Design", Unit.PROJECT, Recurrence.ONE_OFF, FF, 42000, 24000),
    ("Accessibility audit", "A11Y", "Design", Unit.PROJECT, Recurrence.ONE_OFF, FF, 8500, 4200),
    ("Web application build", "WEB", "Development", Unit.PROJECT, Recurrence.ONE_OFF, FF, 120000, 74000),
    ("Mobile app build", "MOB", "Development", Unit.PROJECT, Recurrence.ONE_OFF, FF, 95000, 60000),
    ("Systems integration", "INTG", "Development", Unit.PROJECT, Recurrence.ONE_OFF, FF, 36000, 22000),
    ("Developer day", "DEV", "Development", Unit.DAY, Recurrence.ONE_OFF, TM, 850, 470),
    ("Data migration", "DATA-MIG", "Data", Unit.PROJECT, Recurrence.ONE_OFF, FF, 22000, 13000),
    ("Analytics dashboard licence", "ANLT", "Data", Unit.SEAT, Recurrence.YEARLY, SUB, 480, 120),
    ("Support and maintenance", "SUP", "Support", Unit.MONTH, Recurrence.MONTHLY, RET, 3500, 2100),
    ("Premium support (24/7)", "SUP-PREM", "Support", Unit.MONTH, Recurrence.MONTHLY, RET, 7500, 4300),
    ("Managed hosting", "HOST", "Hosting", Unit.MONTH, Recurrence.MONTHLY, SUB, 1800, 900),
    ("Cloud operations retainer", "CLOUD", "Hosting", Unit.MONTH, Recurrence.MONTHLY, RET, 5200, 3300),
    ("Content platform subscription", "CMS", "Licences", Unit.MONTH, Recurrence.MONTHLY, SUB, 1200, 350),
    ("Training day", "TRAIN", "Training", Unit.DAY, Recurrence.ONE_OFF, FF, 1900, 700),
    ("E-learning seats", "ELRN", "Training", Unit.SEAT, Recurrence.YEARLY, SUB, 150, 30),
)
ROLE_RATES = (  # role, standard hourly rate, public-sector hourly rate (base currency)
    ("Partner", 260, 220), ("Principal consultant", 195, 170), ("Senior consultant", 160, 140),
    ("Consultant", 120, 105), ("Designer", 115, 100), ("Developer", 110, 95), ("Analyst", 95, 85),
)
PUBLIC_INDUSTRIES = frozenset({"Public sector", "Charity", "Higher education"})
NEGOTIATED_NOTES = ("Agreed in the framework call-off", "Volume discount for the second year",
                    "Matched a competitor's offer", "Price held for the renewal")
# fmt: on


def products(ctx: demo.DemoContext, world: World) -> list[Product]:
    rows = [
        Product(
            name=name, code=code, category=category, unit=unit, recurrence=recurrence, pricing_strategy=strategy,
            list_price=Decimal(price), unit_cost=Decimal(cost), currency=world.base,
            description=f"{category}: {name.lower()}, priced per {unit}.",
        )
        for name, code, category, unit, recurrence, strategy, price, cost in PRODUCTS
    ]
    return ctx.bulk_create(Product, rows)


def price_lists(ctx: demo.DemoContext, world: World) -> dict[str, PriceList]:
    """"Public sector and charities" (base currency, about 12 % below list) and
    "North America" in US dollars (list prices converted, rounded up to tens)."""
    year = ctx.year
    public = PriceList(
        name=f"Public sector and charities {year}", currency=world.base,
        description="Framework prices for public bodies, universities and charities.",
        valid_from=world.today.replace(month=1, day=1), valid_until=world.today.replace(month=12, day=31),
    )
    usd = PriceList(name=f"North America {year}", currency="USD", description="Prices for clients billed in US dollars.")
    lists = ctx.bulk_create(PriceList, [public, usd] if world.base != "USD" else [public])
    items = [
        PriceListItem(price_list=public, product=product, unit_price=(product.list_price * Decimal("0.88")).quantize(Decimal(1)))
        for product in world.products
    ]
    if world.base != "USD":
        rate = world.base_rate("USD", world.today)
        items += [
            PriceListItem(price_list=usd, product=product, unit_price=((product.list_price / rate) / 10).quantize(Decimal(1)) * 10)
            for product in world.products
            if product.recurrence != Recurrence.ONE_OFF or product.unit == Unit.DAY
        ]
    ctx.bulk_create(PriceListItem, items)
    return {"public": lists[0], "usd": lists[1] if len(lists) > 1 else lists[0]}


def rate_cards(ctx: demo.DemoContext, world: World, people: list[Any]) -> dict[str, RateCard]:
    standard = RateCard(name="Standard rates", currency=world.base, is_default=True,
                        description="Hourly rates for time-and-materials work.")
    public = RateCard(name="Public sector rates", currency=world.base,
                      description="Framework rates for public bodies, universities and charities.")
    ctx.bulk_create(RateCard, [standard, public])
    lines = [RateCardLine(rate_card=standard, role_name=role, hourly_rate=Decimal(rate)) for role, rate, _ in ROLE_RATES]
    lines += [RateCardLine(rate_card=public, role_name=role, hourly_rate=Decimal(rate)) for role, _, rate in ROLE_RATES]
    # Two named experts charged above their role's rate on the standard card.
    lines += [
        RateCardLine(rate_card=standard, person=person, hourly_rate=Decimal(rate))
        for person, rate in zip(people[:2], (285, 240), strict=False)
    ]
    ctx.bulk_create(RateCardLine, lines)
    return {"standard": standard, "public": public}


def exchange_rates(ctx: demo.DemoContext, world: World) -> list[ExchangeRate]:
    """A rate on the first of every month for every demo currency other than the base."""
    rows = [
        ExchangeRate(date=month, currency=code, rate=world.base_rate(code, month))
        for code in sorted(EUR_PER_UNIT)
        if code != world.base
        for month in months_between(world.first_month, world.last_month)
    ]
    return ctx.bulk_create(ExchangeRate, rows)


def account_pricing(
    ctx: demo.DemoContext, rng: random.Random, world: World, accounts: list[AccountRow],
    lists: dict[str, PriceList], cards: dict[str, RateCard],
) -> None:
    """Terms for about a fifth of the customers: public bodies on the public price list
    and rate card, dollar clients on the North America list, an account-wide discount
    for some; a few negotiated prices."""
    terms, prices = [], []
    for account in accounts:
        if account.lifecycle != "active" or rng.random() > 0.22:
            continue
        # The history entry names the row by its account: give it the name it needs
        # instead of one query per row.
        named = Account(pk=account.pk, name=account.name)
        named._state.adding = False
        public = account.industry in PUBLIC_INDUSTRIES
        price_list = lists["public"] if public else lists["usd"] if account.currency == "USD" else None
        pricing = AccountPricing(
            account=named, price_list=price_list, rate_card=cards["public"] if public else None,
            discount_percent=rng.choice((Decimal(0), Decimal(0), Decimal("2.5"), Decimal(5), Decimal("7.5"), Decimal(10))),
            pricing_strategy=rng.choice(("", PricingStrategy.FIXED_FEE, PricingStrategy.RETAINER, PricingStrategy.SUBSCRIPTION)),
            payment_terms_days=rng.choice((30, 30, 45, 60)),
        )
        terms.append(pricing)
        world.pricing[account.pk] = pricing
        if rng.random() < 0.3:
            for product in rng.sample(world.products, rng.randint(1, 2)):
                fixed = rng.random() < 0.5
                prices.append(
                    AccountPrice(
                        account=named, product=product, currency=account.currency,
                        unit_price=world.price_in(product.list_price * Decimal("0.9"), account.currency, world.today) if fixed else None,
                        discount_percent=None if fixed else Decimal(rng.choice((5, 8, 10, 12))),
                        valid_until=world.today.replace(month=12, day=31) if rng.random() < 0.6 else None,
                        note=rng.choice(NEGOTIATED_NOTES),
                    )
                )
    ctx.bulk_create(AccountPricing, terms)
    ctx.bulk_create(AccountPrice, prices)
