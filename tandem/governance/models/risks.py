"""The risk register (per project, or per account for relationship risks), its
exposure over time, and SWOT analyses whose items become risks or opportunities."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tandem.clients.models import Account, FollowUp
from tandem.commercial.models import Opportunity
from tandem.core.models import BusinessModel
from tandem.delivery.models import Project, Task
from tandem.governance.models.common import USER, project_xor_account

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class RiskCategory(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    BUDGET = "budget", "Budget"
    SCOPE = "scope", "Scope"
    RESOURCES = "resources", "Resources"
    TECHNICAL = "technical", "Technical"
    QUALITY = "quality", "Quality"
    CLIENT = "client", "Client relationship"
    COMMERCIAL = "commercial", "Commercial"
    EXTERNAL = "external", "External"


class RiskResponse(models.TextChoices):
    AVOID = "avoid", "Avoid"
    MITIGATE = "mitigate", "Mitigate"
    TRANSFER = "transfer", "Transfer"
    ACCEPT = "accept", "Accept"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    OCCURRED = "occurred", "Occurred"
    CLOSED = "closed", "Closed"


class Risk(BusinessModel):
    """A risk of one project or (relationship risks) one account. ``score`` =
    probability × impact (1–25), kept by the database. When it occurs, its contingency
    plan becomes tasks under ``contingency_task`` (a summary task) in one step."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="risks")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=RiskCategory.choices, default=RiskCategory.SCHEDULE)
    probability = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, help_text="1 (rare) to 5 (almost certain)")
    impact = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, help_text="1 (minor) to 5 (severe)")
    score = models.GeneratedField(
        expression=F("probability") * F("impact"), output_field=models.PositiveSmallIntegerField(), db_persist=True,
    )
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_risks")
    response = models.CharField(max_length=12, choices=RiskResponse.choices, default=RiskResponse.MITIGATE)
    mitigation_plan = models.TextField(blank=True)
    contingency_plan = models.TextField(blank=True, help_text="One step a line; each becomes a task if it occurs.")
    trigger = models.TextField(blank=True, help_text="The sign that it is happening.")
    review_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    occurred_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    raised_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contingency_task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="contingency_for",
        help_text="The summary task its contingency plan became.",
    )
    contingency_follow_ups = models.ManyToManyField(
        FollowUp, blank=True, related_name="contingency_for",
        help_text="The account follow-ups an account risk's contingency plan became.",
    )

    class Meta:
        ordering = ["-score", "title", "id"]
        constraints = [
            project_xor_account("risk_project_xor_account"),
            models.CheckConstraint(condition=Q(probability__gte=1, probability__lte=5), name="risk_probability_1_5"),
            models.CheckConstraint(condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"),
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="risk_project_status_idx"),
            models.Index(fields=["account", "status"], name="risk_account_status_idx"),
            models.Index(fields=["status", "review_date"], name="risk_review_idx"),
            models.Index(fields=["owner", "status"], name="risk_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class RiskExposure(models.Model):
    """Exposure of a project or account on a day: Σ probability × impact of its open
    risks and how many are open. Written (upserted) by every risk change and by the
    daily job, so the trend has a point for each day something was known."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    exposure = models.PositiveIntegerField(default=0)
    open_risks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            project_xor_account("risk_exposure_project_xor_account"),
            models.UniqueConstraint(fields=["project", "day"], name="risk_exposure_project_day"),
            models.UniqueConstraint(fields=["account", "day"], name="risk_exposure_account_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.exposure}"


class SwotQuadrant(models.TextChoices):
    STRENGTH = "strength", "Strengths"
    WEAKNESS = "weakness", "Weaknesses"
    OPPORTUNITY = "opportunity", "Opportunities"
    THREAT = "threat", "Threats"


class SwotAnalysis(BusinessModel):
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="swot_analyses")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="swot_analyses")
    title = models.CharField(max_length=200)
    context = models.TextField(blank=True, help_text="What the analysis is for.")
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [project_xor_account("swot_project_xor_account")]

    def __str__(self) -> str:
        return self.title


class SwotItem(BusinessModel):
    """One ordered item of a quadrant. A weakness or threat links to the risk it became,
    an opportunity to the sales opportunity."""

    analysis = models.ForeignKey(SwotAnalysis, on_delete=models.CASCADE, related_name="items")
    quadrant = models.CharField(max_length=12, choices=SwotQuadrant.choices)
    text = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="swot_items")
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="swot_items",
    )

    class Meta:
        ordering = ["analysis", "quadrant", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk__isnull=True) | Q(quadrant__in=["weakness", "threat"]), name="swot_risk_quadrant",
            ),
            models.CheckConstraint(
                condition=Q(opportunity__isnull=True) | Q(quadrant="opportunity"), name="swot_opportunity_quadrant",
            ),
        ]

    def __str__(self) -> str:
        return self.text
