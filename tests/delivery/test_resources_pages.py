"""The resources pages: the capacity grid, the allocations behind a cell, a project's
Resources tab (allocations with add / edit / remove for the manager, each person's
load) and the "who has room" panel for assigning a task. Exact cells, permissions
(a member may not allocate: 403, nothing changed; an outsider gets 404) and query
counts pinned, the same with more people."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Allocation, ProjectMember, TaskAssignment
from tandem.people.models import Holiday, Person, TimeOff
from tandem.people.selectors import calendar_get
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 1, 4)
D = Decimal
# The capacity grid: session, user, roles, unread count (4); the teams of the filter (1);
# the people with profiles (1); allocations, time off, holidays (3).
CAPACITY_QUERIES = 9
# The Resources tab as its manager: session, user, roles, unread count (4); the project
# (1); the organisation's time zone (1); the allocations (1); the load: people (1),
# allocations, time off, holidays (3); the form's people (1).
RESOURCES_QUERIES = 12
# The assign panel: session, user, roles, unread count (4); the task with its project
# (1); the time zone (1); the assignees (1); people with room: people, allocations, time
# off, holidays (4).
ASSIGN_QUERIES = 11


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def cells_of(html: str) -> list[str]:
    """Each cell's visible text (screen readers also hear whose cell and which week)."""
    cells = re.findall(r'data-testid="capacity-cell">(.*?)</td>', html, re.S)
    return [text(re.sub(r'<span class="visually-hidden">.*?</span>', "", cell)) for cell in cells]


def row_names(html: str) -> list[str]:
    return [text(name) for name in re.findall(r'<th scope="row" class="capacity-person">(.*?)</th>', html, re.S)]


@pytest.fixture
def world():
    design = make_team(name="Design")
    manager = make_manager(full_name="Pia Manager")
    member = make_user(role=Role.MEMBER, full_name="Ana Analyst", team=design)
    outsider = make_user(role=Role.MEMBER, full_name="Oli Outsider")
    project = make_project(manager=manager, code="WEB-1", name="Website", start_date=MONDAY)
    services.project_member_add(actor=None, project=project, user=member, role="Developer")
    Holiday.objects.create(calendar=calendar_get(), date=MONDAY, name="New Year (observed)")
    TimeOff.objects.create(person=member.person, start_date=MONDAY + dt.timedelta(days=1),
                           end_date=MONDAY + dt.timedelta(days=2))
    allocation = services.allocation_create(actor=None, project=project, data={
        "user": member, "start_date": MONDAY, "end_date": MONDAY + dt.timedelta(days=27), "hours_per_week": D(24)})
    return {"manager": manager, "member": member, "outsider": outsider, "project": project, "team": design,
            "allocation": allocation}


def _capacity(client, **params):
    return client.get(reverse("delivery:capacity"), {"start": MONDAY.isoformat(), **params})


# --- The capacity grid ----------------------------------------------------------------------------


def test_the_grid_shows_allocated_against_available_and_flags_the_over_allocated(world) -> None:
    response = _capacity(client_for(world["manager"]), team=world["team"].pk)
    html = response.content.decode()
    assert response.status_code == 200
    cells = cells_of(html)
    assert len(cells) == 12
    # The worked example: 40 − 8 (holiday) − 16 (two days off) = 16 h available, 24 allocated.
    assert cells[:2] == ["24 / 16 h Over by 8 h", "24 / 40 h"]
    assert cells[4] == "0 / 40 h"
    assert 'data-testid="over-count">1 over-allocated week<' in html
    link = reverse("delivery:allocation_list") + f"?user={world['member'].pk}&amp;week=2027-01-04"
    assert f'href="{link}"' in html
    assert row_names(html) == ["Ana Analyst Design · 40 h a week"]


def test_the_grid_moves_a_week_at_a_time(world) -> None:
    html = _capacity(client_for(world["manager"]), start="2027-01-07").content.decode()
    assert 'href="?start=2026-12-28" data-testid="previous-week"' in html
    assert 'href="?start=2027-01-11" data-testid="next-week"' in html
    assert "Week 1</span>4 Jan</th>" in html


def test_a_member_sees_only_their_own_row_and_no_menu_entry(world) -> None:
    client = client_for(world["member"])
    html = _capacity(client).content.decode()
    assert row_names(html) == ["Ana Analyst Design · 40 h a week"]
    assert 'id="capacity-team"' not in html
    home = client.get("/").content.decode()
    assert reverse("delivery:capacity") not in home
    assert reverse("delivery:capacity") in client_for(world["manager"]).get("/").content.decode()


def test_the_grid_costs_the_same_queries_with_more_people(world) -> None:
    client = client_for(world["manager"])
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert _capacity(client).status_code == 200
        counts.append(len(queries))
        for number in range(5):
            user = make_user(full_name=f"Extra {number}")
            services.allocation_create(actor=None, project=world["project"], data={
                "user": user, "start_date": MONDAY, "end_date": MONDAY + dt.timedelta(days=90),
                "hours_per_week": D(10)})
    assert counts == [CAPACITY_QUERIES, CAPACITY_QUERIES]


def test_an_empty_team_says_what_to_do(world) -> None:
    empty = make_team(name="Nobody here")
    html = _capacity(client_for(world["manager"]), team=empty.pk).content.decode()
    assert 'data-testid="empty-state"' in html and "this team has no active members" in html


# --- The allocations behind a cell ---------------------------------------------------------------


def test_a_cell_opens_its_figures_and_allocations(world) -> None:
    hidden = make_project(code="HID-1", name="Hidden")
    services.allocation_create(actor=None, project=hidden, data={
        "user": world["member"], "start_date": MONDAY, "end_date": MONDAY + dt.timedelta(days=6),
        "hours_per_week": D(5)})
    url = reverse("delivery:allocation_list")
    response = client_for(world["manager"]).get(url, {"user": world["member"].pk, "week": "2027-01-06"})
    html = response.content.decode()
    assert response.status_code == 200
    assert text(re.search(r'data-testid="week-figures">(.*?)</dl>', html, re.S).group(1)) == (
        "Capacity 40 h Holidays − 8 h Time off − 16 h Available 16 h Allocated 29 h Over Over by 13 h")
    rows = [text(row) for row in re.findall(r'data-testid="week-allocation">(.*?)</tr>', html, re.S)]
    assert rows == ["WEB-1 Website 4 Jan 2027 – 31 Jan 2027 24 h 24 h"]
    assert text(re.search(r'data-testid="hidden-allocations">(.*?)</tr>', html, re.S).group(1)) == (
        "On projects you do not see 5 h")
    assert client_for(world["outsider"]).get(url, {"user": world["member"].pk}).status_code == 404
    assert client_for(world["member"]).get(url, {"user": world["member"].pk, "week": "2027-01-04"}).status_code == 200


# --- The Resources tab -------------------------------------------------------------------------------


def _tab(project) -> str:
    return reverse("delivery:project_resources", kwargs={"project_id": project.pk})


def test_the_manager_sees_allocations_load_and_the_form(world) -> None:
    client = client_for(world["manager"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_tab(world["project"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(queries) == RESOURCES_QUERIES
    rows = [text(row) for row in re.findall(r'data-testid="allocation-row">(.*?)</tr>', html, re.S)]
    assert rows[0].startswith("Ana Analyst 4 Jan 2027 – 31 Jan 2027 4 Jan 2027 – 31 Jan 2027 24 h Edit")
    assert 'data-testid="allocation-form"' in html and 'data-testid="load-grid"' in html
    assert 'aria-current="page"><i class="ti ti-users me-1" aria-hidden="true"></i>Resources' in html
    loads = [text(name) for name in re.findall(r'data-testid="load-row">\s*<th[^>]*>(.*?)</th>', html, re.S)]
    assert loads == ["Ana Analyst 40 h a week", "Pia Manager 40 h a week"]


def test_the_tab_costs_the_same_queries_with_more_allocations(world) -> None:
    client = client_for(world["manager"])
    for number in range(6):
        services.allocation_create(actor=None, project=world["project"], data={
            "user": make_user(full_name=f"Extra {number}"), "start_date": MONDAY,
            "end_date": MONDAY + dt.timedelta(days=60), "hours_per_week": D(8)})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_tab(world["project"])).status_code == 200
    assert len(queries) == RESOURCES_QUERIES


def test_the_manager_allocates_changes_and_removes(world) -> None:
    client = client_for(world["manager"])
    newcomer = make_user(full_name="Nia Newcomer")
    response = client.post(_tab(world["project"]), {
        "user": newcomer.pk, "start_date": "2027-02-01", "end_date": "2027-02-28", "hours_per_week": "12.5",
        "note": "Copy"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/resources/#allocations")
    assert "Allocated Nia Newcomer, 12.5 h a week from 1 Feb 2027 to 28 Feb 2027." in response.content.decode()
    allocation = Allocation.objects.get(user=newcomer)
    assert ProjectMember.objects.filter(project=world["project"], user=newcomer).exists()
    edit = reverse("delivery:allocation_edit", kwargs={"allocation_id": allocation.pk})
    assert 'value="12.50"' in client.get(edit).content.decode()
    response = client.post(edit, {"user": newcomer.pk, "start_date": "2027-02-01", "end_date": "2027-03-31",
                                  "hours_per_week": "10", "note": "Copy", "version": 1}, follow=True)
    assert "Changed: Nia Newcomer, 10 h a week from 1 Feb 2027 to 31 Mar 2027." in response.content.decode()
    stale = client.post(edit, {"user": newcomer.pk, "start_date": "2027-02-01", "end_date": "2027-03-31",
                               "hours_per_week": "8", "note": "", "version": 1})
    assert stale.status_code == 409
    allocation.refresh_from_db()
    assert (allocation.hours_per_week, allocation.version) == (D("10.00"), 2)
    delete = reverse("delivery:allocation_delete", kwargs={"allocation_id": allocation.pk})
    response = client.post(delete, {"version": 2}, follow=True)
    assert "Removed: Nia Newcomer, 10 h a week" in response.content.decode()
    assert not Allocation.objects.filter(pk=allocation.pk).exists()


def test_a_refused_allocation_says_which_field(world) -> None:
    response = client_for(world["manager"]).post(_tab(world["project"]), {
        "user": world["member"].pk, "start_date": "2027-02-10", "end_date": "2027-02-01", "hours_per_week": "8"})
    html = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'id="id_end_date".*?The allocation cannot end before it starts\.', html, re.S)
    assert Allocation.objects.count() == 1


def test_a_member_reads_the_tab_but_may_not_allocate(world) -> None:
    client = client_for(world["member"])
    html = client.get(_tab(world["project"])).content.decode()
    assert 'data-testid="allocation-form"' not in html and "Edit" not in html
    assert 'data-testid="load-grid"' not in html  # others' load is for those who plan capacity
    before = list(Allocation.objects.values_list("pk", "version", "hours_per_week"))
    body = {"user": world["member"].pk, "start_date": "2027-02-01", "end_date": "2027-02-28", "hours_per_week": "8"}
    assert client.post(_tab(world["project"]), body).status_code == 403
    allocation = world["allocation"]
    edit = reverse("delivery:allocation_edit", kwargs={"allocation_id": allocation.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {**body, "version": 1}).status_code == 403
    assert client.post(reverse("delivery:allocation_delete", kwargs={"allocation_id": allocation.pk})).status_code == 403
    assert list(Allocation.objects.values_list("pk", "version", "hours_per_week")) == before


def test_an_outsider_finds_nothing(world) -> None:
    client = client_for(world["outsider"])
    before = Allocation.objects.count()
    assert client.get(_tab(world["project"])).status_code == 404
    assert client.post(_tab(world["project"]), {"user": world["outsider"].pk}).status_code == 404
    edit = reverse("delivery:allocation_edit", kwargs={"allocation_id": world["allocation"].pk})
    assert client.get(edit).status_code == 404
    assert Allocation.objects.count() == before


# --- Who has room ------------------------------------------------------------------------------


def _assign_url(task) -> str:
    return reverse("delivery:task_assign", kwargs={"task_id": task.pk})


def test_the_panel_ranks_people_by_room_in_the_tasks_dates(world) -> None:
    Person.objects.filter(user=world["outsider"]).update(weekly_capacity_hours=D(20))
    services.allocation_create(actor=None, project=make_project(), data={
        "user": world["member"], "start_date": MONDAY, "end_date": MONDAY + dt.timedelta(days=27),
        "hours_per_week": D(10)})
    # Five working days from the project's start: Monday 4 January is a holiday, so
    # Tuesday 5 to Monday 11 January.
    task = make_task(project=world["project"], name="Design", duration_minutes=480 * 5)
    client = client_for(world["manager"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_assign_url(task))
    html = response.content.decode()
    assert response.status_code == 200 and len(queries) == ASSIGN_QUERIES
    assert "Who has room from 5 Jan to 11 Jan 2027" in html
    assert '<h1 class="h2 mb-3">Assign “Design”</h1>' in html  # a page of its own
    team = re.search(r'data-testid="room-team">(.*?)</table>', html, re.S).group(1)
    assert [text(row) for row in re.findall(r'data-testid="room-row">(.*?)</tr>', team, re.S)] == [
        "Pia Manager 40 h 0 / 40 h Assign Pia Manager",
        # Thursday, Friday and Monday (Tuesday and Wednesday off): 24 h; 34 h allocated.
        "Ana Analyst Over by 10 h 34 / 24 h Assign Ana Analyst",
    ]
    others = re.search(r'data-testid="room-others">(.*?)</table>', html, re.S).group(1)
    assert "Oli Outsider 20 h 0 / 20 h" in text(others)
    partial = client.get(_assign_url(task), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section id="assign-panel"') and "<h1" not in partial


def test_the_manager_assigns_and_unassigns_in_place(world) -> None:
    task = make_task(project=world["project"], name="Design")
    client = client_for(world["manager"])
    url = _assign_url(task)
    response = client.post(url, {"action": "assign", "user": world["outsider"].pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Oli Outsider is assigned to Design." in html
    assert text(re.search(r'data-testid="assignees">(.*?)</ul>', html, re.S).group(1)) == "Oli Outsider Unassign Oli Outsider"
    assert ProjectMember.objects.filter(project=world["project"], user=world["outsider"]).exists()
    again = client.post(url, {"action": "assign", "user": world["outsider"].pk}, HTTP_HX_REQUEST="true")
    assert again.status_code == 422 and "Oli Outsider is already assigned to Design." in again.content.decode()
    response = client.post(url, {"action": "unassign", "user": world["outsider"].pk}, follow=True)
    assert "Oli Outsider is no longer assigned to Design." in response.content.decode()
    assert not TaskAssignment.objects.filter(task=task).exists()


def test_only_the_manager_assigns_from_the_panel(world) -> None:
    task = make_task(project=world["project"], name="Design")
    url = _assign_url(task)
    member = client_for(world["member"])
    assert member.get(url).status_code == 403
    assert member.post(url, {"action": "assign", "user": world["member"].pk}).status_code == 403
    assert member.post(url, {"action": "assign", "user": world["member"].pk}, HTTP_HX_REQUEST="true").status_code == 403
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert not TaskAssignment.objects.filter(task=task).exists()
