"""Shared fixtures: one user per role, and logged-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.core.roles import Role
from tests.factories import PASSWORD, make_team, make_user


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def team(db):
    return make_team(name="Delivery")


@pytest.fixture
def admin_user(db):
    return make_user(role=Role.ADMIN, email="admin@example.test", full_name="Ada Admin")


@pytest.fixture
def executive(db):
    return make_user(role=Role.EXECUTIVE, email="exec@example.test", full_name="Eve Executive")


@pytest.fixture
def account_manager(db, team):
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Alan Account", team=team)


@pytest.fixture
def project_manager(db, team):
    return make_user(role=Role.PROJECT_MANAGER, email="pm@example.test", full_name="Pam Project", team=team)


@pytest.fixture
def member(db, team):
    return make_user(role=Role.MEMBER, email="member@example.test", full_name="Mel Member", team=team)


@pytest.fixture
def users_by_role(admin_user, executive, account_manager, project_manager, member):
    return {
        Role.ADMIN: admin_user,
        Role.EXECUTIVE: executive,
        Role.ACCOUNT_MANAGER: account_manager,
        Role.PROJECT_MANAGER: project_manager,
        Role.MEMBER: member,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_(admin_user) -> Client:
    return client_for(admin_user)


@pytest.fixture
def member_client(member) -> Client:
    return client_for(member)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is deliberately slow; tests hash with MD5 unless they check the real
    hashers (mark them ``real_password_hashing``)."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
