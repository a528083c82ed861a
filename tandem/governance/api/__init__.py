"""The governance API (mounted under ``/api/v1/`` by ``config/api.py``): one router
per part of the app, each thin (parse, fetch what the caller may see, call one
governance service, render)."""

from __future__ import annotations

from ninja import Router

router = Router()
from tandem.governance.api.meetings import router as _meetings_router  # noqa: E402
from tandem.integrations.api_feeds import router as _calendar_feeds_router  # noqa: E402

_children: list[Router] = [
    _meetings_router,
    _calendar_feeds_router,
]
for _child in _children:
    router.add_router("", _child)

__all__ = ["router"]
