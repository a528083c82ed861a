"""The plan: a task tree (WBS) with durations in working time, three-point estimates,
assignees, progress and scheduled dates; dependencies between tasks; baselines.

A task's ``parent`` and ``position`` (its place among its siblings) are the tree; the
plan services keep ``wbs`` ("1.2.3"), ``outline_level``, ``outline_index`` (its place in
the whole tree read top to bottom, so one ORDER BY lists it) and ``is_summary`` true.
The scheduling service writes ``early_*``, ``late_*``, ``total_float_minutes`` and
``is_critical`` (tandem.delivery.scheduling); a summary task's dates and progress roll up
from its children.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tandem.commercial.models.fields import currency, money
from tandem.core.models import BusinessModel
from tandem.delivery.models.projects import Project

USER = settings.AUTH_USER_MODEL


class TaskStatus(models.TextChoices):
    TO_DO = "to_do", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


class TaskPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class ConstraintKind(models.TextChoices):
    """MS Project's constraint types, in MSPDI's order (``ConstraintType`` 0–7)."""

    ASAP = "asap", "As soon as possible"
    ALAP = "alap", "As late as possible"
    MSO = "mso", "Must start on"
    MFO = "mfo", "Must finish on"
    SNET = "snet", "Start no earlier than"
    SNLT = "snlt", "Start no later than"
    FNET = "fnet", "Finish no earlier than"
    FNLT = "fnlt", "Finish no later than"


class Task(BusinessModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0, help_text="Its place among its siblings.")
    outline_index = models.PositiveIntegerField(default=0, editable=False)
    outline_level = models.PositiveSmallIntegerField(default=1, editable=False)
    wbs = models.CharField("WBS", max_length=64, blank=True, editable=False)
    is_summary = models.BooleanField(default=False, editable=False)
    external_id = models.CharField(max_length=64, blank=True, help_text="Its id in an imported plan.")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    is_milestone = models.BooleanField(default=False)
    duration_minutes = models.PositiveIntegerField(default=0, help_text="Working minutes.")
    work_minutes = models.PositiveIntegerField(default=0, help_text="Estimated effort, in minutes.")
    optimistic_minutes = models.PositiveIntegerField(null=True, blank=True)
    likely_minutes = models.PositiveIntegerField(null=True, blank=True)
    pessimistic_minutes = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.TO_DO)
    percent_complete = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    priority = models.CharField(max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    constraint_type = models.CharField(max_length=4, choices=ConstraintKind.choices, default=ConstraintKind.ASAP)
    constraint_date = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, help_text="When a milestone is due.")
    completed_on = models.DateField(null=True, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_finish = models.DateTimeField(null=True, blank=True)
    early_start = models.DateTimeField(null=True, blank=True, editable=False)
    early_finish = models.DateTimeField(null=True, blank=True, editable=False)
    late_start = models.DateTimeField(null=True, blank=True, editable=False)
    late_finish = models.DateTimeField(null=True, blank=True, editable=False)
    total_float_minutes = models.IntegerField(null=True, blank=True, editable=False)
    is_critical = models.BooleanField(default=False, editable=False)
    assignees: models.ManyToManyField[Any, Any] = models.ManyToManyField(USER, through="delivery.TaskAssignment", related_name="tasks", blank=True)

    audit_select_related: ClassVar[tuple[str, ...]] = ("project",)

    class Meta:
        ordering = ["project", "outline_index", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(optimistic_minutes__isnull=True) | Q(likely_minutes__isnull=True)
                           | Q(optimistic_minutes__lte=F("likely_minutes"))),
                name="task_optimistic_le_likely",
            ),
            models.CheckConstraint(
                condition=(Q(pessimistic_minutes__isnull=True) | Q(likely_minutes__isnull=True)
                           | Q(likely_minutes__lte=F("pessimistic_minutes"))),
                name="task_likely_le_pessimistic",
            ),
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="task_percent_range"),
        ]
        indexes = [
            models.Index(fields=["project", "outline_index"], name="task_outline_idx"),
            models.Index(fields=["project", "parent", "position"], name="task_siblings_idx"),
            models.Index(fields=["project", "status"], name="task_status_idx"),
            models.Index(fields=["project", "external_id"], name="task_external_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class TaskAssignment(BusinessModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="task_assignments")
    units = models.DecimalField(
        max_digits=5, decimal_places=2, default=100, validators=[MinValueValidator(0)],
        help_text="Share of their time, in percent.",
    )

    audit_select_related: ClassVar[tuple[str, ...]] = ("task", "user")

    class Meta:
        ordering = ["task", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="task_assignment_unique")]
        indexes = [models.Index(fields=["user", "task"], name="task_assignment_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.task}"


class LinkKind(models.TextChoices):
    FS = "FS", "Finish to start"
    SS = "SS", "Start to start"
    FF = "FF", "Finish to finish"
    SF = "SF", "Start to finish"


class Dependency(BusinessModel):
    """``successor`` depends on ``predecessor``; ``lag_minutes`` is working time after
    (negative: a lead, before)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(max_length=2, choices=LinkKind.choices, default=LinkKind.FS)
    lag_minutes = models.IntegerField(default=0)

    audit_select_related: ClassVar[tuple[str, ...]] = ("predecessor", "successor")

    class Meta:
        verbose_name_plural = "dependencies"
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="dependency_not_self"),
        ]
        indexes = [models.Index(fields=["successor"], name="dependency_successor_idx")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Baseline(BusinessModel):
    """The plan as it stood when saved: each task's dates, work and cost, and the
    project's totals, to measure variance against."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=100)
    saved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    start = models.DateTimeField(null=True, blank=True)
    finish = models.DateTimeField(null=True, blank=True)
    work_minutes = models.PositiveIntegerField(default=0)
    cost = money("cost", default=0)
    currency = currency()

    audit_money_fields: ClassVar[dict[str, str]] = {"cost": "currency"}

    class Meta:
        ordering = ["project", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="baseline_unique_name")]

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    """One task's row in a baseline (written once, with its baseline)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="rows")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="baseline_rows")
    start = models.DateTimeField(null=True, blank=True)
    finish = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=0)
    work_minutes = models.PositiveIntegerField(default=0)
    cost = money("cost", default=0)

    class Meta:
        ordering = ["baseline", "task__outline_index"]
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="baseline_task_unique")]

    def __str__(self) -> str:
        return f"{self.baseline}: {self.task_id}"
