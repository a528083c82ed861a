"""The commercial API (mounted under ``/api/v1/`` by ``config/api.py``): the catalog and
pricing, exchange rates, opportunities with their lines, quotes, contracts with their
negotiation rounds, revenue, budgets, the forecast and profitability.

Each endpoint parses its input (``tandem.commercial.schemas``), calls one commercial
selector or service, and renders; the rules are the clients API's
(:mod:`tandem.clients.api`): scoped reads (404), permission-checked writes (403),
version-checked changes (409), a body naming an object the caller may not see is a 422
on that field. Restricted fields (costs, margins) are left out for those who may not see
them (:func:`tandem.commercial.policies.may_see_costs`).
"""

from __future__ import annotations

from ninja import Router

from tandem.commercial.api.catalog import router as catalog_router
from tandem.commercial.api.contracts import router as contracts_router
from tandem.commercial.api.forecast import router as forecast_router
from tandem.commercial.api.opportunities import router as opportunities_router
from tandem.commercial.api.profitability import router as profitability_router
from tandem.commercial.api.quotes import router as quotes_router
from tandem.commercial.api.revenue import router as revenue_router

router = Router()
_children: list[Router] = [catalog_router, forecast_router, opportunities_router, profitability_router, quotes_router, revenue_router, contracts_router]
for _child in _children:
    router.add_router("", _child)

__all__ = ["router"]
