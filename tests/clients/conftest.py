"""Fixtures of the account-page tests: an account owned by an account manager of the
"Delivery" team, a team-mate, an account manager of another team, and every role."""

from __future__ import annotations

import pytest

from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.factories import make_team, make_user


@pytest.fixture
def fast_password_hashing(settings):
    """Argon2 is the production hasher; page tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(account_manager):
    return account_manager


@pytest.fixture
def teammate(team):
    return make_user(role=Role.ACCOUNT_MANAGER, email="mate@example.test", full_name="Tina Teammate", team=team)


@pytest.fixture
def outsider():
    return make_user(
        role=Role.ACCOUNT_MANAGER, email="other@example.test", full_name="Oscar Other", team=make_team(name="North")
    )


@pytest.fixture
def acme(owner):
    """A key-tier active customer with a full profile and preferences."""
    return make_account(
        owner=owner, name="Acme Ltd", tier="key", industry="Logistics", size="medium",
        website="https://www.acme.example/about", preferred_channel="video", meeting_rhythm="Monthly steering",
        time_zone="Europe/London", language="English", preference_notes="No calls on Fridays.",
    )


@pytest.fixture
def people(admin_user, executive, owner, teammate, outsider, project_manager, member):
    return {
        "admin": admin_user, "executive": executive, "owner": owner, "teammate": teammate,
        "outsider": outsider, "project_manager": project_manager, "member": member,
    }
