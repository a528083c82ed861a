"""Schemathesis over ``/api/v1/quotes`` (the pattern of tests/clients/test_api_schema.py):
no server errors, every answer as documented, schema-invalid input refused (QUALITY R1).
Half of the generated ids are mapped onto a real quote and opportunity."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tandem.core.api import MAX_ID
from tandem.core.roles import Role
from tandem.people import services as people_services
from tests.clients.factories import make_account
from tests.clients.test_api_schema import keep_test_connection  # noqa: F401  (fixture)
from tests.commercial.factories import make_line, make_opportunity
from tests.factories import make_user

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "8"))
DEEP = os.environ.get("TANDEM_FUZZ_DEEP") == "1"
PHASES = [Phase.explicit, Phase.generate] if DEEP else [Phase.generate]
QUOTE_PATHS = r"^/api/v1/quotes"


@pytest.fixture
def fuzz_world(db, settings, keep_test_connection) -> dict[str, Any]:  # noqa: F811
    from tandem.commercial import services

    settings.TANDEM_API_THROTTLE_RATE = None
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user(role=Role.ADMIN, email="fuzz-admin@example.test")
    manager = make_user(role=Role.ACCOUNT_MANAGER, email="fuzz-am@example.test")
    opportunity = make_opportunity(account=make_account(owner=manager, name="Fuzz Ltd"))
    make_line(opportunity=opportunity, unit_price=Decimal("100.00"))
    quote = services.quote_create(actor=admin, opportunity=opportunity, valid_until=dt.date(2999, 1, 1))
    _, secret = people_services.token_create(actor=None, user=admin, name="fuzz", scope="read_write")
    REAL_IDS.clear()
    REAL_IDS.update({"quote_id": quote.pk, "opportunity_id": opportunity.pk})
    return {"token": secret}


def _real_ids(values: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    """Every other generated id becomes the id of a real row (by parity, so shrinking
    and replays stay deterministic)."""
    if not isinstance(values, dict):
        return values
    for key, value in list(values.items()):
        # Only schema-valid ids (1 … MAX_ID): a negative case's invalid id stays invalid.
        if key in ids and type(value) is int and 0 < value <= MAX_ID and value % 2 == 0:
            values[key] = ids[key]
    return values


# The ids of the rows built for the current test, read by the hooks below.
REAL_IDS: dict[str, int] = {}
PLACEHOLDER_TOKEN = "tdm_placeholder"

def _bearer_only_schema() -> dict[str, Any]:
    """The served schema, with the session cookie left out of the security options:
    these tests authenticate with a token, and a mutated (invalid) session cookie next
    to a valid token is rightly ignored, which schemathesis would report as invalid
    input accepted. Authentication itself is tested in test_api.py and tests/core."""
    from config.api import api

    # Through JSON, as served: the schema object may hold lazy strings that do not copy.
    raw = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    raw["components"]["securitySchemes"].pop("SessionCsrfAuth")
    for operations in raw["paths"].values():
        for operation in operations.values():
            if "security" in operation:
                operation["security"] = [item for item in operation["security"] if "SessionCsrfAuth" not in item]
    return raw


schema = schemathesis.openapi.from_dict(_bearer_only_schema()).include(path_regex=QUOTE_PATHS)
schema.app = get_wsgi_application()


@schema.auth(refresh_interval=None, retry_on=[])
class TokenAuth:
    """The current test's token, so schemathesis generates no Authorization header of
    its own for valid cases and breaks this one on purpose for its authentication
    cases (a header passed to ``call_and_validate`` would repair those)."""

    def get(self, case: Any, context: Any) -> str:
        # The coverage phase builds its cases (auth included) while tests are collected,
        # before any token exists: a placeholder, swapped for the real token at call time.
        return PLACEHOLDER_TOKEN

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    return _real_ids(path_parameters, REAL_IDS)


@schema.hook
def map_body(context: Any, body: Any) -> Any:
    return _real_ids(body, REAL_IDS) if isinstance(body, dict) else body


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=PHASES,
)
def test_quotes_api_conforms_to_its_schema(case, fuzz_world):
    # Every other check runs. Schema-valid input may still break a business rule (an id
    # of a row that does not exist, a response dated before its inquiry): that is a
    # documented 422, not a failure.
    if (case.headers or {}).get("Authorization") == f"Bearer {PLACEHOLDER_TOKEN}":
        case.headers["Authorization"] = f"Bearer {fuzz_world['token']}"
    case.call_and_validate(excluded_checks=[positive_data_acceptance])

