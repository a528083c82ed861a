"""The account page's commercial sections, plugged in through the core hook
:func:`tandem.core.registry.record_section` (registered when the app is ready):

* **Revenue and pipeline** (main column): open opportunities, active contracts, MRR,
  this year's revenue against the client's budget, and the margin for those who may
  see it (:func:`tandem.commercial.selectors.accounts.account_commercial_summary`).
* **Cross-sell ideas** (side column): products similar accounts buy and this one does
  not, each with its reason (:mod:`tandem.commercial.selectors.cross_sell`).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from tandem.clients.models import Account
from tandem.commercial.currency import MissingRateError
from tandem.commercial.policies import may_see_costs
from tandem.commercial.selectors.accounts import account_commercial_summary
from tandem.commercial.selectors.cross_sell import cross_sell_suggestions
from tandem.core.permissions import is_admin
from tandem.core.registry import record_section


def _url(name: str, **query: Any) -> str | None:
    try:
        url = reverse(name)
    except NoReverseMatch:  # a page of another part of the app not installed here
        return None
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def revenue_section_context(viewer: Any, account: Account) -> dict[str, Any] | None:
    try:
        summary = account_commercial_summary(user=viewer, account=account)
    except MissingRateError as error:
        return {"account": account, "rate_error": error.message}
    year = summary.year
    may_record = is_admin(viewer) or (may_see_costs(viewer, account) and account.owner_id == viewer.pk)
    return {
        "account": account,
        "summary": summary,
        "links": {
            "opportunities": _url("commercial:opportunity_list", status="open", account=account.pk),
            "contracts": _url("commercial:contract_list", status="active", account=account.pk),
            "revenue": _url("commercial:revenue_list", account=account.pk, month_from=f"{year}-01", month_to=f"{year}-12"),
            "budgets": _url_kwargs("commercial:account_budgets", account_id=account.pk),
            "profitability": _url("commercial:profitability", account=account.pk, start=f"{year}-01-01", end=f"{year}-12-31"),
            "expenses": _url("commercial:expense_list", account=account.pk),
            "record_expense": reverse("commercial:expense_create", kwargs={"account_id": account.pk}) if may_record else None,
        },
    }


def _url_kwargs(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def cross_sell_section_context(viewer: Any, account: Account) -> dict[str, Any] | None:
    return {"account": account, "suggestions": cross_sell_suggestions(user=viewer, account=account)}


record_section(
    model=Account, key="commercial.revenue", template="commercial/accounts/_section.html",
    context=revenue_section_context, slot="main", order=10,
)
record_section(
    model=Account, key="commercial.cross_sell", template="commercial/accounts/_cross_sell.html",
    context=cross_sell_section_context, slot="side", order=10,
)
