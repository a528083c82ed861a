"""Contracts: type, lifecycle ``draft → negotiation → active → expired | terminated``,
value, term, billing schedule (a monthly recurring amount and milestone payments),
renewal terms, and every negotiation round."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from tandem.commercial.models.catalog import PricingStrategy
from tandem.commercial.models.fields import currency, money
from tandem.core.models import BusinessModel

USER = settings.AUTH_USER_MODEL


class ContractKind(models.TextChoices):
    MASTER = "master", "Master services agreement"
    STATEMENT_OF_WORK = "sow", "Statement of work"
    RETAINER = "retainer", "Retainer"
    SUBSCRIPTION = "subscription", "Subscription"
    SUPPORT = "support", "Support and maintenance"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEGOTIATION = "negotiation", "In negotiation"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Contract(BusinessModel):
    """An agreement with an account. ``status`` changes only through the contract
    services, along ``draft → negotiation → active → expired | terminated``.

    ``value`` is the total contract value; ``monthly_amount`` the recurring amount billed
    each month from ``start_date`` to ``end_date`` (inclusive months) while active;
    milestones are :class:`BillingMilestone` rows. ``notice_days`` before ``end_date`` is
    the last day to give notice; the renewal job opens a renewal opportunity ahead of it.
    """

    account = models.ForeignKey("clients.Account", on_delete=models.CASCADE, related_name="contracts")
    opportunity = models.ForeignKey(
        "commercial.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts",
        help_text="The won opportunity this contract came from.",
    )
    number = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ContractKind.choices, default=ContractKind.STATEMENT_OF_WORK)
    status = models.CharField(max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    pricing_strategy = models.CharField(max_length=24, choices=PricingStrategy.choices, default=PricingStrategy.FIXED_FEE)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts")
    value = money("contract value", default=0)
    monthly_amount = money("monthly recurring amount", default=0)
    currency = currency()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty for an open-ended contract.")
    signed_on = models.DateField(null=True, blank=True)
    auto_renew = models.BooleanField(default=False)
    renewal_term_months = models.PositiveSmallIntegerField(default=12)
    notice_days = models.PositiveSmallIntegerField(default=60)
    terms = models.TextField(blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=300, blank=True)

    audit_money_fields: ClassVar[dict[str, str]] = {"value": "currency", "monthly_amount": "currency"}

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0) & Q(monthly_amount__gte=0), name="contract_amounts_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="contract_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "end_date"], name="contract_account_idx"),
            models.Index(fields=["status", "end_date", "id"], name="contract_status_end_idx"),
            models.Index(fields=["owner", "status", "end_date", "id"], name="contract_owner_idx"),
            models.Index(fields=["start_date", "id"], name="contract_start_idx"),
            # The forecast's active contracts, read from the index alone (status leads, constant,
            # so the planner sees the same equality as on the other contract indexes).
            models.Index(
                fields=["status", "start_date", "end_date", "currency", "monthly_amount", "owner", "account"],
                condition=Q(status="active"), name="contract_active_forecast_idx",
            ),
            models.Index(Lower("title"), name="contract_title_lower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class BillingMilestone(BusinessModel):
    """A milestone payment of a contract: billed once, on or after ``due_date``."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_date = models.DateField()
    amount = money("amount")
    billed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "due_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="billing_milestone_positive")]
        indexes = [
            models.Index(fields=["due_date", "billed_on"], name="billing_milestone_due_idx"),
            # The forecast's unbilled milestones by due date, with their contract and amount
            # (billed_on leads, always NULL, so the planner sees an equality to start from).
            models.Index(
                fields=["billed_on", "due_date", "contract", "amount"], condition=Q(billed_on__isnull=True),
                name="billing_milestone_unbilled_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Party(models.TextChoices):
    US = "us", "We proposed"
    CLIENT = "client", "Client proposed"


class RoundOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    COUNTERED = "countered", "Countered"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class NegotiationRound(BusinessModel):
    """One proposal in a contract's negotiation: who proposed what, when, and how it
    ended. Rounds are numbered 1, 2, 3… per contract and never deleted."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    party = models.CharField(max_length=8, choices=Party.choices, default=Party.US)
    proposed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    client_contact_name = models.CharField(max_length=200, blank=True)
    proposed_at = models.DateTimeField()
    value = money("proposed value")
    monthly_amount = money("proposed monthly amount", default=0)
    terms = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=RoundOutcome.choices, default=RoundOutcome.PENDING)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="negotiation_round_number_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="negotiation_round_value_positive"),
        ]

    def __str__(self) -> str:
        return f"Round {self.number}"
