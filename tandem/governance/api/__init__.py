"""The governance API (mounted under ``/api/v1/`` by ``config/api.py``): one router
per part of the app, each thin (parse, fetch what the caller may see, call one
governance service, render)."""

from __future__ import annotations

from ninja import Router

router = Router()
from tandem.governance.api import raci as _raci  # noqa: E402

_children: list[Router] = [
    _raci.router,
]
for _child in _children:
    router.add_router("", _child)

__all__ = ["router"]
