"""Forms of the account manager's pages. They parse and validate input; the services
decide and write (``tandem.clients.services``), and their ``ValidationError``s come back
next to the fields through :func:`tandem.core.web.form_add_errors`.

Forms that edit a record carry its ``version`` in a hidden field; the view passes it to
the service as ``expected_version`` so a stale edit is refused, never applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from tandem.clients.form_fields import (
    ContactMultipleChoiceField,
    SingleContactField,
    UserChoiceField,
    UserMultipleChoiceField,
    exact_if_now,
    now_to_the_minute,
)
from tandem.clients.models import (
    Account,
    AccountItem,
    Channel,
    CompanySize,
    Contact,
    Direction,
    Feedback,
    Interaction,
    InteractionKind,
    ItemKind,
    ItemStatus,
    Lifecycle,
    Priority,
    Sentiment,
    Tier,
)
from tandem.clients.services.accounts import ACCOUNT_FIELDS, LIFECYCLE_MOVES
from tandem.clients.services.contacts import CONTACT_FIELDS
from tandem.core.forms import DateInput, DateTimeInput, FastSelect, StyledForm, VersionedForm
from tandem.people.forms import time_zone_choices
from tandem.people.models import User

MEETING_KINDS = (InteractionKind.MEETING, InteractionKind.VIDEO, InteractionKind.QBR)


def _blank(choices: Iterable[tuple[str, str]], label: str = "—") -> list[tuple[str, str]]:
    return [("", label), *choices]


# --- Accounts ----------------------------------------------------------------------------


class AccountForm(VersionedForm):
    name = forms.CharField(label="Name", max_length=200)
    tier = forms.ChoiceField(label="Tier", choices=Tier.choices, initial=Tier.STANDARD, widget=FastSelect)
    owner = UserChoiceField(
        label="Account manager", queryset=User.objects.none(), required=False, empty_label="Nobody yet",
        help_text="Only account managers are listed.",
    )
    industry = forms.CharField(label="Industry", max_length=100, required=False)
    size = forms.ChoiceField(label="Company size (employees)", choices=_blank(CompanySize.choices), required=False, widget=FastSelect)
    employee_count = forms.IntegerField(label="Number of employees", min_value=0, required=False)
    annual_revenue = forms.DecimalField(label="Annual revenue", min_value=0, max_digits=16, decimal_places=2, required=False)
    currency = forms.CharField(label="Currency", max_length=3, min_length=3, initial="EUR", help_text="ISO 4217 code, e.g. EUR.")
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    domain = forms.CharField(label="Domain", max_length=253, required=False, help_text="e.g. example.com; taken from the website when empty.")
    phone = forms.CharField(label="Phone", max_length=50, required=False)
    city = forms.CharField(label="City", max_length=100, required=False)
    country = forms.CharField(label="Country", max_length=100, required=False)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    preferred_channel = forms.ChoiceField(label="Preferred channel", choices=_blank(Channel.choices, "No preference"), required=False, widget=FastSelect)
    meeting_rhythm = forms.CharField(label="Meeting rhythm", max_length=100, required=False, help_text="e.g. monthly steering, weekly stand-up.")
    time_zone = forms.ChoiceField(label="Time zone", required=False, widget=FastSelect)
    language = forms.CharField(label="Language", max_length=35, required=False)
    preference_notes = forms.CharField(label="Preference notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    check_in_days = forms.IntegerField(
        label="Check-in every (days)", min_value=1, max_value=366, required=False,
        help_text="Overrides the tier's check-in cadence. Leave empty for the default.",
    )
    lifecycle = forms.ChoiceField(
        label="Lifecycle", choices=[(Lifecycle.PROSPECT, Lifecycle.PROSPECT.label), (Lifecycle.ACTIVE, Lifecycle.ACTIVE.label)],
        initial=Lifecycle.PROSPECT, help_text="Change it later with “Change lifecycle”; every change is kept.",
        widget=FastSelect,
    )

    def __init__(self, *args: Any, owners: QuerySet[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, editing=editing, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners
        time_zone_field = self.fields["time_zone"]
        assert isinstance(time_zone_field, forms.ChoiceField)
        time_zone_field.choices = _blank(time_zone_choices(), "Not known")
        if editing:
            del self.fields["lifecycle"]

    @classmethod
    def initial_for(cls, account: Account) -> dict[str, Any]:
        initial = {name: getattr(account, name) for name in ACCOUNT_FIELDS if name != "owner"}
        initial["owner"] = account.owner_id
        initial["version"] = account.version
        return initial

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ACCOUNT_FIELDS}


def lifecycle_choices(current: str) -> list[tuple[str, str]]:
    allowed = LIFECYCLE_MOVES.get(current, set())
    return [(value, label) for value, label in Lifecycle.choices if value in allowed]


class LifecycleForm(StyledForm):
    lifecycle = forms.ChoiceField(label="New status", widget=forms.RadioSelect)
    on = forms.DateField(label="Date", widget=DateInput(), help_text="When it happened. Today if it is happening now.")
    reason = forms.CharField(label="Reason", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lifecycle_field = self.fields["lifecycle"]
        assert isinstance(lifecycle_field, forms.ChoiceField)
        lifecycle_field.choices = lifecycle_choices(current)

    def clean_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise ValidationError("A lifecycle change cannot be dated in the future.")
        return value

    def changed_at(self) -> dt.datetime:
        """Today means now; an earlier day means the start of that day (local time)."""
        day: dt.date = self.cleaned_data["on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AccountItemForm(VersionedForm):
    kind = forms.ChoiceField(label="Kind", choices=ItemKind.choices, widget=FastSelect)
    title = forms.CharField(label="Title", max_length=200)
    detail = forms.CharField(label="Detail", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label="Status", choices=ItemStatus.choices, initial=ItemStatus.OPEN, widget=FastSelect)
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices, initial=Priority.NORMAL, widget=FastSelect)
    target_date = forms.DateField(label="Target date", required=False, widget=DateInput())

    fields_for_service = ("kind", "title", "detail", "status", "priority", "target_date")

    @classmethod
    def initial_for(cls, item: AccountItem) -> dict[str, Any]:
        return {**{name: getattr(item, name) for name in cls.fields_for_service}, "version": item.version}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields_for_service}


class ItemStatusForm(StyledForm):
    status = forms.ChoiceField(label="Status", choices=ItemStatus.choices, widget=FastSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Contacts ----------------------------------------------------------------------------


class ContactForm(VersionedForm):
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100)
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    department = forms.CharField(label="Department", max_length=100, required=False)
    role = forms.CharField(label="Role in the relationship", max_length=100, required=False, help_text="e.g. sponsor, buyer, user.")
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(label="Phone", max_length=50, required=False)
    mobile = forms.CharField(label="Mobile", max_length=50, required=False)
    preferred_channel = forms.ChoiceField(label="Preferred channel", choices=_blank(Channel.choices, "No preference"), required=False, widget=FastSelect)
    is_primary = forms.BooleanField(label="Primary contact", required=False, help_text="One per account: choosing this one unsets the previous.")
    is_decision_maker = forms.BooleanField(label="Decision maker", required=False)
    email_opt_out = forms.BooleanField(label="Opted out of e-mail", required=False, help_text="Tandem never sends this contact e-mail.")
    do_not_call = forms.BooleanField(label="Do not call", required=False)
    is_active = forms.BooleanField(label="Still at the company", required=False, initial=True)

    @classmethod
    def initial_for(cls, contact: Contact) -> dict[str, Any]:
        return {**{name: getattr(contact, name) for name in CONTACT_FIELDS}, "version": contact.version}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTACT_FIELDS}


# --- Interactions and follow-ups ---------------------------------------------------------


class InteractionForm(VersionedForm):
    kind = forms.ChoiceField(label="Kind", choices=InteractionKind.choices, initial=InteractionKind.CALL, widget=FastSelect)
    direction = forms.ChoiceField(label="Direction", choices=Direction.choices, initial=Direction.OUTBOUND, widget=FastSelect)
    occurred_at = forms.DateTimeField(label="When", widget=DateTimeInput())
    subject = forms.CharField(label="Subject", max_length=200)
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label="Next steps", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    meeting_link = forms.URLField(
        label="Meeting link", required=False, max_length=500, assume_scheme="https",
        help_text="For meetings, video calls and QBRs.",
    )
    duration_minutes = forms.IntegerField(label="Duration (minutes)", min_value=0, max_value=24 * 60, required=False)
    contacts = ContactMultipleChoiceField(label="Client participants", queryset=Contact.objects.none(), required=False)
    users = UserMultipleChoiceField(label="Our participants", queryset=User.objects.none(), required=False)
    follow_up_due = forms.DateField(
        label="Follow up on", required=False, widget=DateInput(),
        help_text="Optional: the next steps become a follow-up for you, due this day.",
    )

    data_fields = ("kind", "direction", "occurred_at", "duration_minutes", "subject", "summary", "next_steps", "meeting_link")

    def __init__(self, *args: Any, contacts: QuerySet[Any], users: QuerySet[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, editing=editing, **kwargs)
        self.fields["occurred_at"].initial = now_to_the_minute
        contacts_field = self.fields["contacts"]
        users_field = self.fields["users"]
        assert isinstance(contacts_field, forms.ModelMultipleChoiceField)
        assert isinstance(users_field, forms.ModelMultipleChoiceField)
        contacts_field.queryset = contacts
        users_field.queryset = users
        for name in ("contacts", "users"):
            self.fields[name].widget.attrs.update({"data-tom-select": "multi", "class": "form-select"})
        self.fields["meeting_link"].widget.attrs["data-meeting-link"] = ""
        self.fields["kind"].widget.attrs["data-interaction-kind"] = ""
        if editing:
            del self.fields["follow_up_due"]

    def clean_occurred_at(self) -> dt.datetime | None:
        return exact_if_now(self.cleaned_data.get("occurred_at"))

    @classmethod
    def initial_for(cls, interaction: Interaction) -> dict[str, Any]:
        initial = {name: getattr(interaction, name) for name in cls.data_fields}
        initial["occurred_at"] = timezone.localtime(interaction.occurred_at)
        initial["contacts"] = [contact.pk for contact in interaction.contacts.all()]
        initial["users"] = [user.pk for user in interaction.users.all()]
        initial["version"] = interaction.version
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("meeting_link") and data.get("kind") not in MEETING_KINDS:
            self.add_error("meeting_link", "Only meetings, video calls and QBRs have a meeting link.")
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.data_fields}


class RespondForm(StyledForm):
    """The response to an inquiry: an outbound interaction linked to it."""

    kind = forms.ChoiceField(
        label="How", initial=InteractionKind.EMAIL,
        choices=[(k.value, k.label) for k in (InteractionKind.EMAIL, InteractionKind.CALL, InteractionKind.MEETING, InteractionKind.VIDEO)],
        widget=FastSelect,
    )
    occurred_at = forms.DateTimeField(label="When", widget=DateTimeInput())
    subject = forms.CharField(label="Subject", max_length=200)
    summary = forms.CharField(label="What was said", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(label="Next steps", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = now_to_the_minute

    def clean_occurred_at(self) -> dt.datetime | None:
        return exact_if_now(self.cleaned_data.get("occurred_at"))

    def service_data(self) -> dict[str, Any]:
        """The response's fields; ``inquiry_respond`` makes it outbound."""
        return {name: self.cleaned_data[name] for name in ("kind", "occurred_at", "subject", "summary", "next_steps")}


# --- Feedback and inquiries --------------------------------------------------------------


class FeedbackForm(VersionedForm):
    sentiment = forms.ChoiceField(label="Sentiment", choices=Sentiment.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="What they said", widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices, initial=Channel.EMAIL, widget=FastSelect)
    contact = SingleContactField(label="From", queryset=Contact.objects.none(), required=False, empty_label="Nobody in particular")
    received_at = forms.DateTimeField(label="Received", widget=DateTimeInput())

    def __init__(self, *args: Any, contacts: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = now_to_the_minute
        contact_field = self.fields["contact"]
        assert isinstance(contact_field, forms.ModelChoiceField)
        contact_field.queryset = contacts

    def clean_received_at(self) -> dt.datetime | None:
        return exact_if_now(self.cleaned_data.get("received_at"))

    @classmethod
    def initial_for(cls, feedback: Feedback) -> dict[str, Any]:
        return {
            "sentiment": feedback.sentiment, "text": feedback.text, "channel": feedback.channel,
            "contact": feedback.contact_id, "received_at": timezone.localtime(feedback.received_at),
            "version": feedback.version,
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("sentiment", "text", "channel", "received_at")}


class InquiryForm(StyledForm):
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(label="Request", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    received_at = forms.DateTimeField(label="Received", widget=DateTimeInput())
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices, initial=Channel.EMAIL, widget=FastSelect)
    contact = SingleContactField(label="From", queryset=Contact.objects.none(), required=False, empty_label="Nobody in particular")
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices, initial=Priority.NORMAL, widget=FastSelect)
    assignee = UserChoiceField(
        label="Assignee", queryset=User.objects.none(), required=False, empty_label="The account manager",
    )

    def __init__(self, *args: Any, contacts: QuerySet[Any], users: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = now_to_the_minute
        contact_field = self.fields["contact"]
        assignee_field = self.fields["assignee"]
        assert isinstance(contact_field, forms.ModelChoiceField)
        assert isinstance(assignee_field, forms.ModelChoiceField)
        contact_field.queryset = contacts
        assignee_field.queryset = users

    def clean_received_at(self) -> dt.datetime | None:
        return exact_if_now(self.cleaned_data.get("received_at"))

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("subject", "body", "received_at", "channel", "contact", "priority", "assignee")}


class AssignForm(StyledForm):
    assignee = UserChoiceField(label="Assign to", queryset=User.objects.none(), empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, users: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ModelChoiceField)
        assignee_field.queryset = users


class ResolveForm(StyledForm):
    resolution = forms.CharField(label="Resolution", widget=forms.Textarea(attrs={"rows": 3}), help_text="How it was resolved.")
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Service levels (settings) and moving a contact ----------------------------------------


class SlaRuleForm(StyledForm):
    response_hours = forms.DecimalField(
        label="Business hours to first response", min_value=Decimal("0.01"), max_value=Decimal("99999.99"),
        max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CadenceRuleForm(StyledForm):
    check_in_days = forms.IntegerField(
        label="Days between contacts", min_value=1, max_value=366,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContactMoveForm(StyledForm):
    """The account a contact moves to (chosen among the search results) and the version
    of the contact that was read."""

    account = forms.IntegerField(label="Move to", min_value=1, error_messages={"required": "Choose the account to move to."})
    version = forms.IntegerField(widget=forms.HiddenInput)
