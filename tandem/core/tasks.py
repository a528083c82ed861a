"""Background work through Django's tasks framework (STYLE rule 5).

Side effects of a write are enqueued with :func:`enqueue_on_commit`, so a task never
runs for a transaction that rolled back. The database backend of ``django-tasks-db``
stores the queue; ``tandem worker`` runs it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import Task


def enqueue_on_commit(task: Task, /, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
