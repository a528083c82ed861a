"""Delivery's pages: the project list, the project page with its plan, "My tasks" and its
home card, the account page's projects; visibility per role (a hidden project is 404)
and pinned query counts, the same at two sizes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Deliverable, Objective, ProjectStatus
from tandem.people.selectors import calendar_get
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# The project list: session, user, roles, the layout's unread count (4); the project
# managers of the filter (1); the capped count (1); the rows (1); the saved views (1).
PROJECT_LIST_QUERIES = 8
# The project page: session, user, roles, unread count (4); the project with its account
# and manager (1); the organisation calendar and its holidays (2); tasks (1); assignees
# (1); objectives (1); deliverables (1); team (1).
PROJECT_PAGE_QUERIES = 12
# "My tasks": session, user, roles, unread count (4); the count (1); the rows (1); the
# organisation's time zone for the dates (1).
MY_TASKS_QUERIES = 7


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr data-testid="list-row">(.*?)</tr>', html, re.S)


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


@pytest.fixture
def world():
    am = make_user(role=Role.ACCOUNT_MANAGER, full_name="Ada Account")
    manager = make_manager(full_name="Pia Manager")
    other_manager = make_manager(full_name="Otto Other")
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    account = make_account(owner=am, name="Acme Corp")
    project = make_project(
        manager=manager, account=account, code="ACME-1", name="Website rebuild", status=ProjectStatus.PLANNING,
        due_date=dt.date(2027, 1, 6), scope_statement="A new public website.", in_scope="Design and build",
        out_of_scope="Hosting",
    )
    hidden = make_project(manager=other_manager, code="OTH-1", name="Other work")
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    return {"am": am, "manager": manager, "other_manager": other_manager, "member": member, "account": account,
            "project": project, "hidden": hidden}


def _plan(project, member):
    phase = make_task(project=project, name="Phase one")
    design = make_task(project=project, parent=phase, name="Design")
    build = make_task(project=project, parent=phase, name="Build", duration_minutes=1440)
    review = make_task(project=project, parent=phase, name="Review", duration_minutes=240)
    live = make_task(project=project, name="Go-live", is_milestone=True, duration_minutes=0)
    make_dependency(design, build)
    make_dependency(design, review, kind="SS", lag_minutes=480)
    make_dependency(build, live)
    make_dependency(review, live)
    services.task_assign(actor=None, task=build, user=member)
    services.task_assign(actor=None, task=review, user=member)
    return {"phase": phase, "design": design, "build": build, "review": review, "live": live}


# --- The project list ------------------------------------------------------------------------


def test_the_project_list_shows_what_each_role_may_see(world):
    url = reverse("delivery:project_list")
    for user, codes in (
        (world["manager"], ["ACME-1"]),  # "My projects" by default
        (world["member"], ["ACME-1"]),
        (world["am"], ["ACME-1"]),
        (world["other_manager"], ["OTH-1"]),
        (make_user(role=Role.EXECUTIVE), ["ACME-1", "OTH-1"]),
        (make_user(role=Role.MEMBER), []),
    ):
        html = client_for(user).get(url).content.decode()
        assert [re.search(r">([A-Z]+-\d)<", row).group(1) for row in rows_of(html)] == codes, user


def test_the_project_list_row_and_filters(world):
    client = client_for(world["manager"])
    html = client.get(reverse("delivery:project_list")).content.decode()
    assert 'aria-current="page"' in html and ">My projects<" in html
    (row,) = rows_of(html)
    project = world["project"]
    assert text(row) == "ACME-1 Website rebuild Acme Corp Pia Manager Planning 4 Jan 2027 6 Jan 2027 —"
    assert f'href="/delivery/projects/{project.pk}/"' in row
    assert f'href="/clients/accounts/{world["account"].pk}/"' in row
    base = reverse("delivery:project_list")
    assert len(rows_of(client.get(base + "?view=all&status=active").content.decode())) == 0
    assert len(rows_of(client.get(base + "?view=all&status=planning").content.decode())) == 1
    assert len(rows_of(client.get(base + f"?manager={world['other_manager'].pk}").content.decode())) == 0
    executive = client_for(make_user(role=Role.EXECUTIVE))
    assert len(rows_of(executive.get(base + f"?account={world['account'].pk}").content.decode())) == 1
    assert len(rows_of(executive.get(base + f"?manager={world['other_manager'].pk}").content.decode())) == 1


def test_the_project_list_is_late_when_scheduled_after_its_due_date(world):
    _plan(world["project"], world["member"])  # finishes 7 Jan, due 6 Jan
    html = client_for(world["manager"]).get(reverse("delivery:project_list")).content.decode()
    (row,) = rows_of(html)
    assert text(row).endswith("6 Jan 2027 7 Jan 2027 Late")


def test_the_project_list_query_count_is_pinned_at_two_sizes(world, django_assert_num_queries):
    executive = make_user(role=Role.EXECUTIVE)
    client = client_for(executive)
    url = reverse("delivery:project_list")
    client.get(url)
    with django_assert_num_queries(PROJECT_LIST_QUERIES):
        response = client.get(url)
    assert len(rows_of(response.content.decode())) == 2
    for number in range(60):
        make_project(manager=world["manager"], account=world["account"], code=f"BULK-{number:03d}")
    with django_assert_num_queries(PROJECT_LIST_QUERIES):
        response = client.get(url)
    assert len(rows_of(response.content.decode())) == 50
    assert 'data-testid="list-total">62 projects<' in response.content.decode()


# --- The project page ------------------------------------------------------------------------


def test_a_hidden_project_is_404_and_a_visible_one_opens(world):
    url = reverse("delivery:project_detail", kwargs={"project_id": world["project"].pk})
    for user, status in (
        (world["manager"], 200), (world["member"], 200), (world["am"], 200),
        (make_user(role=Role.EXECUTIVE), 200), (world["other_manager"], 404), (make_user(role=Role.MEMBER), 404),
        (make_user(role=Role.ACCOUNT_MANAGER), 404),
    ):
        assert client_for(user).get(url).status_code == status, user


def test_the_project_page_shows_header_scope_objectives_deliverables_team_and_plan(world):
    project = world["project"]
    tasks = _plan(project, world["member"])
    Objective.objects.create(project=project, title="Page load", unit="s", baseline_value=Decimal(8),
                             target_value=Decimal(2), current_value=Decimal(5))
    Deliverable.objects.create(project=project, name="Design pack", acceptance_state="accepted",
                               due_date=dt.date(2027, 1, 5), accepted_on=dt.date(2027, 1, 5), task=tasks["design"])
    Deliverable.objects.create(project=project, name="Live site", due_date=dt.date(2027, 1, 7))
    html = client_for(world["member"]).get(
        reverse("delivery:project_detail", kwargs={"project_id": project.pk})
    ).content.decode()
    assert "<h1 class=\"h2 mb-1\">Website rebuild</h1>" in html
    assert 'data-testid="project-status">Planning<' in html
    assert 'data-testid="project-late">Late: finishes after its due date<' in html
    assert f'<a href="/clients/accounts/{world["account"].pk}/">Acme Corp</a>' in html
    assert 'data-testid="scope-statement">A new public website.<' in html
    assert 'data-testid="in-scope">Design and build<' in html and 'data-testid="out-of-scope">Hosting<' in html
    # 8 → 2 seconds, now 5: half way.
    assert 'aria-valuenow="50"' in html and "5 of 2 s" in html
    assert "1 of 2 accepted" in html and f'href="#task-{tasks["design"].pk}"' in html
    assert text(re.search(r'data-testid="team">(.*?)</ul>', html, re.S).group(1)) == "Max Member Developer Pia Manager Project manager"
    rows = re.findall(r'<tr class="([^"]*)" id="task-\d+" data-testid="plan-row" data-level="(\d)">(.*?)</tr>', html, re.S)
    assert [(classes, level, text(cells)) for classes, level, cells in rows] == [
        ("plan-row plan-summary fw-bold plan-critical", "1", "1 Phase one 4d 4 Jan 2027 7 Jan 2027 0d Critical 0% Nobody"),
        ("plan-row plan-critical", "2", "1.1 Design 1d 4 Jan 2027 4 Jan 2027 0d Critical 0% Nobody"),
        ("plan-row plan-critical", "2", "1.2 Build 3d 5 Jan 2027 7 Jan 2027 0d Critical 0% Max Member"),
        ("plan-row", "2", "1.3 Review 0.5d 5 Jan 2027 5 Jan 2027 2.5d 0% Max Member"),
        ("plan-row plan-critical", "1", "2 Milestone: Go-live 0d 7 Jan 2027 7 Jan 2027 0d Critical 0% Nobody"),
    ]
    assert 'style="padding-left: 1.25rem"' in html and "ti-diamond" in html
    assert 'data-testid="plan-count">5 tasks, 3 on the critical path<' in html


def test_the_project_page_query_count_does_not_grow_with_the_plan(world, django_assert_num_queries):
    project = world["project"]
    _plan(project, world["member"])
    client = client_for(world["manager"])
    url = reverse("delivery:project_detail", kwargs={"project_id": project.pk})
    client.get(url)
    with django_assert_num_queries(PROJECT_PAGE_QUERIES):
        client.get(url)
    parent = make_task(project=project, name="More")
    for number in range(20):
        task = make_task(project=project, parent=parent, name=f"Extra {number}")
        services.task_assign(actor=None, task=task, user=world["member"])
    Objective.objects.create(project=project, title="Uptime", target_value=Decimal(99))
    Deliverable.objects.create(project=project, name="Runbook")
    with django_assert_num_queries(PROJECT_PAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('data-testid="plan-row"') == 26


def test_a_day_of_duration_is_the_calendar_working_day():
    calendar = calendar_get()
    calendar.day_start, calendar.day_end = dt.time(9), dt.time(13)  # a four-hour day
    calendar.save()
    manager = make_manager()
    project = make_project(manager=manager)
    make_task(project=project, name="Half a week", duration_minutes=480)
    html = client_for(manager).get(reverse("delivery:project_detail", kwargs={"project_id": project.pk})).content.decode()
    (row,) = re.findall(r'data-testid="plan-row".*?</tr>', html, re.S)
    assert ">2d<" in row


# --- "My tasks" and its home card ----------------------------------------------------------


def test_my_tasks_lists_my_open_tasks_by_finish(world):
    tasks = _plan(world["project"], world["member"])
    services.task_assign(actor=None, task=tasks["design"], user=world["member"])
    services.task_progress(actor=world["manager"], task=tasks["design"], data={"percent_complete": 100})
    # A task in a project the member no longer sees does not show.
    services.task_assign(actor=None, task=make_task(project=world["hidden"], name="Elsewhere"), user=world["member"])
    html = client_for(world["member"]).get(reverse("delivery:my_tasks")).content.decode()
    assert [text(row) for row in rows_of(html)] == [
        "Review 1.3 ACME-1 Website rebuild To do 0% 5 Jan 2027 5 Jan 2027",
        "Build 1.2 ACME-1 Website rebuild To do Critical 0% 5 Jan 2027 7 Jan 2027",
    ]
    assert 'data-testid="list-total">2 tasks<' in html


def test_a_task_past_its_scheduled_finish_is_overdue_on_the_list_and_the_card():
    manager, member = make_manager(), make_user(role=Role.MEMBER)
    project = make_project(manager=manager, code="OLD-1", start_date=dt.date(2026, 1, 5))
    services.project_member_add(actor=manager, project=project, user=member)
    services.task_assign(actor=None, task=make_task(project=project, name="Late one"), user=member)
    client = client_for(member)
    (row,) = rows_of(client.get(reverse("delivery:my_tasks")).content.decode())
    assert text(row) == "Late one 1 OLD-1 " + project.name + " To do Critical 0% 5 Jan 2026 5 Jan 2026 Overdue"
    card = next(card for card in client.get(reverse("home")).context["cards"] if card.key == "my_tasks")
    assert (card.count, card.urgent, [(row.label, row.badge) for row in card.rows]) == (1, True, [("Late one", "Overdue")])
    # Done, or in a cancelled project: no longer mine to do.
    services.project_move_status(actor=manager, project=project, status=ProjectStatus.CANCELLED)
    assert rows_of(client.get(reverse("delivery:my_tasks")).content.decode()) == []


def test_the_my_tasks_card_number_is_the_list_total(world):
    _plan(world["project"], world["member"])
    client = client_for(world["member"])
    response = client.get(reverse("home"))
    card = next(card for card in response.context["cards"] if card.key == "my_tasks")
    assert (card.count, card.url) == (2, "/delivery/my-tasks/")
    assert [row.label for row in card.rows] == ["Review", "Build"]
    listing = client.get(card.url).content.decode()
    assert f'data-testid="list-total">{card.count} tasks<' in listing
    # Nothing assigned: no card.
    assert all(card.key != "my_tasks" for card in client_for(world["manager"]).get(reverse("home")).context["cards"])


def test_my_tasks_query_count_is_pinned_at_two_sizes(world, django_assert_num_queries):
    _plan(world["project"], world["member"])
    client = client_for(world["member"])
    url = reverse("delivery:my_tasks")
    client.get(url)
    with django_assert_num_queries(MY_TASKS_QUERIES):
        client.get(url)
    for number in range(60):
        services.task_assign(actor=None, task=make_task(project=world["project"], name=f"T{number}"),
                             user=world["member"])
    with django_assert_num_queries(MY_TASKS_QUERIES):
        response = client.get(url)
    assert len(rows_of(response.content.decode())) == 50


# --- The account page ------------------------------------------------------------------------


def test_the_account_page_lists_the_account_projects_the_viewer_sees(world):
    url = reverse("delivery:account_projects", kwargs={"account_id": world["account"].pk})  # the account's Projects tab
    html = client_for(world["am"]).get(url).content.decode()
    section = re.search(r'data-testid="account-projects">(.*?)</section>', html, re.S).group(1)
    assert text(section) == "Projects Open as a list ACME-1 Website rebuild Planning Pia Manager · 4 Jan 2027 – 6 Jan 2027"
    assert f'href="/delivery/projects/?account={world["account"].pk}&amp;view=all"' in section
    # An account without projects has no section.
    other = make_account(owner=world["am"], name="Quiet Ltd")
    quiet = client_for(world["am"]).get(reverse("delivery:account_projects", kwargs={"account_id": other.pk}))
    assert 'data-testid="account-projects"' not in quiet.content.decode()


def test_a_long_plan_is_read_a_window_at_a_time(world, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("tandem.delivery.views.projects.PLAN_PAGE_SIZE", 2)
    tasks = _plan(world["project"], world["member"])
    client = client_for(world["manager"])
    url = reverse("delivery:project_detail", kwargs={"project_id": world["project"].pk})
    client.get(url)
    with django_assert_num_queries(PROJECT_PAGE_QUERIES):
        html = client.get(url + "?plan_page=2").content.decode()
    assert re.findall(r'id="task-(\d+)" data-testid="plan-row"', html) == [str(tasks["build"].pk), str(tasks["review"].pk)]
    assert 'data-testid="plan-count">5 tasks, 3 on the critical path<' in html
    pages = text(re.search(r'data-testid="plan-pages">(.*?)</nav>', html, re.S).group(1))
    assert pages == "Tasks 3–4 of 5 Previous tasks Next tasks"
    last = client.get(url + "?plan_page=3").content.decode()
    assert re.findall(r'id="task-(\d+)" data-testid="plan-row"', last) == [str(tasks["live"].pk)]
    assert "Next tasks" not in last
    assert "No tasks this far into the plan" in client.get(url + "?plan_page=9").content.decode()
