"""The account page's commercial sections, plugged in through the core hooks
:func:`tandem.core.registry.record_tab` and :func:`~tandem.core.registry.record_section`
(registered when the app is ready):

* the **Sales** tab (``/sales/accounts/<id>/``), with **Revenue and pipeline**: open
  opportunities, active contracts, MRR, this year's revenue against the client's
  budget, and the margin for those who may see it
  (:func:`tandem.commercial.selectors.accounts.account_commercial_summary`);
* on delivery's **Projects** tab (:data:`PROJECTS_TAB`): the account's **project
  requests** (main column) and **Cross-sell ideas** (side column): products similar
  accounts buy and this one does not, each with its reason
  (:mod:`tandem.commercial.selectors.cross_sell`) — what the client may ask for next.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from tandem.clients.models import Account
from tandem.commercial.currency import MissingRateError
from tandem.commercial.policies import may_see_costs
from tandem.commercial.selectors.accounts import account_commercial_summary
from tandem.commercial.selectors.cross_sell import cross_sell_suggestions
from tandem.commercial.views.contracts import account_project_requests_context
from tandem.core.permissions import is_admin
from tandem.core.registry import record_section, record_tab


def _url(name: str, **query: Any) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


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
            "budgets": reverse("commercial:account_budgets", kwargs={"account_id": account.pk}),
            "pricing": reverse("commercial:account_pricing", kwargs={"account_id": account.pk}),
            "new_opportunity": _url("commercial:opportunity_create", account=account.pk),
            "profitability": _url("commercial:profitability", account=account.pk, start=f"{year}-01-01", end=f"{year}-12-31"),
            "expenses": _url("commercial:expense_list", account=account.pk),
            "record_expense": reverse("commercial:expense_create", kwargs={"account_id": account.pk}) if may_record else None,
        },
    }


def project_requests_section_context(viewer: Any, account: Account) -> dict[str, Any] | None:
    """The account's project requests for delivery; no section while there are none."""
    context = account_project_requests_context(viewer, account)
    return {"account": account, **context} if context["project_requests"] else None


def cross_sell_section_context(viewer: Any, account: Account) -> dict[str, Any] | None:
    return {"account": account, "suggestions": cross_sell_suggestions(user=viewer, account=account)}


SALES_TAB = "sales"
# The account's delivery tab, registered by the delivery app (tandem.delivery.views.account_section).
PROJECTS_TAB = "projects"

record_tab(Account, key=SALES_TAB, label="Sales", url_name="commercial:account_sales", icon="wallet", order=20)
record_section(
    model=Account, key="commercial.revenue", template="commercial/accounts/_section.html",
    context=revenue_section_context, slot="main", order=10, tab=SALES_TAB,
)
record_section(
    model=Account, key="commercial.cross_sell", template="commercial/accounts/_cross_sell.html",
    context=cross_sell_section_context, slot="side", order=10, tab=PROJECTS_TAB,
)
record_section(
    model=Account, key="commercial.project_requests", template="commercial/contracts/_account_project_requests.html",
    context=project_requests_section_context, slot="main", order=20, tab=PROJECTS_TAB,
)
