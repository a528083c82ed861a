"""People pages: status per role, exact content, query counts, validation messages,
stale-version refusal and denials that change nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.models import AuditAction, AuditEntry
from tandem.core.roles import Role
from tandem.people import selectors, services
from tandem.people.models import AccessToken, Holiday, OrganisationCalendar, Team, TimeOff, User
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is the production hasher; these tests are about pages, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text(response) -> str:
    return response.content.decode()


def names_in_table(response) -> list[str]:
    """The person names of the people table, in page order."""
    body = text(response)
    return re.findall(r'<td><a href="/people/users/\d+/">([^<]+)</a></td>', body)


# --- Layout, home page and navigation -------------------------------------------------


def test_layout_wires_htmx_with_csrf_and_landmarks(member_client):
    response = member_client.get(reverse("home"))
    body = text(response)
    token = response.context["csrf_token"]
    assert f"""hx-headers='{{"X-CSRFToken": "{token}"}}'""" in body
    assert '"includeIndicatorStyles": false' in body
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in body
    assert '<main id="main"' in body
    assert '<nav class="sidebar-nav" aria-label="Main">' in body
    assert '<header class="app-topbar">' in body
    assert '<form method="post" action="/logout/"' in body
    assert '<label for="global-search" class="visually-hidden">Search people, accounts and contacts</label>' in body
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "/static/vendor/tabler/css/tabler.min.css" in body
    assert "/static/vendor/bootstrap/js/bootstrap.bundle.min.js" in body
    assert "<script>" not in body  # CSP: no inline scripts


CLIENT_DESK = ["Accounts", "Contacts", "Interactions", "Inquiries", "Follow-ups", "Needs attention"]
SALES_DESK = ["Pipeline", "Opportunities", "Quotes", "Contracts", "Forecast", "Revenue", "Budgets", "Profitability", "Expenses", "Catalog"]
SALES_SETTINGS = ["Exchange rates", "Price lists", "Rate cards"]
GOVERNANCE_DESK = ["Status reports", "Meetings", "My responsibilities", "Risks"]
OUTBOUND_SETTINGS = ["Webhooks", "Chat channels", "Delivery failures"]


@pytest.mark.parametrize(
    ("role", "labels"),
    [
        (Role.ADMIN, ["Home", *CLIENT_DESK, "Imports", *SALES_DESK, "Projects", "My tasks", "Timesheet", "Time approvals", "Capacity", "People", "Teams",
                      *GOVERNANCE_DESK, "Working calendar", "Service levels", "Sign-in activity", "Pipeline stages",
                      *SALES_SETTINGS, *OUTBOUND_SETTINGS, "Admin"]),
        (Role.EXECUTIVE, ["Home", *CLIENT_DESK, *SALES_DESK, "Projects", "My tasks", "Capacity", "People", "Teams", *GOVERNANCE_DESK,
                          "Working calendar", "Service levels", *SALES_SETTINGS]),
        (Role.MEMBER, ["Home", "Inquiries", "Follow-ups", "Catalog", "Projects", "My tasks", "Timesheet", "People", "Teams",
                      *GOVERNANCE_DESK[1:], "Working calendar"]),
    ],
)
def test_navigation_by_role(users_by_role, role, labels):
    response = client_for(users_by_role[role]).get(reverse("home"))
    assert [item["label"] for item in response.context["nav_items"]] == labels
    assert ('href="/admin/"' in text(response)) is (role == Role.ADMIN)


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "people:user_list",
        "people:team_list",
        "people:calendar",
        "people:token_list",
    ],
)
def test_pages_need_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={reverse(url_name)}"


# --- User list --------------------------------------------------------------------------


def test_user_list_shows_people_sorted_by_name(member_client, users_by_role):
    response = member_client.get(reverse("people:user_list"))
    assert response.status_code == 200
    assert names_in_table(response) == [
        "Ada Admin",
        "Alan Account",
        "Eve Executive",
        "Mel Member",
        "Pam Project",
    ]
    assert "1\N{EN DASH}5 of 5" in text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "pam"}, ["Pam Project"]),
        ({"q": "exec@example"}, ["Eve Executive"]),
        ({"role": "account_manager"}, ["Alan Account"]),
        (
            {"sort": "-name"},
            ["Pam Project", "Mel Member", "Eve Executive", "Alan Account", "Ada Admin"],
        ),
        (
            {"sort": "email"},
            ["Ada Admin", "Alan Account", "Eve Executive", "Mel Member", "Pam Project"],
        ),
        (
            {"role": "bogus", "sort": "bogus"},
            ["Ada Admin", "Alan Account", "Eve Executive", "Mel Member", "Pam Project"],
        ),
    ],
)
def test_user_list_filters_and_sorts(member_client, users_by_role, query, expected):
    assert names_in_table(member_client.get(reverse("people:user_list"), query)) == expected


def test_user_list_team_and_status_filters(admin_client_, users_by_role, team):
    disabled = make_user(full_name="Dora Disabled", team=team)
    services.user_deactivate(actor=users_by_role[Role.ADMIN], user=disabled)
    url = reverse("people:user_list")
    assert names_in_table(admin_client_.get(url, {"team": team.pk})) == [
        "Alan Account",
        "Dora Disabled",
        "Mel Member",
        "Pam Project",
    ]
    assert names_in_table(admin_client_.get(url, {"active": "no"})) == ["Dora Disabled"]
    assert names_in_table(admin_client_.get(url, {"team": team.pk, "active": "yes"})) == [
        "Alan Account",
        "Mel Member",
        "Pam Project",
    ]


def test_member_does_not_see_disabled_people(member_client, admin_user):
    disabled = make_user(full_name="Dora Disabled")
    services.user_deactivate(actor=admin_user, user=disabled)
    assert names_in_table(member_client.get(reverse("people:user_list"), {"active": "no"})) == []
    response = member_client.get(reverse("people:user_detail", kwargs={"user_id": disabled.pk}))
    assert response.status_code == 404


def test_user_list_paginates_and_keeps_filters(member_client, users_by_role):
    response = member_client.get(
        reverse("people:user_list"), {"per_page": "2", "page": "2", "sort": "-name"}
    )
    assert names_in_table(response) == ["Eve Executive", "Alan Account"]
    body = text(response)
    assert "3\N{EN DASH}4 of 5" in body
    assert 'href="?per_page=2&amp;sort=-name&amp;page=1" rel="prev"' in body
    assert 'href="?per_page=2&amp;sort=-name&amp;page=3" rel="next"' in body
    assert "Page 2 of 3" in body


def test_user_list_sort_links_toggle_and_announce_order(member_client, users_by_role):
    body = text(member_client.get(reverse("people:user_list"), {"sort": "name"}))
    assert '<th scope="col" aria-sort="ascending">' in body
    assert 'href="?sort=-name"' in body
    assert 'href="?sort=email"' in body


def test_user_list_empty_state_when_filters_match_nobody(member_client):
    response = member_client.get(reverse("people:user_list"), {"q": "nobody-has-this"})
    assert names_in_table(response) == []
    assert "No one matches these filters." in text(response)
    assert f'<a href="{reverse("people:user_list")}">Clear the filters</a>' in text(response)


def test_user_list_htmx_returns_only_the_results(member_client, users_by_role):
    response = member_client.get(reverse("people:user_list"), {"q": "mel"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert body.lstrip().startswith('<div id="user-results"')
    assert "<html" not in body
    assert names_in_table(response) == ["Mel Member"]


def _people(count: int, team: Team) -> None:
    for number in range(count):
        make_user(
            full_name=f"Person {number:04d}", team=team if number % 2 else None, password=None
        )


# session, user + roles, unread notifications, teams, capped count, page rows, their roles,
# the saved views of the views menu
USER_LIST_QUERIES = 9


@pytest.mark.parametrize("size", [15, 120])
@pytest.mark.parametrize("per_page", [10, 100])
def test_user_list_query_count_is_constant(django_assert_num_queries, member, team, size, per_page):
    _people(size, team)
    client = client_for(member)
    with django_assert_num_queries(USER_LIST_QUERIES):
        response = client.get(reverse("people:user_list"), {"per_page": per_page, "sort": "team"})
    assert len(names_in_table(response)) == min(per_page, size + 1)


TEAM_LIST_QUERIES = 7  # session, user + roles, unread notifications, capped count, page rows, saved views


@pytest.mark.parametrize("size", [15, 120])
@pytest.mark.parametrize("per_page", [10, 100])
def test_team_list_query_count_is_constant(django_assert_num_queries, member, size, per_page):
    lead = make_user(full_name="Lena Lead", password=None)
    for number in range(size):
        make_team(name=f"Team {number:04d}", lead=lead if number % 2 else None)
    client = client_for(member)
    with django_assert_num_queries(TEAM_LIST_QUERIES):
        response = client.get(reverse("people:team_list"), {"per_page": per_page})
    assert text(response).count('<a href="/people/teams/') == min(per_page, size + 1)


# --- User detail ------------------------------------------------------------------------


def test_user_detail_key_facts_without_cost_rate_for_colleagues(member_client, project_manager):
    response = member_client.get(
        reverse("people:user_detail", kwargs={"user_id": project_manager.pk})
    )
    body = text(response)
    assert response.status_code == 200
    assert '<h1 class="h2 mb-1">Pam Project</h1>' in body
    assert '<dd class="col-sm-8 col-lg-9">Project manager</dd>' in body
    assert '<a href="/people/teams/' in body and ">Delivery</a>" in body
    assert "40 hours" in body
    assert "Mon, Tue, Wed, Thu, Fri" in body
    assert 'data-testid="bill-rate">120.00 EUR per hour' in body
    assert "cost-rate" not in body
    assert "60.00" not in body
    assert 'id="history-heading"' not in body
    assert "Record time off" not in body
    assert "/edit/" not in body


@pytest.mark.parametrize("viewer", ["self", Role.ADMIN, Role.EXECUTIVE])
def test_user_detail_shows_cost_rate_and_history_to_allowed_viewers(users_by_role, member, viewer):
    actor = member if viewer == "self" else users_by_role[viewer]
    services.user_update(
        actor=users_by_role[Role.ADMIN],
        user=member,
        data={"title": "Analyst", "cost_rate": Decimal("65")},
    )
    body = text(client_for(actor).get(reverse("people:user_detail", kwargs={"user_id": member.pk})))
    assert 'data-testid="cost-rate">65.00 EUR per hour' in body
    assert 'id="history-heading"' in body
    assert '<p class="mb-1">Ada Admin updated Mel Member&#x27;s working profile</p>' in body
    assert "<li>Changed Cost rate from €60.00 to €65.00</li>" in body
    assert "<li>Set Title to Analyst</li>" in body


def test_user_detail_unknown_id_is_the_404_page(member_client):
    response = member_client.get(reverse("people:user_detail", kwargs={"user_id": 999999}))
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in text(response)


def test_domain_error_for_htmx_is_a_small_retargeted_alert(member_client):
    response = member_client.get(
        reverse("people:user_detail", kwargs={"user_id": 999999}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert response["HX-Retarget"] == "#htmx-alerts"
    assert response["HX-Reswap"] == "innerHTML"
    body = text(response)
    assert "<html" not in body
    assert '<div class="alert alert-danger" role="alert" data-status="404">' in body


# --- User create and edit ---------------------------------------------------------------


def user_post(**overrides) -> dict:
    data = {
        "email": "Nina.New@Example.test",
        "full_name": "Nina New",
        "roles": ["project_manager", "member"],
        "title": "Delivery lead",
        "team": "",
        "time_zone": "Europe/Berlin",
        "weekly_capacity_hours": "32",
        "working_days": ["0", "1", "2", "3"],
        "cost_rate": "70",
        "bill_rate": "150",
        "password": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_creates_a_person(admin_client_, team):
    response = admin_client_.post(reverse("people:user_create"), user_post(team=str(team.pk)))
    user = User.objects.select_related("person").get(email="nina.new@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:user_detail", kwargs={"user_id": user.pk})
    assert user.full_name == "Nina New"
    assert user.roles == frozenset({"project_manager", "member"})
    assert user.time_zone == "Europe/Berlin"
    assert user.person.team == team
    assert user.person.working_days == 0b0001111
    assert user.person.weekly_capacity_hours == Decimal("32.00")
    assert user.person.cost_rate == Decimal("70.00")
    assert not user.has_usable_password()
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.CREATE, content_type__model="user", object_id=str(user.pk)
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "member@example.test"}, "email", "A user with this e-mail already exists."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"roles": None}, "roles", "Choose at least one role."),
        ({"full_name": ""}, "full_name", "This field is required."),
        (
            {"weekly_capacity_hours": "200"},
            "weekly_capacity_hours",
            "Ensure this value is less than or equal to 168.",
        ),
        ({"password": "password"}, "password", "This password is too common."),
    ],
)
def test_user_create_validation_messages_stand_next_to_fields(
    admin_client_, member, overrides, field, message
):
    before = User.objects.count()
    response = admin_client_.post(reverse("people:user_create"), user_post(**overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert f'<ul class="errorlist" id="id_{field}_error">' in text(response)
    assert f"<li>{message}</li>" in text(response)
    assert User.objects.count() == before


@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER]
)
def test_only_admins_create_people(users_by_role, role):
    client = client_for(users_by_role[role])
    before = User.objects.count()
    assert client.get(reverse("people:user_create")).status_code == 403
    response = client.post(reverse("people:user_create"), user_post())
    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in text(response)
    assert User.objects.count() == before


def edit_post(user: User, **overrides) -> dict:
    person = user.person
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on" if user.is_active else None,
        "roles": sorted(user.roles),
        "title": person.title,
        "team": str(person.team_id or ""),
        "time_zone": user.time_zone,
        "weekly_capacity_hours": str(person.weekly_capacity_hours),
        "working_days": [str(day) for day in range(7) if person.working_days & (1 << day)],
        "cost_rate": str(person.cost_rate),
        "bill_rate": str(person.bill_rate),
        "version": str(user.version),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_user_edit_form_carries_the_version(admin_client_, member):
    body = text(admin_client_.get(reverse("people:user_edit", kwargs={"user_id": member.pk})))
    assert f'<input type="hidden" name="version" value="{member.version}" id="id_version">' in body
    assert 'value="member" class="form-check-input" id="id_roles_4" checked' in body


def test_admin_edits_a_person(admin_client_, member):
    url = reverse("people:user_edit", kwargs={"user_id": member.pk})
    response = admin_client_.post(
        url,
        edit_post(member, full_name="Mel Changed", roles=["member", "executive"], bill_rate="130"),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Mel Changed"
    assert member.version == 2
    assert User.objects.get(pk=member.pk).roles == frozenset({"member", "executive"})
    assert member.person.bill_rate == Decimal("130.00")


def test_stale_user_edit_is_refused_and_changes_nothing(admin_client_, admin_user, member):
    url = reverse("people:user_edit", kwargs={"user_id": member.pk})
    stale = edit_post(member, full_name="Mel Stale", title="Stale title")
    services.user_update(
        actor=admin_user, user=User.objects.get(pk=member.pk), data={"full_name": "Mel Fresh"}
    )
    response = admin_client_.post(url, stale)
    assert response.status_code == 409
    body = text(response)
    assert "changed by someone else since you opened it" in body
    assert f'<a href="{url}">Reload the latest version</a>' in body
    member.refresh_from_db()
    member.person.refresh_from_db()
    assert (member.full_name, member.version, member.person.title) == ("Mel Fresh", 2, "")


def test_admin_cannot_remove_own_admin_role(admin_client_, admin_user):
    url = reverse("people:user_edit", kwargs={"user_id": admin_user.pk})
    response = admin_client_.post(
        url, edit_post(admin_user, roles=["member"], full_name="Ada Renamed")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["roles"] == [
        "You cannot remove your own administrator role."
    ]
    admin_user.refresh_from_db()
    assert admin_user.full_name == "Ada Admin"
    assert User.objects.get(pk=admin_user.pk).roles == frozenset({"admin"})


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.PROJECT_MANAGER, Role.MEMBER])
def test_non_admins_cannot_edit_people(users_by_role, member, role):
    client = client_for(users_by_role[role])
    url = reverse("people:user_edit", kwargs={"user_id": member.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, edit_post(member, full_name="Hacked")).status_code == 403
    member.refresh_from_db()
    assert (member.full_name, member.version) == ("Mel Member", 1)


# --- Teams ------------------------------------------------------------------------------


def test_team_list_and_detail(member_client, team, project_manager, member):
    listing = text(member_client.get(reverse("people:team_list")))
    assert f'<a href="/people/teams/{team.pk}/">Delivery</a>' in listing
    assert "<td>2</td>" in listing  # active members: the project manager and the member
    detail = member_client.get(reverse("people:team_detail", kwargs={"team_id": team.pk}))
    body = text(detail)
    assert re.findall(r'<td><a href="/people/users/\d+/">([^<]+)</a></td>', body) == [
        "Mel Member",
        "Pam Project",
    ]
    assert 'id="history-heading"' in body
    assert "Edit</a>" not in body


def test_team_list_search_and_empty_state(member_client, team):
    body = text(member_client.get(reverse("people:team_list"), {"q": "zzz"}))
    assert "No team name contains “zzz”." in body
    htmx = member_client.get(reverse("people:team_list"), {"q": "deliv"}, HTTP_HX_REQUEST="true")
    assert text(htmx).lstrip().startswith('<div id="team-results"')
    assert ">Delivery</a>" in text(htmx)


def test_admin_creates_edits_and_deletes_a_team(admin_client_, admin_user, member):
    response = admin_client_.post(
        reverse("people:team_create"), {"name": "Design", "description": "UX", "lead": member.pk}
    )
    team = Team.objects.get(name="Design")
    assert response["Location"] == reverse("people:team_detail", kwargs={"team_id": team.pk})
    assert team.lead == member
    edit_url = reverse("people:team_edit", kwargs={"team_id": team.pk})
    response = admin_client_.post(
        edit_url, {"name": "Design studio", "description": "UX", "lead": "", "version": "1"}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.lead, team.version) == ("Design studio", None, 2)
    delete_url = reverse("people:team_delete", kwargs={"team_id": team.pk})
    assert admin_client_.get(delete_url).status_code == 405
    response = admin_client_.post(delete_url, {"version": "2"})
    assert response["Location"] == reverse("people:team_list")
    assert not Team.objects.filter(pk=team.pk).exists()


def test_team_validation_and_stale_edit(admin_client_, admin_user, team):
    other = make_team(name="Sales")
    create = admin_client_.post(reverse("people:team_create"), {"name": "sales"})
    assert create.context["form"].errors["name"] == ["A team with this name already exists."]
    url = reverse("people:team_edit", kwargs={"team_id": other.pk})
    services.team_update(actor=admin_user, team=other, data={"description": "Fresh"})
    response = admin_client_.post(
        url, {"name": "Sales EMEA", "description": "Stale", "version": "1"}
    )
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in text(response)
    other.refresh_from_db()
    assert (other.name, other.description, other.version) == ("Sales", "Fresh", 2)


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.MEMBER])
def test_non_admins_cannot_change_teams(users_by_role, team, role):
    client = client_for(users_by_role[role])
    assert client.get(reverse("people:team_create")).status_code == 403
    assert client.post(reverse("people:team_create"), {"name": "Rogue"}).status_code == 403
    edit = reverse("people:team_edit", kwargs={"team_id": team.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "Renamed", "version": "1"}).status_code == 403
    assert (
        client.post(reverse("people:team_delete", kwargs={"team_id": team.pk})).status_code == 403
    )
    team.refresh_from_db()
    assert (team.name, team.version) == ("Delivery", 1)
    assert list(Team.objects.values_list("name", flat=True)) == ["Delivery"]


def test_unknown_team_is_404(member_client):
    assert (
        member_client.get(reverse("people:team_detail", kwargs={"team_id": 999999})).status_code
        == 404
    )


# --- Calendar and holidays ---------------------------------------------------------------


def test_calendar_page_shows_settings_and_holidays(member_client, admin_user):
    calendar = selectors.calendar_get()
    year = dt.date.today().year
    services.holiday_create(
        actor=admin_user, calendar=calendar, date=dt.date(year, 12, 25), name="Christmas Day"
    )
    services.holiday_create(
        actor=admin_user, calendar=calendar, date=dt.date(year + 1, 1, 1), name="New Year"
    )
    body = text(member_client.get(reverse("people:calendar")))
    assert '<dd class="col-sm-8 col-lg-9">UTC</dd>' in body
    assert "09:00\N{EN DASH}17:00" in body
    assert "Mon, Tue, Wed, Thu, Fri" in body
    assert "<td>Christmas Day</td>" in body
    assert "New Year" not in body
    assert "Edit the calendar" not in body
    assert "Remove" not in body
    next_year = text(member_client.get(reverse("people:calendar"), {"year": year + 1}))
    assert "<td>New Year</td>" in next_year


def test_admin_edits_calendar_and_stale_edit_is_refused(admin_client_, admin_user):
    calendar = selectors.calendar_get()
    url = reverse("people:calendar_edit")
    data = {
        "name": "Our calendar",
        "time_zone": "Europe/Paris",
        "day_start": "08:30",
        "day_end": "17:30",
        "working_days": ["0", "1", "2", "3"],
        "locale": "fr-fr",
        "currency": "eur",
        "version": str(calendar.version),
    }
    assert admin_client_.post(url, data).status_code == 302
    calendar.refresh_from_db()
    assert (calendar.time_zone, calendar.day_start, calendar.working_days, calendar.currency) == (
        "Europe/Paris",
        dt.time(8, 30),
        0b0001111,
        "EUR",
    )
    response = admin_client_.post(url, {**data, "name": "Stale", "version": "1"})
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in text(response)
    calendar.refresh_from_db()
    assert (calendar.name, calendar.version) == ("Our calendar", 2)
    invalid = admin_client_.post(url, {**data, "day_end": "08:00", "version": "2"})
    assert invalid.context["form"].errors["day_end"] == [
        "The business day must end after it starts."
    ]


def test_non_admin_cannot_edit_calendar_or_holidays(member_client, admin_user):
    calendar = selectors.calendar_get()
    holiday = services.holiday_create(
        actor=admin_user, calendar=calendar, date=dt.date(2030, 5, 1), name="Labour Day"
    )
    assert member_client.get(reverse("people:calendar_edit")).status_code == 403
    assert (
        member_client.post(
            reverse("people:calendar_edit"), {"name": "X", "version": "1"}
        ).status_code
        == 403
    )
    assert (
        member_client.post(
            reverse("people:holiday_create"), {"date": "2030-06-01", "name": "X"}
        ).status_code
        == 403
    )
    delete_url = reverse("people:holiday_delete", kwargs={"holiday_id": holiday.pk})
    assert member_client.post(delete_url).status_code == 403
    calendar.refresh_from_db()
    assert (calendar.name, calendar.version) == ("Organisation calendar", 1)
    assert list(Holiday.objects.values_list("name", flat=True)) == ["Labour Day"]


def test_admin_adds_and_removes_holidays(admin_client_, admin_user):
    url = reverse("people:holiday_create")
    response = admin_client_.post(url, {"date": "2030-05-01", "name": "Labour Day"})
    assert response["Location"] == reverse("people:calendar") + "?year=2030"
    holiday = Holiday.objects.get()
    duplicate = admin_client_.post(url, {"date": "2030-05-01", "name": "Again"})
    assert duplicate.context["form"].errors["date"] == ["2030-05-01 is already a holiday."]
    assert Holiday.objects.count() == 1
    delete_url = reverse("people:holiday_delete", kwargs={"holiday_id": holiday.pk})
    assert admin_client_.get(delete_url).status_code == 405
    response = admin_client_.post(delete_url, HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content) == (200, b"")
    assert Holiday.objects.count() == 0
    assert admin_client_.post(delete_url).status_code == 404


# --- Time off ----------------------------------------------------------------------------


TIME_OFF = {
    "kind": "vacation",
    "start_date": "2030-08-01",
    "end_date": "2030-08-09",
    "hours_per_day": "",
    "note": "Summer",
}


def test_person_records_own_time_off(member_client, member):
    url = reverse("people:time_off_create", kwargs={"user_id": member.pk})
    assert member_client.get(url).status_code == 200
    response = member_client.post(url, TIME_OFF)
    assert response["Location"] == reverse("people:user_detail", kwargs={"user_id": member.pk})
    entry = TimeOff.objects.get()
    assert (entry.person_id, entry.start_date, entry.end_date, entry.note) == (
        member.person.pk,
        dt.date(2030, 8, 1),
        dt.date(2030, 8, 9),
        "Summer",
    )
    body = text(member_client.get(response["Location"]))
    assert "<td>1 Aug 2030</td>" in body and "<td>9 Aug 2030</td>" in body


def test_time_off_dates_must_be_ordered(member_client, member):
    url = reverse("people:time_off_create", kwargs={"user_id": member.pk})
    response = member_client.post(url, {**TIME_OFF, "end_date": "2030-07-01"})
    assert response.context["form"].errors["end_date"] == [
        "The last day off cannot be before the first."
    ]
    assert TimeOff.objects.count() == 0


def test_colleague_cannot_record_time_off_for_someone_else(member_client, project_manager):
    url = reverse("people:time_off_create", kwargs={"user_id": project_manager.pk})
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, TIME_OFF).status_code == 403
    assert TimeOff.objects.count() == 0


def test_admin_records_time_off_for_anyone(admin_client_, member):
    url = reverse("people:time_off_create", kwargs={"user_id": member.pk})
    assert admin_client_.post(url, TIME_OFF).status_code == 302
    assert TimeOff.objects.get().person.user == member


def test_time_off_delete_permissions(admin_user, member, project_manager, team):
    entry = services.time_off_create(
        actor=member,
        person=member.person,
        start_date=dt.date(2030, 1, 2),
        end_date=dt.date(2030, 1, 3),
    )
    url = reverse("people:time_off_delete", kwargs={"time_off_id": entry.pk})
    # Not visible to a colleague: 404. Visible to the team lead but not theirs: 403.
    assert client_for(project_manager).post(url).status_code == 404
    services.team_update(actor=admin_user, team=team, data={"lead": project_manager})
    assert client_for(project_manager).post(url).status_code == 403
    assert TimeOff.objects.filter(pk=entry.pk).exists()
    member_client = client_for(member)
    assert member_client.get(url).status_code == 405
    response = member_client.post(url, HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content) == (200, b"")
    assert not TimeOff.objects.exists()


# --- Personal access tokens -------------------------------------------------------------


def test_token_list_shows_only_own_tokens(member_client, member, admin_user):
    services.token_create(actor=member, user=member, name="Mine")
    services.token_create(actor=admin_user, user=admin_user, name="Admin's")
    body = text(member_client.get(reverse("people:token_list")))
    assert "<td>Mine</td>" in body
    assert "Admin&#x27;s" not in body


def test_token_empty_state(member_client):
    body = text(member_client.get(reverse("people:token_list")))
    assert "You have no tokens." in body


def test_token_create_shows_the_secret_once(member_client, member):
    response = member_client.post(
        reverse("people:token_create"), {"name": "Export script", "scope": "read_write"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'value="(tdm_[^"]+)" data-testid="token-secret"', text(response)).group(1)
    token = services.token_authenticate(secret)
    assert token is not None
    assert (token.user, token.name, token.scope) == (member, "Export script", "read_write")
    listing = text(member_client.get(reverse("people:token_list")))
    assert secret not in listing
    assert f"<code>{token.prefix}…</code>" in listing


def test_token_create_validation(member_client):
    response = member_client.post(
        reverse("people:token_create"),
        {"name": "", "scope": "everything", "expires_on": "2000-01-01"},
    )
    errors = response.context["form"].errors
    assert errors["name"] == ["This field is required."]
    assert errors["scope"] == [
        "Select a valid choice. everything is not one of the available choices."
    ]
    assert errors["expires_on"] == ["Choose today or a later day."]
    assert AccessToken.objects.count() == 0


def test_token_revoke_in_place_and_without_javascript(member_client, member):
    first, _ = services.token_create(actor=member, user=member, name="One")
    second, _ = services.token_create(actor=member, user=member, name="Two")
    url = reverse("people:token_revoke", kwargs={"access_token_id": first.pk})
    assert member_client.get(url).status_code == 405
    response = member_client.post(url, HTTP_HX_REQUEST="true")
    body = text(response)
    assert body.lstrip().startswith(f'<tr id="token-{first.pk}">')
    assert 'data-testid="token-status">Revoked' in body
    first.refresh_from_db()
    assert first.revoked_at is not None
    response = member_client.post(
        reverse("people:token_revoke", kwargs={"access_token_id": second.pk})
    )
    assert response["Location"] == reverse("people:token_list")
    second.refresh_from_db()
    assert second.revoked_at is not None


def test_cannot_revoke_someone_elses_token(member_client, project_manager):
    token, _ = services.token_create(actor=project_manager, user=project_manager, name="Theirs")
    url = reverse("people:token_revoke", kwargs={"access_token_id": token.pk})
    assert member_client.post(url).status_code == 404
    token.refresh_from_db()
    assert (token.revoked_at, token.version) == (None, 1)


# --- Django admin ------------------------------------------------------------------------


def test_admin_site_is_for_admins_only(admin_client_, member_client, executive):
    assert admin_client_.get("/admin/").status_code == 200
    assert admin_client_.get("/admin/core/auditentry/").status_code == 200
    assert admin_client_.get("/admin/people/user/").status_code == 200
    assert admin_client_.get("/admin/core/auditentry/add/").status_code == 403
    assert admin_client_.get("/admin/django_tasks_database/dbtaskresult/").status_code == 200
    assert admin_client_.get("/admin/auth/group/").status_code == 404  # roles, not groups
    for client in (member_client, client_for(executive)):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_admin_site_changes_are_audited_and_versioned(admin_client_, admin_user, team):
    response = admin_client_.post(
        f"/admin/people/team/{team.pk}/change/",
        {"name": "Delivery EU", "description": "", "lead": ""},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.version) == ("Delivery EU", 2)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(team.pk)).get()
    assert (entry.actor, entry.changes) == (admin_user, {"name": ["Delivery", "Delivery EU"]})


def test_organisation_calendar_row_is_single(member_client):
    member_client.get(reverse("people:calendar"))
    member_client.get(reverse("people:calendar"))
    assert OrganisationCalendar.objects.count() == 1


def test_logged_out_htmx_and_plain_clients_are_sent_to_login():
    response = Client().post(reverse("people:token_create"), {"name": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert AccessToken.objects.count() == 0
