"""Writes of people data (STYLE rule 1): keyword-only, atomic, permission-checked,
audited through tandem.core.services."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core import audit, search
from tandem.core.errors import PermissionDeniedError
from tandem.core.models import AuditAction
from tandem.core.permissions import is_admin, require_change, require_create, require_delete
from tandem.core.request_memo import forget
from tandem.core.roles import Role
from tandem.core.services import model_create, model_delete, model_update
from tandem.people.models import (
    AccessToken,
    Holiday,
    OrganisationCalendar,
    Person,
    RoleAssignment,
    Team,
    TimeOff,
    TokenScope,
    User,
)
from tandem.people.selectors import CURRENCY_MEMO

TOKEN_PREFIX = "tdm_"
USER_FIELDS = ("email", "full_name", "time_zone", "is_active")
PERSON_FIELDS = (
    "title", "team", "weekly_capacity_hours", "working_days", "cost_rate", "bill_rate", "currency",
)


def _validate_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValidationError({"roles": f"Unknown role(s): {', '.join(unknown)}."})
    return roles


def _set_roles(*, actor: Any, user: User, roles: list[str]) -> None:
    current = set(user.role_assignments.values_list("role", flat=True))
    wanted = set(roles)
    if current == wanted:
        return
    RoleAssignment.objects.filter(user=user).exclude(role__in=wanted).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role) for role in sorted(wanted - current)]
    )
    user._roles_cache = frozenset(wanted)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=user,
        changes={"roles": [sorted(current), sorted(wanted)]},
    )


def _normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def user_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    password: str | None = None,
    roles: Iterable[str] = (Role.MEMBER,),
    time_zone: str = "UTC",
    title: str = "",
    team: Team | None = None,
    weekly_capacity_hours: Decimal = Decimal("40"),
    working_days: int = 0b0011111,
    cost_rate: Decimal = Decimal("0"),
    bill_rate: Decimal = Decimal("0"),
    is_staff: bool | None = None,
) -> User:
    """Create a user with their person profile and roles.

    ``actor=None`` is the command line (``tandem createuser``), which runs as the
    operator of the machine. Without a password the user cannot log in until they
    reset it by e-mail.
    """
    if actor is not None:
        require_create(actor, User)
    role_list = _validate_roles(roles)
    email = _normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this e-mail already exists."})
    user = User(email=email, full_name=full_name.strip(), time_zone=time_zone)
    user.is_staff = Role.ADMIN in role_list if is_staff is None else is_staff
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    # Uniqueness is checked above and by the IntegrityError handler below, with one message.
    user.full_clean(exclude=["password"], validate_unique=False)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent creator won the race for the e-mail
        raise ValidationError({"email": "A user with this e-mail already exists."}) from exc
    audit.record_create(actor=actor, instance=user)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role) for role in role_list])
    user._roles_cache = frozenset(role_list)
    model_create(
        actor=actor,
        model=Person,
        data={
            "user": user,
            "title": title,
            "team": team,
            "weekly_capacity_hours": weekly_capacity_hours,
            "working_days": working_days,
            "cost_rate": cost_rate,
            "bill_rate": bill_rate,
        },
    )
    search.index_object(user)  # the user row is saved directly, not through model_create
    return user


@transaction.atomic
def user_update(
    *,
    actor: Any,
    user: User,
    data: dict[str, Any],
    expected_version: int | None = None,
    roles: Iterable[str] | None = None,
) -> User:
    """Change a user's account and profile fields; admins only.

    ``data`` may hold fields of the user (``USER_FIELDS``) and of the person profile
    (``PERSON_FIELDS``). ``expected_version`` is the user's version the editor saw.
    """
    require_change(actor, user)
    unknown = sorted(set(data) - set(USER_FIELDS) - set(PERSON_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    user_data = {k: v for k, v in data.items() if k in USER_FIELDS}
    person_data = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    if "email" in user_data:
        user_data["email"] = _normalise_email(user_data["email"])
        if User.objects.filter(email__iexact=user_data["email"]).exclude(pk=user.pk).exists():
            raise ValidationError({"email": "A user with this e-mail already exists."})
    if user_data.get("is_active") is False and user.pk == actor.pk:
        raise ValidationError({"is_active": "You cannot disable your own account."})
    if user_data or expected_version is not None:
        model_update(actor=actor, instance=user, data=user_data, expected_version=expected_version)
    if person_data:
        person = Person.objects.select_for_update().get(user=user)
        model_update(actor=actor, instance=person, data=person_data)
        user.person = person
        search.index_object(user)  # the job title is part of the user's search entry
    if roles is not None:
        role_list = _validate_roles(roles)
        if user.pk == actor.pk and Role.ADMIN in user.roles and Role.ADMIN not in role_list:
            raise ValidationError({"roles": "You cannot remove your own administrator role."})
        _set_roles(actor=actor, user=user, roles=role_list)
        is_staff = Role.ADMIN in role_list or user.is_superuser
        if user.is_staff != is_staff:
            User.objects.filter(pk=user.pk).update(is_staff=is_staff)
            user.is_staff = is_staff
    return user


def user_deactivate(*, actor: Any, user: User, expected_version: int | None = None) -> User:
    """Disable an account. Its sessions stop working at their next request (the
    authentication backend refuses inactive users) and its tokens stop at once."""
    return user_update(actor=actor, user=user, data={"is_active": False}, expected_version=expected_version)


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    if actor is not None and actor.pk != user.pk and not is_admin(actor):
        raise PermissionDeniedError("You may only change your own password.")
    validate_password(password, user)
    user.set_password(password)
    User.objects.filter(pk=user.pk).update(password=user.password)
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=user, changes={"password": ["***", "***"]})


# --- Teams -----------------------------------------------------------------------------

TEAM_FIELDS = ("name", "description", "lead")


def _check_team_name(name: str, exclude_pk: int | None = None) -> None:
    queryset = Team.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise ValidationError({"name": "A team with this name already exists."})


@transaction.atomic
def team_create(*, actor: Any, name: str, description: str = "", lead: User | None = None) -> Team:
    if actor is not None:
        require_create(actor, Team)
    _check_team_name(name)
    return model_create(
        actor=actor, model=Team, data={"name": name.strip(), "description": description, "lead": lead}
    )


@transaction.atomic
def team_update(
    *, actor: Any, team: Team, data: dict[str, Any], expected_version: int | None = None
) -> Team:
    require_change(actor, team)
    unknown = sorted(set(data) - set(TEAM_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    if "name" in data:
        data = {**data, "name": data["name"].strip()}
        _check_team_name(data["name"], exclude_pk=team.pk)
    return model_update(actor=actor, instance=team, data=data, expected_version=expected_version)


@transaction.atomic
def team_delete(*, actor: Any, team: Team, expected_version: int | None = None) -> None:
    require_delete(actor, team)
    model_delete(actor=actor, instance=team, expected_version=expected_version)


# --- Time off and the organisation calendar --------------------------------------------


@transaction.atomic
def time_off_create(
    *,
    actor: Any,
    person: Person,
    start_date: dt.date,
    end_date: dt.date,
    kind: str = "vacation",
    hours_per_day: Decimal | None = None,
    note: str = "",
) -> TimeOff:
    require_create(actor, TimeOff)
    if not is_admin(actor) and person.user_id != actor.pk:
        raise PermissionDeniedError("You may only record your own time off.")
    return model_create(
        actor=actor,
        model=TimeOff,
        data={
            "person": person, "start_date": start_date, "end_date": end_date, "kind": kind,
            "hours_per_day": hours_per_day, "note": note,
        },
    )


@transaction.atomic
def time_off_delete(*, actor: Any, time_off: TimeOff) -> None:
    require_delete(actor, time_off)
    model_delete(actor=actor, instance=time_off)


@transaction.atomic
def calendar_update(
    *, actor: Any, calendar: OrganisationCalendar, data: dict[str, Any], expected_version: int | None = None
) -> OrganisationCalendar:
    require_change(actor, calendar)
    allowed = {"name", "time_zone", "day_start", "day_end", "working_days", "locale", "currency"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    updated = model_update(actor=actor, instance=calendar, data=data, expected_version=expected_version)
    forget(CURRENCY_MEMO)
    return updated


@transaction.atomic
def holiday_create(*, actor: Any, calendar: OrganisationCalendar, date: dt.date, name: str) -> Holiday:
    if actor is not None:
        require_create(actor, Holiday)
    if Holiday.objects.filter(calendar=calendar, date=date).exists():
        raise ValidationError({"date": f"{date.isoformat()} is already a holiday."})
    return model_create(actor=actor, model=Holiday, data={"calendar": calendar, "date": date, "name": name})


@transaction.atomic
def holiday_delete(*, actor: Any, holiday: Holiday) -> None:
    require_delete(actor, holiday)
    model_delete(actor=actor, instance=holiday)


# --- Personal access tokens ------------------------------------------------------------


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: Any,
    user: User,
    name: str,
    scope: str = TokenScope.READ,
    expires_at: dt.datetime | None = None,
) -> tuple[AccessToken, str]:
    """Create a token and return it with its secret, which is never stored or shown again.

    ``actor=None`` is the command line (``tandem token create``).
    """
    if actor is not None:
        require_create(actor, AccessToken)
        if actor.pk != user.pk:
            raise PermissionDeniedError("You may only create tokens for yourself.")
    if scope not in TokenScope.values:
        raise ValidationError({"scope": f"Scope must be one of {', '.join(TokenScope.values)}."})
    if not name.strip():
        raise ValidationError({"name": "Give the token a name, e.g. the script that uses it."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = model_create(
        actor=actor,
        model=AccessToken,
        data={
            "user": user, "name": name.strip(), "prefix": secret[:12], "token_hash": token_hash(secret),
            "scope": scope, "expires_at": expires_at,
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Any, token: AccessToken) -> AccessToken:
    require_change(actor, token)
    if token.revoked_at is not None:
        return token
    return model_update(actor=actor, instance=token, data={"revoked_at": timezone.now()})


LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_authenticate(secret: str) -> AccessToken | None:
    """The usable token for ``secret`` with its active user, or ``None``.

    ``last_used_at`` is written at most once a minute per token, so a busy script does
    not turn every read into a write.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
