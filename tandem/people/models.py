"""People: users (log in by e-mail), roles, teams, person profiles, time off, the
organisation calendar, personal access tokens and login attempts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.core.models import BusinessModel
from tandem.core.roles import Role

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_WORKING_DAYS = 0b0011111  # bit 0 = Monday … bit 6 = Sunday


def working_days_text(mask: int) -> str:
    """A working-days mask as the history shows it: "Mon, Tue, Wed, Thu, Fri"."""
    return ", ".join(WEEKDAY_NAMES[day] for day in range(7) if int(mask) & (1 << day)) or "No days"


def role_labels_text(roles: list[str]) -> str:
    """Role codes as the history shows them: "Account manager, Executive"."""
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(role, role)) for role in roles) or "No roles"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        # Every user has a working profile; services create it too (user_create), this
        # covers Django's own entry points such as ``manage.py createsuperuser``.
        Person.objects.get_or_create(user=user)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self.create_user(email, password, **extra)
        RoleAssignment.objects.get_or_create(user=user, role=Role.ADMIN)
        return user


class User(AbstractBaseUser, PermissionsMixin, BusinessModel):
    email = models.EmailField("e-mail", unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May open the Django admin (administrators only)."
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    audit_exclude: ClassVar[frozenset[str]] = frozenset({"password", "last_login"})
    audit_formatters: ClassVar[dict[str, Any]] = {"roles": role_labels_text}

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["full_name", "id"], name="user_name_idx")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()
        from zoneinfo import available_timezones

        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": f"Unknown time zone {self.time_zone!r}."})

    @property
    def roles(self) -> frozenset[str]:
        """The roles held, loaded once per instance (prefetch ``role_assignments``)."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            if self.pk is None:
                cached = frozenset()
            else:
                cached = frozenset(a.role for a in self.role_assignments.all())
            self._roles_cache = cached
        return cached

    def role_labels(self) -> list[str]:
        return [Role(role).label for role in Role.values if role in self.roles]

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique"),
        ]
        indexes = [models.Index(fields=["role", "user"], name="role_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Team(BusinessModel):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams_led"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(BusinessModel):
    """The working profile of a user: capacity, working days and rates.

    ``cost_rate`` is restricted: only admins, executives and the person see it.
    ``working_days`` is a bit mask, bit 0 = Monday … bit 6 = Sunday.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="person")
    title = models.CharField(max_length=120, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    weekly_capacity_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("40.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("168"))],
    )
    working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_WORKING_DAYS,
        validators=[MinValueValidator(0), MaxValueValidator(0b1111111)],
    )
    cost_rate = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Cost to the firm per hour.",
    )
    bill_rate = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Standard price to clients per hour.",
    )
    currency = models.CharField(max_length=3, default="EUR")

    audit_money_fields: ClassVar[dict[str, str]] = {"cost_rate": "currency", "bill_rate": "currency"}
    audit_formatters: ClassVar[dict[str, Any]] = {"working_days": working_days_text}
    audit_select_related: ClassVar[tuple[str, ...]] = ("user",)
    audit_subject: ClassVar[str] = "{name}'s working profile"

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_capacity_hours__gte=0) & Q(weekly_capacity_hours__lte=168),
                name="person_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(cost_rate__gte=0) & Q(bill_rate__gte=0), name="person_rates_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def working_weekdays(self) -> frozenset[int]:
        return frozenset(day for day in range(7) if self.working_days & (1 << day))


class TimeOffKind(models.TextChoices):
    VACATION = "vacation", "Vacation"
    SICK = "sick", "Sick leave"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class TimeOff(BusinessModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="time_off")
    kind = models.CharField(max_length=16, choices=TimeOffKind.choices, default=TimeOffKind.VACATION)
    start_date = models.DateField()
    end_date = models.DateField(help_text="Last day off, inclusive.")
    hours_per_day = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True,
        help_text="Leave empty for whole days.",
    )
    note = models.CharField(max_length=200, blank=True)

    audit_select_related: ClassVar[tuple[str, ...]] = ("person__user",)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="time_off_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date", "end_date"], name="time_off_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.start_date} to {self.end_date}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The last day off cannot be before the first."})


class OrganisationCalendar(BusinessModel):
    """The one working calendar of the organisation (a single row, ``pk = 1``)."""

    seeded_by_migrations = True  # its rows come from a data migration (tandem.core.backup)

    name = models.CharField(max_length=100, default="Organisation calendar")
    time_zone = models.CharField(max_length=64, default="UTC")
    day_start = models.TimeField(default=dt.time(9, 0))
    day_end = models.TimeField(default=dt.time(17, 0))
    working_days = models.PositiveSmallIntegerField(default=DEFAULT_WORKING_DAYS)
    locale = models.CharField(max_length=16, default="en-gb")
    currency = models.CharField(max_length=3, default="EUR")

    audit_formatters: ClassVar[dict[str, Any]] = {"working_days": working_days_text}

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(day_end__gt=models.F("day_start")), name="calendar_day_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from zoneinfo import available_timezones

        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": f"Unknown time zone {self.time_zone!r}."})
        if self.day_start and self.day_end and self.day_end <= self.day_start:
            raise ValidationError({"day_end": "The business day must end after it starts."})


class Holiday(BusinessModel):
    calendar = models.ForeignKey(OrganisationCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date})"


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class AccessToken(BusinessModel):
    """A personal access token for scripts. Only a SHA-256 hash of the secret is kept;
    the secret is shown once, at creation. ``prefix`` (the first characters) lets a
    user tell tokens apart."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"token_hash", "last_used_at"})

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def allows_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class LoginAttempt(models.Model):
    """A failed log-in, counted per e-mail and per client address for throttling."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["email", "at"], name="login_attempt_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} at {self.at}"
