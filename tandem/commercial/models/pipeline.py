"""The pipeline: configurable stages, opportunities (new, upsell, cross-sell, renewal)
with their lines, quotes built from those lines, and the project requests a won
opportunity hands to delivery."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from tandem.clients.models import Source
from tandem.commercial.models.catalog import PricingStrategy, Product
from tandem.commercial.models.fields import currency, money, percent
from tandem.core.models import BusinessModel

USER = settings.AUTH_USER_MODEL


class StageOutcome(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", "Pipeline"
    BEST_CASE = "best_case", "Best case"
    COMMIT = "commit", "Commit"
    CLOSED = "closed", "Closed"
    OMITTED = "omitted", "Omitted"


class Stage(BusinessModel):
    """A pipeline stage. The default set is filled by migration
    ``0002_default_stages``; admins rename, reorder and add stages on the settings
    page. ``outcome`` marks the closing stages (exactly one open set, won, lost)."""

    seeded_by_migrations: ClassVar[bool] = True

    name = models.CharField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    probability = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="Default win probability, %."
    )
    forecast_category = models.CharField(
        max_length=16, choices=ForecastCategory.choices, default=ForecastCategory.PIPELINE
    )
    outcome = models.CharField(max_length=8, choices=StageOutcome.choices, default=StageOutcome.OPEN)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_max"),
        ]

    def __str__(self) -> str:
        return self.name


class OpportunityType(models.TextChoices):
    NEW = "new", "New business"
    UPSELL = "upsell", "Upsell"
    CROSS_SELL = "cross_sell", "Cross-sell"
    RENEWAL = "renewal", "Renewal"


class OpportunityStatus(models.TextChoices):
    """Kept equal to the stage's outcome by the services (indexed for lists)."""

    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class Opportunity(BusinessModel):
    """A deal with an account. ``amount`` is the sum of the lines when
    ``amount_from_lines`` (kept by the line services), else entered. ``probability``
    starts at the stage's and may be overridden; the weighted amount is
    ``amount × probability / 100``."""

    account = models.ForeignKey("clients.Account", on_delete=models.CASCADE, related_name="opportunities")
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=16, choices=OpportunityType.choices, default=OpportunityType.NEW)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="opportunities")
    status = models.CharField(max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN)
    probability = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(0), MaxValueValidator(100)])
    amount = money("amount", default=0)
    currency = currency()
    amount_from_lines = models.BooleanField(default=False)
    expected_close_date = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities")
    next_step = models.CharField(max_length=255, blank=True)
    forecast_category = models.CharField(
        max_length=16, choices=ForecastCategory.choices, default=ForecastCategory.PIPELINE
    )
    lost_reason = models.CharField(max_length=200, blank=True)
    pricing_strategy = models.CharField(
        max_length=24, choices=PricingStrategy.choices, default=PricingStrategy.FIXED_FEE
    )
    description = models.TextField(blank=True)
    renews_contract = models.ForeignKey(
        "commercial.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewal_opportunities",
        help_text="For a renewal: the contract it renews.",
    )
    # Imports
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    external_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (NULLs never clash, as on Account)

    audit_money_fields: ClassVar[dict[str, str]] = {"amount": "currency"}

    class Meta:
        ordering = ["expected_close_date", "id"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="opportunity_external_id_unique"),
            # The renewal job is idempotent: one renewal opportunity per contract.
            models.UniqueConstraint(
                fields=["renews_contract"], condition=Q(type="renewal") & Q(renews_contract__isnull=False),
                name="opportunity_one_renewal_per_contract",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_amount_positive"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="opportunity_probability_max"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True) | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="opportunity_closed_on_when_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expected_close_date", "id"], name="opportunity_status_close_idx"),
            # the list unfiltered (an executive's "All opportunities"), by close date
            models.Index(fields=["expected_close_date", "id"], name="opportunity_close_idx"),
            models.Index(fields=["owner", "status", "expected_close_date", "id"], name="opportunity_owner_idx"),
            models.Index(fields=["account", "status", "expected_close_date"], name="opportunity_account_idx"),
            models.Index(fields=["stage", "expected_close_date", "id"], name="opportunity_stage_idx"),
            models.Index(fields=["status", "closed_on"], name="opportunity_closed_idx"),
            # The forecast's window of open deals, read from the index alone, in day order
            # (status leads, constant, so the planner sees the same equality as on the others).
            models.Index(
                fields=["status", "expected_close_date", "currency", "forecast_category", "amount", "probability", "owner", "account"],
                condition=Q(status="open"), name="opportunity_open_forecast_idx",
            ),
            models.Index(fields=["name", "id"], name="opportunity_name_idx"),
            models.Index(Lower("name"), name="opportunity_name_lower_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class OpportunityLine(BusinessModel):
    """``amount = quantity × unit_price × (1 − discount_percent / 100)``, rounded to
    cents half up (kept by the services)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="opportunity_lines")
    description = models.CharField(max_length=200, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, default=1)
    unit_price = money("unit price")
    discount_percent = percent("discount %")
    amount = money("amount", default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["opportunity", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="opportunity_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="opportunity_line_price_positive"),
        ]
        indexes = [models.Index(fields=["product", "opportunity"], name="opportunity_line_product_idx")]

    def __str__(self) -> str:
        return self.description or str(self.product or "line")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Superseded"


class Quote(BusinessModel):
    """A numbered offer built from an opportunity's lines. ``number`` (``Q-2026-0042``)
    is drawn from ``core.Sequence``; a new revision of the same offer keeps the number
    and raises ``revision``, and the previous one becomes superseded."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="quotes")
    number = models.CharField(max_length=32)
    revision = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    issued_on = models.DateField()
    valid_until = models.DateField()
    currency = currency()
    total = money("total", default=0)
    terms = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by_name = models.CharField(max_length=200, blank=True, help_text="Who accepted for the client.")

    audit_money_fields: ClassVar[dict[str, str]] = {"total": "currency"}

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "revision"], name="quote_number_revision_unique"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("issued_on")), name="quote_valid_after_issue"),
        ]
        indexes = [models.Index(fields=["opportunity", "-revision"], name="quote_opportunity_idx")]

    def __str__(self) -> str:
        return f"{self.number} rev. {self.revision}" if self.revision > 1 else self.number


class QuoteLine(models.Model):
    """A copy of an opportunity line at the time the quote was issued (a sent quote does
    not change when the opportunity does); written only with its quote."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=16, blank=True)
    unit_price = money("unit price")
    discount_percent = percent("discount %")
    amount = money("amount")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["quote", "position", "id"]

    def __str__(self) -> str:
        return self.description


class ProjectRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for delivery"
    ACCEPTED = "accepted", "Project started"
    DECLINED = "declined", "Declined"


class ProjectRequest(BusinessModel):
    """What a won opportunity asks delivery to start. Delivery takes it up through
    ``project_request_accept`` (the delivery app); until then it shows on the account
    and on its own page, where it may be declined with a reason."""

    account = models.ForeignKey("clients.Account", on_delete=models.CASCADE, related_name="project_requests")
    opportunity = models.OneToOneField(Opportunity, on_delete=models.CASCADE, related_name="project_request")
    contract = models.ForeignKey(
        "commercial.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="project_requests"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    requested_start = models.DateField(null=True, blank=True)
    budget = money("budget", default=0)
    currency = currency()
    pricing_strategy = models.CharField(max_length=24, choices=PricingStrategy.choices, default=PricingStrategy.FIXED_FEE)
    status = models.CharField(max_length=12, choices=ProjectRequestStatus.choices, default=ProjectRequestStatus.OPEN)
    requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decline_reason = models.CharField(max_length=300, blank=True, help_text="Why the request was declined.")

    audit_money_fields: ClassVar[dict[str, str]] = {"budget": "currency"}

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="project_request_status_idx")]

    def __str__(self) -> str:
        return self.name
