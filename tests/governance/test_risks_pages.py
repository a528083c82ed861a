"""The risk register's pages: the project's Risks tab (register, heat map links, trend,
add form), the risk page's actions, the organisation-wide list with its filters and
export, the account section, the home card; query counts pinned at 1 and 30 risks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core.roles import Role
from tandem.delivery import services as delivery
from tandem.delivery.models import Task
from tandem.governance.models import Risk, RiskStatus
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.delivery.factories import make_project
from tests.factories import make_user
from tests.governance.factories_risks import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_risks_tab_shows_register_heat_map_and_trend():
    project = make_project()
    make_risk(project=project, title="Supplier late", probability=4, impact=3)
    make_risk(project=project, title="Scope creep", probability=4, impact=3)
    closed = make_risk(project=project, title="Old", probability=4, impact=3)
    from tandem.governance.services.risks import risk_close
    risk_close(actor=None, risk=closed)
    response = client_for(project.manager).get(reverse("governance:project_risks", kwargs={"project_id": project.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Supplier late" in html and "12 · Medium" in html
    cell = html.split('data-testid="heat-cell-4-3"')[1].split("</td>")[0]
    assert "?status=open&amp;probability=4&amp;impact=3" in cell
    assert ">2</a>" in cell
    assert 'data-testid="exposure-table"' in html
    filtered = client_for(project.manager).get(
        reverse("governance:project_risks", kwargs={"project_id": project.pk}), {"status": "open", "probability": 4,
                                                                                 "impact": 3})
    assert filtered.content.decode().count('data-testid="risk-row"') == 2


def test_add_risk_form_creates_and_opens_the_risk():
    project = make_project()
    client = client_for(project.manager)
    response = client.post(reverse("governance:project_risks", kwargs={"project_id": project.pk}), {
        "title": "Key tester away", "category": "resources", "probability": "3", "impact": "4",
        "response": "mitigate", "contingency_plan": "- Hire a contractor\n- Move the release"})
    risk = Risk.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:risk_detail", kwargs={"risk_id": risk.pk})
    assert (risk.title, risk.score, risk.raised_by) == ("Key tester away", 12, project.manager)


def test_add_risk_form_names_the_field_and_writes_nothing():
    project = make_project()
    response = client_for(project.manager).post(
        reverse("governance:project_risks", kwargs={"project_id": project.pk}),
        {"title": "", "category": "resources", "probability": "9", "impact": "4", "response": "mitigate"})
    assert response.status_code == 422
    assert Risk.objects.count() == 0


def test_add_form_is_loaded_only_when_asked_for():
    """The tab carries a disclosure that fetches the form (HTMX) and, without
    JavaScript, a link to the page with the form in place; a failed POST answers the
    page with the form and its errors; who may not add risks gets neither."""
    project = make_project()
    url = reverse("governance:project_risks", kwargs={"project_id": project.pk})
    client = client_for(project.manager)
    page = client.get(url).content.decode()
    assert 'data-testid="risk-form"' not in page
    assert f'hx-get="{url}?add=1" hx-trigger="toggle once" hx-target="find .add-risk-body"' in page
    assert f'<a href="{url}?add=1#add-risk">Open the add form on this page</a>' in page
    assert f'href="{url}?add=1#add-risk">Add a risk</a>' in page
    fragment = client.get(url, {"add": "1"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html and "Risk register" not in html
    assert f'<form method="post" action="{url}" novalidate data-testid="risk-form">' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'id="id_title"' in html and 'id="id_review_date"' in html
    assert f'<option value="{project.manager.pk}">' in html  # the owner choices: the manager and the team
    full = client.get(url, {"add": "1"}).content.decode()
    assert 'id="add-risk-heading"' in full and 'data-testid="risk-form"' in full
    assert 'data-testid="add-risk-details"' not in full
    failed = client.post(url, {"title": "", "category": "resources", "probability": "3", "impact": "4",
                               "response": "mitigate"})
    assert failed.status_code == 422
    assert 'data-testid="risk-form"' in failed.content.decode() and "This field is required." in failed.content.decode()
    member = make_user(role=Role.MEMBER)
    delivery.project_member_add(actor=None, project=project, user=member)
    for params in ({}, {"add": "1"}):
        html = client_for(member).get(url, params).content.decode()
        assert 'data-testid="risk-form"' not in html and 'id="add-risk"' not in html


def test_mark_occurred_with_tasks_then_links_to_them():
    project = make_project()
    risk = make_risk(project=project, title="Data centre outage", contingency_plan="Fail over\nTell the client")
    client = client_for(project.manager)
    response = client.post(reverse("governance:risk_occurred", kwargs={"risk_id": risk.pk}),
                           {"version": risk.version, "make_tasks": "on"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OCCURRED
    assert list(Task.objects.filter(project=project).order_by("outline_index").values_list("name", flat=True)) == [
        "Contingency: Data centre outage", "Fail over", "Tell the client"]
    html = client.get(reverse("governance:risk_detail", kwargs={"risk_id": risk.pk})).content.decode()
    assert 'data-testid="contingency-tasks"' in html and "Tell the client" in html
    assert "{# comments #}" not in html
    again = client.post(reverse("governance:risk_contingency", kwargs={"risk_id": risk.pk}), follow=True)
    assert "turned into tasks already" in again.content.decode()
    assert Task.objects.filter(project=project).count() == 3


def test_member_sees_the_risk_page_read_only():
    project = make_project()
    member = make_user(role=Role.MEMBER)
    delivery.project_member_add(actor=None, project=project, user=member)
    risk = make_risk(project=project)
    client = client_for(member)
    html = client.get(reverse("governance:risk_detail", kwargs={"risk_id": risk.pk})).content.decode()
    assert "Mark occurred" not in html
    assert client.post(reverse("governance:risk_close", kwargs={"risk_id": risk.pk})).status_code == 403
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OPEN


def test_home_card_number_equals_the_list_it_opens():
    owner = make_user(role=Role.PROJECT_MANAGER)
    project = make_project(manager=owner)
    today = timezone.localdate()
    for number in range(3):
        make_risk(project=project, title=f"Due {number}", owner=owner, review_date=today - dt.timedelta(days=number))
    make_risk(project=project, title="Later", owner=owner, review_date=today + dt.timedelta(days=2))
    other = make_risk(project=project, title="Closed", owner=owner, review_date=today)
    from tandem.governance.services.risks import risk_close
    risk_close(actor=None, risk=other)
    client = client_for(owner)
    home = client.get(reverse("home")).content.decode()
    assert "Risks to review" in home
    assert "/governance/risks/?review=due&amp;owner=me" in home
    listing = client.get(reverse("governance:risk_list"), {"review": "due", "owner": "me"}).content.decode()
    assert listing.count('data-testid="risk-row"') == 3
    assert 'data-testid="risk-count">3<' in listing


def test_risk_list_exports_csv_of_the_filtered_rows():
    project = make_project()
    make_risk(project=project, title="Alpha", category="budget")
    make_risk(project=project, title="Beta", category="scope")
    response = client_for(project.manager).get(reverse("governance:risk_list"), {"category": "budget", "format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert "Alpha" in body and "Beta" not in body


def test_account_section_and_relationship_risk_page():
    manager = make_user(role=Role.ACCOUNT_MANAGER)
    account = make_account(owner=manager)
    client = client_for(manager)
    page = client.get(reverse("governance:account_relationship", kwargs={"account_id": account.pk})).content.decode()
    assert "Relationship risks" in page
    response = client.post(reverse("governance:account_risk_create", kwargs={"account_id": account.pk}), {
        "title": "Sponsor retires", "category": "client", "probability": "2", "impact": "5", "response": "mitigate",
        "owner": manager.pk})
    assert response.status_code == 302
    risk = Risk.objects.get(account=account)
    assert (risk.project_id, risk.owner, risk.score) == (None, manager, 10)
    page = client.get(reverse("governance:account_relationship", kwargs={"account_id": account.pk})).content.decode()
    assert "Sponsor retires" in page


@pytest.mark.parametrize("name", ["register", "list"])
def test_query_counts_do_not_grow_with_risks(name):
    project = make_project()
    owner = make_user(role=Role.MEMBER)
    make_risk(project=project, owner=owner)
    client = client_for(project.manager)
    url = (reverse("governance:project_risks", kwargs={"project_id": project.pk}) if name == "register"
           else reverse("governance:risk_list"))
    client.get(url)  # the session and per-process caches warm up once
    one = _count(client, url)
    for number in range(29):
        make_risk(project=project, title=f"Risk {number}", owner=owner, probability=1 + number % 5,
                  impact=1 + (number * 3) % 5)
    assert _count(client, url) == one
    assert one == QUERY_LIMITS[name]


# register: session, user, roles, project, exposure trend, calendar and holidays (the
# header), count, rows, heat map, SWOT analyses, unread notifications (the add form and
# its team query only when asked for, ``?add=1``).
QUERY_LIMITS = {"register": 11, "list": 6}


def test_heat_map_is_one_query_at_1_and_30_risks(django_assert_num_queries):
    from tandem.governance.selectors.risks import heat_map

    project = make_project()
    make_risk(project=project, probability=5, impact=1)
    with django_assert_num_queries(1):
        grid = heat_map(risks=Risk.objects.filter(project=project))
    assert grid[0] == [1, 0, 0, 0, 0] and sum(map(sum, grid)) == 1
    for number in range(29):
        make_risk(project=project, title=f"R{number}", probability=2, impact=4)
    with django_assert_num_queries(1):
        grid = heat_map(risks=Risk.objects.filter(project=project))
    assert grid[3][3] == 29 and sum(map(sum, grid)) == 30


def test_risk_list_exports_xlsx():
    import io

    from openpyxl import load_workbook

    project = make_project()
    make_risk(project=project, title="Alpha", review_date=dt.date(2031, 5, 2))
    response = client_for(project.manager).get(reverse("governance:risk_list"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Risk", "Project", "Account")
    assert rows[1][0] == "Alpha" and rows[1][6] == 12
