"""Test data builders, one function per record type, through the real services.

Later apps add their own ``tests/<app>/factories.py``; these cover people.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from tandem.core.roles import Role
from tandem.people import services
from tandem.people.models import Team, User

PASSWORD = "tandem-test-password-7"
_counter = itertools.count(1)


def make_user(
    *,
    role: str = Role.MEMBER,
    roles: list[str] | None = None,
    email: str | None = None,
    full_name: str | None = None,
    team: Team | None = None,
    password: str | None = PASSWORD,
    cost_rate: Decimal = Decimal("60.00"),
    bill_rate: Decimal = Decimal("120.00"),
    **extra: Any,
) -> User:
    number = next(_counter)
    return services.user_create(
        actor=None,
        email=email or f"user{number}@example.test",
        full_name=full_name or f"User {number:03d}",
        password=password,
        roles=roles or [role],
        team=team,
        cost_rate=cost_rate,
        bill_rate=bill_rate,
        **extra,
    )


# The role users of tests/conftest.py: role -> (e-mail, full name, in the team "Delivery").
ROLE_USERS: dict[str, tuple[str, str, bool]] = {
    Role.ADMIN: ("admin@example.test", "Ada Admin", False),
    Role.EXECUTIVE: ("exec@example.test", "Eve Executive", False),
    Role.ACCOUNT_MANAGER: ("am@example.test", "Alan Account", True),
    Role.PROJECT_MANAGER: ("pm@example.test", "Pam Project", True),
    Role.MEMBER: ("member@example.test", "Mel Member", True),
}


def make_role_user(role: str, *, team: Team | None = None) -> User:
    """The conftest user of ``role`` (``team`` is "Delivery", for the roles in it)."""
    email, full_name, in_team = ROLE_USERS[role]
    return make_user(role=role, email=email, full_name=full_name, team=team if in_team else None)


def make_role_users() -> dict[str, User]:
    """One user per role, made in the order of the conftest fixtures (``users_by_role``:
    the team "Delivery" comes with the first user in it)."""
    users: dict[str, User] = {}
    team = None
    for role, (_, _, in_team) in ROLE_USERS.items():
        if in_team and team is None:
            team = make_team(name="Delivery")
        users[role] = make_role_user(role, team=team)
    return users


def make_team(*, name: str | None = None, lead: User | None = None) -> Team:
    return services.team_create(actor=None, name=name or f"Team {next(_counter)}", lead=lead)
