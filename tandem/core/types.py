"""Types every app shares.

``Actor`` is who performs a service call: the ``actor`` argument of every
``<entity>_<verb>(*, actor, …)`` service. It is the user model without naming it (core
imports no domain app): any ``AbstractBaseUser`` (Tandem's ``people.User``), or the
anonymous user a view may hold before ``login_required`` has run; the permission checks
answer "no" for an anonymous or disabled one. A service that the system itself may call
(the demo, an import, a daily job) takes ``SystemActor``: ``None`` there means "the
system", permission checks skipped and audited without a user.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

type Actor = AbstractBaseUser | AnonymousUser
type SystemActor = Actor | None

__all__ = ["Actor", "SystemActor"]
