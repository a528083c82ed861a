"""Authentication (tandem.people.auth and the token services): the e-mail backend,
login throttling without user enumeration, password rules and hashing, and personal
access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tandem.core.errors import PermissionDeniedError
from tandem.core.models import AuditAction, AuditEntry
from tandem.core.roles import Role
from tandem.people import auth, services
from tandem.people.models import AccessToken, LoginAttempt, TokenScope, User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


# --- The e-mail backend -----------------------------------------------------------------


def test_login_by_email_is_case_insensitive(member: User) -> None:
    backend = auth.EmailBackend()
    assert backend.authenticate(None, username="Member@Example.TEST", password=PASSWORD) == member
    assert backend.authenticate(None, email="  member@example.test ", password=PASSWORD) == member
    assert authenticate(None, username="MEMBER@example.test", password=PASSWORD) == member


def test_wrong_password_unknown_email_and_missing_input_are_refused(member: User) -> None:
    backend = auth.EmailBackend()
    assert (
        backend.authenticate(None, username="member@example.test", password="wrong-one-1") is None
    )
    assert backend.authenticate(None, username="nobody@example.test", password=PASSWORD) is None
    assert backend.authenticate(None, username="", password=PASSWORD) is None
    assert backend.authenticate(None, username="member@example.test", password=None) is None


def test_unknown_email_costs_a_password_hash_too(member: User) -> None:
    """Timing does not tell unknown e-mails apart: the hasher runs for them as well."""
    backend = auth.EmailBackend()
    with mock.patch.object(User, "set_password", autospec=True) as hashing:
        assert (
            backend.authenticate(None, username="nobody@example.test", password="guess-1234")
            is None
        )
    assert hashing.call_count == 1


def test_inactive_user_cannot_log_in_and_loses_their_session(member: User) -> None:
    backend = auth.EmailBackend()
    assert backend.get_user(member.pk) == member
    client = Client()
    client.force_login(member)
    assert client.get("/").status_code == 200
    admin = make_user(role=Role.ADMIN, email="boss@example.test")
    services.user_deactivate(actor=admin, user=member)
    assert backend.authenticate(None, username="member@example.test", password=PASSWORD) is None
    assert backend.get_user(member.pk) is None
    response = client.get("/")  # the existing session is cut off at its next request
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_get_user_loads_roles_with_the_user(member: User, django_assert_num_queries: Any) -> None:
    backend = auth.EmailBackend()
    with django_assert_num_queries(2):  # the user with person, then the role assignments
        user = backend.get_user(member.pk)
        assert user is not None
        assert user.roles == frozenset({Role.MEMBER})
        assert user.person.pk == member.person.pk
    assert backend.get_user(10**9) is None


# --- Throttling ---------------------------------------------------------------------------


def fail(email: str, ip: str | None, times: int) -> None:
    for _ in range(times):
        auth.login_failure_record(email=email, ip_address=ip)


def test_throttled_after_max_failures_per_email(settings: Any) -> None:
    settings.TANDEM_LOGIN_MAX_FAILURES = 3
    fail("mel@example.test", "10.0.0.1", 2)
    assert auth.login_is_throttled(email="mel@example.test", ip_address="10.0.0.9") is False
    fail("Mel@Example.test", "10.0.0.2", 1)  # the e-mail counts case-insensitively
    assert auth.login_is_throttled(email="mel@example.test", ip_address="10.0.0.9") is True
    assert auth.login_is_throttled(email=" MEL@example.test", ip_address=None) is True
    assert auth.login_is_throttled(email="other@example.test", ip_address="10.0.0.9") is False


def test_throttled_per_address_at_four_times_the_limit(settings: Any) -> None:
    settings.TANDEM_LOGIN_MAX_FAILURES = 3
    for number in range(11):
        fail(f"user{number}@example.test", "10.0.0.7", 1)
    assert auth.login_is_throttled(email="fresh@example.test", ip_address="10.0.0.7") is False
    fail("user11@example.test", "10.0.0.7", 1)  # the 12th failure from this address
    assert auth.login_is_throttled(email="fresh@example.test", ip_address="10.0.0.7") is True
    assert auth.login_is_throttled(email="fresh@example.test", ip_address="10.0.0.8") is False
    assert auth.login_is_throttled(email="fresh@example.test", ip_address=None) is False


def test_failures_expire_after_the_window(settings: Any) -> None:
    settings.TANDEM_LOGIN_MAX_FAILURES = 2
    settings.TANDEM_LOGIN_WINDOW_SECONDS = 600
    fail("mel@example.test", "10.0.0.1", 2)
    assert auth.login_is_throttled(email="mel@example.test", ip_address=None) is True
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(seconds=599))
    assert auth.login_is_throttled(email="mel@example.test", ip_address=None) is True
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(seconds=601))
    assert auth.login_is_throttled(email="mel@example.test", ip_address=None) is False


def test_known_and_unknown_emails_are_throttled_alike(settings: Any, member: User) -> None:
    settings.TANDEM_LOGIN_MAX_FAILURES = 3
    answers: dict[str, list[bool]] = {}
    for email in ("member@example.test", "nobody@example.test"):
        answers[email] = []
        for _ in range(4):
            answers[email].append(auth.login_is_throttled(email=email, ip_address=None))
            fail(email, None, 1)
    assert (
        answers["member@example.test"]
        == answers["nobody@example.test"]
        == [False, False, False, True]
    )


def test_success_clears_the_email_failures_and_is_audited(settings: Any, member: User) -> None:
    settings.TANDEM_LOGIN_MAX_FAILURES = 3
    fail("member@example.test", "10.0.0.1", 3)
    assert auth.login_is_throttled(email="member@example.test", ip_address=None) is True
    auth.login_success_record(user=member, ip_address="10.0.0.1")
    assert auth.login_is_throttled(email="member@example.test", ip_address=None) is False
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN).get()
    assert (entry.actor_id, entry.object_id, entry.ip_address) == (
        member.pk,
        str(member.pk),
        "10.0.0.1",
    )


def test_failures_are_audited_without_an_actor() -> None:
    fail("Who@Example.test", "10.0.0.3", 1)
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.actor_id is None
    assert entry.ip_address == "10.0.0.3"
    assert entry.changes == {"email": [None, "who@example.test"]}
    assert list(LoginAttempt.objects.values_list("email", "ip_address")) == [
        ("who@example.test", "10.0.0.3")
    ]


def test_old_attempts_are_pruned() -> None:
    fail("a@example.test", None, 2)
    fail("b@example.test", None, 1)
    LoginAttempt.objects.filter(email="a@example.test").update(
        at=timezone.now() - dt.timedelta(days=2)
    )
    assert auth.login_attempts_prune() == 2
    assert list(LoginAttempt.objects.values_list("email", flat=True)) == ["b@example.test"]


# --- Passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["password123", "password1234", "qwertyuiop", "1234567890", "short-1", "member.mel.example"],
)
def test_weak_passwords_are_refused_and_nothing_is_created(password: str) -> None:
    users, entries = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.user_create(
            actor=None, email="member.mel@example.test", full_name="Member Mel", password=password
        )
    assert User.objects.count() == users
    assert AuditEntry.objects.count() == entries


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2() -> None:
    user = services.user_create(
        actor=None,
        email="hash@example.test",
        full_name="Hal Hash",
        password="tandem-unusual-words-42",
    )
    stored = User.objects.values_list("password", flat=True).get(pk=user.pk)
    assert stored.startswith("argon2$argon2id$")
    assert "tandem-unusual-words-42" not in stored
    assert User.objects.get(pk=user.pk).check_password("tandem-unusual-words-42")


def test_user_without_password_cannot_log_in() -> None:
    user = services.user_create(actor=None, email="nopw@example.test", full_name="No Password")
    assert not user.has_usable_password()
    assert auth.EmailBackend().authenticate(None, username="nopw@example.test", password="") is None


def test_only_the_user_or_an_admin_sets_a_password(member: User, account_manager: User) -> None:
    before = User.objects.values_list("password", flat=True).get(pk=member.pk)
    with pytest.raises(PermissionDeniedError):
        services.user_set_password(
            actor=account_manager, user=member, password="another-good-secret-5"
        )
    assert User.objects.values_list("password", flat=True).get(pk=member.pk) == before
    services.user_set_password(actor=member, user=member, password="another-good-secret-5")
    assert User.objects.get(pk=member.pk).check_password("another-good-secret-5")
    entry = AuditEntry.objects.filter(object_id=str(member.pk), action=AuditAction.UPDATE).latest(
        "id"
    )
    assert entry.changes == {"password": ["***", "***"]}


# --- Personal access tokens ----------------------------------------------------------------


def test_token_secret_is_never_stored(member: User) -> None:
    token, secret = services.token_create(actor=member, user=member, name="backup script")
    assert secret.startswith("tdm_")
    assert len(secret) > 40
    row = AccessToken.objects.filter(pk=token.pk).values().get()
    assert secret not in repr(row)
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row["prefix"] == secret[:12]
    assert row["scope"] == TokenScope.READ
    for entry in AuditEntry.objects.all():
        assert secret not in repr(entry.changes)
        assert row["token_hash"] not in repr(entry.changes)


def test_token_authenticates_and_records_last_use(
    member: User, django_assert_num_queries: Any
) -> None:
    token, secret = services.token_create(actor=member, user=member, name="script")
    assert token.last_used_at is None
    with django_assert_num_queries(2):  # find it, stamp its first use
        found = services.token_authenticate(secret)
    assert found is not None
    assert (found.pk, found.user) == (token.pk, member)
    first_use = AccessToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # used again within the minute: no write
        assert services.token_authenticate(secret) is not None
    assert AccessToken.objects.get(pk=token.pk).last_used_at == first_use


def test_unusable_tokens_are_refused(member: User, admin_user: User) -> None:
    _, revoked = services.token_create(actor=member, user=member, name="revoked")
    _, expiring = services.token_create(
        actor=member, user=member, name="expiring", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    _, valid = services.token_create(actor=member, user=member, name="valid")
    token = AccessToken.objects.get(name="revoked")
    services.token_revoke(actor=member, token=token)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None
    AccessToken.objects.filter(name="expiring").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.token_authenticate(revoked) is None
    assert services.token_authenticate(expiring) is None
    assert services.token_authenticate(valid) is not None
    assert services.token_authenticate("tdm_" + "x" * 43) is None
    assert services.token_authenticate(valid.replace("tdm_", "xyz_")) is None
    assert services.token_authenticate(valid + "x" * 200) is None
    services.user_deactivate(actor=admin_user, user=member)
    assert services.token_authenticate(valid) is None  # a disabled user's tokens stop at once


def test_token_scopes(member: User) -> None:
    read, _ = services.token_create(actor=member, user=member, name="read")
    write, _ = services.token_create(
        actor=member, user=member, name="write", scope=TokenScope.READ_WRITE
    )
    assert (read.allows_write, write.allows_write) == (False, True)


def test_token_create_refusals_change_nothing(member: User, admin_user: User) -> None:
    count, entries = AccessToken.objects.count(), AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.token_create(actor=admin_user, user=member, name="for someone else")
    with pytest.raises(ValidationError) as excinfo:
        services.token_create(actor=member, user=member, name="x", scope="admin")
    assert list(excinfo.value.message_dict) == ["scope"]
    with pytest.raises(ValidationError) as excinfo:
        services.token_create(actor=member, user=member, name="   ")
    assert list(excinfo.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as excinfo:
        services.token_create(
            actor=member, user=member, name="x", expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    assert list(excinfo.value.message_dict) == ["expires_at"]
    assert (AccessToken.objects.count(), AuditEntry.objects.count()) == (count, entries)


def test_only_the_owner_or_an_admin_revokes(
    member: User, executive: User, admin_user: User
) -> None:
    token, _ = services.token_create(actor=member, user=member, name="script")
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.token_revoke(actor=executive, token=token)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None
    assert AuditEntry.objects.count() == entries
    services.token_revoke(actor=admin_user, token=token)
    revoked_at = AccessToken.objects.get(pk=token.pk).revoked_at
    assert revoked_at is not None
    services.token_revoke(actor=member, token=AccessToken.objects.get(pk=token.pk))  # no-op
    assert AccessToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert AuditEntry.objects.count() == entries + 1


def test_bearer_token_on_the_api(member: User) -> None:
    token, secret = services.token_create(actor=member, user=member, name="script")
    client = Client(headers={"authorization": f"Bearer {secret}"})
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "member@example.test"
    services.token_revoke(actor=member, token=token)
    assert client.get("/api/v1/me").status_code == 401
    assert (
        Client(headers={"authorization": "Bearer tdm_wrong"}).get("/api/v1/me").status_code == 401
    )
