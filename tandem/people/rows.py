"""The table rows of the people directory (see :mod:`tandem.core.rows` for why rows are
written in Python): read as dictionaries of the shown columns, roles in one query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from tandem.core.roles import Role
from tandem.core.rows import DateText, UrlPattern, esc, joined
from tandem.people.models import RoleAssignment, User

USER_ROW_FIELDS = (
    "id", "full_name", "email", "date_joined", "is_active", "person__title", "person__team_id",
    "person__team__name",
)  # fmt: skip


def user_row_queryset(queryset: QuerySet[User]) -> QuerySet[Any]:
    """``queryset`` (a directory selection) as rows of the shown columns."""
    return queryset.prefetch_related(None).values(*USER_ROW_FIELDS)


def roles_of(rows: Sequence[Mapping[str, Any]]) -> dict[int, set[str]]:
    """The roles of the users on a page, in one query."""
    roles: dict[int, set[str]] = {row["id"]: set() for row in rows}
    if roles:
        pairs = RoleAssignment.objects.filter(user_id__in=list(roles)).values_list("user_id", "role")
        for user_id, role in pairs:
            roles[user_id].add(role)
    return roles


def user_rows(rows: Iterable[Mapping[str, Any]], roles: Mapping[int, set[str]], *, show_status: bool) -> SafeString:
    """The ``<tr>`` of each person: name (link), e-mail, title, team (link), joined,
    roles in the order of :class:`Role`, and the status when the page shows it."""
    user_url = UrlPattern("people:user_detail", "user_id")
    team_url = UrlPattern("people:team_detail", "team_id")
    dates = DateText()
    role_labels = [(str(value), esc(label)) for value, label in Role.choices]
    out = []
    for row in rows:
        held = roles.get(row["id"], set())
        team = (
            f'<a href="{team_url(row["person__team_id"])}">{esc(row["person__team__name"])}</a>'
            if row["person__team_id"] is not None else ""
        )  # fmt: skip
        cells = [
            f'<td><a href="{user_url(row["id"])}">{esc(row["full_name"])}</a></td>',
            f"<td>{esc(row['email'])}</td>",
            f"<td>{esc(row['person__title'] or '')}</td>",
            f"<td>{team}</td>",
            f"<td>{dates.day(row['date_joined'])}</td>",
            f"<td>{', '.join(label for value, label in role_labels if value in held)}</td>",
        ]
        if show_status:
            cells.append(
                "<td>Active</td>" if row["is_active"] else '<td><span class="badge text-bg-secondary">Disabled</span></td>'
            )
        out.append("\n        <tr>\n          " + "\n          ".join(cells) + "\n        </tr>")
    return joined(out)


TEAM_ROW_FIELDS = ("id", "name", "description", "lead_id", "lead__full_name", "member_count")


def team_rows(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The ``<tr>`` of each team: name (link), lead, active members, description cut at
    80 characters (``truncatechars:80``)."""
    team_url = UrlPattern("people:team_detail", "team_id")
    out = []
    for row in rows:
        lead = esc(row["lead__full_name"]) if row["lead_id"] is not None else "No lead"
        description = row["description"] or ""
        if len(description) > 80:
            description = description[:79] + "…"
        out.append(
            "\n        <tr>"
            f'\n          <td><a href="{team_url(row["id"])}">{esc(row["name"])}</a></td>'
            f"\n          <td>{lead}</td>"
            f"\n          <td>{row['member_count']}</td>"
            f"\n          <td>{esc(description)}</td>"
            "\n        </tr>"
        )
    return joined(out)
