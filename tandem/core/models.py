"""Base models shared by every app, and the audit trail."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BusinessModel(TimeStampedModel):
    """A record people create and edit.

    Every subclass is audited (``tandem.core.audit``) and carries ``version``, bumped by
    each update through ``tandem.core.services.model_update``, which refuses a write
    made against an older version (HTTP 409 / a form message) instead of overwriting.
    ``audit_exclude`` names fields kept out of the history (secrets, derived values).
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    audit_exclude: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", "created"
    UPDATE = "update", "updated"
    DELETE = "delete", "deleted"
    LOGIN = "login", "logged in"
    LOGOUT = "logout", "logged out"
    LOGIN_FAILED = "login_failed", "failed to log in"


class AuditEntry(models.Model):
    """One change to one record: who, when, what, old → new.

    Written inside the same transaction as the change, so it rolls back with it.
    ``changes`` maps each changed field to ``[old, new]`` (JSON-safe values).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            # "Sign-in activity", newest first: reads only the sign-in rows, a small part
            # of the trail (a partial index would serve too, but SQLite cannot prove a
            # bound ``IN`` list implies its condition, so it would not use it).
            models.Index(fields=["action", "-at", "-id"], name="audit_action_idx"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def change_rows(self) -> list[tuple[str, Any, Any]]:
        return [(field, pair[0], pair[1]) for field, pair in sorted(self.changes.items())]


class Notification(models.Model):
    """An in-app message for one user (the top bar shows the unread count).

    ``key`` de-duplicates: one notification per recipient and key (e.g. the daily
    "needs attention" digest of a date), so a re-run job does not notify twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ScheduledRun(models.Model):
    """One enqueued run of a periodic job (``tandem.core.schedule``). The unique key
    (job name and local date) makes sure several workers enqueue it once."""

    key = models.CharField(max_length=200, unique=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return self.key


class SearchEntry(models.Model):
    """One searchable record in the global search (``tandem.core.search``).

    The text lives here once per record; the full-text index over it is the database's
    own: an FTS5 table kept in step by triggers on SQLite, a generated ``tsvector``
    column with a GIN index on PostgreSQL (migration ``0003_search``).
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="search_entry_unique"),
        ]
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return self.title


class SavedViewVisibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    TEAM = "team", "My team"


class SavedView(BusinessModel):
    """The filters and sort of one list page saved under a name (``tandem.core.lists``).

    ``query`` is the list's query string (filters and sort, never the page). A team view
    is shared with the team its owner belonged to when it was saved: ``team_id`` is a
    plain integer because ``core`` knows nothing of the people app (the team is read
    through :func:`tandem.core.saved_views.team_id_of`, a hook the people app may
    replace).
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    list_key = models.CharField(max_length=50)
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000, blank=True)
    visibility = models.CharField(
        max_length=10, choices=SavedViewVisibility.choices, default=SavedViewVisibility.PRIVATE
    )
    team_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "list_key", "name"], name="saved_view_unique_name"),
            models.CheckConstraint(
                condition=models.Q(visibility="private") | models.Q(team_id__isnull=False),
                name="saved_view_team_has_team",
            ),
        ]
        indexes = [
            models.Index(fields=["list_key", "owner"], name="saved_view_owner_idx"),
            models.Index(fields=["list_key", "team_id"], name="saved_view_team_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Sequence(models.Model):
    """A named counter for numbered records (quotes ``Q-2026-0042``, contracts): drawn
    with :func:`tandem.core.sequences.next_value`, one ``UPDATE … SET value = value + 1``
    that locks the row until the caller's transaction ends, so parallel creators never
    draw the same number."""

    name = models.CharField(max_length=100, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"
