"""Exchange rates: entered one by one on the settings page or the API, or imported from
a CSV file ``date,currency,rate`` (``tandem import rates FILE``, the upload on the
settings page).

``rate`` is how many units of the base currency buy one unit of ``currency`` from
``date`` on. Only administrators change rates. The base currency itself has no rate (it
is always 1).

An import is all-or-nothing: every row is checked first and each problem names its row
(the header is row 1) and column; with any problem nothing is written. It is
idempotent: a (date, currency) already known takes the file's rate (updated), the same
rate changes nothing (unchanged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.commercial.currency import base_currency
from tandem.commercial.models import ExchangeRate
from tandem.core.permissions import require_change, require_create, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor

RATE_FIELDS = ("date", "currency", "rate")
IMPORT_COLUMNS = ("date", "currency", "rate")
MAX_RATE = Decimal("9999999999")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(RATE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].strip().upper()
    if data.get("currency") and data["currency"] == base_currency():
        raise ValidationError({"currency": f"{data['currency']} is the base currency: its rate is always 1."})
    rate = data.get("rate")
    if rate is not None and Decimal(rate) <= 0:
        raise ValidationError({"rate": "A rate is more than 0."})
    return data


def _require(actor: SystemActor, check: Any, *args: Any) -> None:
    if actor is not None:
        check(actor, *args)


@transaction.atomic
def exchange_rate_create(*, actor: SystemActor, data: dict[str, Any]) -> ExchangeRate:
    _require(actor, require_create, ExchangeRate)
    data = _clean(data)
    if "date" in data and ExchangeRate.objects.filter(currency=data.get("currency", ""), date=data["date"]).exists():
        raise ValidationError({"date": f"There is already a {data['currency']} rate on {data['date']}: change that one."})
    return model_create(actor=actor, model=ExchangeRate, data=data)


@transaction.atomic
def exchange_rate_update(
    *, actor: SystemActor, exchange_rate: ExchangeRate, data: dict[str, Any], expected_version: int | None = None
) -> ExchangeRate:
    _require(actor, require_change, exchange_rate)
    data = _clean(data)
    currency = data.get("currency", exchange_rate.currency)
    date = data.get("date", exchange_rate.date)
    if ExchangeRate.objects.filter(currency=currency, date=date).exclude(pk=exchange_rate.pk).exists():
        raise ValidationError({"date": f"There is already a {currency} rate on {date}."})
    return model_update(actor=actor, instance=exchange_rate, data=data, expected_version=expected_version)


@transaction.atomic
def exchange_rate_delete(*, actor: SystemActor, exchange_rate: ExchangeRate, expected_version: int | None = None) -> None:
    _require(actor, require_delete, exchange_rate)
    model_delete(actor=actor, instance=exchange_rate, expected_version=expected_version)


# --- Import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    """What an import did: counts, or (with ``errors``) why nothing was written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def _parse_row(number: int, row: Mapping[str, Any], base: str, errors: list[RowError]) -> tuple[dt.date, str, Decimal] | None:
    found = len(errors)
    raw_date = str(row.get("date") or "").strip()
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError:
        errors.append(RowError(number, "date", f"“{raw_date}” is not a date: write it as 2031-01-31."))
        date = None
    currency = str(row.get("currency") or "").strip().upper()
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        errors.append(RowError(number, "currency", f"“{currency}” is not a three-letter currency code such as USD."))
    elif currency == base:
        errors.append(RowError(number, "currency", f"{currency} is the base currency: its rate is always 1."))
    raw_rate = str(row.get("rate") or "").strip()
    rate: Decimal | None = None
    try:
        rate = Decimal(raw_rate)
        if not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
            raise InvalidOperation
        exponent = rate.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -10:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(RowError(number, "rate", f"“{raw_rate}” is not a rate: write a number above 0 with at most 10 decimals, e.g. 0.9215."))
        rate = None
    if len(errors) > found or date is None or rate is None:
        return None
    return date, currency, rate


def exchange_rates_check(rows: Iterable[Mapping[str, Any]], *, header: Iterable[str] | None = None) -> tuple[list[tuple[int, dt.date, str, Decimal]], list[RowError]]:
    """Parse and check the rows (numbered from 2: the header is row 1); the checked rows
    and every problem."""
    errors: list[RowError] = []
    if header is not None:
        names = [name.strip().lower() for name in header]
        for column in IMPORT_COLUMNS:
            if column not in names:
                errors.append(RowError(1, column, f"The file has no “{column}” column: its first line must be date,currency,rate."))
        if errors:
            return [], errors
    base = base_currency()
    parsed: list[tuple[int, dt.date, str, Decimal]] = []
    seen: dict[tuple[dt.date, str], int] = {}
    for number, row in enumerate(rows, start=2):
        row = {str(key).strip().lower(): value for key, value in row.items() if key is not None}
        result = _parse_row(number, row, base, errors)
        if result is None:
            continue
        date, currency, rate = result
        if (date, currency) in seen:
            errors.append(RowError(number, "date", f"{currency} on {date.isoformat()} is already on row {seen[(date, currency)]}."))
            continue
        seen[(date, currency)] = number
        parsed.append((number, date, currency, rate))
    return parsed, errors


@transaction.atomic
def exchange_rates_import(
    *, actor: SystemActor, rows: Iterable[Mapping[str, Any]], header: Iterable[str] | None = None
) -> ImportResult:
    """Import ``date,currency,rate`` rows: all or nothing, idempotent (see the module
    docstring). Nothing is written when ``errors`` is not empty."""
    _require(actor, require_create, ExchangeRate)
    parsed, errors = exchange_rates_check(rows, header=header)
    result = ImportResult(errors=errors)
    if errors:
        return result
    currencies = {currency for _, _, currency, _ in parsed}
    known = {
        (row.date, row.currency): row
        for row in ExchangeRate.objects.select_for_update().filter(currency__in=currencies)
    }
    for _number, date, currency, rate in parsed:
        current = known.get((date, currency))
        if current is None:
            model_create(actor=actor, model=ExchangeRate, data={"date": date, "currency": currency, "rate": rate})
            result.created += 1
        elif Decimal(current.rate) == rate:
            result.unchanged += 1
        else:
            model_update(actor=actor, instance=current, data={"rate": rate})
            result.updated += 1
    return result
