"""The field shapes every commercial model shares: money and its currency."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

CURRENCY_VALIDATOR = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code in capitals, e.g. EUR.")


def money(verbose_name: str | None = None, **kwargs: Any) -> models.DecimalField[Any, Any]:
    """An amount in its record's currency: 14 digits before the point, 2 after."""
    kwargs.setdefault("max_digits", 16)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)


def currency(**kwargs: Any) -> models.CharField[Any, Any]:
    kwargs.setdefault("default", "EUR")
    return models.CharField("currency", max_length=3, validators=[CURRENCY_VALIDATOR], **kwargs)


def percent(verbose_name: str, **kwargs: Any) -> models.DecimalField[Any, Any]:
    """A percentage 0–100 with two decimals (discounts)."""
    kwargs.setdefault("default", 0)
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)], **kwargs,
    )
