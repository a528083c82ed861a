"""Delivery's part of the P4 shrink: the projects of the accounts a shrink removes, with
everything hanging off them, deleted set-based (the caller rolls back)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from tandem.bench.measures.governance_rows import shrink_governance
from tandem.clients.models import Account
from tandem.delivery.models import (
    Allocation,
    Baseline,
    BaselineTask,
    Deliverable,
    Dependency,
    Objective,
    Project,
    ProjectExpense,
    ProjectMember,
    Task,
    TaskAssignment,
    TimeEntry,
)


def shrink_projects(keep_one_in: int) -> None:
    """Delete the projects of every account whose id is not a multiple of
    ``keep_one_in``, and their rows (governance's first)."""
    shrink_governance(keep_one_in)
    quote = connection.ops.quote_name

    def table(model: type[Any]) -> str:
        return quote(model._meta.db_table)

    gone_accounts = f"SELECT {quote('id')} FROM {table(Account)} WHERE {quote('id')} %% %s <> 0"  # noqa: S608
    projects = f"SELECT {quote('id')} FROM {table(Project)} WHERE {quote('account_id')} IN ({gone_accounts})"  # noqa: S608
    tasks = f"SELECT {quote('id')} FROM {table(Task)} WHERE {quote('project_id')} IN ({projects})"  # noqa: S608
    baselines = f"SELECT {quote('id')} FROM {table(Baseline)} WHERE {quote('project_id')} IN ({projects})"  # noqa: S608
    steps: tuple[tuple[type[Any], str, str], ...] = (
        (BaselineTask, "baseline_id", baselines),
        (TaskAssignment, "task_id", tasks),
        (Dependency, "project_id", projects),
        (Deliverable, "project_id", projects),
        (Objective, "project_id", projects),
        (ProjectMember, "project_id", projects),
        (Allocation, "project_id", projects),
        (TimeEntry, "project_id", projects),
        (ProjectExpense, "project_id", projects),
        (Baseline, "project_id", projects),
        (Task, "project_id", projects),
        (Project, "id", projects),
    )
    with connection.cursor() as cursor:
        for model, column, inner in steps:
            cursor.execute(f"DELETE FROM {table(model)} WHERE {quote(column)} IN ({inner})", [keep_one_in])  # noqa: S608
