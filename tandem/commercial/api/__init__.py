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

from tandem.commercial.api.contracts import router as contracts_router

router = Router()
_children: list[Router] = []
_children.append(contracts_router)  # contracts slice
for _child in _children:
    router.add_router("", _child)

__all__ = ["router"]
