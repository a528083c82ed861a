"""What every part of the commercial demo shares: the day, the base currency and its
exchange rates, the stages, the catalog, the account managers and the number counters."""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tandem.commercial.models import Product, Stage, StageOutcome

CENT = Decimal("0.01")
# Units of euros for one unit of each currency, around which the monthly rates move.
EUR_PER_UNIT = {"EUR": Decimal("1"), "GBP": Decimal("1.165"), "USD": Decimal("0.915")}
RATE_PLACES = Decimal("0.000001")


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` ``months`` later (the last day of the month when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first``'s to ``last``'s, inclusive."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def quarter_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (today.month - 1) // 3 * 3 + 1
    start = dt.date(today.year, first_month, 1)
    return start, add_months(start, 3) - dt.timedelta(days=1)


def count(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def round_to(value: Decimal, step: int) -> Decimal:
    return (Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


@dataclass
class AccountRow:
    """The few fields of a client account the commercial rows depend on."""

    pk: int
    name: str
    currency: str
    owner_id: int | None
    lifecycle: str
    tier: str
    industry: str
    customer_since: dt.date | None
    churned_on: dt.date | None


@dataclass
class World:
    today: dt.date
    base: str
    first_month: dt.date  # of the exchange rates (and of every dated row)
    last_month: dt.date
    stages_open: list[Stage]
    stage_won: Stage
    stage_lost: Stage
    products: list[Product] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)  # active account managers' ids
    eur_rates: dict[tuple[str, dt.date], Decimal] = field(default_factory=dict)
    quote_numbers: dict[int, int] = field(default_factory=dict)
    contract_numbers: dict[int, int] = field(default_factory=dict)
    pricing: dict[int, Any] = field(default_factory=dict)  # account id -> AccountPricing

    @property
    def earliest(self) -> dt.date:
        return self.first_month

    def eur_per(self, currency: str, day: dt.date) -> Decimal:
        """Euros for one ``currency`` in ``day``'s month (the rate table's own values)."""
        if currency == "EUR":
            return Decimal(1)
        month = min(max(month_start(day), self.first_month), self.last_month)
        return self.eur_rates[currency, month]

    def base_rate(self, currency: str, day: dt.date) -> Decimal:
        """Units of the base currency for one ``currency`` (as the ExchangeRate rows say)."""
        if currency == self.base:
            return Decimal(1)
        return (self.eur_per(currency, day) / self.eur_per(self.base, day)).quantize(RATE_PLACES)

    def price_in(self, amount: Decimal, currency: str, day: dt.date) -> Decimal:
        """A base-currency price in ``currency``, rounded to a whole unit (price-list style)."""
        if currency == self.base:
            return Decimal(amount)
        return (Decimal(amount) / self.base_rate(currency, day)).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    def next_quote_number(self, year: int) -> str:
        self.quote_numbers[year] = self.quote_numbers.get(year, 0) + 1
        return f"Q-{year}-{self.quote_numbers[year]:04d}"

    def next_contract_number(self, year: int) -> str:
        self.contract_numbers[year] = self.contract_numbers.get(year, 0) + 1
        return f"C-{year}-{self.contract_numbers[year]:04d}"

    def stage_for(self, rng: random.Random, days_to_close: int) -> Stage:
        """An open stage: later stages for deals closing soon, early ones for far ones."""
        size = len(self.stages_open)
        if days_to_close < 45:
            weights = [1 + 3 * index for index in range(size)]
        elif days_to_close < 120:
            weights = [3 + (index if index < size - 1 else -1) for index in range(size)]
        else:
            weights = [size * 2 - 2 * index for index in range(size)]
        return rng.choices(self.stages_open, [max(1, weight) for weight in weights])[0]


def default_stages() -> list[Stage]:
    """The stages migration ``0002_default_stages`` seeds (``tandem demo --reset`` empties
    every business table, the seeded ones included), unsaved."""
    seeded = importlib.import_module("tandem.commercial.migrations.0002_default_stages")
    return [
        Stage(name=name, order=order, probability=probability, forecast_category=category, outcome=outcome)
        for name, order, probability, category, outcome in seeded.STAGES
    ]


def stages() -> tuple[list[Stage], Stage, Stage]:
    active = list(Stage.objects.filter(is_active=True).order_by("order", "id"))
    open_stages = [stage for stage in active if stage.outcome == StageOutcome.OPEN]
    won = next(stage for stage in active if stage.outcome == StageOutcome.WON)
    lost = next(stage for stage in active if stage.outcome == StageOutcome.LOST)
    return open_stages, won, lost


def monthly_eur_rates(rng: random.Random, first: dt.date, last: dt.date) -> dict[tuple[str, dt.date], Decimal]:
    """Plausible monthly rates: a slow swing of a few per cent around each currency's
    level, plus a little noise (deterministic)."""
    rates: dict[tuple[str, dt.date], Decimal] = {}
    for code, level in EUR_PER_UNIT.items():
        if code == "EUR":
            continue
        phase = rng.uniform(0, math.tau)
        for number, month in enumerate(months_between(first, last)):
            swing = 0.03 * math.sin(phase + number / 7) + rng.uniform(-0.006, 0.006)
            rates[code, month] = (level * Decimal(str(1 + swing))).quantize(RATE_PLACES)
    return rates
