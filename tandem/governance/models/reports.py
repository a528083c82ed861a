"""Status reports: a project's RAG and narrative for a period, drafted from the data."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from tandem.core.models import BusinessModel
from tandem.delivery.models import Project
from tandem.governance.models.common import USER, Rag


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class StatusReport(BusinessModel):
    """One report of one project for ``[period_start, period_end]`` (both inclusive).

    ``facts`` holds the statements the draft generator wrote, each with the link to the
    rows behind it: ``[{"section": "accomplishments", "text": "...", "url": "/..."}]``;
    ``metrics`` the figures it read (percent complete, CPI, SPI, burn, exposure, ...),
    so a published report keeps what it said even as the project moves on.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_reports")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    schedule_rag = models.CharField(max_length=8, choices=Rag.choices, default=Rag.GREEN)
    budget_rag = models.CharField(max_length=8, choices=Rag.choices, default=Rag.GREEN)
    scope_rag = models.CharField(max_length=8, choices=Rag.choices, default=Rag.GREEN)
    overall_rag = models.CharField(max_length=8, choices=Rag.choices, default=Rag.GREEN)
    summary = models.TextField(blank=True)
    accomplishments = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    facts = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["project", "-period_end", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="status_report_period_order"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="status_report_published_at",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "-period_end"], name="status_report_project_idx"),
            models.Index(fields=["status", "-published_at"], name="status_report_published_idx"),
        ]

    def __str__(self) -> str:
        return f"Status report {self.period_start:%d %b} – {self.period_end:%d %b %Y}"
