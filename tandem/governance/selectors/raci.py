"""Reading the RACI matrix and the stakeholder register of a project, and the rules
a matrix is checked against (:func:`raci_check`, a pure function).

The matrix is read in a fixed number of queries whatever its size: the rows (with
their task or deliverable), the cells, the team and the stakeholders, one query each.
A *person* of the matrix is keyed ``"user:<id>"`` or ``"contact:<id>"``: the project's
manager and team members, then its stakeholders, each once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from tandem.core.permissions import scoped
from tandem.delivery.models import AcceptanceState, Project, ProjectMember, TaskStatus
from tandem.governance.models import RaciCell, RaciRow, Stakeholder

#: A person Accountable for more rows than this gets a warning, unless
#: ``settings.TANDEM_RACI_MAX_ACCOUNTABLE`` says otherwise.
MAX_ACCOUNTABLE = 8
#: From this many rows, one person Accountable for more than half of them is a warning.
HALF_RULE_MIN_ROWS = 6

NO_ACCOUNTABLE = "Give this row one Accountable person"
NO_RESPONSIBLE = "Someone must be Responsible"
EMPTY_ROW = "Nobody is on this row yet"


def max_accountable() -> int:
    return int(getattr(settings, "TANDEM_RACI_MAX_ACCOUNTABLE", MAX_ACCOUNTABLE))


@dataclass
class RowCheck:
    """What a row needs (``problems``: the rules it breaks) and what to look at
    (``warnings``)."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.problems or self.warnings)

    @property
    def text(self) -> str:
        return "; ".join([*self.problems, *self.warnings]) or "Complete"


def raci_check(
    rows: Sequence[tuple[Any, Mapping[str, str]]], *, names: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> dict[Any, RowCheck]:
    """Check a matrix given as ``(row key, {person key: letter})`` pairs.

    Rules, per row: exactly one A ("Give this row one Accountable person" / "Only one
    person can be Accountable: now N"); at least one R ("Someone must be Responsible").
    Warnings: an empty row; the row's Accountable is Accountable for more than
    ``limit`` rows, or for more than half of the rows when there are at least
    :data:`HALF_RULE_MIN_ROWS`.
    """
    limit = max_accountable() if limit is None else limit
    names = names or {}
    accountable_rows: Counter[str] = Counter()
    for _key, letters in rows:
        for person, letter in letters.items():
            if letter == "A":
                accountable_rows[person] += 1
    total = len(rows)
    result: dict[Any, RowCheck] = {}
    for key, letters in rows:
        check = RowCheck()
        values = list(letters.values())
        if not values:
            check.warnings.append(EMPTY_ROW)
        accountable = [person for person, letter in letters.items() if letter == "A"]
        if not accountable:
            check.problems.append(NO_ACCOUNTABLE)
        elif len(accountable) > 1:
            check.problems.append(f"Only one person can be Accountable: now {len(accountable)}")
        if "R" not in values:
            check.problems.append(NO_RESPONSIBLE)
        for person in sorted(accountable):
            count = accountable_rows[person]
            name = names.get(person, "This person")
            if count > limit:
                check.warnings.append(f"{name} is Accountable for {count} rows (more than {limit})")
            elif total >= HALF_RULE_MIN_ROWS and count * 2 > total:
                check.warnings.append(f"{name} is Accountable for {count} of the {total} rows")
        result[key] = check
    return result


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    kind: str  # "user" or "contact"
    pk: int
    role: str = ""

    @property
    def url(self) -> str:
        if self.kind == "user":
            return reverse("people:user_detail", kwargs={"user_id": self.pk})
        return reverse("clients:contact_detail", kwargs={"contact_id": self.pk})


def person_key(user_id: int | None, contact_id: int | None) -> str:
    return f"user:{user_id}" if user_id is not None else f"contact:{contact_id}"


def user_name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or user.email)


@dataclass
class MatrixRow:
    row: RaciRow
    letters: dict[str, str]
    check: RowCheck
    cells: list[tuple[Person, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.row)

    @property
    def status(self) -> str:
        task, deliverable = self.row.task, self.row.deliverable
        if task is not None:
            return task.get_status_display()
        if deliverable is not None:
            return deliverable.get_acceptance_state_display()
        return ""

    @property
    def due_date(self) -> Any:
        task, deliverable = self.row.task, self.row.deliverable
        if task is not None:
            return task.due_date or (task.early_finish.date() if task.early_finish else None)
        if deliverable is not None:
            return deliverable.due_date
        return None


@dataclass
class Matrix:
    project: Project
    people: list[Person]
    rows: list[MatrixRow]

    @property
    def attention(self) -> list[MatrixRow]:
        return [row for row in self.rows if row.check.needs_attention]

    def person(self, key: str) -> Person | None:
        return next((person for person in self.people if person.key == key), None)


def matrix_people(project: Project) -> list[Person]:
    """The columns: the manager, the team members, then the stakeholders, each once
    (two queries)."""
    people: list[Person] = []
    seen: set[str] = set()

    def add(person: Person) -> None:
        if person.key not in seen:
            seen.add(person.key)
            people.append(person)

    if project.manager_id is not None:
        add(Person(key=person_key(project.manager_id, None), name=user_name(project.manager), kind="user",
                   pk=project.manager_id, role="Project manager"))
    members = (ProjectMember.objects.filter(project=project).select_related("user")
               .only("user_id", "role", "user__full_name", "user__email").order_by("user__full_name", "pk"))
    stakeholders = stakeholder_list(project=project).only(
        "user_id", "contact_id", "role", "user__full_name", "user__email", "contact__first_name", "contact__last_name")
    for member in members:
        add(Person(key=person_key(member.user_id, None), name=user_name(member.user), kind="user",
                   pk=member.user_id, role=member.role or "Team"))
    for stakeholder in stakeholders:
        if stakeholder.user_id is not None:
            add(Person(key=person_key(stakeholder.user_id, None), name=user_name(stakeholder.user), kind="user",
                       pk=stakeholder.user_id, role=stakeholder.role or "Stakeholder"))
        elif stakeholder.contact is not None:
            add(Person(key=person_key(None, stakeholder.contact.pk), name=stakeholder.contact.full_name,
                       kind="contact", pk=stakeholder.contact.pk, role=stakeholder.role or "Client contact"))
    return people


def _letters(cells: Iterable[tuple[int, int | None, int | None, str]]) -> dict[int, dict[str, str]]:
    """``{row id: {person key: letter}}`` of ``(row id, user id, contact id, letter)`` cells."""
    letters: dict[int, dict[str, str]] = {}
    for row_id, user_id, contact_id, letter in cells:
        letters.setdefault(row_id, {})[person_key(user_id, contact_id)] = letter
    return letters


#: What a matrix row reads: the row, and of its task or deliverable what its name,
#: status and due date need (not the whole schedule of the task).
_ROW_FIELDS = (*(field.name for field in RaciRow._meta.concrete_fields),
               "task__name", "task__status", "task__due_date", "task__early_finish",
               "deliverable__name", "deliverable__acceptance_state", "deliverable__due_date")


def raci_matrix(*, project: Project) -> Matrix:
    """The project's matrix, checked (four queries; the caller has checked the project
    is visible and read it with its manager)."""
    people = matrix_people(project)
    names = {person.key: person.name for person in people}
    rows = list(RaciRow.objects.filter(project=project).select_related("task", "deliverable").only(*_ROW_FIELDS))
    letters = _letters(RaciCell.objects.filter(row__project=project).order_by("row_id", "id")
                       .values_list("row_id", "user_id", "contact_id", "letter"))
    checks = raci_check([(row.pk, letters.get(row.pk, {})) for row in rows], names=names)
    return Matrix(project=project, people=people,
                  rows=[MatrixRow(row=row, letters=letters.get(row.pk, {}), check=checks[row.pk],
                                  cells=[(person, letters.get(row.pk, {}).get(person.key, "")) for person in people])
                        for row in rows])


def raci_row_get(*, actor: Any, raci_row_id: Any) -> RaciRow:
    from tandem.core.permissions import get_visible

    return get_visible(actor, RaciRow.objects.select_related("project", "project__manager", "project__account"),
                       raci_row_id)


def stakeholder_list(*, project: Project) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(project=project).select_related("user", "contact")


def stakeholder_get(*, actor: Any, stakeholder_id: Any) -> Stakeholder:
    from tandem.core.permissions import get_visible

    return get_visible(actor, Stakeholder.objects.select_related("project", "user", "contact"), stakeholder_id)


# --- My responsibilities ---------------------------------------------------------------

def my_cells(*, actor: Any, letters: Sequence[str] = (), open_only: bool = False) -> QuerySet[RaciCell]:
    """The cells where ``actor`` holds a letter, on rows of projects they can see
    (``letters`` narrows; ``open_only`` keeps rows whose task is not done or whose
    deliverable is not accepted: named activities have no state and stay)."""
    rows = scoped(actor, RaciRow)
    queryset = RaciCell.objects.filter(user=actor.pk, row__in=rows.values("pk")).select_related(
        "row", "row__project", "row__task", "row__deliverable")
    if letters:
        queryset = queryset.filter(letter__in=list(letters))
    if open_only:
        queryset = queryset.exclude(row__task__status=TaskStatus.DONE).exclude(
            row__deliverable__acceptance_state=AcceptanceState.ACCEPTED)
    return queryset.order_by("row__project__code", "row__position", "row__pk")
