"""The table rows of the client list pages (see :mod:`tandem.core.rows` for why rows are
written in Python).

A page reads its rows as dictionaries of the columns it shows (``QuerySet.values`` of
the ``*_ROW_FIELDS`` below): building four model instances per row (the record, its
account, its owner, its contact) cost more than the query itself. Each ``*_rows``
function takes the rows a list view hands its template and returns their ``<tr>``
markup, whitespace included, exactly as the row loop of the page's template wrote it;
the page's template writes the rest of the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString

from tandem.clients.models import Direction, InteractionKind, Lifecycle, Priority, Tier
from tandem.core.rows import DateText, UrlPattern, esc, joined

Row = Mapping[str, Any]

ACCOUNT_ROW_FIELDS = (
    "id", "name", "domain", "tier", "lifecycle", "last_contact_at", "check_in_due_at",
    "owner_id", "owner__full_name", "owner__email",
)  # fmt: skip
CONTACT_ROW_FIELDS = (
    "id", "first_name", "last_name", "email", "phone", "mobile", "job_title", "is_decision_maker", "is_active",
    "account_id", "account__name",
)  # fmt: skip
INTERACTION_ROW_FIELDS = (
    "id", "occurred_at", "kind", "direction", "subject", "account_id", "account__name",
    "logged_by_id", "logged_by__full_name", "logged_by__email",
)  # fmt: skip
INQUIRY_ROW_FIELDS = (
    "id", "subject", "priority", "status", "received_at", "sla_due_at", "first_response_at",
    "response_business_hours", "account_id", "account__name", "contact_id", "contact__first_name",
    "contact__last_name", "assignee_id", "assignee__full_name", "assignee__email",
)  # fmt: skip

ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "
MUTED = '<span class="text-body-secondary">{}</span>'


def labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """``get_<field>_display()`` as a lookup: the escaped label of each value (made once
    per page)."""
    return {str(value): esc(label) for value, label in choices.choices}


def _label(table: dict[str, str], value: Any) -> str:
    """The escaped label of ``value`` (a value outside the choices shows as itself)."""
    label = table.get(value)
    return esc(value) if label is None else label


def full_name(first_name: str, last_name: str) -> str:
    """:attr:`tandem.clients.models.Contact.full_name` of a row."""
    return f"{first_name} {last_name}".strip()


def _person(row: Row, prefix: str) -> str:
    """``{{ user.full_name|default:user.email }}`` of the user ``prefix`` names."""
    return esc(row[f"{prefix}__full_name"] or row[f"{prefix}__email"])


def account_rows(rows: Sequence[tuple[Row, bool]]) -> SafeString:
    """Each account with a checkbox for the bulk actions (its ``form`` is the bar's)."""
    detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    tiers, lifecycles = labels(Tier), labels(Lifecycle)
    out = []
    for account, overdue in rows:
        domain = f'<div class="small text-body-secondary">{esc(account["domain"])}</div>' if account["domain"] else ""
        owner = _person(account, "owner") if account["owner_id"] else MUTED.format("Nobody")
        last_contact = account["last_contact_at"]
        last_contact_cell = dates.time_day(last_contact) if last_contact else MUTED.format("Never")
        if account["check_in_due_at"] and account["lifecycle"] != Lifecycle.CHURNED:
            check_in = dates.time_day(account["check_in_due_at"])
            if overdue:
                check_in += ' <span class="badge text-bg-danger" data-testid="overdue">Overdue</span>'
        else:
            check_in = MUTED.format("—")
        name = esc(account["name"])
        out.append(
            f'{ROW_START}\n          <td class="list-select"><input type="checkbox" class="form-check-input" name="id"'
            f' value="{account["id"]}" form="account-results-bulk" aria-label="Select {name}"></td>'
            f'\n          <td><a href="{detail(account["id"])}">{name}</a>{domain}</td>'
            f"\n          <td>{_label(tiers, account['tier'])}</td>"
            f"\n          <td>{_label(lifecycles, account['lifecycle'])}</td>"
            f"\n          <td>{owner}</td>"
            f"\n          <td>{last_contact_cell}</td>"
            f"\n          <td>{check_in}</td>{ROW_END}"
        )
    return joined(out)


def contact_rows(rows: Sequence[Row]) -> SafeString:
    detail = UrlPattern("clients:contact_detail", "contact_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    out = []
    for contact in rows:
        badges = ' <span class="badge text-bg-dark">Decision maker</span>' if contact["is_decision_maker"] else ""
        if not contact["is_active"]:
            badges += ' <span class="badge text-bg-secondary">Inactive</span>'
        email = contact["email"]
        email_cell = f'<a href="mailto:{esc(email)}">{esc(email)}</a>' if email else ""
        name = full_name(contact["first_name"], contact["last_name"])
        out.append(
            f'{ROW_START}\n          <td><a href="{detail(contact["id"])}">{esc(name)}</a>{badges}</td>'
            f"\n          <td>{email_cell}</td>"
            f"\n          <td>{esc(contact['job_title'])}</td>"
            f'\n          <td><a href="{account_detail(contact["account_id"])}">{esc(contact["account__name"])}</a></td>'
            f"\n          <td>{esc(contact['phone'] or contact['mobile'])}</td>{ROW_END}"
        )
    return joined(out)


def interaction_rows(rows: Sequence[Row]) -> SafeString:
    account_detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    kinds, directions = labels(InteractionKind), labels(Direction)
    out = []
    for interaction in rows:
        logged_by = _person(interaction, "logged_by") if interaction["logged_by_id"] else ""
        out.append(
            f"{ROW_START}\n          <td>{dates.time_minute(interaction['occurred_at'])}</td>"
            f"\n          <td>{_label(kinds, interaction['kind'])}"
            f'<div class="small text-body-secondary">{_label(directions, interaction["direction"])}</div></td>'
            f"\n          <td>{esc(interaction['subject'])}</td>"
            f'\n          <td><a href="{account_detail(interaction["account_id"])}">'
            f'{esc(interaction["account__name"])}</a></td>'
            f"\n          <td>{logged_by}</td>{ROW_END}"
        )
    return joined(out)


def inquiry_rows(rows: Sequence[tuple[Row, Any]]) -> SafeString:
    detail = UrlPattern("clients:inquiry_detail", "inquiry_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    priorities = labels(Priority)
    out = []
    for inquiry, sla in rows:
        contact = (
            f'<div class="small text-body-secondary">'
            f"{esc(full_name(inquiry['contact__first_name'], inquiry['contact__last_name']))}</div>"
            if inquiry["contact_id"]
            else ""
        )
        assignee = _person(inquiry, "assignee") if inquiry["assignee_id"] else MUTED.format("Unassigned")
        hours = inquiry["response_business_hours"]
        response = f"{esc(floatformat(hours, 1))} h" if hours is not None else MUTED.format("Not yet")
        out.append(
            f'{ROW_START}\n          <td><a href="{detail(inquiry["id"])}">{esc(inquiry["subject"])}</a>{contact}</td>'
            f'\n          <td><a href="{account_detail(inquiry["account_id"])}">{esc(inquiry["account__name"])}</a></td>'
            f"\n          <td>{_label(priorities, inquiry['priority'])}</td>"
            f"\n          <td>{assignee}</td>"
            f"\n          <td>{dates.time_minute(inquiry['received_at'])}</td>"
            f"\n          <td>{dates.time_minute(inquiry['sla_due_at'])}"
            f'\n            <div><span class="badge text-bg-{esc(sla.badge)}" data-testid="sla-state">'
            f"{esc(sla.label)}</span></div></td>"
            f'\n          <td data-testid="response-hours">{response}</td>{ROW_END}'
        )
    return joined(out)
