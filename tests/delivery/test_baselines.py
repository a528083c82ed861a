"""Baselines: the service (the exact rows written, the cost rule, refusals that change
nothing, a duplicate name), the variance against a hand-worked plan (days, work, cost),
the API (shapes, 404 / 403 / 422) and the Baselines tab (render, query counts the same
at two plan sizes)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.audit import AuditEntry
from tandem.core.errors import PermissionDeniedError
from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Baseline, BaselineTask
from tandem.delivery.selectors.baselines import baseline_variance
from tandem.delivery.services.baselines import baseline_delete, baseline_save, planned_costs
from tandem.delivery.views.baselines import days_words
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"
UTC = dt.UTC
D = Decimal


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2027, 1, day, hour, tzinfo=UTC)


@pytest.fixture
def plan() -> dict[str, Any]:
    """The hand-worked plan (organisation calendar: Monday–Friday 09:00–17:00, UTC),
    starting Monday 4 January 2027, budget 1,000.00 EUR over 40 hours of work:

    ======  =====================  ========  ====  ======
    WBS     task                   duration  work  cost
    ======  =====================  ========  ====  ======
    1       Phase (summary)        —         40 h  1,000
    1.1     Design                 1 d       10 h    250
    1.2     Build (after 1.1)      2 d       30 h    750
    2       Launch (after 1.2)     1 d        0 h      0
    3       Docs                   2 d        0 h      0
    ======  =====================  ========  ====  ======

    Design Mon 4, Build Tue 5 – Wed 6, Launch Thu 7, Docs Mon 4 – Tue 5."""
    manager = make_manager(full_name="Pia Planner")
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    project = make_project(manager=manager, code="BASE-1", name="Baselined", budget=D("1000"), currency="EUR",
                           due_date=dt.date(2027, 1, 29))
    services.project_member_add(actor=manager, project=project, user=member)
    phase = make_task(project=project, name="Phase")
    design = make_task(project=project, parent=phase, name="Design", duration_minutes=480, work_minutes=600)
    build = make_task(project=project, parent=phase, name="Build", duration_minutes=960, work_minutes=1800)
    launch = make_task(project=project, name="Launch", duration_minutes=480)
    docs = make_task(project=project, name="Docs", duration_minutes=960)
    make_dependency(design, build)
    make_dependency(build, launch)
    project.refresh_from_db()
    return {"manager": manager, "member": member, "project": project, "phase": phase, "design": design,
            "build": build, "launch": launch, "docs": docs}


def _move_plan(plan: dict[str, Any]) -> None:
    """Design takes 3 days instead of 1, Build 40 hours of work instead of 30, Docs 1 day
    instead of 2, and a task is added."""
    manager = plan["manager"]
    for key, data in (("design", {"duration_minutes": 1440}), ("build", {"work_minutes": 2400}),
                      ("docs", {"duration_minutes": 480})):
        task = plan[key]
        task.refresh_from_db()
        plan[key] = services.task_update(actor=manager, task=task, data=data, expected_version=task.version)
    plan["added"] = make_task(project=plan["project"], name="Training", duration_minutes=480)
    plan["project"].refresh_from_db()


# --- The service ----------------------------------------------------------------------------


def test_saving_writes_one_row_per_task_with_its_dates_work_and_cost(plan) -> None:
    baseline = baseline_save(actor=plan["manager"], project=plan["project"], name="  Signed   off ")
    assert (baseline.name, baseline.saved_by, baseline.currency) == ("Signed off", plan["manager"], "EUR")
    assert (baseline.start, baseline.finish) == (at(4, 9), at(7, 17))
    assert (baseline.work_minutes, baseline.cost) == (2400, D("1000.00"))
    rows = list(BaselineTask.objects.filter(baseline=baseline).order_by("task__outline_index").values_list(
        "task__wbs", "start", "finish", "duration_minutes", "work_minutes", "cost"))
    assert rows == [
        ("1", at(4, 9), at(6, 17), 480, 2400, D("1000.00")),
        ("1.1", at(4, 9), at(4, 17), 480, 600, D("250.00")),
        ("1.2", at(5, 9), at(6, 17), 960, 1800, D("750.00")),
        ("2", at(7, 9), at(7, 17), 480, 0, D("0.00")),
        ("3", at(4, 9), at(5, 17), 960, 0, D("0.00")),
    ]
    entries = AuditEntry.objects.filter(content_type__model="baseline", object_id=str(baseline.pk))
    assert list(entries.values_list("action", "actor")) == [("create", plan["manager"].pk)]


def test_the_rows_are_written_in_one_insert(plan) -> None:
    with CaptureQueriesContext(connection) as queries:
        baseline_save(actor=plan["manager"], project=plan["project"], name="One insert")
    inserts = [query["sql"] for query in queries.captured_queries if "delivery_baselinetask" in query["sql"]]
    assert BaselineTask.objects.count() == 5
    if connection.vendor == "postgresql":
        # One COPY, written on the driver's cursor (Django's query log does not see it):
        # no per-row INSERT.
        assert inserts == []
    else:
        # One executemany (Django logs it as "5 times: INSERT …").
        assert len(inserts) == 1 and inserts[0].startswith("5 times: INSERT INTO")


def test_costs_spread_the_budget_by_work_and_add_up_to_it() -> None:
    costs, work = planned_costs(D("100"), [(1, None, 0, True), (2, 1, 1, False), (3, 1, 1, False), (4, None, 1, False)])
    assert costs == {2: D("33.33"), 3: D("33.33"), 4: D("33.34"), 1: D("66.66")}
    assert work == {2: 1, 3: 1, 4: 1, 1: 2}
    assert planned_costs(D("0"), [(1, None, 60, False)])[0] == {1: D("0.00")}
    assert planned_costs(D("500"), [(1, None, 0, False)])[0] == {1: D("0.00")}


@pytest.mark.parametrize("who", ["member", "other_manager", "nobody_active"])
def test_only_the_manager_saves_and_a_refusal_changes_nothing(plan, who) -> None:
    if who == "member":
        actor = plan["member"]
    else:
        actor = make_manager()
        if who == "nobody_active":
            type(actor).objects.filter(pk=actor.pk).update(is_active=False)
            actor.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        baseline_save(actor=actor, project=plan["project"], name="Mine")
    assert (Baseline.objects.count(), BaselineTask.objects.count()) == (0, 0)


def test_a_duplicate_name_is_refused_on_the_name(plan) -> None:
    baseline_save(actor=plan["manager"], project=plan["project"], name="Signed off")
    with pytest.raises(ValidationError) as caught:
        baseline_save(actor=plan["manager"], project=plan["project"], name="Signed off")
    assert caught.value.message_dict == {
        "name": ['This project already has a baseline named "Signed off": choose another name.']}
    with pytest.raises(ValidationError) as blank:
        baseline_save(actor=plan["manager"], project=plan["project"], name="  ")
    assert list(blank.value.message_dict) == ["name"]
    assert (Baseline.objects.count(), BaselineTask.objects.count()) == (1, 5)
    # Another project may use the same name.
    other = make_project(manager=plan["manager"])
    make_task(project=other, name="Solo")
    assert baseline_save(actor=plan["manager"], project=other, name="Signed off").name == "Signed off"


def test_deleting_takes_the_rows_and_is_the_managers(plan) -> None:
    baseline = baseline_save(actor=plan["manager"], project=plan["project"], name="Signed off")
    with pytest.raises(PermissionDeniedError):
        baseline_delete(actor=plan["member"], baseline=baseline)
    assert BaselineTask.objects.filter(baseline=baseline).count() == 5
    baseline_delete(actor=plan["manager"], baseline=baseline, expected_version=baseline.version)
    assert (Baseline.objects.count(), BaselineTask.objects.count()) == (0, 0)


# --- Variance ---------------------------------------------------------------------------------


def test_variance_against_the_hand_worked_plan(plan) -> None:
    baseline = baseline_save(actor=plan["manager"], project=plan["project"], name="Signed off")
    _move_plan(plan)
    variance = baseline_variance(project=plan["project"], baseline=baseline)
    got = [(row.wbs, row.in_baseline, row.start_days, row.finish_days, row.work_minutes, row.cost,
            row.current_cost) for row in variance.tasks]
    # Design: Mon 4 → Wed 6 (2 working days late); Build: Thu 7 – Fri 8 (2 late; 10 h
    # more at 25.00 EUR an hour: +250.00); Launch: Thu 7 → Mon 11, two working days
    # (Friday and Monday; the weekend does not count); Docs: Tue 5 → Mon 4, a day early.
    assert got == [
        ("1", True, D("0.0"), D("2.0"), 600, D("250.00"), D("1250.00")),
        ("1.1", True, D("0.0"), D("2.0"), 0, D("0.00"), D("250.00")),
        ("1.2", True, D("2.0"), D("2.0"), 600, D("250.00"), D("1000.00")),
        ("2", True, D("2.0"), D("2.0"), 0, D("0.00"), D("0.00")),
        ("3", True, D("0.0"), D("-1.0"), 0, D("0.00"), D("0.00")),
        ("4", False, None, None, None, None, D("0.00")),
    ]
    assert (variance.baseline_finish, variance.current_finish, variance.finish_days) == (at(7, 17), at(11, 17), D("2.0"))
    assert (variance.baseline_work_minutes, variance.current_work_minutes, variance.work_minutes) == (2400, 3000, 600)
    assert (variance.hourly_rate, variance.baseline_cost, variance.current_cost, variance.cost) == (
        D(25), D("1000.00"), D("1250.00"), D("250.00"))
    assert variance.slipping_count == 4
    slipping = baseline_variance(project=plan["project"], baseline=baseline, order="slipping")
    assert [row.wbs for row in slipping.tasks] == ["1", "1.1", "1.2", "2", "3", "4"]
    assert [days_words(row.finish_days) for row in variance.tasks] == [
        "2 days late", "2 days late", "2 days late", "2 days late", "1 day early", "—"]
    assert days_words(D("0.0")) == "on time"
    assert days_words(D("0.5")) == "0.5 days late"


def test_a_plan_unchanged_is_on_time_everywhere(plan) -> None:
    baseline = baseline_save(actor=plan["manager"], project=plan["project"], name="Signed off")
    variance = baseline_variance(project=plan["project"], baseline=baseline)
    assert {(row.start_days, row.finish_days, row.work_minutes, row.cost) for row in variance.tasks} == {
        (D("0.0"), D("0.0"), 0, D("0.00"))}
    assert (variance.finish_days, variance.work_minutes, variance.cost) == (D("0.0"), 0, D("0.00"))


# --- The API ------------------------------------------------------------------------------------


def test_the_api_saves_lists_shows_the_variance_and_deletes(plan) -> None:
    client = client_for(plan["manager"])
    project = plan["project"]
    response = client.post(f"{API}/projects/{project.pk}/baselines", {"name": "Signed off"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    baseline_id = body.pop("id")
    assert body.pop("saved_at")
    assert body == {
        "project_id": project.pk, "name": "Signed off", "saved_by": {"id": plan["manager"].pk, "full_name": "Pia Planner"},
        "start": "2027-01-04T09:00:00", "finish": "2027-01-07T17:00:00", "work_hours": 40.0, "cost": "1000.00",
        "currency": "EUR", "version": 1,
    }
    again = client.post(f"{API}/projects/{project.pk}/baselines", {"name": "Signed off"}, content_type="application/json")
    assert again.status_code == 422 and list(again.json()["error"]["fields"]) == ["name"]
    unknown = client.post(f"{API}/projects/{project.pk}/baselines", {"name": "X", "cost": "1"},
                          content_type="application/json")
    assert unknown.status_code == 422 and "cost" in unknown.json()["error"]["fields"]

    listed = client.get(f"{API}/projects/{project.pk}/baselines").json()
    assert (listed["count"], [item["name"] for item in listed["items"]]) == (1, ["Signed off"])

    _move_plan(plan)
    detail = client.get(f"{API}/baselines/{baseline_id}?limit=2&offset=2&order=plan").json()
    assert (detail["count"], detail["limit"], detail["offset"], detail["name"]) == (6, 2, 2, "Signed off")
    assert detail["variance"] == {
        "baseline_finish": "2027-01-07T17:00:00", "current_finish": "2027-01-11T17:00:00",
        "finish_variance_days": 2.0, "baseline_work_hours": 40.0, "current_work_hours": 50.0,
        "work_variance_hours": 10.0, "hourly_rate": "25.00", "baseline_cost": "1000.00",
        "current_cost": "1250.00", "cost_variance": "250.00", "currency": "EUR", "tasks_slipping": 4,
    }
    assert detail["items"] == [
        {"task_id": plan["build"].pk, "wbs": "1.2", "name": "Build", "is_summary": False, "in_baseline": True,
         "baseline_start": "2027-01-05T09:00:00", "baseline_finish": "2027-01-06T17:00:00",
         "current_start": "2027-01-07T09:00:00", "current_finish": "2027-01-08T17:00:00",
         "start_variance_days": 2.0, "finish_variance_days": 2.0, "baseline_work_hours": 30.0,
         "current_work_hours": 40.0, "work_variance_hours": 10.0, "baseline_cost": "750.00",
         "current_cost": "1000.00", "cost_variance": "250.00"},
        {"task_id": plan["launch"].pk, "wbs": "2", "name": "Launch", "is_summary": False, "in_baseline": True,
         "baseline_start": "2027-01-07T09:00:00", "baseline_finish": "2027-01-07T17:00:00",
         "current_start": "2027-01-11T09:00:00", "current_finish": "2027-01-11T17:00:00",
         "start_variance_days": 2.0, "finish_variance_days": 2.0, "baseline_work_hours": 0.0,
         "current_work_hours": 0.0, "work_variance_hours": 0.0, "baseline_cost": "0.00",
         "current_cost": "0.00", "cost_variance": "0.00"},
    ]
    stale = client.delete(f"{API}/baselines/{baseline_id}?version=7")
    assert stale.status_code == 409
    assert client.delete(f"{API}/baselines/{baseline_id}?version=1").status_code == 204
    assert (Baseline.objects.count(), BaselineTask.objects.count()) == (0, 0)


def test_the_api_answers_404_to_outsiders_and_403_to_members(plan) -> None:
    baseline = baseline_save(actor=plan["manager"], project=plan["project"], name="Signed off")
    project = plan["project"]
    outsider = client_for(make_manager())
    assert outsider.get(f"{API}/projects/{project.pk}/baselines").status_code == 404
    assert outsider.get(f"{API}/baselines/{baseline.pk}").status_code == 404
    assert outsider.post(f"{API}/projects/{project.pk}/baselines", {"name": "Mine"},
                         content_type="application/json").status_code == 404
    assert outsider.delete(f"{API}/baselines/{baseline.pk}").status_code == 404
    member = client_for(plan["member"])
    assert member.get(f"{API}/baselines/{baseline.pk}").status_code == 200
    assert member.post(f"{API}/projects/{project.pk}/baselines", {"name": "Mine"},
                       content_type="application/json").status_code == 403
    assert member.delete(f"{API}/baselines/{baseline.pk}").status_code == 403
    assert (Baseline.objects.count(), BaselineTask.objects.count()) == (1, 5)


def _grow(project: Any, count: int) -> None:
    previous = None
    for number in range(count):
        task = make_task(project=project, name=f"Extra {number}", work_minutes=60)
        if previous is not None:
            make_dependency(previous, task)
        previous = task


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


def test_the_api_detail_costs_the_same_queries_at_two_plan_sizes(plan) -> None:
    client = client_for(plan["manager"])
    baseline = baseline_save(actor=plan["manager"], project=plan["project"], name="Small")
    small = _queries(client, f"{API}/baselines/{baseline.pk}")
    _grow(plan["project"], 12)
    plan["project"].refresh_from_db()
    big = baseline_save(actor=plan["manager"], project=plan["project"], name="Big")
    # session, user, roles; the baseline with its project; the calendar and holidays;
    # the baseline's rows; the plan's tasks.
    assert small == _queries(client, f"{API}/baselines/{big.pk}") == 8


# --- The page ---------------------------------------------------------------------------------

# Session, user, roles, unread count (4); the project (1); the baselines (1); the
# organisation calendar and its holidays (2); the baseline's rows (1); the tasks (1).
BASELINES_PAGE_QUERIES = 10


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_page_shows_the_variance_and_saves_a_baseline(plan) -> None:
    client = client_for(plan["manager"])
    project = plan["project"]
    url = reverse("delivery:project_baselines", kwargs={"project_id": project.pk})
    empty = client.get(url).content.decode()
    assert 'data-testid="baselines-empty"' in empty and 'data-testid="baseline-form"' in empty
    response = client.post(url, {"name": "Signed off"})
    baseline = Baseline.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{url}?baseline={baseline.pk}"
    duplicate = client.post(url, {"name": "Signed off"})
    assert duplicate.status_code == 422
    assert "already has a baseline named" in duplicate.content.decode()
    _move_plan(plan)
    html = client.get(f"{url}?order=slipping").content.decode()
    totals = _text(re.search(r'data-testid="variance-totals">(.*?)</dl>', html, re.S).group(1))
    assert "2 days late" in totals and "+10 h" in totals and "+250.00 EUR" in totals and "4 of 6" in totals
    rows = re.findall(r'<tr class="variance-row[^"]*" data-testid="variance-row"(.*?)</tr>', html, re.S)
    assert [_text(row.split(">", 1)[1]) for row in rows][2:5] == [
        "1.2 Build 5 Jan 2027 6 Jan 2027 7 Jan 2027 8 Jan 2027 2 days late +10 h +250.00 EUR",
        "2 Launch 7 Jan 2027 7 Jan 2027 11 Jan 2027 11 Jan 2027 2 days late 0 h 0.00 EUR",
        "3 Docs 4 Jan 2027 5 Jan 2027 4 Jan 2027 4 Jan 2027 1 day early 0 h 0.00 EUR",
    ]
    assert f'href="/delivery/projects/{project.pk}/#task-{plan["build"].pk}"' in html
    assert "Added since" in html


def test_members_read_the_page_without_the_form_and_may_not_post(plan) -> None:
    baseline_save(actor=plan["manager"], project=plan["project"], name="Signed off")
    url = reverse("delivery:project_baselines", kwargs={"project_id": plan["project"].pk})
    member = client_for(plan["member"])
    html = member.get(url).content.decode()
    assert 'data-testid="variance-table"' in html and 'data-testid="baseline-form"' not in html
    assert member.post(url, {"name": "Mine"}).status_code == 403
    assert client_for(make_manager()).get(url).status_code == 404
    assert Baseline.objects.count() == 1


def test_the_page_costs_the_same_queries_at_two_plan_sizes(plan) -> None:
    client = client_for(plan["manager"])
    project = plan["project"]
    url = reverse("delivery:project_baselines", kwargs={"project_id": project.pk})
    baseline_save(actor=plan["manager"], project=project, name="Small")
    small = _queries(client, url)
    _grow(project, 15)
    project.refresh_from_db()
    baseline_save(actor=plan["manager"], project=project, name="Big")
    assert small == _queries(client, url) == BASELINES_PAGE_QUERIES
