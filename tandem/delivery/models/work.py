"""Resources and actuals: allocations of people to projects, time entries (a weekly
timesheet per person, approved by the project manager) and project expenses."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tandem.commercial.models.fields import currency, money
from tandem.core.models import BusinessModel
from tandem.delivery.models.plan import Task
from tandem.delivery.models.projects import Project

USER = settings.AUTH_USER_MODEL


class Allocation(BusinessModel):
    """``user`` works ``hours_per_week`` on ``project`` from ``start_date`` to
    ``end_date`` (inclusive)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="allocations")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="allocations")
    start_date = models.DateField()
    end_date = models.DateField()
    hours_per_week = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    note = models.CharField(max_length=200, blank=True)

    audit_select_related: ClassVar[tuple[str, ...]] = ("project", "user")

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="allocation_dates_ordered"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=168), name="allocation_hours_range",
            ),
        ]
        indexes = [models.Index(fields=["user", "start_date", "end_date"], name="allocation_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.project.code}"


class TimeEntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Returned"


class TimeEntry(BusinessModel):
    """Hours one person spent on a project (and task) on a day. Submitted by the person,
    approved or returned by the project manager, locked once approved. ``cost_rate`` is
    the person's cost rate when the time was approved (restricted like the rate)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="time_entries")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="time_entries")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries")
    date = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(24)])
    is_billable = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=TimeEntryStatus.choices, default=TimeEntryStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(max_length=300, blank=True)
    cost_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, editable=False)
    cost_currency = models.CharField(max_length=3, blank=True, editable=False)

    audit_select_related: ClassVar[tuple[str, ...]] = ("project", "user")

    class Meta:
        verbose_name_plural = "time entries"
        ordering = ["-date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0) & Q(hours__lte=24), name="time_entry_hours_range"),
        ]
        indexes = [
            models.Index(fields=["user", "date"], name="time_entry_user_date_idx"),
            models.Index(fields=["project", "date"], name="time_entry_project_date_idx"),
            models.Index(fields=["project", "status"], name="time_entry_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date} {self.hours} h"


class ProjectExpense(BusinessModel):
    """Money spent for a project (travel, licences, subcontractors), with its receipt."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expenses")
    spent_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateField()
    category = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=200)
    amount = money("amount")
    currency = currency()
    is_billable = models.BooleanField(default=False)
    receipt = models.FileField(upload_to="receipts/%Y/%m/", blank=True)

    audit_money_fields: ClassVar[dict[str, str]] = {"amount": "currency"}

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="project_expense_amount_positive")]
        indexes = [models.Index(fields=["project", "date"], name="project_expense_date_idx")]

    def __str__(self) -> str:
        return self.description
