"""Shared fixtures: one user per role, logged-in clients, and data shared by a module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tandem.core.roles import Role
from tests.factories import PASSWORD, make_role_user, make_team

# Argon2 is deliberately slow: tests hash with MD5 (see _fast_password_hashing).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def team(db):
    return make_team(name="Delivery")


@pytest.fixture
def admin_user(db):
    return make_role_user(Role.ADMIN)


@pytest.fixture
def executive(db):
    return make_role_user(Role.EXECUTIVE)


@pytest.fixture
def account_manager(db, team):
    return make_role_user(Role.ACCOUNT_MANAGER, team=team)


@pytest.fixture
def project_manager(db, team):
    return make_role_user(Role.PROJECT_MANAGER, team=team)


@pytest.fixture
def member(db, team):
    return make_role_user(Role.MEMBER, team=team)


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


@pytest.fixture(scope="session", autouse=True)
def _static_files_found_when_asked() -> None:
    """Each test ``Client`` builds the middleware again, and WhiteNoise scanned every
    static file of the finders (node_modules included, about 1,400) each time: 0.36 s per
    client, most of a page test's time. In autorefresh mode it looks a file up when one
    is asked for instead, as in development; production serves collected files."""
    from django.conf import settings as django_settings

    django_settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _scopes_built_afresh() -> None:
    """Permission scopes are kept for the process, per user as the policies see them
    (``tandem.core.permissions.kept_scope``), and so are the statements compiled once
    (``tandem.core.statements``): each test starts without them, so a test that changes a
    policy, or a user whose id an earlier test's user had, builds its own."""
    from tandem.core.permissions import forget_scopes
    from tandem.core.statements import forget_statements

    forget_scopes()
    forget_statements()


@pytest.fixture(scope="session", autouse=True)
def _statements_strict() -> None:
    """A statement compiled once whose parameters are not the values its caller binds is a
    defect: tests raise it (a running server logs it and runs the query as built)."""
    from tandem.core import statements

    statements.STRICT = True


@pytest.fixture(autouse=True)
def _seeded_rows_back(request: pytest.FixtureRequest) -> None:
    """The rows data migrations seed (the pipeline stages, the cadence and SLA rules) are
    gone after a transactional test flushed the database, and which tests a worker runs
    after one depends on how xdist hands them out: a test that uses the database starts
    with them (one query when they are there)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from tandem.commercial.models import Stage
    from tests.clients.factories import seed_service_rules
    from tests.commercial.factories import seed_stages

    if not Stage.objects.exists():
        seed_stages()
        seed_service_rules()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is deliberately slow; tests hash with MD5 unless they check the real
    hashers (mark them ``real_password_hashing``)."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS



@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker) -> Iterator[None]:
    """A transaction open for the whole test module, rolled back after its last test.

    Data built on top of it by a module-scoped fixture (through ``build_for_module``) is
    built once for the module instead of once per test; each test still runs in its own
    savepoint (the ``db`` fixture), so whatever a test writes is undone before the next
    test. Only for tests that use ``db``, not ``transactional_db``. Between tests the
    database stays blocked for tests that do not ask for it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def build_for_module(module_transaction, django_db_blocker) -> Callable[..., Any]:
    """``build_for_module(build, *args)`` runs ``build`` inside the module's transaction
    (database open, passwords hashed the fast way as in every test) and returns what it
    returns: for module-scoped fixtures whose data every test of the module shares.
    Tests must read such objects again from the database when a test may change them
    (each test's changes are rolled back, the Python objects stay as built)."""

    def build(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
            return function(*args, **kwargs)

    return build
