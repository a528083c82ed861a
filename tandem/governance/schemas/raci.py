"""API shapes of the RACI matrix and the stakeholder register."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tandem.core.api import MAX_ID, PageMeta
from tandem.governance.models import RaciCell, Stakeholder
from tandem.governance.selectors.raci import Matrix, MatrixRow, person_key

Channel = Literal["email", "meeting", "call", "chat", "report"]
Frequency = Literal["weekly", "fortnightly", "monthly", "milestones", "as_needed"]
Letter = Literal["R", "A", "C", "I"]


class StakeholderOut(BaseModel):
    id: int
    project_id: int
    person: str = Field(description='"user:<id>" or "contact:<id>"')
    user_id: int | None
    contact_id: int | None
    name: str
    role: str
    influence: int
    interest: int
    channel: str
    frequency: str
    receives_status_reports: bool
    notes: str
    version: int


class StakeholderPage(PageMeta):
    items: list[StakeholderOut]


class StakeholderCreateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="A user of the organisation")
    contact_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="A contact of the project's client")
    role: str = Field(default="", max_length=150)
    influence: int = Field(default=3, ge=1, le=5)
    interest: int = Field(default=3, ge=1, le=5)
    channel: Channel = "email"
    frequency: Frequency = "fortnightly"
    receives_status_reports: bool = True
    notes: str = Field(default="", max_length=5000)


class StakeholderUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_ID, description="The version you read (409 when stale)")
    role: str | None = Field(default=None, max_length=150)
    influence: int | None = Field(default=None, ge=1, le=5)
    interest: int | None = Field(default=None, ge=1, le=5)
    channel: Channel | None = None
    frequency: Frequency | None = None
    receives_status_reports: bool | None = None
    notes: str | None = Field(default=None, max_length=5000)


def stakeholder_out(item: Stakeholder) -> dict[str, Any]:
    name = (item.user.full_name or item.user.email) if item.user is not None else (
        item.contact.full_name if item.contact is not None else "")
    return {
        "id": item.pk, "project_id": item.project_id, "person": person_key(item.user_id, item.contact_id),
        "user_id": item.user_id, "contact_id": item.contact_id, "name": name, "role": item.role,
        "influence": item.influence, "interest": item.interest, "channel": item.channel,
        "frequency": item.frequency, "receives_status_reports": item.receives_status_reports,
        "notes": item.notes, "version": item.version,
    }


class PersonOut(BaseModel):
    key: str = Field(description='"user:<id>" or "contact:<id>"')
    name: str
    kind: str
    role: str


class RaciRowOut(BaseModel):
    id: int
    kind: str
    name: str
    task_id: int | None
    deliverable_id: int | None
    activity: str
    position: int
    status: str
    due_date: dt.date | None
    letters: dict[str, str] = Field(description="Person key → letter")
    problems: list[str]
    warnings: list[str]
    version: int


class RaciMatrixOut(BaseModel):
    project_id: int
    people: list[PersonOut]
    rows: list[RaciRowOut]
    rows_needing_attention: int


def raci_row_out(line: MatrixRow) -> dict[str, Any]:
    row = line.row
    return {
        "id": row.pk, "kind": row.kind, "name": line.name, "task_id": row.task_id,
        "deliverable_id": row.deliverable_id, "activity": row.activity, "position": row.position,
        "status": line.status, "due_date": line.due_date, "letters": line.letters,
        "problems": line.check.problems, "warnings": line.check.warnings, "version": row.version,
    }


def matrix_out(matrix: Matrix) -> dict[str, Any]:
    return {
        "project_id": matrix.project.pk,
        "people": [{"key": person.key, "name": person.name, "kind": person.kind, "role": person.role}
                   for person in matrix.people],
        "rows": [raci_row_out(line) for line in matrix.rows],
        "rows_needing_attention": len(matrix.attention),
    }


class RaciRowCreateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["deliverable", "task", "activity"]
    task_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    deliverable_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    activity: str = Field(default="", max_length=200)


class RaciRowUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_ID, description="The version you read (409 when stale)")
    activity: str | None = Field(default=None, max_length=200, description="An activity row's name")
    position: int | None = Field(default=None, ge=0, le=100000, description="Its place, 0 first")


class RaciCellIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: str = Field(max_length=40, description='"user:<id>" or "contact:<id>", a column of the matrix')
    letter: Letter | None = Field(default=None, description="R, A, C or I; null clears the cell")


class RaciCellOut(BaseModel):
    row: RaciRowOut
    person: str
    letter: str | None


class ResponsibilityOut(BaseModel):
    row_id: int
    row: str
    kind: str
    letter: str
    project_id: int
    project: str
    status: str
    due_date: dt.date | None


class ResponsibilityPage(PageMeta):
    items: list[ResponsibilityOut]


def responsibility_out(cell: RaciCell) -> dict[str, Any]:
    line = MatrixRow(row=cell.row, letters={}, check=None)  # type: ignore[arg-type]
    return {
        "row_id": cell.row_id, "row": str(cell.row), "kind": cell.row.kind, "letter": cell.letter,
        "project_id": cell.row.project_id, "project": f"{cell.row.project.code} {cell.row.project.name}",
        "status": line.status, "due_date": line.due_date,
    }
