"""The clients API (mounted under ``/api/v1/`` by ``config/api.py``): accounts with
their lifecycle, history and needs / goals / challenges; contacts; interactions and
follow-ups; feedback; the inquiry queue.

Each endpoint parses its input (``tandem.clients.schemas``), calls one clients selector
or service, and renders. Reads are scoped (an object the caller may not see is 404),
writes are permission-checked by the services (403) and version-checked (409).
A body field naming another object (``account_id``, ``contact_ids``, ``inquiry_id``,
``owner_id``, ``assignee_id`` …) that the caller may not see, or that does not exist,
is a 422 on that field, and nothing is written. Authentication, the error shape and
pagination come from ``tandem.core.api``.
"""

from __future__ import annotations

from ninja import Router

from tandem.clients.api.accounts import router as accounts_router
from tandem.clients.api.contacts import router as contacts_router
from tandem.clients.api.feedback import router as feedback_router
from tandem.clients.api.inquiries import router as inquiries_router
from tandem.clients.api.interactions import router as interactions_router

router = Router()
for _child in (accounts_router, contacts_router, interactions_router, feedback_router, inquiries_router):
    router.add_router("", _child)

__all__ = ["router"]
