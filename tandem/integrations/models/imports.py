"""Import jobs: one row per file imported (or dry-run), with its progress checkpoint,
counts and row-level errors."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportSource(models.TextChoices):
    SALESFORCE = "salesforce", "Salesforce"
    HUBSPOT = "hubspot", "HubSpot"


class ImportObject(models.TextChoices):
    ACCOUNTS = "accounts", "Accounts"
    CONTACTS = "contacts", "Contacts"
    OPPORTUNITIES = "opportunities", "Opportunities"


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", "Dry run: checked, nothing written"
    INVALID = "invalid", "Refused: errors in the file, nothing written"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Stopped (can be resumed)"


class ImportJob(models.Model):
    """One import of one file. ``rows_done`` is committed with each batch, so a job
    that was killed resumes after the last committed batch (``tandem import`` with the
    same file, or the Resume button)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=16, choices=ImportSource.choices)
    object = models.CharField(max_length=16, choices=ImportObject.choices)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    stored_path = models.CharField(max_length=500, blank=True)
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    mapping = models.JSONField(default=dict)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="Up to 1,000 {row, column, message}.")
    warnings = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_job_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.get_object_display().lower()} from {self.file_name}"
