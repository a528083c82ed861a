"""Money as pages write it: thousands separated, two decimals, then the currency code
("12,500.00 EUR", "−1,160.00 EUR"); percentages with one decimal ("80.0 %")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def money_text(amount: Any, currency: str = "") -> str:
    if amount is None or amount == "":
        return ""
    value = Decimal(amount)
    text = f"{abs(value):,.2f}"
    sign = "\u2212" if value < 0 else ""
    return f"{sign}{text} {currency}".strip()


def percent_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(value)
    sign = "\u2212" if number < 0 else ""
    return f"{sign}{abs(number):,.1f} %"
