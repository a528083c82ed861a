"""``{{ amount|money:currency }}`` and ``{{ value|percent }}`` (:mod:`tandem.commercial.formatting`)."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.commercial.formatting import money_text, percent_text

register = template.Library()


@register.filter
def money(amount: Any, currency: str = "") -> str:
    return money_text(amount, currency)


@register.filter
def percent(value: Any) -> str:
    return percent_text(value)
