"""iCalendar feeds: a person's (meetings, tasks due, milestones) or a project's,
behind a secret token stored hashed and revocable."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.delivery.models import Project

USER = settings.AUTH_USER_MODEL


class CalendarFeed(models.Model):
    """A subscription link. ``token_hash`` is the SHA-256 of the secret in the URL (the
    secret itself is shown once, when made); ``project`` empty means the owner's own
    feed. A revoked feed answers 404."""

    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="calendar_feeds")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=8, help_text="The secret's last characters, to tell links apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "revoked_at"], name="calendar_feed_owner_idx")]

    def __str__(self) -> str:
        return f"…{self.token_hint}"
