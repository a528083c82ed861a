"""The follow-up list page (clients:follow_up_list): scope, filters, export, empty
states and a constant query count."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.clients import services
from tandem.clients.models import FollowUp
from tests.clients.factories import make_account
from tests.conftest import client_for

URL = "/clients/follow-ups/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _follow_up(owner, account, days, description, *, done=False):
    follow_up = services.follow_up_create(
        actor=None, account=account, owner=owner, due_date=timezone.localdate() + dt.timedelta(days=days),
        description=description,
    )
    if done:
        FollowUp.objects.filter(pk=follow_up.pk).update(done_at=timezone.now())
    return follow_up


@pytest.fixture
def follow_ups(owner, teammate, outsider, member):
    mine = make_account(owner=owner, name="Mine Ltd")
    teams = make_account(owner=teammate, name="Team Co")
    other = make_account(owner=outsider, name="Other Inc")
    _follow_up(owner, mine, 0, "Send the proposal")
    _follow_up(owner, mine, -3, "Chase the invoice")
    _follow_up(owner, mine, 4, "Plan the review")
    _follow_up(owner, mine, -1, "Done already", done=True)
    _follow_up(teammate, teams, -2, "Teammate's call")
    _follow_up(outsider, other, 0, "Another team's")
    _follow_up(member, other, -1, "The member's own")  # on an account the member cannot see
    return {"mine": mine, "teams": teams, "other": other}


def descriptions(response) -> list[str]:
    return [row["description"] for row in response.context["rows"]]


def total(response) -> str:
    return response.context["page"].total_display


def test_open_follow_ups_of_my_and_my_teams_accounts_by_due_date(owner, follow_ups):
    response = client_for(owner).get(URL)
    assert response.status_code == 200
    assert descriptions(response) == ["Chase the invoice", "Teammate's call", "Send the proposal", "Plan the review"]
    html = response.content.decode()
    assert '4 follow-ups</p>' in html
    assert html.count('data-testid="list-row"') == 4
    assert f'<a href="/clients/accounts/{follow_ups["mine"].pk}/">Mine Ltd</a>' in html
    assert '<span class="badge text-bg-danger" data-testid="overdue">Overdue</span>' in html
    assert '<span class="badge text-bg-warning">Due today</span>' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"due": "today"}, ["Send the proposal"]),
        ({"due": "overdue"}, ["Chase the invoice", "Teammate's call"]),
        ({"due": "now"}, ["Chase the invoice", "Teammate's call", "Send the proposal"]),
        ({"state": "done"}, ["Done already"]),
        ({"state": "any", "due": "overdue"}, ["Chase the invoice", "Teammate's call", "Done already"]),
        ({"sort": "-due"}, ["Plan the review", "Send the proposal", "Teammate's call", "Chase the invoice"]),
        ({"due": "now", "owner": "me"}, ["Chase the invoice", "Teammate's call", "Send the proposal"]),  # junk: no filter
        ({"due": "later"}, ["Chase the invoice", "Teammate's call", "Send the proposal", "Plan the review"]),
    ],
)
def test_filters(owner, follow_ups, params, expected):
    assert descriptions(client_for(owner).get(URL, params)) == expected


def test_owner_and_team_filters(owner, teammate, outsider, executive, team, follow_ups):
    client = client_for(owner)
    assert descriptions(client.get(URL, {"owner": owner.pk})) == ["Chase the invoice", "Send the proposal", "Plan the review"]
    assert descriptions(client.get(URL, {"owner": teammate.pk})) == ["Teammate's call"]
    boss = client_for(executive)
    north = outsider.person.team_id
    assert descriptions(boss.get(URL, {"team": north})) == ["Another team's"]
    assert descriptions(boss.get(URL, {"team": team.pk, "due": "now"})) == [
        "Chase the invoice", "Teammate's call", "The member's own", "Send the proposal",
    ]


def test_a_member_sees_only_their_own(member, follow_ups):
    response = client_for(member).get(URL)
    assert descriptions(response) == ["The member's own"]


def test_empty_states(owner, project_manager, follow_ups):
    html = client_for(project_manager).get(URL).content.decode()
    assert 'data-testid="empty-state"' in html
    assert "No open follow-ups." in html
    html = client_for(owner).get(URL, {"due": "today", "state": "done"}).content.decode()
    assert "No follow-up matches these filters." in html


def test_export_csv_is_exactly_the_filtered_rows(owner, follow_ups):
    response = client_for(owner).get(URL, {"due": "now", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["Due", "What", "Account", "Owner", "Owner e-mail", "Done"]
    assert [row[1] for row in rows[1:]] == ["Chase the invoice", "Teammate's call", "Send the proposal"]
    assert rows[1][2:5] == ["Mine Ltd", "Alan Account", "am@example.test"]


def test_export_xlsx(owner, follow_ups):
    import openpyxl

    response = client_for(owner).get(URL, {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["Chase the invoice", "Teammate's call", "Send the proposal", "Plan the review"]


def test_htmx_answers_the_results_only(owner, follow_ups):
    html = client_for(owner).get(URL, {"due": "today"}, **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="follow-up-results"')
    assert "Send the proposal" in html


# session, user, roles, the owner choices, the capped count, the rows, the badge and the
# saved views of the views menu (the list framework's page).
FOLLOW_UP_LIST_QUERIES = 8


@pytest.mark.parametrize("size", [6, 60])
def test_query_count_is_pinned_and_constant(owner, teammate, size, django_assert_num_queries):
    account = make_account(owner=owner, name="Busy")
    for number in range(size):
        _follow_up(owner if number % 2 else teammate, account, number % 7 - 3, f"Step {number}")
    client = client_for(owner)
    client.get(URL)
    for params in ({}, {"due": "now", "owner": owner.pk}, {"state": "any", "sort": "-due"}):
        for per_page in ("10", "100"):
            with django_assert_num_queries(FOLLOW_UP_LIST_QUERIES):
                response = client.get(URL, {**params, "per_page": per_page})
            assert response.status_code == 200
        with django_assert_num_queries(FOLLOW_UP_LIST_QUERIES - 2):  # HTMX: no badge, no views menu
            client.get(URL, {**params, "per_page": "100"}, **HTMX)


def test_the_route_is_named(db):
    assert reverse("clients:follow_up_list") == URL


def test_a_list_of_the_framework_with_saved_views_and_phone_columns(owner, follow_ups):
    from tandem.clients.views.follow_ups import FollowUpList
    from tandem.core import lists
    from tandem.core.services_saved_views import saved_view_create

    assert lists.registered("follow_ups") is FollowUpList
    saved_view_create(actor=owner, list_key="follow_ups", name="Overdue of mine", query=f"due=overdue&owner={owner.pk}",
                      visibility="private")
    response = client_for(owner).get(URL)
    # Phones show due date, what, account and status; the owner column folds away.
    assert response.context["phone_hidden"] == "list-hide-4"
    assert [tab.label for tab in response.context["tabs"]] == ["Overdue of mine"]
    opened = client_for(owner).get(URL, {"due": "overdue", "owner": owner.pk})
    assert [tab.active for tab in opened.context["tabs"]] == [True]
    assert [row["description"] for row in opened.context["rows"]] == ["Chase the invoice"]
