"""The contracts' home card ("My day", :mod:`tandem.core.home`).

"Renewals due in 90 days": active contracts ending within 90 days (those already past
their end date and not yet expired included), counted with the contract list's own
selector and filters (in the home page's one count query, :func:`tandem.core.home.counts`),
so the number equals the list behind its link
(``?status=active&ending_within=90&owner=me``; executives and administrators: everyone's,
without the owner filter). With no contract to renew there is no card. tests/commercial/test_renewals_card.py follows the link and
compares.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet

from tandem.commercial.selectors.contracts import CONTRACT_SORTS, renewals_due
from tandem.core import home
from tandem.core.home import Card, Row
from tandem.core.permissions import has_role, sees_everything
from tandem.core.roles import Role
from tandem.core.rows import UrlPattern, plain_url

DAYS = 90
ROWS_SHOWN = 5
COUNT_KEY = "commercial.renewals_due"


def _sees_renewals(user: Any) -> bool:
    return sees_everything(user) or has_role(user, Role.ACCOUNT_MANAGER)


def _url(**params: Any) -> str:
    return f"{plain_url('commercial:contract_list')}?{urlencode(params)}"


def _ends(day: Any) -> str:
    return f"Ends {day.day} {day:%b %Y}" if day else ""


def _owner_id(user: Any) -> int | None:
    return None if sees_everything(user) else user.pk


@home.count_source
def _numbers(user: Any) -> dict[str, QuerySet[Any]]:
    """The list behind the card (if ``user`` may get it), counted with the other cards'
    numbers in one query (:func:`tandem.core.home.counts`)."""
    if not _sees_renewals(user):
        return {}
    return {COUNT_KEY: _renewals(user)}


def _renewals(user: Any) -> QuerySet[Any]:
    """The card's list in its count shape, built once per home page: counted with the
    other cards' numbers, and its first rows read in the list's order."""
    return home.shared(
        COUNT_KEY, lambda: renewals_due(actor=user, owner_id=_owner_id(user), days=DAYS, for_count=True)
    )


@home.card(key="renewals_due", title="Renewals due in 90 days", order=32, visible=_sees_renewals)
def renewals_due_card(user: Any) -> Card | None:
    mine = not sees_everything(user)
    count = home.counts(user)[COUNT_KEY]
    if not count:
        return None  # nothing to renew soon: no card (the home page shows what needs doing)
    params: dict[str, Any] = {"status": "active", "ending_within": DAYS}
    if mine:
        params["owner"] = "me"
    detail = UrlPattern("commercial:contract_detail", "contract_id")
    first = _renewals(user).order_by(*CONTRACT_SORTS["end"]).values(
        "id", "title", "end_date", "currency", "value", "account__name"
    )[:ROWS_SHOWN]
    rows = [
        Row(row["title"], detail(row["id"]), detail=f"{row['account__name']} · {row['value']:,.2f} {row['currency']}",
            badge=_ends(row["end_date"]), tone="warning")
        for row in first
    ]
    return Card(
        title="Renewals due in 90 days",
        count=count,
        url=_url(**params),
        caption="active contracts ending within 90 days" + ("" if mine else " (everyone's)"),
        rows=rows,
        urgent=True,
        tone="warning",
    )
