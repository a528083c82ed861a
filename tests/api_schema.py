"""Schemathesis over a part of the OpenAPI schema, in process (WSGI): no server errors,
every answer's status, content type and body as documented, schema-invalid input
refused (QUALITY R1). One test module per part calls :func:`schema_conformance_test`
with its paths and a ``fuzz_world`` fixture that builds real rows (with
:func:`fuzz_token` for the token) and fills the ids the generated cases are mapped onto.

A handful of examples per operation keeps this in the regular suite (well under two
minutes); ``TANDEM_FUZZ_EXAMPLES`` raises it for a deep run (R1 asks for ≥ 200).
Half of the generated ids are mapped onto real rows so the success paths (and their
response schemas) are exercised, not only 404s.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tandem.core.api import MAX_ID
from tandem.core.roles import Role
from tandem.people import services as people_services
from tests.factories import make_user

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "8"))
# The regular run generates random cases only; a deep run (TANDEM_FUZZ_DEEP=1) adds
# schemathesis' coverage phase (boundary values and every kind of invalid input for each
# parameter), which takes several minutes.
DEEP = os.environ.get("TANDEM_FUZZ_DEEP") == "1"
PHASES = [Phase.explicit, Phase.generate] if DEEP else [Phase.generate]
PLACEHOLDER_TOKEN = "tdm_placeholder"


@contextlib.contextmanager
def keep_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request (as in
    production); the test's transaction lives on that connection, so keep it open, as
    Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz_token(settings: Any, admin: Any | None = None) -> tuple[Any, str]:
    """Settings for fuzzing (no throttle, a fast password hasher), an admin (made here
    unless given) and a read-write token of theirs: ``(admin, secret)``."""
    settings.TANDEM_API_THROTTLE_RATE = None
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = admin or make_user(role=Role.ADMIN, email="fuzz-admin@example.test")
    _, secret = people_services.token_create(actor=None, user=admin, name="fuzz", scope="read_write")
    return admin, secret


def real_ids(values: Any, ids: Mapping[str, int], lists: Mapping[str, str]) -> Any:
    """Every other generated id becomes the id of a real row (by parity, so shrinking
    and replays stay deterministic); ``lists`` maps a list of ids (``contact_ids``) to
    the id a one-item list of 1 or 2 becomes."""
    if not isinstance(values, dict):
        return values
    for key, value in list(values.items()):
        # Only schema-valid ids (1 … MAX_ID): a negative case's invalid id stays invalid.
        if key in ids and type(value) is int and 0 < value <= MAX_ID and value % 2 == 0:
            values[key] = ids[key]
        elif key in lists and isinstance(value, list) and len(value) == 1 and value[0] in (1, 2):
            values[key] = [ids[lists[key]]]
    return values


@functools.cache
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


def schema_conformance_test(
    path_regex: str, ids: dict[str, int], *, lists: Mapping[str, str] | None = None,
) -> Callable[..., None]:
    """The conformance test of the operations whose paths match ``path_regex``, one case
    per generated example. ``ids`` is the module's dict of real row ids (filled by its
    ``fuzz_world`` fixture, which returns ``{"token": …}``), read when a case is made."""
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_bearer_only_schema())).include(path_regex=path_regex)
    schema.app = get_wsgi_application()
    lists = lists or {}

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
        return real_ids(path_parameters, ids, lists)

    @schema.hook
    def map_body(context: Any, body: Any) -> Any:
        return real_ids(body, ids, lists)

    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        phases=PHASES,
    )
    def test_api_conforms_to_its_schema(case: Any, fuzz_world: dict[str, Any]) -> None:
        # Every other check runs. Schema-valid input may still break a business rule (an id
        # of a row that does not exist, a response dated before its inquiry): that is a
        # documented 422, not a failure.
        if (case.headers or {}).get("Authorization") == f"Bearer {PLACEHOLDER_TOKEN}":
            case.headers["Authorization"] = f"Bearer {fuzz_world['token']}"
        with keep_test_connection():
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

    return test_api_conforms_to_its_schema
