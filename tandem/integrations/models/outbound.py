"""What Tandem sends out: signed webhooks (Standard Webhooks) to subscribed endpoints
and chat messages to Slack and Microsoft Teams incoming webhooks, each message with its
attempts, retried with backoff until delivered or given up."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from tandem.core.models import BusinessModel
from tandem.delivery.models import Project
from tandem.people.models import Team

USER = settings.AUTH_USER_MODEL


class WebhookEndpoint(BusinessModel):
    """A receiver URL subscribed to event types (an empty list means every type).

    ``secret`` is ``whsec_<base64>``; while it is rotated, ``previous_secret`` signs too
    until ``previous_secret_expires_at``. After ``consecutive_failures`` reaches the
    configured run the endpoint is disabled (``disabled_at``) and its owner told."""

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"secret", "previous_secret"})

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    secret = models.CharField(max_length=120)
    previous_secret = models.CharField(max_length=120, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_endpoints")

    class Meta:
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.description or self.url


class ChatKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChatChannel(BusinessModel):
    """A Slack or Teams incoming webhook for one project or one team; what happens
    there (of ``event_types``, empty meaning all) is posted to it."""

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"url"})

    kind = models.CharField(max_length=8, choices=ChatKind.choices)
    name = models.CharField(max_length=120, help_text="e.g. #acme-rollout")
    url = models.URLField(max_length=500)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="chat_channels")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="chat_channels")
    event_types = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, team__isnull=True) | Q(project__isnull=True, team__isnull=False),
                name="chat_channel_project_xor_team",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OutboundStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RETRYING = "retrying", "Retrying"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class OutboundMessage(models.Model):
    """One message to one webhook endpoint or chat channel. ``message_id`` is the
    ``webhook-id`` (the same on every retry and replay of this message); ``body`` the
    exact bytes sent (signatures are over them)."""

    message_id = models.CharField(max_length=64, unique=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="messages",
    )
    channel = models.ForeignKey(ChatChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    event_type = models.CharField(max_length=80)
    body = models.TextField()
    status = models.CharField(max_length=12, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(endpoint__isnull=False, channel__isnull=True)
                           | Q(endpoint__isnull=True, channel__isnull=False)),
                name="outbound_message_endpoint_xor_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due_idx"),
            models.Index(fields=["endpoint", "-created_at"], name="outbound_endpoint_idx"),
            models.Index(fields=["channel", "-created_at"], name="outbound_channel_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"


class OutboundAttempt(models.Model):
    """One try of a message: the answer (status code and the start of its body) or the
    error, and the ``Retry-After`` the receiver asked for."""

    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    retry_after_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["message", "number"]
        constraints = [models.UniqueConstraint(fields=["message", "number"], name="outbound_attempt_number")]

    def __str__(self) -> str:
        return f"attempt {self.number}"
