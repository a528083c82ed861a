"""Template filters of the pipeline pages: money with its currency, owner initials."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.core.history import format_money

register = template.Library()


@register.filter
def money(value: Any, currency: str = "") -> str:
    """``{{ amount|money:currency }}`` → "€1,250.00", "1,250.00 CHF"."""
    if value is None or value == "":
        return ""
    return format_money(value, currency or "")


@register.filter
def initials(user: Any) -> str:
    """"Alex Morgan" → "AM" (the e-mail's first letter when there is no name)."""
    if user is None:
        return ""
    name = (getattr(user, "full_name", "") or "").strip()
    if name:
        return "".join(part[0] for part in name.split()[:2]).upper()
    return (getattr(user, "email", "") or "?")[:1].upper()
