"""Demo stakeholder maps and RACI matrices (``tandem demo``).

Stakeholders (order 50), for each active project: the client's sponsor (a contact,
influence and interest high, fortnightly meetings, receives the status reports), an end
user contact (low influence, high interest, monthly e-mail), and an executive of the
organisation (high influence, lower interest, monthly written report).

RACI (order 51), for the same projects: rows for the deliverables, the first work tasks
and a steering committee; the manager Accountable, a team member Responsible, others
Consulted, the sponsor and the executive Informed. Every fifth project's matrix is left
incomplete on purpose: one row without an Accountable, one with two.
"""

from __future__ import annotations

import random
from typing import Any

from tandem.clients.models import Contact
from tandem.core import demo
from tandem.core.roles import Role
from tandem.delivery.models import Deliverable, Project, ProjectMember, ProjectStatus, Task
from tandem.governance.models import RaciCell, RaciRow, Stakeholder
from tandem.people.models import RoleAssignment

STAKEHOLDERS = "governance-stakeholders"
RACI = "governance-raci"
TASK_ROWS = 4
DELIVERABLE_ROWS = 2


def _active_projects() -> list[Project]:
    return list(Project.objects.filter(status=ProjectStatus.ACTIVE).order_by("pk"))


@demo.step(STAKEHOLDERS, order=50)
def generate_stakeholders(ctx: demo.DemoContext) -> None:
    rng = ctx.rng(STAKEHOLDERS)
    projects = _active_projects()
    executives = list(RoleAssignment.objects.filter(role=Role.EXECUTIVE).order_by("user_id")
                      .values_list("user_id", flat=True))
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(account__in={p.account_id for p in projects if p.account_id}).order_by("pk"):
        contacts.setdefault(contact.account_id, []).append(contact)
    rows: list[Stakeholder] = []
    for project in projects:
        theirs = contacts.get(project.account_id or 0, [])
        if theirs:
            rows.append(Stakeholder(
                project=project, contact=theirs[0], role="Sponsor", influence=5, interest=5, channel="meeting",
                frequency="fortnightly", receives_status_reports=True, notes="Signs off each phase."))
        if len(theirs) > 1:
            rows.append(Stakeholder(
                project=project, contact=theirs[1], role="End user", influence=rng.choice((1, 2)),
                interest=rng.choice((4, 5)), channel="email", frequency="monthly", receives_status_reports=False))
        if executives:
            rows.append(Stakeholder(
                project=project, user_id=rng.choice(executives), role="Executive sponsor", influence=rng.choice((4, 5)),
                interest=rng.choice((2, 3)), channel="report", frequency="monthly", receives_status_reports=True))
    ctx.bulk_create(Stakeholder, rows)


def _people(project: Project, team: list[int], stakes: list[Stakeholder]) -> dict[str, Any]:
    return {
        "manager": project.manager_id,
        "team": [user for user in team if user != project.manager_id],
        "sponsor": next((item.contact_id for item in stakes if item.role == "Sponsor"), None),
        "executive": next((item.user_id for item in stakes if item.user_id), None),
    }


def _cells(rng: random.Random, row: RaciRow, people: dict[str, Any], broken: str) -> list[RaciCell]:
    cells: dict[tuple[str, int], str] = {}
    team = people["team"]
    if people["manager"] and broken != "no-a":
        cells[("user", people["manager"])] = "A"
    if team:
        cells[("user", rng.choice(team))] = "R"
        for user in team:
            cells.setdefault(("user", user), rng.choice(("C", "I", "")))
        if broken == "two-a":
            others = [user for user in team if cells.get(("user", user)) != "R"] or team
            cells[("user", others[0])] = "A"
    elif people["manager"] and broken != "no-a":
        cells[("user", people["manager"])] = "A"
    if people["sponsor"]:
        cells[("contact", people["sponsor"])] = rng.choice(("I", "C"))
    if people["executive"] and ("user", people["executive"]) not in cells:
        cells[("user", people["executive"])] = "I"
    return [
        RaciCell(row=row, letter=letter, **({"user_id": pk} if kind == "user" else {"contact_id": pk}))
        for (kind, pk), letter in cells.items() if letter
    ]


@demo.step(RACI, order=51)
def generate_raci(ctx: demo.DemoContext) -> None:
    rng = ctx.rng(RACI)
    projects = _active_projects()
    teams: dict[int, list[int]] = {}
    for project_id, user_id in ProjectMember.objects.filter(project__in=projects).order_by("pk").values_list(
            "project_id", "user_id"):
        teams.setdefault(project_id, []).append(user_id)
    stakes: dict[int, list[Stakeholder]] = {}
    for item in Stakeholder.objects.filter(project__in=projects).order_by("pk"):
        stakes.setdefault(item.project_id, []).append(item)
    rows: list[RaciRow] = []
    for project in projects:
        position = 0
        for deliverable in Deliverable.objects.filter(project=project).order_by("due_date", "pk")[:DELIVERABLE_ROWS]:
            rows.append(RaciRow(project=project, kind="deliverable", deliverable=deliverable, position=position))
            position += 1
        for task in Task.objects.filter(project=project, is_summary=False).order_by("outline_index")[:TASK_ROWS]:
            rows.append(RaciRow(project=project, kind="task", task=task, position=position))
            position += 1
        rows.append(RaciRow(project=project, kind="activity", activity="Steering committee", position=position))
    ctx.bulk_create(RaciRow, rows)
    cells: list[RaciCell] = []
    by_project: dict[int, list[RaciRow]] = {}
    for row in rows:
        by_project.setdefault(row.project_id, []).append(row)
    for index, project in enumerate(projects):
        people = _people(project, teams.get(project.pk, []), stakes.get(project.pk, []))
        incomplete = index % 5 == 3
        for number, row in enumerate(by_project.get(project.pk, [])):
            broken = ("no-a" if number == 0 else "two-a" if number == 1 else "") if incomplete else ""
            cells.extend(_cells(rng, row, people, broken))
    # Letters are many small rows with no history of their own: inserted without audit.
    ctx.bulk_create(RaciCell, cells, audit=False)
