"""Background jobs of the people app."""

from __future__ import annotations

from django.tasks import task

from tandem.people.auth import login_attempts_prune


@task()
def prune_login_attempts() -> int:
    """Delete failed log-in records older than a day (throttling looks back minutes)."""
    return login_attempts_prune()
