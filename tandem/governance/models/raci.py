"""Stakeholders and the RACI matrix of a project."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tandem.clients.models import Contact
from tandem.core.models import BusinessModel
from tandem.delivery.models import Deliverable, Project, Task
from tandem.governance.models.common import USER, user_xor_contact

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class CommunicationChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    CHAT = "chat", "Chat"
    REPORT = "report", "Written report"


class CommunicationFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    MILESTONES = "milestones", "At milestones"
    AS_NEEDED = "as_needed", "As needed"


class Stakeholder(BusinessModel):
    """Someone with a stake in a project: a user or a client contact (no login).
    Influence and interest (1–5) place them on the grid; ``receives_status_reports``
    says the published reports go to them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stakeholders")
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.CASCADE, related_name="stakes")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="stakes")
    role = models.CharField(max_length=150, blank=True, help_text="e.g. sponsor, end user, finance approver")
    influence = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, default=3)
    interest = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, default=3)
    channel = models.CharField(max_length=12, choices=CommunicationChannel.choices, default=CommunicationChannel.EMAIL)
    frequency = models.CharField(
        max_length=12, choices=CommunicationFrequency.choices, default=CommunicationFrequency.FORTNIGHTLY,
    )
    receives_status_reports = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "-influence", "-interest", "id"]
        constraints = [
            user_xor_contact("stakeholder_user_xor_contact"),
            models.UniqueConstraint(fields=["project", "user"], name="stakeholder_project_user"),
            models.UniqueConstraint(fields=["project", "contact"], name="stakeholder_project_contact"),
            models.CheckConstraint(condition=Q(influence__gte=1, influence__lte=5), name="stakeholder_influence_1_5"),
            models.CheckConstraint(condition=Q(interest__gte=1, interest__lte=5), name="stakeholder_interest_1_5"),
        ]

    def __str__(self) -> str:
        return str(self.user or self.contact)


class RaciRowKind(models.TextChoices):
    DELIVERABLE = "deliverable", "Deliverable"
    TASK = "task", "Task"
    ACTIVITY = "activity", "Activity"


class RaciRow(BusinessModel):
    """A row of a project's RACI matrix: a deliverable, a task, or a named activity."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="raci_rows")
    kind = models.CharField(max_length=12, choices=RaciRowKind.choices)
    deliverable = models.ForeignKey(Deliverable, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="raci_rows")
    activity = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="deliverable", deliverable__isnull=False, task__isnull=True)
                    | Q(kind="task", task__isnull=False, deliverable__isnull=True)
                    | (Q(kind="activity", task__isnull=True, deliverable__isnull=True) & ~Q(activity=""))
                ),
                name="raci_row_kind_matches",
            ),
            models.UniqueConstraint(fields=["project", "task"], name="raci_row_project_task"),
            models.UniqueConstraint(fields=["project", "deliverable"], name="raci_row_project_deliverable"),
        ]

    def __str__(self) -> str:
        return self.activity or str(self.task or self.deliverable)


class RaciLetter(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class RaciCell(models.Model):
    """One letter in the matrix: a row and a person (user or client contact)."""

    row = models.ForeignKey(RaciRow, on_delete=models.CASCADE, related_name="cells")
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.CASCADE, related_name="raci_cells")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="raci_cells")
    letter = models.CharField(max_length=1, choices=RaciLetter.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["row", "id"]
        constraints = [
            user_xor_contact("raci_cell_user_xor_contact"),
            models.UniqueConstraint(fields=["row", "user"], name="raci_cell_row_user"),
            models.UniqueConstraint(fields=["row", "contact"], name="raci_cell_row_contact"),
        ]
        indexes = [models.Index(fields=["user", "letter"], name="raci_cell_user_idx")]

    def __str__(self) -> str:
        return self.letter
