"""Background jobs of the integrations app."""

from __future__ import annotations

from django.tasks import task

from tandem.core.schedule import daily
from tandem.integrations.importing.storage import remove_old_files


@daily(at="02:30")
@task()
def imports_remove_old_files() -> int:
    """Remove uploaded import files no job needs any more (see importing/storage.py)."""
    return remove_old_files()


# Outbound webhooks and chat messages (registered with the scheduler on import).
from tandem.integrations.outbound.tasks import outbound_deliver, outbound_sweep  # noqa: E402

__all__ = ["imports_remove_old_files", "outbound_deliver", "outbound_sweep"]
