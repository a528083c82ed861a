"""The timesheet and approvals pages: the grid's rows and totals, a cell's save with its
out-of-band totals and its error, submitting, approving and returning; query counts
pinned and constant in the number of lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.delivery.models import TimeEntry
from tandem.delivery.services import time as time_services
from tests.delivery.factories import make_project
from tests.delivery.time_factories import MONDAY, build_time_world

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_cell(client: Client, world, day: int, hours: str, **extra) -> str:
    data = {"project": world.project.pk, "task": "", "date": (MONDAY + dt.timedelta(days=day)).isoformat(),
            "hours": hours, "billable_sent": "1", "is_billable": "on", **extra}
    response = client.post("/delivery/timesheet/cell/", data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_a_cell_saves_and_answers_the_totals_out_of_band() -> None:
    world = build_time_world()
    client = client_for(world.member)
    post_cell(client, world, 0, "7.5")
    body = post_cell(client, world, 1, "8")
    assert list(TimeEntry.objects.order_by("date").values_list("date", "hours", "is_billable")) == [
        (MONDAY, Decimal("7.50"), True), (MONDAY + dt.timedelta(days=1), Decimal("8.00"), True),
    ]
    key = f"{world.project.pk}-0"
    assert f'<span id="row-total-{key}" hx-swap-oob="true">15.5 h</span>' in body
    assert '<span id="day-total-1" hx-swap-oob="true">8 h</span>' in body
    assert '<span id="week-total" hx-swap-oob="true">15.5 h</span>' in body
    assert 'data-testid="week-state">Draft<' in body


def test_a_refused_cell_shows_its_error_on_the_cell() -> None:
    world = build_time_world()
    client = client_for(world.member)
    body = post_cell(client, world, 0, "25")
    key = f"cell-{world.project.pk}-0-0"
    assert 'aria-invalid="true"' in body and f'aria-describedby="{key}-error"' in body
    assert f'<div id="{key}-error" class="invalid-feedback d-block ts-error">Enter between 0 and 24 hours.</div>' in body
    assert 'value="25"' in body
    assert TimeEntry.objects.count() == 0


def _week_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/delivery/timesheet/?week={MONDAY.isoformat()}")
    assert response.status_code == 200
    return len(queries)


def test_the_page_lists_lines_and_costs_the_same_queries_whatever_the_lines() -> None:
    world = build_time_world()
    client = client_for(world.member)
    time_services.time_entry_save(actor=world.member, project=world.project, task=world.task, date=MONDAY, hours="3")
    few = _week_queries(client)
    for number in range(4):
        project = make_project(manager=world.manager, code=f"MORE-{number}")
        from tandem.delivery import services
        services.project_member_add(actor=None, project=project, user=world.member)
        time_services.time_entry_save(actor=world.member, project=project, task=None,
                                      date=MONDAY + dt.timedelta(days=number), hours="2")
    many = _week_queries(client)
    assert few == many
    response = client.get(f"/delivery/timesheet/?week={MONDAY.isoformat()}")
    html = response.content.decode()
    assert html.count('data-testid="timesheet-line"') == 5
    assert 'data-testid="week-total">11 h<' in html
    # The session, the user and their roles, the week's entries, my projects, my tasks, and one for the layout.
    assert few == 7


def test_add_a_line_offers_only_my_projects_and_shows_an_empty_line() -> None:
    world = build_time_world()
    make_project(code="NOT-MINE")
    client = client_for(world.member)
    html = client.get(f"/delivery/timesheet/?week={MONDAY.isoformat()}&add={world.project.pk}").content.decode()
    assert "NOT-MINE" not in html
    assert 'data-testid="timesheet-line"' in html and f'id="line-{world.project.pk}-0"' in html
    assert html.count("<option value=") == 2  # ACME-WEB and INT-TOOLS (no task is assigned to her)


def test_submit_then_approve_and_return_from_the_approvals_page() -> None:
    world = build_time_world()
    member, manager = client_for(world.member), client_for(world.manager)
    post_cell(member, world, 0, "6")
    post_cell(member, world, 1, "2")
    response = member.post("/delivery/timesheet/submit/", {"week": MONDAY.isoformat()})
    assert response.status_code == 302 and response["Location"] == "/delivery/timesheet/?week=2027-01-04"
    assert set(TimeEntry.objects.values_list("status", flat=True)) == {"submitted"}
    with CaptureQueriesContext(connection) as queries:
        page = manager.get("/delivery/approvals/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="approval-group"') == 1
    assert "8 h" in html and "Mia Member" in html
    group = f"{world.member.pk}:{world.project.pk}:{MONDAY.isoformat()}"
    assert len(queries) == 5
    detail = manager.get(f"/delivery/approvals/?user={world.member.pk}&project={world.project.pk}&week={MONDAY.isoformat()}")
    assert detail.content.decode().count('name="entry"') == 2
    # Someone else may not decide.
    assert member.post("/delivery/approvals/decide/", {"group": group, "action": "approve"}).status_code == 403
    assert set(TimeEntry.objects.values_list("status", flat=True)) == {"submitted"}
    first = TimeEntry.objects.order_by("date").first()
    manager.post("/delivery/approvals/decide/", {"entry": first.pk, "action": "return", "reason": "Wrong day"})
    manager.post("/delivery/approvals/decide/", {"group": group, "action": "approve"})
    assert list(TimeEntry.objects.order_by("date").values_list("status", "return_reason", "cost_rate")) == [
        ("rejected", "Wrong day", None), ("approved", "", Decimal("60.00")),
    ]
    html = member.get(f"/delivery/timesheet/?week={MONDAY.isoformat()}").content.decode()
    assert 'data-testid="week-state">Returned<' in html and "Wrong day" in html
    assert html.count("readonly") == 1  # the approved cell is locked


def test_the_home_card_counts_time_to_submit() -> None:
    world = build_time_world()
    time_services.time_entry_save(actor=world.member, project=world.project, task=None, date=MONDAY, hours="3")
    html = client_for(world.member).get("/").content.decode()
    assert "My timesheet" in html and "/delivery/timesheet/?week=2027-01-04" in html


def test_the_manager_sees_the_time_waiting_for_approval_on_the_home_page() -> None:
    world = build_time_world()
    for day in (0, 1):
        time_services.time_entry_save(actor=world.member, project=world.project, task=None,
                                      date=MONDAY + dt.timedelta(days=day), hours="4")
    manager = client_for(world.manager)
    assert not [card for card in manager.get("/").context["cards"] if card.key == "time_to_approve"]
    time_services.timesheet_submit(actor=world.member, week=MONDAY)
    (card,) = [card for card in manager.get("/").context["cards"] if card.key == "time_to_approve"]
    assert (card.count, card.url, card.urgent) == (2, "/delivery/approvals/", True)
    groups = manager.get(card.url).context["groups"]
    assert [item["group"].entries for item in groups] == [2]  # the page lists the same two entries
    member_cards = [card.key for card in client_for(world.member).get("/").context["cards"]]
    assert "time_to_approve" not in member_cards
