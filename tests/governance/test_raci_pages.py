"""The RACI tab, its cell partial, the export and "My responsibilities", with pinned
query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tandem.delivery import services as delivery_services
from tandem.governance.models import RaciCell
from tandem.governance.services import raci as services
from tests.conftest import client_for
from tests.governance.factories_raci import make_raci_world, set_letters

pytestmark = pytest.mark.django_db


def _grid_queries(people: int, rows: int) -> tuple[int, str]:
    world = make_raci_world(people=people, rows=rows)
    manager = world["manager"]
    for row in world["rows"]:
        set_letters(row, manager, {manager: "A", world["members"][0]: "R"})
    client = client_for(manager)
    url = reverse("governance:project_raci", kwargs={"project_id": world["project"].pk})
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_grid_costs_the_same_at_3_by_3_and_40_by_12() -> None:
    small, html = _grid_queries(3, 3)
    large, large_html = _grid_queries(12, 40)
    assert small == large == 12
    assert html.count('class="form-select form-select-sm raci-letter') == 9
    assert large_html.count('class="form-select form-select-sm raci-letter') == 480


def test_the_summary_counts_and_links_the_rows_needing_attention() -> None:
    world = make_raci_world(rows=3)
    manager, member = world["manager"], world["members"][0]
    first, second, _third = world["rows"]
    set_letters(first, manager, {manager: "A", member: "R"})
    set_letters(second, manager, {manager: "A", member: "A"})
    html = client_for(manager).get(reverse("governance:project_raci", kwargs={"project_id": world["project"].pk})).content.decode()
    assert f'<a href="#raci-row-{second.pk}">2 rows need attention</a>' in html
    assert "Only one person can be Accountable: now 2" in html
    assert "Give this row one Accountable person" in html


def test_an_htmx_cell_answers_the_redrawn_row_with_its_check() -> None:
    world = make_raci_world(rows=1)
    manager, member, row = world["manager"], world["members"][0], world["rows"][0]
    set_letters(row, manager, {manager: "A", member: "R"})
    url = reverse("governance:raci_cell_set", kwargs={"raci_row_id": row.pk})
    response = client_for(manager).post(url, {"person": f"user:{member.pk}", "letter": "A"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr id="raci-row-{row.pk}"')
    assert "Only one person can be Accountable: now 2" in html
    assert "Someone must be Responsible" in html
    assert '1 row needs attention' in html
    assert RaciCell.objects.get(row=row, user=member).letter == "A"


def test_a_cell_without_javascript_saves_and_returns_to_the_row() -> None:
    world = make_raci_world(rows=1)
    manager, row = world["manager"], world["rows"][0]
    response = client_for(manager).post(reverse("governance:raci_cell_set", kwargs={"raci_row_id": row.pk}),
                                        {"person": f"user:{manager.pk}", "letter": "R"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#raci-row-{row.pk}")
    assert RaciCell.objects.get(row=row).letter == "R"


def test_a_member_cannot_set_a_cell_and_nothing_changes() -> None:
    world = make_raci_world(rows=1)
    member, row = world["members"][0], world["rows"][0]
    response = client_for(member).post(reverse("governance:raci_cell_set", kwargs={"raci_row_id": row.pk}),
                                       {"person": f"user:{member.pk}", "letter": "R"}, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert RaciCell.objects.count() == 0


def test_rows_are_added_from_the_pick_lists_and_an_activity() -> None:
    world = make_raci_world(rows=0)
    from tests.delivery.factories import make_task

    task = make_task(project=world["project"], name="Design")
    client = client_for(world["manager"])
    url = reverse("governance:project_raci", kwargs={"project_id": world["project"].pk})
    assert "No rows yet." in client.get(url).content.decode()
    assert client.post(url, {"kind": "task", "task": task.pk}).status_code == 302
    assert client.post(url, {"kind": "activity", "activity": "Go-live decision"}).status_code == 302
    response = client.post(url, {"kind": "task", "task": task.pk})
    assert response.status_code == 422
    assert "This task already has a row in the matrix." in response.content.decode()
    assert [str(row) for row in world["project"].raci_rows.all()] == ["Design", "Go-live decision"]


def test_the_export_holds_the_matrix_and_the_check_neutralising_formulas() -> None:
    world = make_raci_world(people=2, rows=1)
    manager, member = world["manager"], world["members"][0]
    set_letters(world["rows"][0], manager, {manager: "A", member: "R"})
    activity = services.raci_row_add(actor=manager, project=world["project"], kind="activity", activity="=SUM(A1)")
    set_letters(activity, manager, {member: "C"})
    url = reverse("governance:project_raci_export", kwargs={"project_id": world["project"].pk})
    client = client_for(member)
    text = b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    manager_name = manager.full_name or manager.email
    assert lines == [
        ["Row", "Kind", manager_name, "Member 00", "Check"],
        ["Task 00", "Task", "A", "R", "Complete"],
        ["'=SUM(A1)", "Activity", "", "C", "Give this row one Accountable person; Someone must be Responsible"],
    ]
    response = client.get(url + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Row", "Kind", manager_name, "Member 00", "Check"],
        ["Task 00", "Task", "A", "R", "Complete"],
        ["'=SUM(A1)", "Activity", None, "C", "Give this row one Accountable person; Someone must be Responsible"],
    ]


def test_my_responsibilities_groups_my_rows_and_filters_by_letter() -> None:
    world = make_raci_world(rows=3)
    manager, member = world["manager"], world["members"][0]
    first, second, third = world["rows"]
    set_letters(first, manager, {member: "R"})
    set_letters(second, manager, {member: "C"})
    set_letters(third, manager, {member: "A"})
    delivery_services.task_update(actor=manager, task=world["tasks"][2], data={"status": "done"})
    client = client_for(member)
    url = reverse("governance:my_responsibilities")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert html.count('data-testid="my-raci-row"') == 3
    assert len(queries) <= 12
    assert client.get(url + "?letter=C").content.decode().count('data-testid="my-raci-row"') == 1
    duties = client.get(url + "?letter=R&letter=A&open=1").content.decode()
    assert duties.count('data-testid="my-raci-row"') == 1
    assert 'data-testid="my-raci-count">1<' in duties


def test_the_home_card_counts_what_its_link_lists() -> None:
    world = make_raci_world(rows=3)
    manager, member = world["manager"], world["members"][0]
    for row in world["rows"]:
        set_letters(row, manager, {member: "R"})
    delivery_services.task_update(actor=manager, task=world["tasks"][0], data={"status": "done"})
    from tandem.core import home
    from tandem.governance.home_raci import my_raci_duties

    token = home._SHARED.set({})
    try:
        card = my_raci_duties(member)
    finally:
        home._SHARED.reset(token)
    assert card is not None
    assert (card.count, card.url) == (2, reverse("governance:my_responsibilities") + "?letter=R&letter=A&open=1")
    listed = client_for(member).get(card.url).content.decode()
    assert listed.count('data-testid="my-raci-row"') == 2
