"""Clients: accounts, their lifecycle, needs / goals / challenges, contacts,
interactions and follow-ups, feedback, inquiries, and the service-level rules
(check-in cadence by tier, inquiry SLA by tier and priority)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from tandem.core.models import BusinessModel

USER = settings.AUTH_USER_MODEL

# C0 and C1 control characters (NUL, escape, line breaks...) and DEL: never part of a
# name, and NUL is refused by PostgreSQL. The API refuses NUL in every text field.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTER_MESSAGE = "Names cannot contain control characters (such as NUL or line breaks)."
ACCOUNT_NAME_FIELDS = ("name",)
CONTACT_NAME_FIELDS = ("first_name", "last_name")


def name_errors(values: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    """``{field: message}`` for each name in ``values`` holding a control character.

    The one rule for names: :meth:`Account.clean` and :meth:`Contact.clean` (so every
    single-record service, through ``full_clean``) and the bulk import services apply it.
    """
    return {
        name: CONTROL_CHARACTER_MESSAGE
        for name in fields
        if isinstance(values.get(name), str) and _CONTROL_CHARACTERS.search(values[name])
    }


class Tier(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    KEY = "key", "Key"
    STANDARD = "standard", "Standard"
    LONG_TAIL = "long_tail", "Long tail"


class CompanySize(models.TextChoices):
    MICRO = "micro", "1–9"
    SMALL = "small", "10–49"
    MEDIUM = "medium", "50–249"
    LARGE = "large", "250–999"
    ENTERPRISE = "enterprise", "1,000+"


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active customer"
    CHURNED = "churned", "Churned"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    CHAT = "chat", "Chat"
    PORTAL = "portal", "Client portal"


class Source(models.TextChoices):
    MANUAL = "manual", "Entered in Tandem"
    SALESFORCE = "salesforce", "Salesforce"
    HUBSPOT = "hubspot", "HubSpot"
    DEMO = "demo", "Demo data"


class Account(BusinessModel):
    """A client company. ``lifecycle`` changes only through
    ``clients.services.account_set_lifecycle``, which keeps every change in
    :class:`AccountStatusChange` (retention figures are computed from it).

    ``last_contact_at`` and ``check_in_due_at`` are kept by the interaction services
    so "needs attention" is an indexed range query, not an aggregate over interactions.
    """

    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=16, choices=CompanySize.choices, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    website = models.URLField(blank=True)
    domain = models.CharField(max_length=253, blank=True, help_text="e.g. example.com")
    phone = models.CharField(max_length=50, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_accounts",
        help_text="The account manager.",
    )
    lifecycle = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.PROSPECT)
    lifecycle_changed_at = models.DateTimeField(null=True, blank=True)
    customer_since = models.DateField(null=True, blank=True)
    churned_on = models.DateField(null=True, blank=True)
    # Preferences
    preferred_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    meeting_rhythm = models.CharField(max_length=100, blank=True, help_text="e.g. monthly steering, weekly stand-up")
    time_zone = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=35, blank=True)
    preference_notes = models.TextField(blank=True)
    check_in_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Overrides the tier's check-in cadence. Leave empty for the default.",
    )
    # Kept by the services (see class docstring).
    last_contact_at = models.DateTimeField(null=True, blank=True)
    check_in_due_at = models.DateTimeField(null=True, blank=True)
    # Imports
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    # NULL for records not imported: (source, external_id) is unique and NULLs never clash,
    # which lets imports upsert with ON CONFLICT on both SQLite and PostgreSQL.
    external_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (NULLs never clash; see above)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"last_contact_at", "check_in_due_at"})
    audit_money_fields: ClassVar[dict[str, str]] = {"annual_revenue": "currency"}

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="account_external_id_unique"),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="account_name_idx"),
            models.Index(Lower("name"), name="account_name_lower_idx"),
            models.Index(fields=["domain"], name="account_domain_idx"),
            models.Index(fields=["owner", "name", "id"], name="account_owner_idx"),
            models.Index(fields=["lifecycle", "name", "id"], name="account_lifecycle_idx"),
            models.Index(fields=["check_in_due_at"], name="account_check_in_due_idx"),
            models.Index(fields=["tier", "name", "id"], name="account_tier_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = name_errors({"name": self.name}, ACCOUNT_NAME_FIELDS)
        if errors:
            raise ValidationError(errors)


class AccountStatusChange(models.Model):
    """One lifecycle change of an account, kept forever (append-only)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Lifecycle.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Lifecycle.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["account", "changed_at"], name="status_change_account_idx"),
            models.Index(fields=["to_status", "changed_at"], name="status_change_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.from_status or '—'} → {self.to_status} at {self.changed_at}"


class ItemKind(models.TextChoices):
    NEED = "need", "Business need"
    GOAL = "goal", "Goal"
    CHALLENGE = "challenge", "Challenge"


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    MET = "met", "Met"
    DROPPED = "dropped", "Dropped"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class AccountItem(BusinessModel):
    """A business need, goal or challenge of an account, each with its own status."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    target_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "status", "-id"]
        indexes = [models.Index(fields=["account", "kind"], name="account_item_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class Contact(BusinessModel):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    mobile = models.CharField(max_length=50, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    department = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=100, blank=True, help_text="Their part in the relationship, e.g. sponsor, buyer, user.")
    preferred_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    is_primary = models.BooleanField(default=False)
    is_decision_maker = models.BooleanField(default=False)
    email_opt_out = models.BooleanField(default=False, help_text="Never send this contact e-mail.")
    do_not_call = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    # NULL for records not imported: (source, external_id) is unique and NULLs never clash,
    # which lets imports upsert with ON CONFLICT on both SQLite and PostgreSQL.
    external_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (NULLs never clash; see above)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="contact_external_id_unique"),
            models.UniqueConstraint(
                fields=["account"], condition=Q(is_primary=True), name="contact_one_primary_per_account",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "last_name", "first_name"], name="contact_account_idx"),
            models.Index(fields=["last_name", "first_name", "id"], name="contact_name_idx"),
            models.Index(Lower("email"), name="contact_email_lower_idx"),
            # Serves the capped count of the contact list (active contacts of the
            # accounts a user sees) from the index alone.
            models.Index(fields=["account", "is_active"], name="contact_account_active_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        errors = name_errors({"first_name": self.first_name, "last_name": self.last_name}, CONTACT_NAME_FIELDS)
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class InteractionKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"
    VIDEO = "video", "Video call"
    NOTE = "note", "Note"
    QBR = "qbr", "Quarterly business review"


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the client"
    OUTBOUND = "outbound", "To the client"
    INTERNAL = "internal", "Internal"


class Interaction(BusinessModel):
    """A touch point with the client. Notes and internal entries do not count as
    contact for the check-in cadence; everything else does."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=16, choices=InteractionKind.choices)
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.OUTBOUND)
    occurred_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    meeting_link = models.URLField(blank=True, max_length=500)
    logged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="logged_interactions")
    contacts = models.ManyToManyField(Contact, blank=True, related_name="interactions")
    users: models.ManyToManyField[Any, Any] = models.ManyToManyField(USER, blank=True, related_name="interactions")
    inquiry = models.ForeignKey(
        "Inquiry", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses",
        help_text="The client inquiry this interaction answers.",
    )
    is_automatic = models.BooleanField(default=False, help_text="An automatic reply (does not count as a response).")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-occurred_at"], name="interaction_account_idx"),
            models.Index(fields=["-occurred_at", "-id"], name="interaction_time_idx"),
            models.Index(fields=["kind", "-occurred_at"], name="interaction_kind_idx"),
            # Someone's interactions newest first (the list's ?logged_by= and the home
            # card's latest ones): read in order and stopped after a page, however many.
            models.Index(fields=["logged_by", "-occurred_at", "-id"], name="interaction_logger_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def clean(self) -> None:
        if self.meeting_link and self.kind not in {InteractionKind.VIDEO, InteractionKind.MEETING, InteractionKind.QBR}:
            raise ValidationError({"meeting_link": "Only meetings and video calls have a meeting link."})

    @property
    def counts_as_contact(self) -> bool:
        return self.kind != InteractionKind.NOTE and self.direction != Direction.INTERNAL


class FollowUp(BusinessModel):
    """A dated next step for its owner, often born from an interaction's next steps."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="follow_ups")
    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups")
    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="follow_ups")
    due_date = models.DateField()
    description = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_date"], name="follow_up_owner_idx")]

    def __str__(self) -> str:
        return f"{self.description} (due {self.due_date})"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


class Feedback(BusinessModel):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="feedback")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    sentiment = models.CharField(max_length=16, choices=Sentiment.choices)
    text = models.TextField()
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "feedback"
        indexes = [models.Index(fields=["account", "-received_at"], name="feedback_account_idx")]

    def __str__(self) -> str:
        return f"{self.get_sentiment_display()} feedback from {self.account_id}"


class InquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESPONDED = "responded", "Responded"
    RESOLVED = "resolved", "Resolved"


class Inquiry(BusinessModel):
    """A client request. ``sla_hours`` (business hours) and ``sla_due_at`` are fixed
    when it is received, from the tier and priority rules then in force;
    ``first_response_at`` is set by the first non-automatic response, together with
    the response time in business and in calendar hours."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="inquiries")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_inquiries")
    status = models.CharField(max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.OPEN)
    received_at = models.DateTimeField()
    sla_hours = models.DecimalField(max_digits=7, decimal_places=2)
    sla_due_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    response_business_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    response_calendar_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["sla_due_at", "id"]
        verbose_name_plural = "inquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True) | Q(first_response_at__gte=F("received_at")),
                name="inquiry_response_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("received_at")),
                name="inquiry_resolved_after_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sla_due_at"], name="inquiry_queue_idx"),
            models.Index(fields=["account", "-received_at"], name="inquiry_account_idx"),
            models.Index(fields=["assignee", "status", "sla_due_at"], name="inquiry_assignee_idx"),
            models.Index(fields=["received_at"], name="inquiry_received_idx"),
            # The inquiry queue sorted by SLA due time over every status.
            models.Index(fields=["sla_due_at", "id"], name="inquiry_sla_due_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class CadenceRule(BusinessModel):
    """Default check-in cadence (days between contacts) for a tier."""

    seeded_by_migrations = True  # its rows come from a data migration (tandem.core.backup)

    tier = models.CharField(max_length=16, choices=Tier.choices, unique=True)
    check_in_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(366)])

    class Meta:
        ordering = ["tier"]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: every {self.check_in_days} days"


class SlaRule(BusinessModel):
    """First-response target, in business hours, for a tier and priority."""

    seeded_by_migrations = True  # its rows come from a data migration (tandem.core.backup)

    tier = models.CharField(max_length=16, choices=Tier.choices)
    priority = models.CharField(max_length=16, choices=Priority.choices)
    response_hours = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["tier", "priority"]
        constraints = [models.UniqueConstraint(fields=["tier", "priority"], name="sla_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} / {self.get_priority_display()}: {self.response_hours} h"
