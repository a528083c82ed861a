"""Sign-in activity: the log-ins, log-outs and failed log-ins that ``tandem.people.auth``
writes to the audit trail, for administrators (a person's history leaves them out).

Newest first, served by the index ``audit_action_idx`` (core migration 0006)
whatever the size of the rest of the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from tandem.core.errors import PermissionDeniedError
from tandem.core.history import SIGN_IN_ACTIONS
from tandem.core.models import AuditAction, AuditEntry
from tandem.core.permissions import is_admin
from tandem.people.models import User


@dataclass(frozen=True)
class SignInFilters:
    """``since`` / ``until``: an instant range (the view turns the chosen days into
    instants in the viewer's time zone); ``until`` is exclusive."""

    person: User | None = None
    kind: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def sign_in_activity(*, actor: Any, filters: SignInFilters) -> QuerySet[AuditEntry]:
    """Sign-in events, newest first, with their person; administrators only.

    A person's events are their log-ins and log-outs and the failed log-ins typed
    with their e-mail address."""
    if not is_admin(actor):
        raise PermissionDeniedError("Only administrators see sign-in activity.")
    entries = AuditEntry.objects.filter(action__in=SIGN_IN_ACTIONS)
    if filters.kind in SIGN_IN_ACTIONS:
        entries = entries.filter(action=filters.kind)
    if filters.person is not None:
        entries = entries.filter(
            Q(actor=filters.person)
            | Q(action=AuditAction.LOGIN_FAILED, changes__email__1=filters.person.email)
        )
    if filters.since is not None:
        entries = entries.filter(at__gte=filters.since)
    if filters.until is not None:
        entries = entries.filter(at__lt=filters.until)
    return entries.select_related("actor").order_by("-at", "-id")


def sign_in_people(*, actor: Any) -> list[User]:
    """Everyone, by name, for the page's person filter; administrators only."""
    if not is_admin(actor):
        raise PermissionDeniedError("Only administrators see sign-in activity.")
    return list(User.objects.order_by("full_name", "id").only("id", "full_name", "email"))
