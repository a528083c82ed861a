"""The governance API (mounted under ``/api/v1/`` by ``config/api.py``): one router
per part of the app, each thin (parse, fetch what the caller may see, call one
governance service, render)."""

from __future__ import annotations

from ninja import Router

from tandem.governance.api import risks as _risks
from tandem.governance.api import swot as _swot

router = Router()
_children: list[Router] = [
    _risks.router,
    _swot.router,
from tandem.governance.api import reports as _reports  # status reports

router = Router()
_children: list[Router] = [
    _reports.router,
from tandem.governance.api import comments

router = Router()
from tandem.governance.api.meetings import router as _meetings_router  # noqa: E402
from tandem.integrations.api_feeds import router as _calendar_feeds_router  # noqa: E402

_children: list[Router] = [
    comments.router,
    _meetings_router,
    _calendar_feeds_router,
]
for _child in _children:
    router.add_router("", _child)

__all__ = ["router"]
