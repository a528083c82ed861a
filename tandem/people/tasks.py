"""Background jobs of the people app."""

from __future__ import annotations

from django.tasks import task

from tandem.core.schedule import daily
from tandem.people.auth import login_attempts_prune


@daily(at="03:00")
@task()
def prune_login_attempts() -> int:
    """Delete failed log-in records older than a day (throttling looks back minutes)."""
    return login_attempts_prune()
