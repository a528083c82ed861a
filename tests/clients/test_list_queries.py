"""The queries behind the client list pages: the count shape of each client policy
returns exactly the rows of its scope, for every role; the rows of a page read only the
columns the page shows; and (SQLite) the page and count queries are served by the
indexes meant for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.clients import selectors, services
from tandem.clients.models import (
    Account,
    AccountItem,
    Contact,
    Feedback,
    FollowUp,
    Inquiry,
    Interaction,
)
from tandem.core.pagination import PAGE_COUNT_CAP
from tandem.core.permissions import scoped
from tandem.core.roles import Role
from tandem.people.models import User
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CLIENT_MODELS = (Account, AccountItem, Contact, Interaction, FollowUp, Feedback, Inquiry)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_world(people):
    """One account per owner (the account manager, a team-mate, an outsider, nobody),
    each with a contact, an inactive contact, an interaction, an item, feedback and an
    inquiry; on the outsider's account an inquiry assigned to the project manager and a
    follow-up owned by the account manager (seen through assignment and ownership)."""
    today = timezone.localdate()
    made = {}
    for key in ("owner", "teammate", "outsider", None):
        account = make_account(owner=people[key] if key else None, name=f"Account of {key or 'nobody'}")
        make_contact(account=account)
        make_contact(account=account, is_active=False)
        make_interaction(account=account)
        AccountItem.objects.create(account=account, kind="need", title="A need")
        services.feedback_create(actor=None, account=account, data={"sentiment": "positive", "text": "Good"})
        make_inquiry(account=account, subject=f"From {key or 'nobody'}")
        made[key] = account
    # A disabled team-mate's account stays visible to the team (the scope does not look
    # at the owner's status), in both shapes.
    gone = make_user(role=Role.ACCOUNT_MANAGER, email="gone@example.test", full_name="Gone Mate", team=people["owner"].person.team)
    made["gone"] = make_account(owner=gone, name="Account of gone")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    outsiders = made["outsider"]
    make_inquiry(account=outsiders, subject="Assigned to the PM", assignee=people["project_manager"])
    services.follow_up_create(actor=None, account=outsiders, owner=people["owner"], due_date=today,
                              description="Owned by the account manager")
    return made


@pytest.mark.parametrize(
    "who", ["admin", "executive", "owner", "teammate", "outsider", "project_manager", "member"]
)
def test_count_shape_holds_exactly_the_scoped_rows(people, client_world, who):
    actor = people[who]
    for model in CLIENT_MODELS:
        rows = set(scoped(actor, model).values_list("pk", flat=True))
        counted = set(scoped(actor, model, for_count=True).values_list("pk", flat=True))
        assert counted == rows, (who, model.__name__)
    # And the list selectors, whose counts the pages show, with their default filters.
    pairs = [
        (selectors.account_list, selectors.AccountFilters()),
        (selectors.contact_list, selectors.ContactFilters()),
        (selectors.interaction_list, selectors.InteractionFilters()),
        (selectors.inquiry_queue, selectors.InquiryFilters(status="open")),
    ]
    for selector, filters in pairs:
        rows = list(selector(actor=actor, filters=filters).values_list("pk", flat=True))
        assert selector(actor=actor, filters=filters, for_count=True).count() == len(rows), (who, selector)


def test_count_shape_of_an_account_manager(people, client_world):
    owner = people["owner"]
    names = set(scoped(owner, Account, for_count=True).values_list("name", flat=True))
    assert names == {"Account of owner", "Account of teammate", "Account of gone"}
    subjects = set(scoped(people["project_manager"], Inquiry, for_count=True).values_list("subject", flat=True))
    assert subjects == {"Assigned to the PM"}
    follow_ups = set(scoped(owner, FollowUp, for_count=True).values_list("description", flat=True))
    assert follow_ups == {"Owned by the account manager"}


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("clients:account_list", "clients_account"),
        ("clients:contact_list", "clients_contact"),
        ("clients:interaction_list", "clients_interaction"),
        ("clients:inquiry_queue", "clients_inquiry"),
    ],
)
def test_page_rows_read_only_the_columns_shown(people, client_world, name, table):
    """The rows query selects the page's columns, not every column of the model (the
    export still reads them all), and the page gets them as dictionaries."""
    client = client_for(people["owner"])
    client.get(reverse(name), {"status": "any"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"status": "any"})
    assert response.status_code == 200
    rows_sql = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"')]
    assert len(rows_sql) == 1, rows_sql
    rows = response.context["rows"]
    assert rows and all(isinstance(row[0] if isinstance(row, tuple) else row, dict) for row in rows)
    for unshown in ('"created_at"', '"updated_at"', '"version"', '"description"', '"body"', '"summary"'):
        assert unshown not in rows_sql[0], unshown


# --- Plans (SQLite) ---------------------------------------------------------------------


def explain(sql: str, params: Any = ()) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def sqlite_plan(queryset: Any) -> str:
    return explain(*queryset.query.sql_with_params())


def count_plan(queryset: Any) -> str:
    """The plan of the capped count :func:`tandem.core.pagination.paginate` runs."""
    with CaptureQueriesContext(connection) as queries:
        queryset.order_by()[:PAGE_COUNT_CAP + 1].count()
    (query,) = queries.captured_queries
    return explain(query["sql"])


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans")


@sqlite_only
def test_contact_count_reads_the_covering_index(people, client_world):
    plan = count_plan(selectors.contact_list(actor=people["owner"], for_count=True))
    assert "USING COVERING INDEX contact_account_active_idx (account_id=? AND is_active=?)" in plan
    assert "SCAN clients_contact" not in plan


@sqlite_only
def test_counts_walk_accounts_by_owner(people, client_world):
    owner = people["owner"]
    for selector in (selectors.account_list, selectors.interaction_list):
        plan = count_plan(selector(actor=owner, for_count=True))
        assert "SEARCH clients_account USING COVERING INDEX clients_account_owner_id" in plan, plan
    plan = count_plan(selectors.interaction_list(actor=owner, for_count=True))
    assert "USING COVERING INDEX interaction_account_idx (account_id=?)" in plan


@sqlite_only
def test_page_rows_follow_the_ordering_index(people, client_world):
    """Rows are read in index order and stop after a page (no sort of every visible row)."""
    owner = people["owner"]
    cases = [
        (selectors.account_list(actor=owner), "account_name_idx"),
        (selectors.contact_list(actor=owner), "contact_name_idx"),
        (selectors.interaction_list(actor=owner), "interaction_time_idx"),
        # ?logged_by= and the home card's latest interactions
        (selectors.interaction_list(actor=owner, filters=selectors.InteractionFilters(logged_by_id=owner.pk)),
         "interaction_logger_idx"),
        (selectors.inquiry_queue(actor=owner, filters=selectors.InquiryFilters(status="open")), "inquiry_queue_idx"),
    ]
    for queryset, index in cases:
        plan = sqlite_plan(queryset[:50])
        assert f"INDEX {index}" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_inquiry_queue_default_is_open_by_sla_due(people, client_world):
    """The queue's order: earliest SLA due first, ids breaking ties."""
    owner = people["owner"]
    account = client_world["owner"]
    now = timezone.now()
    later = make_inquiry(account=account, subject="Later", received_at=now - dt.timedelta(minutes=5))
    earlier = make_inquiry(account=account, subject="Earlier", received_at=now - dt.timedelta(days=3))
    Inquiry.objects.filter(pk=later.pk).update(sla_due_at=now + dt.timedelta(hours=8))
    Inquiry.objects.filter(pk=earlier.pk).update(sla_due_at=now - dt.timedelta(hours=1))
    response = client_for(owner).get(reverse("clients:inquiry_queue"))
    subjects = [inquiry["subject"] for inquiry, _ in response.context["rows"]]
    assert subjects.index("Earlier") < subjects.index("Later")
    due = [inquiry["sla_due_at"] for inquiry, _ in response.context["rows"]]
    assert due == sorted(due)
