"""The "My active projects" home card of a project manager: its number is the total of
the list it links to, its rows put the first to finish first and mark a late one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import ProjectStatus
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TOTAL = 'data-testid="list-total">'


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _active(manager, code: str, days: int, due: dt.date | None = None):  # type: ignore[no-untyped-def]
    project = make_project(manager=manager, code=code, name=f"Project {code}", start_date=dt.date(2031, 1, 6),
                           due_date=due)
    make_task(project=project, duration_minutes=480 * days)
    project = services.project_move_status(actor=manager, project=project, status=ProjectStatus.PLANNING)
    return services.project_move_status(actor=manager, project=project, status=ProjectStatus.ACTIVE)


def test_the_card_counts_the_list_it_links_to() -> None:
    manager = make_manager()
    _active(manager, "LONG", 10)
    _active(manager, "LATE", 5, due=dt.date(2031, 1, 8))  # finishes Friday 10th, due Wednesday
    make_project(manager=manager, code="IDEA")  # proposed: not active
    _active(make_manager(), "OTHER", 3)  # someone else's
    client = client_for(manager)
    card = next(card for card in client.get(reverse("home")).context["cards"] if card.key == "my_active_projects")
    assert (card.count, card.urgent) == (2, True)
    assert [(row.label, row.badge) for row in card.rows] == [("Project LATE", "Late"), ("Project LONG", "")]
    assert card.url == "/delivery/projects/?manager=me&status=active"
    assert f"{TOTAL}2 projects<" in client.get(card.url).content.decode()


def test_only_project_managers_with_active_projects_get_it() -> None:
    member = make_user(role=Role.MEMBER)
    idle_manager = make_manager()
    for user in (member, idle_manager):
        cards = client_for(user).get(reverse("home")).context["cards"]
        assert all(card.key != "my_active_projects" for card in cards)
