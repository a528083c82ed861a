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


def make_team(*, name: str | None = None, lead: User | None = None) -> Team:
    return services.team_create(actor=None, name=name or f"Team {next(_counter)}", lead=lead)
