"""Rows of the governance registers written in Python (see :mod:`tandem.core.rows`):
the risk register's rows, the RACI grid's rows and cells, the meeting list's rows.

Each writer writes exactly what the template loop it replaced wrote (pinned against
that markup in ``tests/governance/test_rows.py``): the same elements, attributes,
labels and whitespace, with links from patterns reversed once a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import SafeString

from tandem.core.rows import DateText, UrlPattern, esc, joined
from tandem.governance.models import MeetingKind, MeetingStatus, RiskCategory, RiskStatus
from tandem.governance.services.risks import score_word

STATUS_BADGES: dict[str, str] = {RiskStatus.OPEN: "warning", RiskStatus.OCCURRED: "danger", RiskStatus.CLOSED: "secondary"}


def _day(dates: DateText, value: dt.date) -> str:
    """``|date:"j M Y"`` of a date."""
    return f"{value.day} {dates.months[value.month]} {value.year:04d}"


# --- the risk register (governance/risks/_table.html) -----------------------------------

#: What :func:`risk_rows` reads of each risk (``risks.values(*RISK_ROW_FIELDS)``).
RISK_ROW_FIELDS = ("id", "title", "category", "score", "probability", "impact", "status", "review_date",
                   "owner_id", "owner__full_name", "owner__email", "project_id", "project__code", "project__name",
                   "account__name")


def risk_rows(risks: Iterable[dict[str, Any]], *, show_subject: bool = False) -> SafeString:
    """The register's ``<tr>`` rows of ``risks`` (dicts of :data:`RISK_ROW_FIELDS`);
    ``show_subject`` adds the "Project or account" column."""
    detail = UrlPattern("governance:risk_detail", "risk_id")
    dates = DateText()
    categories = dict(RiskCategory.choices)
    statuses = dict(RiskStatus.choices)
    rows = []
    for risk in risks:
        score = risk["score"]
        word, colour = score_word(score)
        if show_subject:
            subject = (f"{esc(risk['project__code'])} {esc(risk['project__name'])}" if risk["project_id"] is not None
                       else esc(risk["account__name"]))
            subject = f'<td data-label="Project or account">{subject}</td>'
        else:
            subject = ""
        owner_text = (esc(risk["owner__full_name"] or risk["owner__email"]) if risk["owner_id"] is not None
                      else '<span class="text-body-secondary">Nobody yet</span>')
        review = risk["review_date"]
        category, status = risk["category"], risk["status"]
        rows.append(
            '\n    <tr data-testid="risk-row">'
            f'\n      <td data-label="Risk"><a href="{detail(risk["id"])}">{esc(risk["title"])}</a>'
            f'\n        <div class="small text-body-secondary">{esc(categories.get(category, category))}</div></td>'
            f"\n      {subject}"
            f'\n      <td data-label="Score" class="text-end"><span class="badge text-bg-{colour}" '
            f'data-testid="risk-score">{esc(score)} · {word}</span>'
            f'\n        <div class="small text-body-secondary">{esc(risk["probability"])} × {esc(risk["impact"])}</div></td>'
            f'\n      <td data-label="Status"><span class="badge text-bg-{STATUS_BADGES.get(status, "secondary")}">'
            f"{esc(statuses.get(status, status))}</span></td>"
            f'\n      <td data-label="Owner">{owner_text}</td>'
            f'\n      <td data-label="Review on">{_day(dates, review) if review else "—"}</td>'
            "\n    </tr>\n  "
        )
    return joined(rows)


def heat_rows(heat: Iterable[dict[str, Any]]) -> SafeString:
    """The heat map's ``<tr>`` rows (``heat``: the rows of ``views.risks._heat``)."""
    rows = []
    for row in heat:
        probability = esc(row["probability"])
        cells = []
        for cell in row["cells"]:
            count = cell["count"]
            cells.append(
                f'\n              <td class="heat-{esc(cell["colour"])}" data-testid="heat-cell-{probability}-{esc(cell["impact"])}">'
                f'\n                <a href="{esc(cell["url"])}" aria-label="{esc(count)} open risk{"" if count == 1 else "s"} '
                f'with probability {probability} and impact {esc(cell["impact"])} ({esc(cell["word"])})">{esc(count)}</a>'
                "\n              </td>\n            "
            )
        rows.append(f'\n            <tr><th scope="row" title="{esc(row["word"])}">{probability}</th>\n            '
                    f'{"".join(cells)}</tr>\n          ')
    return joined(rows)


def exposure_rows(trend: Iterable[Any]) -> SafeString:
    """The exposure table's ``<tr>`` rows: day, exposure, open risks."""
    dates = DateText()
    return joined(
        f'<tr><td>{_day(dates, point.day)}</td><td class="text-end">{esc(point.exposure)}</td>'
        f'<td class="text-end">{esc(point.open_risks)}</td></tr>'
        for point in trend)

# --- the RACI grid (what governance/raci/_row.html and _letter_select.html wrote) ---

_LETTER_CLASSES = {"A": " raci-a", "R": " raci-r"}


class RaciRowWriter:
    """The grid's rows: per cell a form posting to the row's cell URL, with a labelled
    ``<select>`` of the letters (a Save button and HTMX saving for who may change it).

    ``letters`` are the grid's ``(value, label)`` choices; ``csrf_token`` the page's token.
    """

    def __init__(self, *, letters: Sequence[tuple[str, str]], can_change: bool, csrf_token: str) -> None:
        self.cell_url = UrlPattern("governance:raci_cell_set", "raci_row_id")
        self.action_url = UrlPattern("governance:raci_row_action", "raci_row_id")
        self.can_change = can_change
        self.csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(csrf_token)}">'
        self.values = [value for value, _label in letters]
        self.options: dict[str, str] = {}

    def _options(self, letter: str) -> str:
        options = self.options.get(letter)
        if options is None:
            options = self.options[letter] = "".join(
                f'<option value="{esc(value)}"{" selected" if value == letter else ""}>{esc(value) if value else "—"}</option>'
                for value in self.values)
        return options

    def row(self, line: Any, *, cell_error: str = "") -> str:
        """One ``<tr>`` of the grid (``cell_error``: why the last change was not saved)."""
        row = line.row
        pk = int(row.pk)
        name = esc(line.name)
        cell_url = self.cell_url(pk)
        can_change = self.can_change
        hx = (f'hx-post="{cell_url}" hx-trigger="change" hx-target="#raci-row-{pk}" hx-swap="outerHTML"'
              if can_change else "")
        save = '<button type="submit" class="btn btn-link btn-sm p-0 raci-save">Save</button>' if can_change else ""
        disabled = "" if can_change else "disabled"
        status = line.status
        parts = [
            f'<tr id="raci-row-{pk}">\n  <th scope="row" class="raci-row-name">{name}'
            f'\n    <div class="small fw-normal text-body-secondary">{esc(row.get_kind_display())}'
            f'{" · " + esc(status) if status else ""}</div></th>\n  '
        ]
        for person, letter in line.cells:
            key = esc(person.key)
            parts.append(
                f'\n  <td class="text-center raci-cell">'
                f'\n    <form method="post" action="{cell_url}" class="raci-cell-form"\n      {hx}>'
                f'\n      {self.csrf}<input type="hidden" name="person" value="{key}">'
                f'\n      <label class="visually-hidden" for="raci-{pk}-{key}">{esc(person.name)} on {name}</label>'
                f'\n<select class="form-select form-select-sm raci-letter{_LETTER_CLASSES.get(letter, "")}" '
                f'id="raci-{pk}-{key}" name="letter" data-person="{key}" {disabled}>'
                f"\n{self._options(letter)}\n</select>\n"
                f"\n      {save}\n    </form>\n  </td>"
            )
        check = line.check
        problems = "".join(f'<div class="text-danger">{esc(problem)}</div>' for problem in check.problems)
        warnings = "".join(f'<div class="text-warning-emphasis">{esc(warning)}</div>' for warning in check.warnings)
        error = f'<div class="text-danger" role="alert">Not saved: {esc(cell_error)}</div>' if cell_error else ""
        complete = "" if check.needs_attention else '<span class="text-success">Complete</span>'
        actions = (
            f'\n  <td class="text-nowrap">'
            f'\n    <form method="post" action="{self.action_url(pk)}" class="d-inline">{self.csrf}'
            f'\n      <button class="btn btn-sm btn-outline-secondary" name="move" value="up" aria-label="Move {name} up">↑</button>'
            f'\n      <button class="btn btn-sm btn-outline-secondary" name="move" value="down" aria-label="Move {name} down">↓</button>'
            f'\n      <button class="btn btn-sm btn-outline-danger" name="delete" value="1" aria-label="Delete the row {name}">Delete</button>'
            "\n    </form></td>"
        ) if can_change else "\n  "
        parts.append(
            f'\n  <td class="raci-check small" id="raci-check-{pk}" data-testid="raci-check">'
            f"\n    {error}\n    {problems}\n    {warnings}\n    {complete}\n  </td>{actions}\n</tr>\n"
        )
        return "".join(parts)

    def rows(self, lines: Iterable[Any]) -> SafeString:
        """Every row of the grid."""
        return joined(self.row(line) for line in lines)


# --- the meeting list (governance/meetings/meeting_list.html) -------------------------

#: What :func:`meeting_rows` reads of each meeting (``Meeting.objects.values(*MEETING_ROW_FIELDS)``).
MEETING_ROW_FIELDS = ("id", "title", "starts_at", "ends_at", "status", "kind", "series_id", "project_id",
                      "project__code", "project__name", "account_id", "account__name")
_MEETING_BADGES = {MeetingStatus.HELD: "text-bg-success", MeetingStatus.CANCELLED: "text-bg-secondary"}


def meeting_rows(meetings: Iterable[dict[str, Any]]) -> SafeString:
    """The meeting list's ``<tr>`` rows of ``meetings`` (dicts of :data:`MEETING_ROW_FIELDS`),
    times in the current time zone."""
    detail = UrlPattern("governance:meeting_detail", "meeting_id")
    project_url = UrlPattern("governance:project_meetings", "project_id")
    account_url = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    weekdays = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
    kinds = dict(MeetingKind.choices)
    statuses = dict(MeetingStatus.choices)
    rows = []
    for meeting in meetings:
        starts = meeting["starts_at"].astimezone(dates.zone)
        ends = meeting["ends_at"].astimezone(dates.zone)
        kind = esc(kinds.get(meeting["kind"], meeting["kind"]))
        project_id, account_id = meeting["project_id"], meeting["account_id"]
        if project_id is not None:
            project_name = esc(meeting["project__name"])
            subject = f" · {project_name}"
            project = (f'<a href="{project_url(project_id)}">{esc(meeting["project__code"])} {project_name}</a>')
        else:
            subject = project = ""
        if account_id is not None:
            account_name = esc(meeting["account__name"])
            subject = subject or f" · {account_name}"
            account = f'<a href="{account_url(account_id)}">{account_name}</a>'
        else:
            account = ""
        recurring = (' <i class="ti ti-repeat text-body-secondary" title="Recurring" aria-hidden="true"></i>'
                     '<span class="visually-hidden">(recurring)</span>') if meeting["series_id"] else ""
        status = meeting["status"]
        rows.append(
            '\n      <tr data-testid="meeting-row">'
            f'\n        <td><time datetime="{starts.isoformat()}"><span class="text-nowrap">'
            f"{weekdays[starts.weekday()]} {_day(dates, starts)},</span> <span class=\"text-nowrap\">"
            f"{starts.hour:02d}:{starts.minute:02d}–{ends.hour:02d}:{ends.minute:02d}</span></time></td>"
            f'\n        <td><a href="{detail(meeting["id"])}">{esc(meeting["title"])}</a>{recurring}'
            f'<div class="d-md-none small text-body-secondary">{kind}{subject}</div></td>'
            f'\n        <td class="d-none d-md-table-cell">{kind}</td>'
            f'\n        <td class="d-none d-md-table-cell">{project or "—"}</td>'
            f'\n        <td class="d-none d-md-table-cell">{account or "—"}</td>'
            f'\n        <td><span class="badge {_MEETING_BADGES.get(status, "text-bg-info")}">'
            f"{esc(statuses.get(status, status))}</span></td>"
            "\n      </tr>\n    "
        )
    return joined(rows)
