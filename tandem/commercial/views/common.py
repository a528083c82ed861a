"""Small helpers shared by the revenue, budget and forecast pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tandem.clients import selectors as client_selectors
from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
from tandem.core.errors import NotFoundError
from tandem.core.history import format_money
from tandem.core.permissions import get_visible
from tandem.core.roles import Role
from tandem.people import selectors as people_selectors

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def money(amount: Any, currency: str) -> str:
    return format_money(amount, currency)


def month_label(month: dt.date) -> str:
    return f"{month:%b %Y}"


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")


def month_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=MONTH_FORMATS, widget=MonthInput,
                           help_text=help_text or "Year and month, e.g. 2031-03")


def account_from_query(actor: Any, value: str | None) -> Account | None:
    """The account named by ``?account=`` when the actor may see it, else ``None``."""
    if not value or not value.isdigit():
        return None
    try:
        return get_visible(actor, Account.objects.only("id", "name", "owner_id", "currency"), int(value))
    except NotFoundError:
        return None


def account_manager_options(actor: Any) -> list[tuple[str, str]]:
    users = people_selectors.user_list(
        actor=actor, filters=people_selectors.UserFilters(role=Role.ACCOUNT_MANAGER, is_active=True)
    )
    return [(str(user.pk), user.full_name or user.email) for user in users.select_related(None).prefetch_related(None)
            .only("id", "full_name", "email")]


def changeable_accounts(actor: Any) -> list[Account]:
    """The accounts the actor may record revenue and budgets for (a form's choices)."""
    visible = client_selectors.account_list(actor=actor).select_related("owner", "owner__person")
    return [account for account in visible[:500] if may_change_account(actor, account)]
