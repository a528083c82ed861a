"""Meetings (single or a recurring series) with their action items."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q

from tandem.clients.models import Account, Contact, FollowUp, Interaction
from tandem.core.models import BusinessModel
from tandem.delivery.models import Project, Task
from tandem.governance.models.common import USER


class MeetingKind(models.TextChoices):
    STATUS = "status", "Status meeting"
    KICKOFF = "kickoff", "Kickoff"
    QBR = "qbr", "Quarterly business review"
    RETROSPECTIVE = "retrospective", "Retrospective"
    STEERING = "steering", "Steering committee"
    OTHER = "other", "Meeting"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MeetingSeries(BusinessModel):
    """A recurring meeting: an RFC 5545 ``RRULE`` from ``first_starts_at`` in
    ``time_zone`` (wall-clock times stay put across daylight-saving changes).
    Its occurrences are :class:`Meeting` rows (``series`` set, ``recurrence_id`` the
    start the rule gave them), made ahead up to a horizon so each can carry its own
    agenda, notes, attendance and action items."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="meeting_series")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="meeting_series")
    kind = models.CharField(max_length=16, choices=MeetingKind.choices, default=MeetingKind.STATUS)
    title = models.CharField(max_length=200)
    rrule = models.CharField(max_length=500, help_text="An RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO")
    first_starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=30)
    time_zone = models.CharField(max_length=64, default="UTC")
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    agenda = models.TextField(blank=True, help_text="The standing agenda each occurrence starts from.")
    organizer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    users: models.ManyToManyField[Any, Any] = models.ManyToManyField(USER, blank=True, related_name="meeting_series")
    contacts = models.ManyToManyField(Contact, blank=True, related_name="meeting_series")
    ends_on = models.DateField(null=True, blank=True, help_text="Set when the series is stopped.")

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(account__isnull=False), name="meeting_series_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(BusinessModel):
    """One meeting, linked to a project and / or an account. Attendees are users and
    client contacts; when contacts attended and it is held, ``interaction`` is the
    account timeline's entry for it."""

    series = models.ForeignKey(MeetingSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="meetings")
    recurrence_id = models.DateTimeField(null=True, blank=True, help_text="The start the series' rule gave it.")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="meetings")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=16, choices=MeetingKind.choices, default=MeetingKind.STATUS)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    organizer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    users: models.ManyToManyField[Any, Any] = models.ManyToManyField(USER, blank=True, related_name="meetings")
    contacts = models.ManyToManyField(Contact, blank=True, related_name="meetings")
    interaction = models.OneToOneField(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting",
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(account__isnull=False), name="meeting_has_subject",
            ),
            models.UniqueConstraint(fields=["series", "recurrence_id"], name="meeting_series_occurrence_unique"),
        ]
        indexes = [
            models.Index(fields=["project", "-starts_at"], name="meeting_project_idx"),
            models.Index(fields=["account", "-starts_at"], name="meeting_account_idx"),
            models.Index(fields=["-starts_at", "-id"], name="meeting_time_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class ActionItem(BusinessModel):
    """A next step agreed in a meeting: an owner and a due date. It becomes a project
    task (``task``) or an account follow-up (``follow_up``) in one step."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items")
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items",
    )

    class Meta:
        ordering = ["meeting", "position", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="action_item_owner_idx")]

    def __str__(self) -> str:
        return self.description
