"""Schemathesis over the clients part of the OpenAPI schema (see tests/api_schema.py):
no server errors, every answer as documented, schema-invalid input refused (QUALITY R1)."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.core.roles import Role
from tests.api_schema import fuzz_token, schema_conformance_test
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.factories import make_user

CLIENT_PATHS = r"^/api/v1/(accounts|account-items|contacts|interactions|follow-ups|feedback|inquiries)"
# The ids of the rows built for the current test, read when a case is made.
REAL_IDS: dict[str, int] = {}


@pytest.fixture
def fuzz_world(db, settings) -> dict[str, Any]:
    from tandem.clients import services

    admin, secret = fuzz_token(settings)
    manager = make_user(role=Role.ACCOUNT_MANAGER, email="fuzz-am@example.test")
    account = make_account(owner=manager, name="Fuzz Ltd")
    contact = make_contact(account=account)
    inquiry = make_inquiry(account=account)
    interaction = make_interaction(account=account)
    item = services.account_item_create(actor=admin, account=account, data={"kind": "goal", "title": "Grow"})
    feedback = services.feedback_create(actor=admin, account=account, data={"sentiment": "positive", "text": "Great"})
    follow_up = services.follow_up_create(
        actor=admin, account=account, owner=admin, due_date=account.created_at.date(), description="Call back"
    )
    REAL_IDS.clear()
    REAL_IDS.update({
        "account_id": account.pk, "contact_id": contact.pk, "inquiry_id": inquiry.pk,
        "interaction_id": interaction.pk, "account_item_id": item.pk, "feedback_id": feedback.pk,
        "follow_up_id": follow_up.pk, "owner_id": manager.pk, "assignee_id": manager.pk,
    })
    return {"token": secret}


test_clients_api_conforms_to_its_schema = schema_conformance_test(CLIENT_PATHS, REAL_IDS, lists={"contact_ids": "contact_id"})
