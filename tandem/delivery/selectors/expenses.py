"""Project expenses as pages and the API read them (the caller has the project, or asks
through the policies: :func:`expense_get`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.core.permissions import get_visible
from tandem.delivery.models import Project, ProjectExpense


def expense_list(*, project: Project) -> QuerySet[ProjectExpense]:
    """The project's expenses, newest first, with who spent the money (one query)."""
    return ProjectExpense.objects.filter(project=project).select_related("spent_by").order_by("-date", "-id")


def expense_get(*, actor: Any, expense_id: Any) -> ProjectExpense:
    """One expense the actor may see (its project visible), with its project, the
    project's account and manager; :class:`tandem.core.errors.NotFoundError` otherwise."""
    queryset = ProjectExpense.objects.select_related("project__account", "project__manager", "spent_by")
    return get_visible(actor, queryset, expense_id)
