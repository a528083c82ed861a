"""Forms of the people pages. They parse and validate input; the services decide and
write (``tandem.people.services``), and their ``ValidationError``s come back next to
the fields through :func:`tandem.core.web.form_add_errors`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from tandem.core.forms import DateInput, FastSelect, StyledForm, TimeInput
from tandem.core.roles import Role
from tandem.people.models import (
    Person,
    Team,
    TimeOffKind,
    TokenScope,
    User,
)

WEEKDAY_CHOICES = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]
ACTIVE_CHOICES = [("", "Active and disabled"), ("yes", "Active"), ("no", "Disabled")]
SORT_CHOICES = [
    ("name", "Name (A-Z)"),
    ("-name", "Name (Z-A)"),
    ("email", "E-mail"),
    ("-email", "E-mail (Z-A)"),
    ("team", "Team"),
    ("-team", "Team (Z-A)"),
    ("joined", "Joined (oldest)"),
    ("-joined", "Joined (newest)"),
]
PER_PAGE_CHOICES = [("10", "10"), ("25", "25"), ("50", "50"), ("100", "100"), ("200", "200")]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


def days_to_mask(days: list[str]) -> int:
    """Weekday numbers as strings (``"0"`` = Monday) → the ``working_days`` bit mask."""
    mask = 0
    for day in days:
        mask |= 1 << int(day)
    return mask


def mask_to_days(mask: int) -> list[str]:
    return [str(day) for day in range(7) if mask & (1 << day)]


# --- Users -------------------------------------------------------------------------------


class UserFilterForm(StyledForm):
    """The filters of the people list (GET). Unknown values are ignored, never an error
    page: a bookmarked list keeps working after a team is deleted."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *Role.choices], widget=FastSelect
    )
    team = forms.TypedChoiceField(
        label="Team", required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    active = forms.ChoiceField(
        label="Status", required=False, choices=ACTIVE_CHOICES, widget=FastSelect
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=SORT_CHOICES, widget=FastSelect
    )
    per_page = forms.IntegerField(
        label="Rows per page",
        required=False,
        min_value=1,
        initial=settings.TANDEM_PAGE_SIZE,
        widget=FastSelect(choices=PER_PAGE_CHOICES),
    )

    def __init__(self, *args: Any, teams: Iterable[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ChoiceField)
        team_field.choices = [("", "Any team"), *((str(t.pk), t.name) for t in teams)]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = "Name, e-mail or title"

    def cleaned_or_default(self) -> dict[str, Any]:
        """The valid filters; each invalid one falls back to "no filter"."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "role": data.get("role") or "",
            "team": data.get("team"),
            "active": data.get("active") or "",
            "sort": data.get("sort") or "name",
            "per_page": data.get("per_page") or "",
        }


class UserFormBase(StyledForm):
    email = forms.EmailField(label="E-mail", max_length=254)
    full_name = forms.CharField(label="Full name", max_length=150)
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )
    title = forms.CharField(label="Job title", max_length=120, required=False)
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
        widget=FastSelect,
    )
    time_zone = forms.ChoiceField(label="Time zone", initial="UTC", widget=FastSelect)
    weekly_capacity_hours = forms.DecimalField(
        label="Weekly capacity (hours)",
        min_value=Decimal("0"),
        max_value=Decimal("168"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("40"),
    )
    working_days = forms.MultipleChoiceField(
        label="Working days",
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=["0", "1", "2", "3", "4"],
    )
    cost_rate = forms.DecimalField(
        label="Cost rate per hour",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        initial=Decimal("0"),
        help_text="What an hour of this person costs the firm. Restricted.",
    )
    bill_rate = forms.DecimalField(
        label="Bill rate per hour",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        initial=Decimal("0"),
        help_text="The standard price of an hour to clients.",
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Any], show_cost_rate: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams
        time_zone_field = self.fields["time_zone"]
        assert isinstance(time_zone_field, forms.ChoiceField)
        time_zone_field.choices = time_zone_choices()
        if not show_cost_rate:
            del self.fields["cost_rate"]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values in the shape ``user_create`` / ``user_update`` take."""
        data = self.cleaned_data
        values = {
            "email": data["email"],
            "full_name": data["full_name"],
            "title": data["title"],
            "team": data["team"],
            "time_zone": data["time_zone"],
            "weekly_capacity_hours": data["weekly_capacity_hours"],
            "working_days": days_to_mask(data["working_days"]),
            "bill_rate": data["bill_rate"],
        }
        if "cost_rate" in self.fields:
            values["cost_rate"] = data["cost_rate"]
        return values


class UserCreateForm(UserFormBase):
    password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Optional. Leave empty and the person sets their own with “Forgot your password?”.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class UserEditForm(UserFormBase):
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="A disabled person cannot log in; their open sessions end at once.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = [
        "email",
        "full_name",
        "is_active",
        "roles",
        "title",
        "team",
        "time_zone",
        "weekly_capacity_hours",
        "working_days",
        "cost_rate",
        "bill_rate",
    ]

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        person = getattr(user, "person", None) or Person(user=user)
        return {
            "email": user.email,
            "full_name": user.full_name,
            "is_active": user.is_active,
            "roles": sorted(user.roles),
            "title": person.title,
            "team": person.team_id,
            "time_zone": user.time_zone,
            "weekly_capacity_hours": person.weekly_capacity_hours,
            "working_days": mask_to_days(person.working_days),
            "cost_rate": person.cost_rate,
            "bill_rate": person.bill_rate,
            "version": user.version,
        }

    def service_data(self) -> dict[str, Any]:
        return {**super().service_data(), "is_active": self.cleaned_data["is_active"]}


# --- Teams -------------------------------------------------------------------------------


class TeamForm(StyledForm):
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = forms.ModelChoiceField(
        label="Team lead",
        queryset=User.objects.none(),
        required=False,
        empty_label="No lead",
        widget=FastSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, leads: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead_field = self.fields["lead"]
        assert isinstance(lead_field, forms.ModelChoiceField)
        lead_field.queryset = leads


# --- Calendar, holidays and time off ----------------------------------------------------


class CalendarForm(StyledForm):
    name = forms.CharField(label="Name", max_length=100)
    time_zone = forms.ChoiceField(label="Time zone", widget=FastSelect)
    day_start = forms.TimeField(label="Business day starts", widget=TimeInput())
    day_end = forms.TimeField(label="Business day ends", widget=TimeInput())
    working_days = forms.MultipleChoiceField(
        label="Working days",
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    locale = forms.CharField(label="Locale", max_length=16, help_text="For example en-gb or de-de.")
    currency = forms.CharField(
        label="Currency", max_length=3, min_length=3, help_text="ISO 4217 code, e.g. EUR."
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_zone_field = self.fields["time_zone"]
        assert isinstance(time_zone_field, forms.ChoiceField)
        time_zone_field.choices = time_zone_choices()

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("day_start"), data.get("day_end")
        if start and end and end <= start:
            self.add_error("day_end", "The business day must end after it starts.")
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "time_zone": data["time_zone"],
            "day_start": data["day_start"],
            "day_end": data["day_end"],
            "working_days": days_to_mask(data["working_days"]),
            "locale": data["locale"],
            "currency": data["currency"],
        }


class HolidayForm(StyledForm):
    date = forms.DateField(label="Date", widget=DateInput())
    name = forms.CharField(label="Name", max_length=100)


class TimeOffForm(StyledForm):
    kind = forms.ChoiceField(
        label="Kind",
        choices=TimeOffKind.choices,
        initial=TimeOffKind.VACATION,
        widget=FastSelect,
    )
    start_date = forms.DateField(label="First day off", widget=DateInput())
    end_date = forms.DateField(label="Last day off", widget=DateInput())
    hours_per_day = forms.DecimalField(
        label="Hours per day",
        required=False,
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=2,
        help_text="Leave empty for whole days.",
    )
    note = forms.CharField(label="Note", required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day off cannot be before the first.")
        return data


# --- Personal access tokens ----------------------------------------------------------------


class TokenForm(StyledForm):
    name = forms.CharField(
        label="Name", max_length=100, help_text="What uses it, e.g. “nightly export script”."
    )
    scope = forms.ChoiceField(
        label="Scope", choices=TokenScope.choices, initial=TokenScope.READ, widget=forms.RadioSelect
    )
    expires_on = forms.DateField(
        label="Expires after",
        required=False,
        widget=DateInput(),
        help_text="Optional. The token stops working at the end of this day (UTC).",
    )

    def clean_expires_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("expires_on")
        if value is not None and value < timezone.now().date():
            raise ValidationError("Choose today or a later day.")
        return value

    def expires_at(self) -> dt.datetime | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
