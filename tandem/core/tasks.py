"""Background work through Django's tasks framework (STYLE rule 5).

Side effects of a write are enqueued with :func:`enqueue_on_commit`, so a task never
runs for a transaction that rolled back. The database backend of ``django-tasks-db``
stores the queue; ``tandem worker`` runs it.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.tasks import Task, task


def enqueue_on_commit(task: Task, /, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


@task()
def index_for_search(model_label: str, ids: list[int]) -> int:
    """(Re)index these records in the global search (queued by bulk writers through
    :func:`tandem.core.search.index_later`). Records deleted since are skipped."""
    from tandem.core import search

    return search.index_ids(apps.get_model(model_label), ids)
