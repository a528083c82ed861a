"""``tandem bench``: the line format, the registry, and a run at a tiny scale.

Timing values are never asserted (the machine is shared and noisy); the format, the
exact query counts and their equality at both data sizes are.
"""

from __future__ import annotations

import io
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tandem.bench import runner
from tandem.bench.registry import BenchError, Result, Target, measure, registered
from tandem.core import demo
from tandem.people.models import Team, User

LINE = re.compile(
    r"^(?P<name>P\d+): ratio=(?P<ratio>\d+\.\d\d) target=(?P<target>(<=|>=)\d+(\.\d+)?)"
    r"(?P<details>( [a-z_:]+=[^ ]+)*) status=(?P<status>ok|missed)$"
)
TINY = demo.SCALES["small"]  # 30 people in 4 teams, 400 accounts


def parse(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match, f"not a bench line: {line!r}"
    fields = dict(pair.split("=", 1) for pair in match["details"].split())
    return {
        **fields,
        "name": match["name"],
        "ratio": match["ratio"],
        "target": match["target"],
        "status": match["status"],
    }


def check_p3(fields: dict[str, str]) -> None:
    assert fields["ratio"] == "1.00"
    assert fields["target"] == "<=1"
    assert fields["page_sizes"] == "10/100"
    small, large = (int(size) for size in fields["users"].split("/"))
    assert large == small * 10
    for endpoint in ("people:user_list", "people:team_list", "api_users", "api_teams"):
        counts = [int(count) for count in fields[endpoint].split(",")]
        assert len(counts) == 4  # two data sizes x two page sizes
        assert len(set(counts)) == 1, f"{endpoint} changes its query count: {counts}"
        assert counts[0] <= 12
    assert int(fields["max_queries"]) <= 12
    assert fields["status"] == "ok"


# --- Format and registry ---------------------------------------------------------------


def test_result_line_format():
    result = Result("P9", 2.345, Target(3), details={"page": "/x/", "page_ms": 1.5, "rows": 50})
    assert result.line() == "P9: ratio=2.35 target=<=3 page=/x/ page_ms=1.50 rows=50 status=ok"
    missed = Result("P9", 0.25, Target(0.4, at_most=False))
    assert missed.line() == "P9: ratio=0.25 target=>=0.4 status=missed"
    capped = Result("P9", 1.0, Target(1), extra_ok=False)
    assert capped.line().endswith("status=missed")


def test_result_line_for_a_measure_that_failed():
    result = Result("P9", math.nan, Target(6), error="GET /x/ answered 500")
    assert result.line() == "P9: ratio=nan target=<=6 status=error error='GET /x/ answered 500'"
    assert result.passed is False


def test_targets():
    assert Target(6).met(6.0) and not Target(6).met(6.01)
    assert Target(0.4, at_most=False).met(0.4) and not Target(0.4, at_most=False).met(0.39)
    assert not Target(6).met(math.nan)


def test_select_measures_in_order_and_by_name():
    assert [item.name for item in runner.select_measures()][:6] == ["P2", "P3", "P4", "P5", "P6", "P7"]
    assert [item.name for item in runner.select_measures(["P7", "P2", "P7"])] == ["P7", "P2"]
    with pytest.raises(
        LookupError, match="unknown measure\\(s\\) P99, X; known: P2, P3, P4, P5, P6, P7, P2C, P2D, P2H, P2R, P2S, P3C, P3D, P3H, P3R, P3S, P4D, P4G, P4S, P5O, P6M"
    ):
        runner.select_measures(["P2", "P99", "X"])


def test_a_measure_cannot_be_registered_twice():
    runner.discover()
    with pytest.raises(ValueError, match="P2 is registered twice"):
        measure("P2", title="again", target=Target(1))(lambda ctx: Result("P2", 1.0, Target(1)))
    assert registered()["P2"].title.startswith("people list page")


@pytest.mark.django_db
def test_a_failing_measure_prints_an_error_line_and_counts_as_a_failure():
    from tandem.bench.registry import Measure

    def broken(ctx):
        raise BenchError("the route x does not exist")

    out = io.StringIO()
    failures = runner.run([Measure("P99", "broken", Target(1), broken)], out=out)
    assert failures == 1
    assert out.getvalue() == (
        "P99: ratio=nan target=<=1 status=error error='the route x does not exist'\n"
    )


# --- Runs ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bench_on_the_current_database_at_a_tiny_scale():
    demo.run_demo(scale=TINY, seed=1, reset=True)
    out = io.StringIO()
    runner.run(runner.select_measures(["P2", "P3", "P7"]), repeat=2, out=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    p2, p3, p7 = (parse(line) for line in lines)
    assert (p2["name"], p2["target"], p2["rows"], p2["repeat"]) == ("P2", "<=6", "30", "2")
    assert float(p2["page_ms"]) > 0 and float(p2["baseline_ms"]) > 0
    check_p3(p3)
    assert p3["users"] == "30/300"  # the demo never has fewer than 30 people
    assert (p7["name"], p7["target"], p7["rows"], p7["same_rows"]) == ("P7", "<=1.3", "30", "yes")
    # The ten-fold growth of P3 was rolled back.
    assert (User.objects.count(), Team.objects.count()) == (30, 4)


def test_tandem_bench_builds_its_own_temporary_database(tmp_path: Path):
    """The installed program, as a user runs it: a fresh SQLite database, migrated and
    filled by the demo generator, then one line per measure on standard output."""
    env = {
        **os.environ,
        "TMPDIR": str(tmp_path),
        "DATABASE_URL": "sqlite:////nonexistent/never-used",
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tandem.cli",
            "bench",
            "--scale",
            "small",
            "--only",
            "P3",
            "--quiet",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 1
    fields = parse(lines[0])
    check_p3(fields)
    assert fields["users"] == "30/300"  # the demo never has fewer than 30 people
    assert "temporary SQLite database" in completed.stderr
    assert list(tmp_path.iterdir()) == []  # the temporary database is removed
