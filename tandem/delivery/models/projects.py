"""Projects: what is delivered for an account (or internally), with its scope,
objectives, deliverables, team, dates, budget and status."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from tandem.commercial.models.fields import currency, money
from tandem.core.models import BusinessModel
from tandem.delivery.models.calendars import Calendar

USER = settings.AUTH_USER_MODEL


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


# The moves a project's status may make (any other is refused with a sentence).
STATUS_MOVES: dict[str, frozenset[str]] = {
    ProjectStatus.PROPOSED: frozenset({ProjectStatus.PLANNING, ProjectStatus.CANCELLED}),
    ProjectStatus.PLANNING: frozenset({ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.CANCELLED}),
    ProjectStatus.ACTIVE: frozenset({ProjectStatus.ON_HOLD, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}),
    ProjectStatus.ON_HOLD: frozenset({ProjectStatus.PLANNING, ProjectStatus.ACTIVE, ProjectStatus.CANCELLED}),
    ProjectStatus.COMPLETED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
}
OPEN_STATUSES = (ProjectStatus.PROPOSED, ProjectStatus.PLANNING, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


class BillingType(models.TextChoices):
    FIXED_FEE = "fixed_fee", "Fixed fee"
    TIME_AND_MATERIALS = "time_and_materials", "Time and materials"
    RETAINER = "retainer", "Retainer"
    NON_BILLABLE = "non_billable", "Not billable"


class Project(BusinessModel):
    """A project for an account (``account`` empty: an internal project). It may come
    from a contract or a commercial project request. ``calendar`` empty: the
    organisation calendar. ``is_template``: a plan to copy, not work to deliver.

    ``scheduled_start`` / ``scheduled_finish`` are the schedule's result (kept by the
    scheduling service, never typed); ``start_date`` / ``due_date`` are what was agreed.
    """

    account = models.ForeignKey(
        "clients.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="projects",
    )
    contract = models.ForeignKey(
        "commercial.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
    )
    project_request = models.OneToOneField(
        "commercial.ProjectRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="project",
    )
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    manager = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_projects")
    sponsor = models.ForeignKey(
        "clients.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_projects",
        help_text="The client's sponsor.",
    )
    status = models.CharField(max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    scope_statement = models.TextField(blank=True)
    in_scope = models.TextField(blank=True)
    out_of_scope = models.TextField(blank=True)
    start_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    scheduled_start = models.DateTimeField(null=True, blank=True, editable=False)
    scheduled_finish = models.DateTimeField(null=True, blank=True, editable=False)
    budget = money("budget", default=0)
    currency = currency()
    budget_hours = models.DecimalField(max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    billing_type = models.CharField(max_length=24, choices=BillingType.choices, default=BillingType.FIXED_FEE)
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")
    is_template = models.BooleanField(default=False)
    template = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies",
        help_text="The template this project's plan was copied from.",
    )

    audit_money_fields: ClassVar[dict[str, str]] = {"budget": "currency"}

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0) & Q(budget_hours__gte=0), name="project_budget_positive"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=F("start_date")), name="project_due_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "code"], name="project_status_idx"),
            models.Index(fields=["manager", "status"], name="project_manager_idx"),
            models.Index(fields=["account", "status"], name="project_account_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectMember(BusinessModel):
    """Someone on the project's team (the manager is a member too)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="project_memberships")
    role = models.CharField(max_length=100, blank=True, help_text="What they do on this project.")

    audit_select_related: ClassVar[tuple[str, ...]] = ("user", "project")

    class Meta:
        ordering = ["project", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_member_unique")]
        indexes = [models.Index(fields=["user", "project"], name="project_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.project.code}"


class Objective(BusinessModel):
    """A measurable objective: from ``baseline_value`` towards ``target_value``,
    ``current_value`` measured now, in ``unit``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. %, hours, tickets a week.")
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    target_value = models.DecimalField(max_digits=14, decimal_places=2)
    current_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return self.title


class AcceptanceState(models.TextChoices):
    PENDING = "pending", "Not yet delivered"
    SUBMITTED = "submitted", "Waiting for acceptance"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Deliverable(BusinessModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deliverables")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    acceptance_state = models.CharField(max_length=12, choices=AcceptanceState.choices, default=AcceptanceState.PENDING)
    accepted_on = models.DateField(null=True, blank=True)
    accepted_by = models.CharField(max_length=200, blank=True, help_text="Who accepted it for the client.")
    task = models.ForeignKey(
        "delivery.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverables",
        help_text="The task or milestone that produces it.",
    )

    class Meta:
        ordering = ["project", "due_date", "id"]

    def __str__(self) -> str:
        return self.name
