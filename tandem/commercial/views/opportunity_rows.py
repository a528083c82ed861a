"""The rows of the opportunity list, written in Python (see :mod:`tandem.core.rows`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString

from tandem.core.history import format_money
from tandem.core.rows import UrlPattern, esc, joined

OPPORTUNITY_ROW_FIELDS = (
    "id", "name", "status", "amount", "currency", "probability", "expected_close_date",
    "account_id", "account__name", "stage__name", "owner_id", "owner__full_name", "owner__email",
)  # fmt: skip

ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "
STATUS_BADGES = {"won": "text-bg-success", "lost": "text-bg-secondary", "open": "text-bg-primary"}


def opportunity_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    detail = UrlPattern("commercial:opportunity_detail", "opportunity_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    out = []
    for row in rows:
        name = esc(row["name"])
        owner = esc(row["owner__full_name"] or row["owner__email"]) if row["owner_id"] else '<span class="text-body-secondary">Nobody</span>'
        badge = STATUS_BADGES.get(row["status"], "text-bg-secondary")
        close = row["expected_close_date"]
        out.append(
            f'{ROW_START}\n          <td class="list-select"><input type="checkbox" class="form-check-input" name="id"'
            f' value="{row["id"]}" form="opportunity-results-bulk" aria-label="Select {name}"></td>'
            f'\n          <td><a href="{detail(row["id"])}">{name}</a>'
            f'<div class="small"><a class="link-secondary" href="{account_detail(row["account_id"])}">{esc(row["account__name"])}</a></div></td>'
            f'\n          <td><span class="badge {badge}">{esc(row["stage__name"])}</span></td>'
            f'\n          <td class="text-end text-nowrap">{esc(format_money(row["amount"], row["currency"]))}</td>'
            f'\n          <td class="text-end">{int(row["probability"])} %</td>'
            f'\n          <td class="text-nowrap"><time datetime="{close.isoformat()}">{close.day} {close:%b %Y}</time></td>'
            f"\n          <td>{owner}</td>{ROW_END}"
        )
    return joined(out)
