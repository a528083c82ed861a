"""The governance API (mounted under ``/api/v1/`` by ``config/api.py``): one router
per part of the app, each thin (parse, fetch what the caller may see, call one
governance service, render)."""

from __future__ import annotations

from ninja import Router

from tandem.governance.api import comments, meetings, raci, reports, risks, swot

router = Router()
_children: list[Router] = [
    risks.router,
    swot.router,
    raci.router,
    reports.router,
    meetings.router,
    comments.router,
]
for _child in _children:
    router.add_router("", _child)

__all__ = ["router"]
