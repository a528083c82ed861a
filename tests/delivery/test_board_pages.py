"""The plan's board: a column per status with counts, cards windowed per column, moving a
card is a permission-checked, versioned POST."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Task
from tandem.delivery.selectors.board import board_columns
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
# session, user, roles, unread count (4); the project with its account, manager and
# calendar (1); the organisation calendar and its holidays (2); the cards with their
# column counts (1); the cards' assignees (1).
BOARD_QUERIES = 9


@pytest.fixture
def world():
    manager = make_manager(full_name="Pia Manager")
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    project = make_project(manager=manager, code="BRD-1")
    services.project_member_add(actor=manager, project=project, user=member)
    phase = make_task(project=project, name="Phase")
    tasks = [make_task(project=project, parent=phase, name=f"Card {n}") for n in range(3)]
    services.task_assign(actor=manager, task=tasks[0], user=member)
    services.task_update(actor=None, task=Task.objects.get(pk=tasks[2].pk), data={"status": "blocked"})
    return {"manager": manager, "member": member, "project": project, "tasks": tasks}


def _columns(html: str) -> dict[str, list[str]]:
    columns = {}
    for status, body in re.findall(r'data-status="(\w+)"[^>]*data-testid="board-column">(.*?)</section>', html, re.S):
        columns[status] = re.findall(r'<a class="fw-semibold"[^>]*>(?:<i[^>]*></i><span[^>]*>[^<]*</span>)?([^<]+)</a>', body)
    return columns


def test_the_board_shows_leaf_tasks_by_status_with_counts_and_initials(world, django_assert_num_queries) -> None:
    client = client_for(world["manager"])
    url = reverse("delivery:project_board", kwargs={"project_id": world["project"].pk})
    client.get(url)
    with django_assert_num_queries(BOARD_QUERIES):
        html = client.get(url).content.decode()
    assert _columns(html) == {"to_do": ["Card 0", "Card 1"], "in_progress": [], "blocked": ["Card 2"], "done": []}
    assert re.findall(r'data-testid="column-count"[^>]*>(\d+)</a>', html) == ["2", "0", "1", "0"]
    assert '<span aria-hidden="true">MM</span><span class="visually-hidden">Assigned to Max Member</span>' in html
    assert html.count('data-testid="move-select"') == 3 and 'tandem/board-dnd.js' in html
    member_html = client_for(world["member"]).get(url).content.decode()
    assert 'data-testid="move-select"' not in member_html and 'draggable="true"' not in member_html


def test_moving_a_card_updates_its_status_and_answers_the_board(world) -> None:
    card = Task.objects.get(pk=world["tasks"][0].pk)
    response = client_for(world["manager"]).post(
        reverse("delivery:task_status", kwargs={"task_id": card.pk}), {"status": "done", "version": card.version}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert _columns(html)["done"] == ["Card 0"] and "Card 0 moved to Done." in html
    card.refresh_from_db()
    assert (card.status, card.percent_complete, card.completed_on is not None) == ("done", 100, True)


def test_a_stale_move_is_refused_and_a_member_gets_403(world) -> None:
    card = Task.objects.get(pk=world["tasks"][1].pk)
    url = reverse("delivery:task_status", kwargs={"task_id": card.pk})
    stale = client_for(world["manager"]).post(url, {"status": "done", "version": card.version + 3}, **HX)
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert client_for(world["member"]).post(url, {"status": "done", "version": card.version}).status_code == 403
    assert client_for(make_manager()).post(url, {"status": "done", "version": card.version}).status_code == 404
    card.refresh_from_db()
    assert card.status == "to_do"
    plain = client_for(world["manager"]).post(url, {"status": "in_progress", "version": card.version})
    assert plain.status_code == 302 and Task.objects.get(pk=card.pk).status == "in_progress"


def test_columns_are_windowed_with_n_more(world) -> None:
    project = world["project"]
    columns = board_columns(project=project, limit=1)
    assert [(column.status, column.count, len(column.cards), column.more) for column in columns] == [
        ("to_do", 2, 1, 1), ("in_progress", 0, 0, 0), ("blocked", 1, 1, 0), ("done", 0, 0, 0)]
    rest = board_columns(project=project, status="to_do", offset=1, limit=1)
    assert [(column.status, column.count, [task.name for task in column.cards]) for column in rest] == [
        ("to_do", 2, ["Card 1"])]
