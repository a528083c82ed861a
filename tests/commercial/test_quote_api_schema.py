"""Schemathesis over ``/api/v1/quotes`` (see tests/api_schema.py): no server errors,
every answer as documented, schema-invalid input refused (QUALITY R1). Half of the
generated ids are mapped onto a real quote and opportunity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tandem.commercial import services
from tandem.core.roles import Role
from tests.api_schema import fuzz_token, schema_conformance_test
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity
from tests.factories import make_user

QUOTE_PATHS = r"^/api/v1/quotes"
# The ids of the rows built for the current test, read when a case is made.
REAL_IDS: dict[str, int] = {}


@pytest.fixture
def fuzz_world(db, settings) -> dict[str, Any]:
    admin, secret = fuzz_token(settings)
    manager = make_user(role=Role.ACCOUNT_MANAGER, email="fuzz-am@example.test")
    opportunity = make_opportunity(account=make_account(owner=manager, name="Fuzz Ltd"))
    make_line(opportunity=opportunity, unit_price=Decimal("100.00"))
    quote = services.quote_create(actor=admin, opportunity=opportunity, valid_until=dt.date(2999, 1, 1))
    REAL_IDS.clear()
    REAL_IDS.update({"quote_id": quote.pk, "opportunity_id": opportunity.pk})
    return {"token": secret}


test_quotes_api_conforms_to_its_schema = schema_conformance_test(QUOTE_PATHS, REAL_IDS)
