"""The whole organisation's forecast, summed ahead of time by the database.

The forecast of an executive or an admin (everything they may see, no owner or account
filter) adds up every open deal, active contract and unbilled milestone of the next
twelve months: read row by row, it grows with the organisation. These two tables hold
the same sums, bounded by the months, currencies and categories instead of the records,
and are kept by the database itself, in the transaction of every write, by the triggers
of migration ``commercial.0006_forecast_sums``: like an index, no write path (services, bulk imports, the demo, a raw ``DELETE``) can
leave them behind. Money is held in integer cents, so adding and taking away is exact.

* :class:`ForecastMonthSum` - per kind (an open deal, or an unbilled milestone of an
  active or in-negotiation contract), month (of the expected close / due date), currency
  and forecast category (deals; milestones have none): Σ amount in cents, Σ amount in cents ×
  probability (deals), and how many records. A deal in category "omitted" is not in it.
* :class:`ContractedSum` - per first month and last month of an **active** contract
  (the first days of its start and end months; open-ended: :data:`OPEN_ENDED`) and
  currency: Σ monthly amount in cents and how many contracts.

A row whose records are all gone is deleted by the same trigger. Nothing in the
application writes these tables; :func:`tandem.commercial.selectors.forecast.forecast_sums_recomputed`
recomputes them from the records (the tests compare the two after every kind of write).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from tandem.commercial.models.fields import currency

OPEN_ENDED = dt.date(9999, 12, 1)


class ForecastSumKind(models.TextChoices):
    DEAL = "deal", "Open deal"
    MILESTONE = "milestone", "Unbilled milestone"


class ForecastMonthSum(models.Model):
    kind = models.CharField(max_length=10, choices=ForecastSumKind.choices)
    month = models.DateField(help_text="The first day of the month of the expected close or due date.")
    currency = currency()
    category = models.CharField(max_length=16, blank=True)
    amount_cents = models.BigIntegerField(default=0)
    weighted_cents = models.BigIntegerField(default=0, help_text="Σ amount in cents × probability (percent).")
    entries = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "month", "currency", "category"], name="forecast_month_sum_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.month} {self.currency} {self.category}"


class ContractedSum(models.Model):
    first_month = models.DateField()
    last_month = models.DateField()
    currency = currency()
    monthly_cents = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first_month", "last_month", "currency"], name="contracted_sum_key"),
        ]

    def __str__(self) -> str:
        return f"{self.first_month} → {self.last_month} {self.currency}"
