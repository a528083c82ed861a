"""The opportunity import measure of ``tandem bench`` (P5O) at a tiny scale."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection

from tandem.bench import runner
from tandem.bench.measures import opportunity_import
from tandem.commercial.models import Opportunity
from tandem.core.roles import Role
from tandem.integrations.models import ImportJob
from tests.factories import make_user

LINE = re.compile(
    r"^(?P<name>P5O): ratio=(?P<ratio>\d+\.\d\d) target=(?P<target>>=\d+(\.\d+)?)"
    r"(?P<details>( [a-z_]+=[^ ]+)*) status=(?P<status>ok|missed)$"
)


def parse(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match, f"not a bench line: {line!r}"
    fields = dict(pair.split("=", 1) for pair in match["details"].split())
    return {**fields, "name": match["name"], "ratio": match["ratio"], "target": match["target"]}


@pytest.mark.django_db
def test_p5o_imports_an_opportunities_file_and_compares_with_raw_inserts(monkeypatch):
    make_user(role=Role.ADMIN, email="bench-admin@example.test", full_name="Bench Admin")
    monkeypatch.setattr(opportunity_import, "P5O_ROWS", 600)
    monkeypatch.setattr(opportunity_import, "P5O_ACCOUNTS", 40)
    out = io.StringIO()
    runner.run(runner.select_measures(["P5O"]), repeat=1, out=out)
    (line,) = [parse(text) for text in out.getvalue().splitlines()]
    assert (line["name"], line["target"], line["rows"], line["raw"]) == (
        "P5O", ">=0.4", "600", "copy" if connection.vendor == "postgresql" else "executemany",
    )
    import_rate, raw_rate = int(line["import_rows_per_s"]), int(line["raw_rows_per_s"])
    assert import_rate > 0 and raw_rate > 0
    assert abs(float(line["ratio"]) - import_rate / raw_rate) < 0.01
    assert Opportunity.objects.count() == 0 and ImportJob.objects.count() == 0  # rolled back


def test_p5o_file_is_a_salesforce_data_loader_export():
    accounts, opportunities = opportunity_import._p5o_files(7, 2)
    assert accounts.decode().splitlines()[1] == (
        "001BENCH0000000000,Bench Opportunity Account 00000,Customer - Direct,Leeds,United Kingdom,Retail"
    )
    lines = opportunities.decode().splitlines()
    assert lines[0] == ",".join(opportunity_import.P5O_HEADERS) and len(lines) == 8
    assert lines[5].split(",") == [
        "006BENCH0000000004", "001BENCH0000000000", "Bench deal 000004", "Closed Won", "1250.00", "100",
        "2026-01-05", "Existing Customer - Upgrade", "Web", "Closed", "true", "true", "USD", "Call back",
    ]
