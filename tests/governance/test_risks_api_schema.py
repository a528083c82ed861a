"""Schemathesis over the risk and SWOT paths (tests/api_schema.py): no server errors,
every answer as documented, schema-invalid input refused. Half of the generated ids are
mapped onto a real project, account, risk, analysis and item."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_schema import fuzz_token, schema_conformance_test
from tests.clients.factories import make_account
from tests.delivery.factories import make_manager, make_project
from tests.governance.factories_risks import make_item, make_risk, make_swot

RISK_PATHS = (r"^/api/v1/(risks|swot-items|swot-analyses|projects/\{project_id\}/(risks|risk-exposure|swot-analyses)"
              r"|accounts/\{account_id\}/(risks|swot-analyses))")
REAL_IDS: dict[str, int] = {}


@pytest.fixture
def fuzz_world(db, settings) -> dict[str, Any]:
    _, secret = fuzz_token(settings)
    manager = make_manager(email="fuzz-pm@example.test")
    account = make_account()
    project = make_project(manager=manager, account=account)
    risk = make_risk(project=project, contingency_plan="- Step one\n- Step two")
    analysis = make_swot(project=project)
    item = make_item(analysis, "threat", "Budget freeze")
    REAL_IDS.clear()
    REAL_IDS.update({"project_id": project.pk, "account_id": account.pk, "risk_id": risk.pk,
                     "swot_analysis_id": analysis.pk, "swot_item_id": item.pk, "owner_id": manager.pk})
    return {"token": secret}


test_risk_api_conforms_to_its_schema = schema_conformance_test(RISK_PATHS, REAL_IDS)
