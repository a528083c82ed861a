"""Schemathesis over the catalog part of the OpenAPI schema (products, price lists, rate
cards, exchange rates, an account's pricing and prices), in process (WSGI): no server
errors, every answer's status, content type and body as documented, schema-invalid input
refused (QUALITY R1). Built like tests/clients/test_api_schema.py."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tandem.commercial import services
from tandem.core.api import MAX_ID
from tandem.core.roles import Role
from tandem.people import services as people_services
from tests.clients.factories import make_account
from tests.factories import make_user

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "8"))
# The regular run generates random cases only; a deep run (TANDEM_FUZZ_DEEP=1) adds
# schemathesis' coverage phase (boundary values and every kind of invalid input for each
# parameter), which takes several minutes.
DEEP = os.environ.get("TANDEM_FUZZ_DEEP") == "1"
PHASES = [Phase.explicit, Phase.generate] if DEEP else [Phase.generate]
CATALOG_PATHS = r"^/api/v1/(products|price-lists|price-list-items|rate-cards|rate-card-lines|exchange-rates|account-prices|accounts/\{account_id\}/(pricing|prices))"


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the database connection after each request (as in
    production); the test's transaction lives on that connection, so keep it open, as
    Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db, settings, keep_test_connection) -> dict[str, Any]:
    settings.TANDEM_API_THROTTLE_RATE = None
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user(role=Role.ADMIN, email="fuzz-admin@example.test")
    manager = make_user(role=Role.ACCOUNT_MANAGER, email="fuzz-am@example.test")
    account = make_account(owner=manager, name="Fuzz Ltd")
    product = services.product_create(actor=None, data={"name": "Fuzz day", "list_price": Decimal("100")})
    price_list = services.price_list_create(actor=None, data={"name": "Fuzz list"})
    item = services.price_list_item_create(actor=None, price_list=price_list, data={"product": product, "unit_price": Decimal("90")})
    card = services.rate_card_create(actor=None, data={"name": "Fuzz card", "is_default": True})
    line = services.rate_card_line_create(actor=None, rate_card=card, data={"role_name": "Consultant", "hourly_rate": Decimal("100")})
    rate = services.exchange_rate_create(actor=None, data={"date": dt.date(2031, 1, 1), "currency": "USD", "rate": Decimal("0.9")})
    price = services.account_price_create(actor=None, account=account, data={"product": product, "discount_percent": Decimal("5")})
    _, secret = people_services.token_create(actor=None, user=admin, name="fuzz", scope="read_write")
    REAL_IDS.clear()
    REAL_IDS.update({
        "account_id": account.pk, "product_id": product.pk, "price_list_id": price_list.pk,
        "price_list_item_id": item.pk, "rate_card_id": card.pk, "rate_card_line_id": line.pk,
        "exchange_rate_id": rate.pk, "account_price_id": price.pk, "user_id": manager.pk,
    })
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


schema = schemathesis.openapi.from_dict(_bearer_only_schema()).include(path_regex=CATALOG_PATHS)
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
def test_catalog_api_conforms_to_its_schema(case, fuzz_world):
    # Every other check runs. Schema-valid input may still break a business rule (an id
    # of a row that does not exist, a response dated before its inquiry): that is a
    # documented 422, not a failure.
    if (case.headers or {}).get("Authorization") == f"Bearer {PLACEHOLDER_TOKEN}":
        case.headers["Authorization"] = f"Bearer {fuzz_world['token']}"
    case.call_and_validate(excluded_checks=[positive_data_acceptance])

