"""Helpers shared by the security tests (the authorization matrix and the auth,
permission and service tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_password_hashing(settings: Any) -> Iterator[None]:
    """Hash test passwords with MD5: Argon2 (the production hasher, ~0.5 s a hash with
    100 MB of memory) would make every user-building fixture slow. Tests about the
    hasher itself do not use this fixture."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    yield
