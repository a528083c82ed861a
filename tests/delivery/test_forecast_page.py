"""The project's Forecast tab: P50 / P80 / P95 against the due date and the scheduled
finish, the chart's data and its table (the same numbers), the criticality table (most
often critical first, linked to the plan rows), the empty states, visibility and the
query count (the same at two plan sizes)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.forecasting import project_forecast
from tandem.delivery.views.forecast import PAGE_RUNS, PAGE_SEED
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
# Session, user, roles, unread count (4); the project (1); the organisation calendar and
# its holidays for the header (2) and again inside the forecast's plan load (2); the
# plan's tasks, links and estimates (3).
FORECAST_PAGE_QUERIES = 12


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def world():
    manager = make_manager()
    member = make_user(role=Role.MEMBER)
    project = make_project(manager=manager, due_date=dt.date(2027, 1, 12))
    services.project_member_add(actor=manager, project=project, user=member)
    design = make_task(project=project, name="Design", duration_minutes=960,
                       optimistic_minutes=480, likely_minutes=960, pessimistic_minutes=2400)
    build = make_task(project=project, name="Build", duration_minutes=1440,
                      optimistic_minutes=960, likely_minutes=1440, pessimistic_minutes=4800)
    docs = make_task(project=project, name="Docs", duration_minutes=480)
    make_dependency(design, build)
    project.refresh_from_db()
    return {"manager": manager, "member": member, "project": project, "design": design, "build": build, "docs": docs}


def test_the_page_shows_the_forecast_its_chart_table_and_criticality(world) -> None:
    project = world["project"]
    url = reverse("delivery:project_forecast", kwargs={"project_id": project.pk})
    html = client_for(world["member"]).get(url).content.decode()
    result = project_forecast(project=project, runs=PAGE_RUNS, seed=PAGE_SEED)
    assert result is not None
    for key, value in (("p50", result.p50), ("p80", result.p80), ("p95", result.p95)):
        shown = re.search(rf'data-testid="forecast-{key}">([^<]+)<', html).group(1)
        assert shown == f"{value.day} {value:%b %Y}"
    assert "2,000 simulated runs (seed 1" in _text(html)
    chart = json.loads(re.search(r'<script id="finish-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert chart["labels"] == [day.isoformat() for day, _count in result.histogram]
    assert chart["runs"] == [count for _day, count in result.histogram]
    assert sum(chart["runs"]) == chart["total"] == PAGE_RUNS and chart["cumulative"][-1] == 100.0
    table = re.search(r'data-testid="distribution-table">(.*?)</table>', html, re.S).group(1)
    assert len(re.findall(r"<tr>", table)) == len(result.histogram) + 1
    rows = re.findall(r'data-testid="criticality-row">(.*?)</tr>', html, re.S)
    # Design and Build are on the one long chain in every run; Docs never is.
    assert [_text(row) for row in rows] == ["1 Design 100.0 %", "2 Build 100.0 %", "3 Docs 0.0 %"]
    assert f'href="/delivery/projects/{project.pk}/#task-{world["design"].pk}"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "delivery/forecast.js" in html


def test_without_estimates_the_page_says_what_to_do(world) -> None:
    project = make_project(manager=world["manager"])
    url = reverse("delivery:project_forecast", kwargs={"project_id": project.pk})
    client = client_for(world["manager"])
    assert "The plan has no tasks yet" in client.get(url).content.decode()
    make_task(project=project, name="Only")
    html = client.get(url).content.decode()
    assert "No task has a three-point estimate yet" in html and "finish-chart" not in html


def test_outsiders_get_404(world) -> None:
    url = reverse("delivery:project_forecast", kwargs={"project_id": world["project"].pk})
    assert client_for(make_manager()).get(url).status_code == 404


def test_the_page_costs_the_same_queries_at_two_plan_sizes(world) -> None:
    project = world["project"]
    url = reverse("delivery:project_forecast", kwargs={"project_id": project.pk})
    client = client_for(world["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    small = count()
    previous = world["build"]
    for number in range(15):
        task = make_task(project=project, name=f"More {number}", optimistic_minutes=240, likely_minutes=480,
                         pessimistic_minutes=960)
        make_dependency(previous, task)
        previous = task
    assert small == count() == FORECAST_PAGE_QUERIES
