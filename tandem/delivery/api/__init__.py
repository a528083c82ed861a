"""The delivery API (mounted under ``/api/v1/`` by ``config/api.py``): one router per
part of the app, each thin (parse, fetch what the caller may see, call one delivery
service, render; see :mod:`tandem.delivery.api.projects` for the rules they share)."""

from __future__ import annotations

from ninja import Router

from tandem.delivery.api.baselines import router as baselines_router
from tandem.delivery.api.budget import router as budget_router
from tandem.delivery.api.deliverables import router as deliverables_router
from tandem.delivery.api.gantt import router as gantt_router
from tandem.delivery.api.projects import router as projects_router
from tandem.delivery.api.resources import router as resources_router
from tandem.delivery.api.time import router as time_router

router = Router()
_children: list[Router] = [
    projects_router,
    time_router,
    gantt_router,
    baselines_router,
    budget_router,
    resources_router,
    deliverables_router,
]
for _child in _children:
    router.add_router("", _child)

__all__ = ["router"]
