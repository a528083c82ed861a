"""The delivery measures of ``tandem bench`` (P2D, P3D, P4D) on the small demo, with the
real delivery pages: the line format, flat query counts within the cap, the rolled-back
shrinking, and a page whose route does not exist named as skipped. Timings are never
asserted."""

from __future__ import annotations

import io

import pytest
from django.db.models.functions import Mod
from django.urls import NoReverseMatch, reverse

from tandem.bench import runner
from tandem.core import demo
from tandem.delivery.models import Project, Task, TimeEntry
from tests.bench.test_bench_commercial import LINE
from tests.commercial.test_demo import restore_seeded_rows

PAGES = ("project_list", "project_page", "my_tasks", "timesheet")


def parse(line: str) -> dict[str, str]:
    match = LINE.match(line.replace("P2D", "P2S").replace("P3D", "P3S").replace("P4D", "P4S"))
    assert match, f"not a bench line: {line!r}"
    fields = dict(pair.split("=", 1) for pair in match["details"].split())
    return {**fields, "name": line.split(":", 1)[0], "ratio": match["ratio"], "target": match["target"]}


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True)
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def run(names: list[str], repeat: int = 2) -> list[str]:
    out = io.StringIO()
    runner.run(runner.select_measures(names), repeat=repeat, out=out)
    return out.getvalue().splitlines()


def _exists(name: str) -> bool:
    try:
        reverse(f"delivery:{name}")
    except NoReverseMatch:
        return False
    return True


def snapshot() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Project, Task, TimeEntry))


@pytest.mark.django_db
def test_p2d_times_every_delivery_page(demo_data):
    (line,) = map(parse, run(["P2D"]))
    assert (line["name"], line["target"], line["repeat"]) == ("P2D", "<=6", "2")
    measured = [name for name in PAGES if f"{name}_ms" in line]
    assert measured[:3] == ["project_list", "project_page", "my_tasks"]
    assert ("timesheet_ms" in line) == _exists("timesheet") != ("timesheet" in line.get("skipped", ""))
    assert int(line["plan_tasks"]) > 0


@pytest.mark.django_db
def test_p3d_query_counts_do_not_follow_the_plan_or_page_size(demo_data):
    before = snapshot()
    (line,) = map(parse, run(["P3D"]))
    assert (line["ratio"], line["target"]) == ("1.00", "<=1")
    smallest, largest = (int(size) for size in line["plans"].split("/"))
    assert smallest < largest
    assert int(line["max_queries"]) <= 12
    for name in ("project_list", "project_page", "my_tasks"):
        counts = [int(count) for count in line[name].split(",")]
        assert len(set(counts)) == 1, (name, counts)
    assert len(line["my_tasks"].split(",")) == 4  # two people, two page sizes
    assert snapshot() == before


@pytest.mark.django_db
def test_p4d_compares_the_pages_with_a_hundredth_of_the_accounts(demo_data):
    before = snapshot()
    (line,) = map(parse, run(["P4D"]))
    assert (line["name"], line["target"], line["repeat"]) == ("P4D", "<=1.3", "2")
    full, small = (int(size) for size in line["projects"].split("/"))
    assert 0 <= small < full / 20
    assert "project_list_ms" in line
    # The plan is measured when a project with a plan survives the cut (none may at this size).
    survivors = (Project.objects.filter(account_id__isnull=False, tasks__isnull=False)
                 .annotate(kept=Mod("account_id", 100)).filter(kept=0).exists())
    assert ("project_page_ms" in line) == survivors
    assert snapshot() == before  # the shrinking was rolled back
