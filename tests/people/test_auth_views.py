"""Log in, log out, throttling without user enumeration, session rotation, disabled
accounts cut off, password reset and change."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.core.models import AuditAction, AuditEntry
from tandem.people import services
from tandem.people.models import LoginAttempt, User
from tandem.people.views_auth import LOGIN_FAILED_MESSAGE
from tests.conftest import client_for
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

GENERIC = (
    "E-mail or password is not correct, or too many attempts; wait a few minutes and try again."
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is the production hasher; these tests are about the flows, not hashing.
    (The test runner already delivers e-mail to ``django.core.mail.outbox``.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client: Client, email: str, password: str, **extra):
    return client.post(reverse("login"), {"email": email, "password": password, **extra})


def without_csrf(response) -> str:
    """The page with its per-response CSRF tokens and CSP nonces blanked, to compare
    two answers."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_login_page_renders_labelled_form(client):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label class="form-label" for="id_email">E-mail' in body
    assert '<label class="form-label" for="id_password">Password' in body
    assert 'autocomplete="current-password"' in body
    assert f'href="{reverse("password_reset")}"' in body


def test_message_constant_is_the_promised_text():
    assert LOGIN_FAILED_MESSAGE == GENERIC


def test_login_rotates_session_and_records_it(client, member):
    client.get(reverse("login"))
    session = client.session
    session["probe"] = "before"
    session.save()
    key_before = session.session_key
    LoginAttempt.objects.create(email=member.email, ip_address="127.0.0.1")
    response = login(client, "MEMBER@example.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session.session_key != key_before
    assert int(client.session[SESSION_KEY]) == member.pk
    assert LoginAttempt.objects.count() == 0
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (entry.actor, entry.object_id, entry.ip_address) == (member, str(member.pk), "127.0.0.1")


def test_login_follows_safe_next_only(client, member):
    response = login(client, member.email, PASSWORD, next="/people/teams/")
    assert response["Location"] == "/people/teams/"
    other = Client()
    response = login(other, member.email, PASSWORD, next="https://evil.example/steal")
    assert response["Location"] == reverse("home")


def test_wrong_password_and_unknown_email_get_identical_answers(member):
    wrong = login(Client(), member.email, "not-the-password")
    unknown = login(Client(), "nobody@example.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.content.decode()
    assert without_csrf(wrong) == without_csrf(unknown).replace(
        'value="nobody@example.test"', f'value="{member.email}"'
    )
    assert SESSION_KEY not in wrong.wsgi_request.session
    assert sorted(LoginAttempt.objects.values_list("email", flat=True)) == [
        "member@example.test",
        "nobody@example.test",
    ]
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 2


def test_disabled_account_gets_the_same_generic_answer(admin_user, member):
    services.user_deactivate(actor=admin_user, user=member)
    response = login(Client(), member.email, PASSWORD)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert SESSION_KEY not in response.wsgi_request.session


def test_malformed_email_is_a_field_error_not_a_login_attempt(client):
    response = login(client, "not-an-email", "whatever")
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert GENERIC not in response.content.decode()
    assert LoginAttempt.objects.count() == 0


def test_throttling_after_max_failures_hides_existence(member):
    limit = settings.TANDEM_LOGIN_MAX_FAILURES
    for _ in range(limit):
        login(Client(), member.email, "wrong-password-x")
        login(Client(), "ghost@example.test", "wrong-password-x")
    # The right password is refused now, with the one generic message.
    throttled_real = login(Client(), member.email, PASSWORD)
    throttled_ghost = login(Client(), "ghost@example.test", PASSWORD)
    assert throttled_real.status_code == throttled_ghost.status_code == 200
    assert GENERIC in throttled_real.content.decode()
    assert SESSION_KEY not in throttled_real.wsgi_request.session
    assert without_csrf(throttled_real) == without_csrf(throttled_ghost).replace(
        'value="ghost@example.test"', f'value="{member.email}"'
    )
    # Throttled attempts are not counted again (no password was checked).
    assert LoginAttempt.objects.filter(email=member.email).count() == limit
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN).count() == 0


def test_throttle_lifts_when_failures_age_out(member):
    limit = settings.TANDEM_LOGIN_MAX_FAILURES
    for _ in range(limit):
        login(Client(), member.email, "wrong-password-x")
    assert GENERIC in login(Client(), member.email, PASSWORD).content.decode()
    LoginAttempt.objects.update(at="2000-01-01T00:00:00Z")
    assert login(Client(), member.email, PASSWORD).status_code == 302


def test_logout_is_post_only_and_recorded(member):
    client = client_for(member)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    entry = AuditEntry.objects.get(action=AuditAction.LOGOUT)
    assert (entry.actor, entry.object_id) == (member, str(member.pk))
    assert client.get(reverse("home")).status_code == 302


def test_login_then_logout_full_flow(client, member):
    assert login(client, member.email, PASSWORD).status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert 'data-testid="current-user">Mel Member</span>' in home.content.decode()
    client.post(reverse("logout"))
    page = client.get(reverse("login"))
    assert "You are logged out." in page.content.decode()


def test_disabled_users_session_is_cut_off_on_next_request(admin_user, member):
    client = client_for(member)
    assert client.get(reverse("people:user_list")).status_code == 200
    services.user_deactivate(actor=admin_user, user=member)
    response = client.get(reverse("people:user_list"))
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={reverse('people:user_list')}"


def test_password_reset_sends_mail_only_to_known_active_accounts(client, member):
    known = client.post(reverse("password_reset"), {"email": "Member@Example.test"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member@example.test"]
    assert mail.outbox[0].subject == "Set a new Tandem password"


def test_password_reset_reaches_accounts_created_without_a_password(client):
    make_user(email="fresh@example.test", full_name="Fresh Person", password=None)
    client.post(reverse("password_reset"), {"email": "fresh@example.test"})
    assert [message.to for message in mail.outbox] == [["fresh@example.test"]]


def test_password_reset_link_sets_a_new_password(client, member):
    client.post(reverse("password_reset"), {"email": member.email})
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common." in weak.context["form"].errors["new_password2"]
    response = client.post(
        set_url,
        {"new_password1": "a-fresh-long-secret-9", "new_password2": "a-fresh-long-secret-9"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    member.refresh_from_db()
    assert member.check_password("a-fresh-long-secret-9")
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.UPDATE, object_id=str(member.pk), changes__has_key="password"
        ).count()
        == 1
    )
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_change_for_the_signed_in_user(member):
    client = client_for(member)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "another-long-secret-1",
            "new_password2": "another-long-secret-1",
        },
    )
    assert wrong.context["form"].errors["old_password"] == [
        "Your old password was entered incorrectly. Please enter it again."
    ]
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-secret-1",
            "new_password2": "another-long-secret-1",
        },
    )
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200  # still signed in
    assert User.objects.get(pk=member.pk).check_password("another-long-secret-1")


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
