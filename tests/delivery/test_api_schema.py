"""Schemathesis over the delivery paths (``/projects``, ``/tasks``, ``/dependencies``;
see tests/api_schema.py): no server errors, every answer as documented, schema-invalid
input refused (QUALITY R1). Half of the generated ids are mapped onto a real project,
task and dependency, so the writes and the forecast run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_schema import fuzz_token, schema_conformance_test
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task

DELIVERY_PATHS = r"^/api/v1/(projects|tasks|dependencies)"
# The ids of the rows built for the current test, read when a case is made.
REAL_IDS: dict[str, int] = {}


@pytest.fixture
def fuzz_world(db, settings) -> dict[str, Any]:
    _, secret = fuzz_token(settings)
    manager = make_manager(email="fuzz-pm@example.test")
    project = make_project(manager=manager)
    first = make_task(project=project, name="Design", optimistic_minutes=240, likely_minutes=480,
                      pessimistic_minutes=960)
    second = make_task(project=project, name="Build")
    third = make_task(project=project, name="Test")
    link = make_dependency(first, second)
    REAL_IDS.clear()
    REAL_IDS.update({
        "project_id": project.pk, "task_id": second.pk, "dependency_id": link.pk, "parent_id": first.pk,
        "predecessor_id": second.pk, "successor_id": third.pk, "manager_id": manager.pk,
    })
    return {"token": secret}


test_delivery_api_conforms_to_its_schema = schema_conformance_test(DELIVERY_PATHS, REAL_IDS)
