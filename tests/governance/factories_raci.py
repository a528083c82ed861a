"""Builders for RACI matrices and stakeholders, through the governance services."""

from __future__ import annotations

from typing import Any

from tandem.delivery import services as delivery_services
from tandem.delivery.models import Project
from tandem.governance.models import RaciRow
from tandem.governance.services import raci as raci_services
from tests.clients.factories import make_account, make_contact
from tests.delivery.factories import make_project, make_task
from tests.factories import make_user


def make_raci_world(*, people: int = 3, rows: int = 3, with_account: bool = True) -> dict[str, Any]:
    """A project whose manager and ``people - 1`` team members are the matrix's columns,
    and ``rows`` task rows (no letters yet)."""
    account = make_account() if with_account else None
    project: Project = make_project(account=account) if account else make_project()
    members = [make_user(full_name=f"Member {index:02d}") for index in range(people - 1)]
    for member in members:
        delivery_services.project_member_add(actor=None, project=project, user=member)
    tasks = [make_task(project=project, name=f"Task {index:02d}") for index in range(rows)]
    manager = project.manager
    raci_rows = [raci_services.raci_row_add(actor=manager, project=project, kind="task", task=task) for task in tasks]
    return {"project": project, "manager": manager, "members": members, "tasks": tasks, "rows": raci_rows,
            "account": account, "contact": make_contact(account=account) if account else None}


def set_letters(row: RaciRow, actor: Any, letters: dict[Any, str]) -> None:
    for user, letter in letters.items():
        raci_services.raci_cell_set(actor=actor, row=row, person=f"user:{user.pk}", letter=letter)
