"""Schemathesis over the delivery paths (``/projects``, ``/tasks``, ``/dependencies``),
the pattern of tests/clients/test_api_schema.py: no server errors, every answer as
documented, schema-invalid input refused (QUALITY R1). Half of the generated ids are
mapped onto a real project, task and dependency, so the writes and the forecast run."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tandem.core.api import MAX_ID
from tandem.core.roles import Role
from tandem.people import services as people_services
from tests.clients.test_api_schema import _bearer_only_schema, keep_test_connection  # noqa: F401  (fixture)
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "8"))
DEEP = os.environ.get("TANDEM_FUZZ_DEEP") == "1"
PHASES = [Phase.explicit, Phase.generate] if DEEP else [Phase.generate]
DELIVERY_PATHS = r"^/api/v1/(projects|tasks|dependencies)"
PLACEHOLDER_TOKEN = "tdm_placeholder"
# The ids of the rows built for the current test, read by the hooks below.
REAL_IDS: dict[str, int] = {}


@pytest.fixture
def fuzz_world(db, settings, keep_test_connection) -> dict[str, Any]:  # noqa: F811
    settings.TANDEM_API_THROTTLE_RATE = None
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user(role=Role.ADMIN, email="fuzz-admin@example.test")
    manager = make_manager(email="fuzz-pm@example.test")
    project = make_project(manager=manager)
    first = make_task(project=project, name="Design", optimistic_minutes=240, likely_minutes=480,
                      pessimistic_minutes=960)
    second = make_task(project=project, name="Build")
    third = make_task(project=project, name="Test")
    link = make_dependency(first, second)
    _, secret = people_services.token_create(actor=None, user=admin, name="fuzz", scope="read_write")
    REAL_IDS.clear()
    REAL_IDS.update({
        "project_id": project.pk, "task_id": second.pk, "dependency_id": link.pk, "parent_id": first.pk,
        "predecessor_id": second.pk, "successor_id": third.pk, "manager_id": manager.pk,
    })
    return {"token": secret}


def _real_ids(values: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    """Every other generated id becomes the id of a real row (by parity, so shrinking
    and replays stay deterministic)."""
    if not isinstance(values, dict):
        return values
    for key, value in list(values.items()):
        if key in ids and type(value) is int and 0 < value <= MAX_ID and value % 2 == 0:
            values[key] = ids[key]
    return values


schema = schemathesis.openapi.from_dict(_bearer_only_schema()).include(path_regex=DELIVERY_PATHS)
schema.app = get_wsgi_application()


@schema.auth(refresh_interval=None, retry_on=[])
class TokenAuth:
    def get(self, case: Any, context: Any) -> str:
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
def test_delivery_api_conforms_to_its_schema(case, fuzz_world):
    # Schema-valid input may still break a business rule (a stale version, a loop): that
    # is a documented 409 or 422, not a failure.
    if (case.headers or {}).get("Authorization") == f"Bearer {PLACEHOLDER_TOKEN}":
        case.headers["Authorization"] = f"Bearer {fuzz_world['token']}"
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
