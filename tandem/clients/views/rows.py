"""The table rows of the client list pages (see :mod:`tandem.core.rows` for why rows are
written in Python). Each function takes the rows a list view hands its template and
returns their ``<tr>`` markup, whitespace included, exactly as the row loop of the
page's template wrote it; the page's template writes the rest of the table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString

from tandem.clients.models import Account, Contact, Inquiry, Interaction, Lifecycle
from tandem.core.rows import DateText, UrlPattern, esc, joined

ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "
MUTED = '<span class="text-body-secondary">{}</span>'


def _person(user: Any) -> str:
    """``{{ user.full_name|default:user.email }}``."""
    return esc(user.full_name or user.email)


def account_rows(rows: Sequence[tuple[Account, bool]]) -> SafeString:
    detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    out = []
    for account, overdue in rows:
        domain = f'<div class="small text-body-secondary">{esc(account.domain)}</div>' if account.domain else ""
        owner = _person(account.owner) if account.owner else MUTED.format("Nobody")
        last_contact = dates.time_day(account.last_contact_at) if account.last_contact_at else MUTED.format("Never")
        if account.check_in_due_at and account.lifecycle != Lifecycle.CHURNED:
            check_in = dates.time_day(account.check_in_due_at)
            if overdue:
                check_in += ' <span class="badge text-bg-danger" data-testid="overdue">Overdue</span>'
        else:
            check_in = MUTED.format("—")
        out.append(
            f'{ROW_START}\n          <td><a href="{detail(account.pk)}">{esc(account.name)}</a>{domain}</td>'
            f"\n          <td>{esc(account.get_tier_display())}</td>"
            f"\n          <td>{esc(account.get_lifecycle_display())}</td>"
            f"\n          <td>{owner}</td>"
            f"\n          <td>{last_contact}</td>"
            f"\n          <td>{check_in}</td>{ROW_END}"
        )
    return joined(out)


def contact_rows(rows: Sequence[Contact]) -> SafeString:
    detail = UrlPattern("clients:contact_detail", "contact_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    out = []
    for contact in rows:
        badges = ' <span class="badge text-bg-dark">Decision maker</span>' if contact.is_decision_maker else ""
        if not contact.is_active:
            badges += ' <span class="badge text-bg-secondary">Inactive</span>'
        email = f'<a href="mailto:{esc(contact.email)}">{esc(contact.email)}</a>' if contact.email else ""
        out.append(
            f'{ROW_START}\n          <td><a href="{detail(contact.pk)}">{esc(contact.full_name)}</a>{badges}</td>'
            f"\n          <td>{email}</td>"
            f"\n          <td>{esc(contact.job_title)}</td>"
            f'\n          <td><a href="{account_detail(contact.account_id)}">{esc(contact.account.name)}</a></td>'
            f"\n          <td>{esc(contact.phone or contact.mobile)}</td>{ROW_END}"
        )
    return joined(out)


def interaction_rows(rows: Sequence[Interaction]) -> SafeString:
    account_detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    out = []
    for interaction in rows:
        logged_by = _person(interaction.logged_by) if interaction.logged_by else ""
        out.append(
            f"{ROW_START}\n          <td>{dates.time_minute(interaction.occurred_at)}</td>"
            f"\n          <td>{esc(interaction.get_kind_display())}"
            f'<div class="small text-body-secondary">{esc(interaction.get_direction_display())}</div></td>'
            f"\n          <td>{esc(interaction.subject)}</td>"
            f'\n          <td><a href="{account_detail(interaction.account_id)}">{esc(interaction.account.name)}</a></td>'
            f"\n          <td>{logged_by}</td>{ROW_END}"
        )
    return joined(out)


def inquiry_rows(rows: Sequence[tuple[Inquiry, Any]]) -> SafeString:
    detail = UrlPattern("clients:inquiry_detail", "inquiry_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    out = []
    for inquiry, sla in rows:
        contact = (
            f'<div class="small text-body-secondary">{esc(inquiry.contact.full_name)}</div>' if inquiry.contact else ""
        )
        assignee = _person(inquiry.assignee) if inquiry.assignee else MUTED.format("Unassigned")
        hours = inquiry.response_business_hours
        response = f"{esc(floatformat(hours, 1))} h" if hours is not None else MUTED.format("Not yet")
        out.append(
            f'{ROW_START}\n          <td><a href="{detail(inquiry.pk)}">{esc(inquiry.subject)}</a>{contact}</td>'
            f'\n          <td><a href="{account_detail(inquiry.account_id)}">{esc(inquiry.account.name)}</a></td>'
            f"\n          <td>{esc(inquiry.get_priority_display())}</td>"
            f"\n          <td>{assignee}</td>"
            f"\n          <td>{dates.time_minute(inquiry.received_at)}</td>"
            f"\n          <td>{dates.time_minute(inquiry.sla_due_at)}"
            f'\n            <div><span class="badge text-bg-{esc(sla.badge)}" data-testid="sla-state">{esc(sla.label)}</span></div></td>'
            f'\n          <td data-testid="response-hours">{response}</td>{ROW_END}'
        )
    return joined(out)
