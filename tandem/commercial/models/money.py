"""Money that moved or is planned: revenue entries by account and month, client
budgets per year, and expenses."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from tandem.commercial.models.fields import currency, money
from tandem.core.models import BusinessModel


class RevenueKind(models.TextChoices):
    RECURRING = "recurring", "Recurring"
    MILESTONE = "milestone", "Milestone / fixed fee"
    ONE_OFF = "one_off", "One-off"
    TIME_AND_MATERIALS = "time_and_materials", "Time and materials"


class RevenueEntry(BusinessModel):
    """Revenue recognised for an account in one month (``month`` is its first day).

    Recurring entries come from active contracts (one per contract and month),
    milestone entries from billed milestones (one per milestone), time-and-materials
    entries from billable time once delivery exists (``source_key`` names the batch
    they came from, so a re-run replaces instead of adding)."""

    account = models.ForeignKey("clients.Account", on_delete=models.CASCADE, related_name="revenue_entries")
    contract = models.ForeignKey(
        "commercial.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="revenue_entries"
    )
    milestone = models.OneToOneField(
        "commercial.BillingMilestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="revenue_entry"
    )
    opportunity = models.ForeignKey(
        "commercial.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="revenue_entries"
    )
    kind = models.CharField(max_length=24, choices=RevenueKind.choices)
    month = models.DateField(help_text="The first day of the month.")
    amount = money("amount")
    currency = currency()
    description = models.CharField(max_length=200, blank=True)
    source_key = models.CharField(max_length=100, blank=True)

    audit_money_fields: ClassVar[dict[str, str]] = {"amount": "currency"}

    class Meta:
        ordering = ["-month", "account", "id"]
        verbose_name_plural = "revenue entries"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "month"], condition=Q(kind="recurring") & Q(contract__isnull=False),
                name="revenue_recurring_once_per_month",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "month"], name="revenue_account_month_idx"),
            models.Index(fields=["month", "kind"], name="revenue_month_kind_idx"),
            # the revenue list by month (its default order, ``-month, -id``)
            models.Index(fields=["month", "id"], name="revenue_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m}"

    def clean(self) -> None:
        # Kept here, not as a CHECK on the day: a date-part CHECK needs a database
        # function that a plain SQLite connection (backup / restore) does not have.
        if self.month is not None and self.month.day != 1:
            raise ValidationError({"month": "Revenue is booked by month: use the first day of the month."})


class Budget(BusinessModel):
    """What a client plans to spend with us in a calendar year. Committed, won and
    billed figures are computed (``tandem.commercial.selectors``), never stored."""

    account = models.ForeignKey("clients.Account", on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField()
    amount = money("planned spend")
    currency = currency()
    notes = models.TextField(blank=True)

    audit_money_fields: ClassVar[dict[str, str]] = {"amount": "currency"}

    class Meta:
        ordering = ["-year", "account", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="budget_one_per_account_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} budget"


class Expense(BusinessModel):
    """A cost spent for an account (travel, licences, subcontractors). Counts in the
    account's profitability; delivery adds project expenses of its own."""

    account = models.ForeignKey("clients.Account", on_delete=models.CASCADE, related_name="expenses")
    date = models.DateField()
    category = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=200)
    amount = money("amount")
    currency = currency()
    is_billable = models.BooleanField(default=False)

    audit_money_fields: ClassVar[dict[str, str]] = {"amount": "currency"}

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="expense_amount_positive")]
        indexes = [models.Index(fields=["account", "date"], name="expense_account_date_idx")]

    def __str__(self) -> str:
        return self.description
