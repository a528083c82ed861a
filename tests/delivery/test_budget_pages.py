"""The Budget tab: key facts, the burn chart's data and table, the earned value table,
who sees costs, the expense form with its receipt upload (errors on the field), the
delete button; query counts pinned, the same at two sizes."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import ProjectExpense
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.delivery.factories import make_manager
from tests.delivery.test_budget_earned_value import STATUS, approved, expense, worked_example
from tests.delivery.test_budget_expenses import EXE, PNG
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# Session, user, roles, unread count (4); the project (1); the organisation calendar
# (1); time and expenses by day (1, both grouped in one); the latest baseline and the
# plan's leaf rows, read once for the figures and the burn chart (2); the done totals
# (1); the team for the form (1); the expenses window (1).
MANAGER_QUERIES = 12
# A member: the same without the form.
MEMBER_QUERIES = 11


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    project = worked_example()
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    services.project_member_add(actor=None, project=project, user=member)
    return {"project": project, "manager": project.manager, "member": member}


def url(project, **query) -> str:
    params = "&".join(f"{key}={value}" for key, value in {"on": STATUS.isoformat(), **query}.items())
    return f"/delivery/projects/{project.pk}/budget/?{params}"


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def fact(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</div>\s*(?=<div class="col|</dl>)', html, re.S)
    assert match, testid
    return text(match.group(1))


def test_the_manager_sees_the_key_facts_with_words(world) -> None:
    response = client_for(world["manager"]).get(url(world["project"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert fact(html, "fact-budget") == "Budget (BAC) 100,000.00 EUR"
    assert fact(html, "fact-spent") == "Spent (AC) 75,000.00 EUR 75.0 % of the budget"
    assert fact(html, "fact-cpi") == "CPI 0.80 Over budget"
    assert fact(html, "fact-spi") == "SPI 0.67 Behind schedule"
    assert fact(html, "fact-eac") == "Estimate at completion (EAC) 125,000.00 EUR"
    assert fact(html, "fact-vac") == "Variance at completion (VAC) −25,000.00 EUR Over budget at completion"
    assert 'Planned against the baseline “Signed”' in html
    rows = dict(re.findall(r'<tr data-figure="(\w+)">.*?<td class="text-end text-nowrap">(.*?)</td>', html, re.S))
    assert rows == {"BAC": "100,000.00 EUR", "PV": "90,000.00 EUR", "EV": "60,000.00 EUR", "AC": "75,000.00 EUR",
                    "CV": "−15,000.00 EUR", "SV": "−30,000.00 EUR", "CPI": "0.8000", "SPI": "0.6667",
                    "EAC": "125,000.00 EUR", "ETC": "50,000.00 EUR", "VAC": "−25,000.00 EUR", "TCPI": "1.6000"}
    chart = json.loads(re.search(r'<script id="burn-data" type="application/json">(.*?)</script>', html).group(1))
    assert chart == {"currency": "EUR", "by": "week", "labels": ["4 Jan 2027", "11 Jan 2027", "18 Jan 2027"],
                     "planned": [40000.0, 80000.0, 100000.0], "actual": [66000.0, 75000.0, 75000.0],
                     "budget": 100000.0}
    table = re.search(r'data-testid="burn-table">(.*?)</table>', html, re.S).group(1)
    assert "<th scope=\"row\" class=\"text-nowrap\">11 Jan 2027</th>" in table and "75,000.00 EUR" in table
    assert 'data-testid="expense-form"' in html and 'enctype="multipart/form-data"' in html
    assert html.count('data-testid="expense-row"') == 2  # 9,000 and the 500 after the status date
    assert 'nonce="' in html and "delivery/budget.js" in html and "<script>" not in html


def test_a_member_sees_no_costs_and_no_form(world) -> None:
    html = client_for(world["member"]).get(url(world["project"])).content.decode()
    assert 'data-testid="fact-spent"' not in html and 'data-testid="fact-cpi"' not in html
    assert fact(html, "fact-spi") == "SPI 0.67 Behind schedule"
    assert 'data-testid="costs-hidden"' in html
    rows = re.findall(r'<tr data-figure="(\w+)">', html)
    assert rows == ["BAC", "PV", "EV", "SV", "SPI"]
    chart = json.loads(re.search(r'<script id="burn-data" type="application/json">(.*?)</script>', html).group(1))
    assert chart["actual"] == []
    assert "66,000" not in html and "75,000" not in html and "1000.00" not in html
    assert 'data-testid="expense-form"' not in html and "Delete</button>" not in html
    # Expenses themselves are seen with the project.
    assert html.count('data-testid="expense-row"') == 2


def test_the_account_owner_sees_costs_others_get_404(world) -> None:
    am = make_user(role=Role.ACCOUNT_MANAGER)
    project = world["project"]
    project.account = make_account(owner=am)
    project.save(update_fields=["account"])
    html = client_for(am).get(url(project)).content.decode()
    assert fact(html, "fact-spent").startswith("Spent (AC) 75,000.00 EUR")
    assert 'data-testid="expense-form"' not in html
    assert client_for(make_manager()).get(url(project)).status_code == 404


def test_query_counts_do_not_grow_with_the_data(world) -> None:
    project = world["project"]
    manager, member = client_for(world["manager"]), client_for(world["member"])
    for _size in range(2):
        with CaptureQueriesContext(connection) as manager_queries:
            assert manager.get(url(project)).status_code == 200
        with CaptureQueriesContext(connection) as member_queries:
            assert member.get(url(project)).status_code == 200
        assert (len(manager_queries), len(member_queries)) == (MANAGER_QUERIES, MEMBER_QUERIES)
        for day in range(1, 8):
            expense(project, day=dt.date(2027, 1, day), amount="10")
            approved(project, day=dt.date(2027, 1, day), hours="1", rate="50")


def test_adding_an_expense_with_a_receipt(world) -> None:
    project = world["project"]
    client = client_for(world["manager"])
    response = client.post(url(project), {
        "date": "2027-01-18", "description": "Hotel", "category": "Travel", "amount": "240.00", "currency": "eur",
        "spent_by": str(world["member"].pk), "is_billable": "on",
        "receipt": SimpleUploadedFile("hotel.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302
    assert response["Location"] == f"/delivery/projects/{project.pk}/budget/#expenses"
    created = ProjectExpense.objects.get(description="Hotel")
    assert (created.amount, created.currency, created.spent_by, created.is_billable) == (
        Decimal("240.00"), "EUR", world["member"], True)
    assert created.receipt.name.endswith(".png")
    html = client.get(url(project)).content.decode()
    assert f'href="/delivery/expenses/{created.pk}/receipt/"' in html


def test_a_refused_receipt_is_said_next_to_the_field(world) -> None:
    project = world["project"]
    response = client_for(world["manager"]).post(url(project), {
        "date": "2027-01-18", "description": "Hotel", "amount": "240.00", "currency": "EUR",
        "receipt": SimpleUploadedFile("hotel.png", EXE, content_type="image/png"),
    })
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'id="id_receipt".*?PDF, PNG or JPEG file \(this file is none of these\)', html, re.S)
    assert not ProjectExpense.objects.filter(description="Hotel").exists()


def test_members_may_not_post_or_delete(world) -> None:
    project = world["project"]
    target = ProjectExpense.objects.filter(project=project).first()
    client = client_for(world["member"])
    count = ProjectExpense.objects.count()
    assert client.post(url(project), {"date": "2027-01-18", "description": "X", "amount": "1",
                                      "currency": "EUR"}).status_code == 403
    assert client.post(f"/delivery/expenses/{target.pk}/delete/", {"version": "1"}).status_code == 403
    assert ProjectExpense.objects.count() == count


def test_the_manager_deletes_an_expense(world) -> None:
    project = world["project"]
    target = ProjectExpense.objects.filter(project=project, amount=Decimal("500")).get()
    response = client_for(world["manager"]).post(f"/delivery/expenses/{target.pk}/delete/", {"version": "1"})
    assert response.status_code == 302
    assert not ProjectExpense.objects.filter(pk=target.pk).exists()


def test_empty_states(world) -> None:
    project = services.project_create(actor=None, data={
        "code": "EMPTY-1", "name": "Nothing yet", "start_date": dt.date(2027, 1, 4), "manager": world["manager"]})
    html = client_for(world["manager"]).get(url(project)).content.decode()
    assert "No expenses yet. Record travel, licences or subcontractors below" in html
    assert fact(html, "fact-budget") == "Budget (BAC) No budget set"
    assert fact(html, "fact-cpi") == "CPI Not measurable yet Not measurable yet"
    assert "Planned against the current schedule (no baseline saved yet)." in html


def test_a_missing_rate_is_said_on_the_page(world) -> None:
    expense(world["project"], day=dt.date(2027, 1, 5), amount="10", currency="CHF")
    html = client_for(world["manager"]).get(url(world["project"])).content.decode()
    assert 'data-testid="rate-error"' in html and "No exchange rate for CHF on or before 2027-01-05" in html
