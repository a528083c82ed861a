"""Status report pages: the Status tab (trend and list; query count the same at 1 and
at 20 reports), writing and editing a draft (a stale edit says so and keeps the text),
publish naming its recipients, the portfolio (filters, query count the same at 1 and 20
projects) and the "Status reports due" home card equal to the list behind it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core.roles import Role
from tandem.core.services import model_create
from tandem.delivery import services as delivery_services
from tandem.delivery.models import Project
from tandem.governance.home_reports import status_reports_due
from tandem.governance.models import Stakeholder, StatusReport
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project
from tests.factories import make_user
from tests.governance.factories_reports import report_project

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12


def published(project, day: int, rag: str = "green", published_at=None) -> StatusReport:
    return model_create(actor=None, model=StatusReport, data={
        "project": project, "period_start": dt.date(2026, 11, day), "period_end": dt.date(2026, 11, day),
        "status": "published", "published_at": published_at or dt.datetime(2026, 11, day, 12, tzinfo=dt.UTC),
        "overall_rag": rag, "schedule_rag": rag, "budget_rag": "green", "scope_rag": "amber"})


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_status_tab_trend_and_query_count():
    world = report_project()
    project, client = world["project"], client_for(world["manager"])
    url = f"/governance/projects/{project.pk}/status/"
    empty = client.get(url).content.decode()
    assert "No status report yet" in empty and "Write this period's report" in empty
    published(project, 1, "amber")
    one, _html = count_queries(client, url)
    for day in range(2, 21):
        published(project, day, "red" if day == 20 else "green")
    many, html = count_queries(client, url)
    assert one == many <= MAX_QUERIES
    assert html.count('data-testid="report-row"') == 20
    # The strip shows the last twelve, oldest first: 9 Nov … 20 Nov; each cell a link with its word.
    assert html.count('data-testid="rag-trend-row"') == 4
    assert html.count('data-rag="red"') == 2  # 20 Nov: schedule and overall
    assert ">9 Nov 2026</a>" in html and ">8 Nov 2026</a>" not in html


def test_write_edit_and_publish_in_the_browser():
    world = report_project()
    project, manager = world["project"], world["manager"]
    Stakeholder.objects.create(project=project, user=make_user(full_name="Sam Sponsor"))
    client = client_for(manager)
    response = client.post(f"/governance/projects/{project.pk}/status/")
    report = StatusReport.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == f"/governance/status-reports/{report.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Publishing sends it to Sam Sponsor." in page
    assert f'<a href="/delivery/projects/{project.pk}/board/?status=blocked">1 task blocked: Build.</a>' in page
    assert f'<a href="/delivery/projects/{project.pk}/#plan">60.0 %</a>' in page  # the figures link too
    form = {"version": 1, "overall_rag": "amber", "schedule_rag": "amber", "budget_rag": "red", "scope_rag": "green",
            "summary": "Recovering", "accomplishments": "Design", "next_steps": "Build", "blockers": ""}
    assert client.post(f"/governance/status-reports/{report.pk}/", form).status_code == 302
    stale = client.post(f"/governance/status-reports/{report.pk}/", {**form, "summary": "Mine"})
    assert stale.status_code == 409
    assert "Someone saved this report since you opened it" in stale.content.decode()
    assert "Mine" in stale.content.decode()
    assert client.post(f"/governance/status-reports/{report.pk}/publish/", {"version": 2}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.summary, report.overall_rag) == ("published", "Recovering", "amber")
    after = client.get(f"/governance/status-reports/{report.pk}/").content.decode()
    assert 'data-testid="report-form"' not in after and "Published" in after


def test_a_member_reads_but_may_not_write():
    world = report_project()
    project = world["project"]
    member = make_user(role=Role.MEMBER)
    delivery_services.project_member_add(actor=None, project=project, user=member)
    report = StatusReport.objects.create(project=project, period_start=dt.date(2027, 1, 7),
                                         period_end=dt.date(2027, 1, 20))
    client = client_for(member)
    page = client.get(f"/governance/status-reports/{report.pk}/").content.decode()
    assert 'data-testid="report-form"' not in page and 'data-testid="report-publish"' not in page
    assert client.post(f"/governance/status-reports/{report.pk}/publish/").status_code == 403
    assert client.post(f"/governance/projects/{project.pk}/status/").status_code == 403
    assert StatusReport.objects.get(pk=report.pk).status == "draft"
    assert StatusReport.objects.count() == 1


def test_portfolio_filters_and_query_count():
    manager = make_manager(full_name="Paula Portfolio")
    client = client_for(manager)

    def active(**data):
        project = make_project(manager=manager, **data)
        Project.objects.filter(pk=project.pk).update(status="active")
        return project

    first = active(code="AAA")
    published(first, 1, "red")
    one, html = count_queries(client, "/governance/status-reports/")
    assert 'data-testid="portfolio-count">1<' in html
    for number in range(19):
        published(active(code=f"B{number:02d}"), 2)
    many, html = count_queries(client, "/governance/status-reports/")
    assert one == many <= MAX_QUERIES
    assert html.count('data-testid="portfolio-row"') == 20
    _count, red = count_queries(client, "/governance/status-reports/?rag=red")
    assert red.count('data-testid="portfolio-row"') == 1 and "AAA" in red


def test_home_card_counts_exactly_the_due_list():
    manager = make_manager()
    fresh, stale, never = (make_project(manager=manager) for _ in range(3))
    Project.objects.filter(pk__in=[fresh.pk, stale.pk, never.pk]).update(status="active")
    published(fresh, 1, published_at=timezone.now() - dt.timedelta(days=2))
    published(stale, 2, published_at=timezone.now() - dt.timedelta(days=20))
    card = status_reports_due(manager)
    assert card is not None and card.count == 2
    assert card.url == "/governance/status-reports/?due=1&manager=me"
    html = client_for(manager).get(card.url).content.decode()
    assert html.count('data-testid="portfolio-row"') == 2
    assert fresh.code not in html and stale.code in html and never.code in html


def test_writing_again_when_the_last_report_covers_today_says_so():
    world = report_project()
    project = world["project"]
    published(project, 1, published_at=timezone.now())
    StatusReport.objects.filter(project=project).update(period_end=timezone.localdate())
    client = client_for(world["manager"])
    response = client.post(f"/governance/projects/{project.pk}/status/", follow=True)
    assert response.redirect_chain == [(f"/governance/projects/{project.pk}/status/", 302)]
    assert "choose a later end for this one" in response.content.decode()
    assert StatusReport.objects.filter(project=project).count() == 1
