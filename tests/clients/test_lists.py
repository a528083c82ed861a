"""List pages: accounts, contacts, interactions, the inquiry queue and "needs attention".

Exact rows and order, filters, sorting (aria-sort), text search, pagination, empty states,
HTMX partials, exports of exactly the filtered visible rows, permission scoping by role,
navigation entries, and query counts pinned at 10 and 100 rows per page and two data
sizes (the same count for all four)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Account, Inquiry, InteractionKind
from tandem.core.roles import Role
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

# Queries of each list page, whatever the data size and page size: session, user,
# their roles, the unread-notification badge, the capped count, the page's rows and the
# saved views of the views menu; the account list also reads the account managers its
# owner filter offers. An HTMX partial reads neither the badge nor the saved views.
ACCOUNT_LIST_QUERIES = 8
CONTACT_LIST_QUERIES = 7
INTERACTION_LIST_QUERIES = 7
INQUIRY_QUEUE_QUERIES = 7
LAYOUT_ONLY = 2  # the badge and the saved views
# The account named by ?account= costs one more.
WITH_ACCOUNT_FILTER = 1


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(account_manager):
    return account_manager


@pytest.fixture
def teammate(team):
    return make_user(role=Role.ACCOUNT_MANAGER, email="mate@example.test", full_name="Tina Teammate", team=team)


@pytest.fixture
def outsider():
    return make_user(
        role=Role.ACCOUNT_MANAGER, email="other@example.test", full_name="Oscar Other", team=make_team(name="North")
    )


def text(response) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def row_name(row: dict) -> str:
    """What names a row of each list: an account's or inquiry's own name or subject, a
    contact's full name, an interaction's "Kind: subject"."""
    if "first_name" in row:
        return f"{row['first_name']} {row['last_name']}".strip()
    if "occurred_at" in row:
        return f"{InteractionKind(row['kind']).label}: {row['subject']}"
    return row.get("name") or row["subject"]


def row_names(response) -> list[str]:
    """The rows of a list page (dictionaries of the shown columns), by name."""
    return [row_name(row[0] if isinstance(row, tuple) else row) for row in response.context["rows"]]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


# --- Accounts ---------------------------------------------------------------------------


@pytest.fixture
def accounts(owner, teammate, outsider):
    now = timezone.now()
    made = {
        "acme": make_account(owner=owner, name="Acme Ltd", tier="key", domain="acme.example", industry="Logistics"),
        "bolt": make_account(owner=teammate, name="Bolt Works", tier="strategic", lifecycle="prospect"),
        "cobalt": make_account(owner=owner, name="Cobalt plc", tier="standard", lifecycle="churned"),
        "dyno": make_account(owner=owner, name="Dyno Data", tier="standard", lifecycle="prospect"),
        "hidden": make_account(owner=outsider, name="Hidden Holdings", tier="key"),
    }
    Account.objects.filter(pk=made["acme"].pk).update(check_in_due_at=now - dt.timedelta(days=3))
    Account.objects.filter(pk=made["bolt"].pk).update(check_in_due_at=now + dt.timedelta(days=5))
    Account.objects.filter(pk=made["dyno"].pk).update(check_in_due_at=now - dt.timedelta(days=9))
    assert made["cobalt"].check_in_due_at is None  # churned: no check-in due
    return made


def test_account_list_shows_own_and_team_accounts_by_name(owner, accounts):
    # An account manager opens the list on "My accounts"; "All accounts" adds the team's.
    mine = client_for(owner).get(reverse("clients:account_list"))
    assert row_names(mine) == ["Acme Ltd", "Cobalt plc", "Dyno Data"]
    response = client_for(owner).get(reverse("clients:account_list"), {"view": "all"})
    assert response.status_code == 200
    assert row_names(response) == ["Acme Ltd", "Bolt Works", "Cobalt plc", "Dyno Data"]
    body = squash(text(response))
    assert "Hidden Holdings" not in body
    assert '<th scope="col" aria-sort="ascending">' in body
    assert '<p class="mb-0" role="status" data-testid="list-total">4 accounts</p>' in body
    assert body.count('data-testid="overdue"') == 2
    assert [overdue for _, overdue in response.context["rows"]] == [True, False, False, True]


def test_account_list_filters_search_and_sort(owner, teammate, accounts):
    client = client_for(owner)
    url = reverse("clients:account_list")
    assert row_names(client.get(url, {"q": "acme.ex"})) == ["Acme Ltd"]  # domain
    assert row_names(client.get(url, {"q": "BOLT"})) == ["Bolt Works"]
    assert row_names(client.get(url, {"tier": "key"})) == ["Acme Ltd"]
    assert row_names(client.get(url, {"lifecycle": "prospect"})) == ["Bolt Works", "Dyno Data"]
    assert row_names(client.get(url, {"lifecycle": "churned"})) == ["Cobalt plc"]
    assert row_names(client.get(url, {"owner": teammate.pk})) == ["Bolt Works"]
    assert row_names(client.get(url, {"industry": "logistics"})) == ["Acme Ltd"]
    assert row_names(client.get(url, {"overdue": "on"})) == ["Acme Ltd", "Dyno Data"]
    assert row_names(client.get(url, {"sort": "-name"})) == ["Dyno Data", "Cobalt plc", "Bolt Works", "Acme Ltd"]
    assert row_names(client.get(url, {"sort": "tier"})) == ["Acme Ltd", "Cobalt plc", "Dyno Data", "Bolt Works"]
    assert row_names(client.get(url, {"sort": "check_in_due", "overdue": "on"})) == ["Dyno Data", "Acme Ltd"]
    assert row_names(client.get(url, {"sort": "-check_in_due", "overdue": "on"})) == ["Acme Ltd", "Dyno Data"]
    # An owner outside the filter's choices and junk values are no filter, not an error.
    response = client.get(url, {"owner": "999999", "tier": "gold", "sort": "drop table", "per_page": "x"})
    assert response.status_code == 200
    assert row_names(response) == ["Acme Ltd", "Bolt Works", "Cobalt plc", "Dyno Data"]


def test_account_list_sort_links_keep_filters_and_reverse(owner, accounts):
    response = client_for(owner).get(reverse("clients:account_list"), {"tier": "key", "sort": "name"})
    headers = {header.label: header for header in response.context["headers"]}
    assert headers["Name"].url_query == "tier=key&sort=-name"
    assert headers["Name"].aria_sort == "ascending"
    assert headers["Tier"].url_query == "tier=key&sort=tier"
    assert headers["Tier"].aria_sort is None
    assert not headers["Account manager"].sortable
    assert response.context["csv_query"] == "tier=key&sort=name&format=csv"


def test_account_list_htmx_answers_the_results_only(owner, accounts):
    response = client_for(owner).get(reverse("clients:account_list"), {"q": "acme"}, **HTMX)
    body = text(response)
    assert body.lstrip().startswith('<div id="account-results" class="list-results">')
    assert "<html" not in body and "Acme Ltd" in body and "Bolt Works" not in body
    assert "HX-Request" in response["Vary"]
    # The full page works without JavaScript: a GET form and plain links.
    page = squash(text(client_for(owner).get(reverse("clients:account_list"))))
    assert '<form method="get" action="/clients/accounts/"' in page
    assert 'hx-push-url="true"' in page


def test_account_list_paginates(owner):
    for number in range(12):
        make_account(owner=owner, name=f"Client {number:02d}")
    client = client_for(owner)
    response = client.get(reverse("clients:account_list"), {"per_page": "10", "page": "2"})
    assert row_names(response) == ["Client 10", "Client 11"]
    assert response.context["previous_query"] == "per_page=10&page=1"
    assert response.context["next_query"] == ""
    assert "11\u201312 of 12" in text(response)


def test_account_list_empty_states(owner, executive, outsider):
    body = squash(text(client_for(owner).get(reverse("clients:account_list"))))
    assert "No accounts yet — <a href=\"/clients/accounts/new/\">create one</a> or import them from a Salesforce or HubSpot export." in body
    make_account(owner=outsider, name="Elsewhere")
    body = squash(text(client_for(owner).get(reverse("clients:account_list"), {"q": "zzz"})))
    assert "No account matches these filters." in body
    body = squash(text(client_for(executive).get(reverse("clients:account_list"), {"q": "zzz"})))
    assert "No account matches these filters." in body


def test_account_list_by_role(users_by_role, accounts):
    url = reverse("clients:account_list")
    everything = ["Acme Ltd", "Bolt Works", "Cobalt plc", "Dyno Data", "Hidden Holdings"]
    assert row_names(client_for(users_by_role[Role.ADMIN]).get(url)) == everything
    assert row_names(client_for(users_by_role[Role.EXECUTIVE]).get(url)) == everything
    assert row_names(client_for(users_by_role[Role.PROJECT_MANAGER]).get(url)) == []
    assert row_names(client_for(users_by_role[Role.MEMBER]).get(url)) == []
    assert client_for(users_by_role[Role.MEMBER]).get(url, {"format": "csv"}).status_code == 200


def test_account_export_csv_is_exactly_the_filtered_visible_rows(owner, accounts):
    response = client_for(owner).get(reverse("clients:account_list"), {"tier": "key", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="accounts-{day}.csv"'
    rows = csv_rows(response)
    assert rows[0] == [
        "Name", "Domain", "Industry", "Tier", "Lifecycle", "Account manager", "Account manager e-mail", "City",
        "Country", "Last contact", "Next check-in", "Customer since", "Source", "External id",
    ]
    due = timezone.localtime(Account.objects.get(name="Acme Ltd").check_in_due_at).strftime("%Y-%m-%d %H:%M")
    since = Account.objects.get(name="Acme Ltd").customer_since.isoformat()
    assert rows[1:] == [[
        "Acme Ltd", "acme.example", "Logistics", "Key", "Active customer", "Alan Account", "am@example.test", "",
        "", "", due, since, "Entered in Tandem", "",
    ]]
    # The other team's key account is in no export of the account manager's.
    everything = csv_rows(client_for(owner).get(reverse("clients:account_list"), {"format": "csv"}))
    assert [row[0] for row in everything[1:]] == ["Acme Ltd", "Bolt Works", "Cobalt plc", "Dyno Data"]


def test_account_export_xlsx_opens_with_the_same_rows(owner, accounts):
    response = client_for(owner).get(reverse("clients:account_list"), {"sort": "-name", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="accounts-')
    rows = xlsx_rows(response)
    assert [row[0] for row in rows] == ["Name", "Dyno Data", "Cobalt plc", "Bolt Works", "Acme Ltd"]
    assert rows[1][3] == "Standard"
    assert isinstance(rows[1][10], dt.datetime)  # a real date cell, not text


# --- Contacts --------------------------------------------------------------------------


@pytest.fixture
def contacts(accounts):
    return {
        "ann": make_contact(account=accounts["acme"], first_name="Ann", last_name="Archer", email="ann@acme.example",
                            job_title="CFO", is_decision_maker=True),
        "ben": make_contact(account=accounts["bolt"], first_name="Ben", last_name="Baker", email="ben@bolt.example"),
        "cat": make_contact(account=accounts["acme"], first_name="Cat", last_name="Cole", email="cat@acme.example",
                            is_active=False),
        "hal": make_contact(account=accounts["hidden"], first_name="Hal", last_name="Hidden", email="hal@hidden.example"),
    }


def test_contact_list_filters_and_scope(owner, contacts, accounts):
    client = client_for(owner)
    url = reverse("clients:contact_list")
    assert row_names(client.get(url)) == ["Ann Archer", "Ben Baker"]
    assert row_names(client.get(url, {"inactive": "on"})) == ["Ann Archer", "Ben Baker", "Cat Cole"]
    assert row_names(client.get(url, {"q": "ben@"})) == ["Ben Baker"]
    assert row_names(client.get(url, {"decision_makers": "on"})) == ["Ann Archer"]
    assert row_names(client.get(url, {"sort": "-name"})) == ["Ben Baker", "Ann Archer"]
    response = client.get(url, {"account": accounts["acme"].pk, "inactive": "on"})
    assert row_names(response) == ["Ann Archer", "Cat Cole"]
    assert "Contacts of Acme Ltd" in text(response)
    # Another team's account in ?account= is no filter (and shows nothing of it).
    response = client.get(url, {"account": accounts["hidden"].pk})
    assert row_names(response) == ["Ann Archer", "Ben Baker"]
    assert "Hidden" not in text(response)


def test_contact_export_never_holds_another_teams_contact(owner, executive, contacts):
    rows = csv_rows(client_for(owner).get(reverse("clients:contact_list"), {"format": "csv", "inactive": "on"}))
    assert rows == [
        ["First name", "Last name", "E-mail", "Phone", "Mobile", "Job title", "Department", "Account",
         "Primary contact", "Decision maker", "E-mail opt-out", "Active"],
        ["Ann", "Archer", "ann@acme.example", "", "", "CFO", "", "Acme Ltd", "no", "yes", "no", "yes"],
        ["Ben", "Baker", "ben@bolt.example", "", "", "", "", "Bolt Works", "no", "no", "no", "yes"],
        ["Cat", "Cole", "cat@acme.example", "", "", "", "", "Acme Ltd", "no", "no", "no", "no"],
    ]
    rows = csv_rows(client_for(executive).get(reverse("clients:contact_list"), {"format": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Archer", "Baker", "Hidden"]


def test_contact_list_empty_state(owner):
    body = squash(text(client_for(owner).get(reverse("clients:contact_list"))))
    assert "No contacts yet — open an" in body


# --- Interactions ------------------------------------------------------------------------


@pytest.fixture
def interactions(owner, accounts):
    base = timezone.make_aware(dt.datetime(2025, 3, 10, 10, 0))
    return [
        make_interaction(account=accounts["acme"], subject="Kick-off meeting", kind="meeting", occurred_at=base),
        make_interaction(account=accounts["bolt"], subject="Pricing call", kind="call", occurred_at=base + dt.timedelta(days=1)),
        make_interaction(account=accounts["acme"], subject="Renewal e-mail", kind="email", occurred_at=base + dt.timedelta(days=2)),
        make_interaction(account=accounts["hidden"], subject="Secret call", kind="call", occurred_at=base + dt.timedelta(days=3)),
    ]


def test_interaction_list_newest_first_with_filters(owner, interactions, accounts):
    client = client_for(owner)
    url = reverse("clients:interaction_list")
    assert row_names(client.get(url)) == ["E-mail: Renewal e-mail", "Call: Pricing call", "Meeting: Kick-off meeting"]
    assert row_names(client.get(url, {"sort": "date"})) == [
        "Meeting: Kick-off meeting", "Call: Pricing call", "E-mail: Renewal e-mail"
    ]
    assert row_names(client.get(url, {"kind": "call"})) == ["Call: Pricing call"]
    assert row_names(client.get(url, {"q": "renewal"})) == ["E-mail: Renewal e-mail"]
    # Dates are whole local days, "To" inclusive.
    assert row_names(client.get(url, {"since": "2025-03-11", "until": "2025-03-11"})) == ["Call: Pricing call"]
    assert row_names(client.get(url, {"account": accounts["acme"].pk})) == [
        "E-mail: Renewal e-mail", "Meeting: Kick-off meeting"
    ]
    rows = csv_rows(client.get(url, {"format": "csv", "kind": "meeting"}))
    assert rows == [
        ["Date", "Kind", "Direction", "Subject", "Account", "Logged by", "Duration (minutes)", "Summary", "Next steps"],
        ["2025-03-10 10:00", "Meeting", "To the client", "Kick-off meeting", "Acme Ltd", "", "", "", ""],
    ]


def test_interaction_list_empty_state(owner):
    body = squash(text(client_for(owner).get(reverse("clients:interaction_list"))))
    assert "No interactions logged yet — open an" in body


# --- The inquiry queue -------------------------------------------------------------------


@pytest.fixture
def inquiries(owner, member, accounts):
    now = timezone.now()
    made = {
        "late": make_inquiry(account=accounts["acme"], subject="Late one", received_at=now - dt.timedelta(days=6)),
        "soon": make_inquiry(account=accounts["bolt"], subject="Soon one", received_at=now - dt.timedelta(hours=1)),
        "fresh": make_inquiry(account=accounts["acme"], subject="Fresh one", received_at=now - dt.timedelta(minutes=5)),
        "answered": make_inquiry(account=accounts["acme"], subject="Answered one", received_at=now - dt.timedelta(days=3)),
        "theirs": make_inquiry(account=accounts["hidden"], subject="Other team's", received_at=now - dt.timedelta(days=1),
                               assignee=member),
    }
    # SLA due times fixed relative to now, so the states are certain whatever the calendar.
    Inquiry.objects.filter(pk=made["late"].pk).update(sla_due_at=now - dt.timedelta(hours=2))
    Inquiry.objects.filter(pk=made["soon"].pk).update(sla_due_at=now + dt.timedelta(hours=1))
    Inquiry.objects.filter(pk=made["fresh"].pk).update(sla_due_at=now + dt.timedelta(days=2))
    Inquiry.objects.filter(pk=made["theirs"].pk).update(sla_due_at=now + dt.timedelta(days=1))
    answered = Inquiry.objects.get(pk=made["answered"].pk)
    Inquiry.objects.filter(pk=answered.pk).update(
        status="responded", first_response_at=answered.received_at + dt.timedelta(hours=3),
        response_business_hours="2.50", sla_due_at=answered.received_at + dt.timedelta(hours=8),
    )
    return made


def test_inquiry_queue_by_sla_due_with_states(owner, inquiries):
    response = client_for(owner).get(reverse("clients:inquiry_queue"))
    assert row_names(response) == ["Late one", "Soon one", "Fresh one"]
    assert [sla.code for _, sla in response.context["rows"]] == ["breached", "at_risk", "on_track"]
    body = squash(text(response))
    assert ">Breached</span>" in body and ">At risk</span>" in body and ">On track</span>" in body
    assert "Other team" not in body


def test_inquiry_queue_status_filters_and_response_time(owner, inquiries):
    client = client_for(owner)
    url = reverse("clients:inquiry_queue")
    response = client.get(url, {"status": "responded"})
    assert row_names(response) == ["Answered one"]
    assert [sla.code for _, sla in response.context["rows"]] == ["met"]
    assert '<td data-testid="response-hours">2.5 h</td>' in squash(text(response))
    assert row_names(client.get(url, {"status": "any"})) == ["Answered one", "Late one", "Soon one", "Fresh one"]
    assert row_names(client.get(url, {"status": "any", "sort": "-received"})) == [
        "Fresh one", "Soon one", "Answered one", "Late one"
    ]
    rows = csv_rows(client.get(url, {"status": "responded", "format": "csv"}))
    assert rows[0][:3] == ["Subject", "Account", "Contact"]
    assert rows[1][0] == "Answered one" and rows[1][10] == "Met" and rows[1][12] == "2.50"


def test_inquiry_queue_for_a_member_shows_only_their_assignments(member, inquiries):
    client = client_for(member)
    response = client.get(reverse("clients:inquiry_queue"))
    assert row_names(response) == ["Other team's"]
    assert row_names(client.get(reverse("clients:inquiry_queue"), {"assignee": "me"})) == ["Other team's"]
    rows = csv_rows(client.get(reverse("clients:inquiry_queue"), {"format": "csv", "status": "any"}))
    assert [row[0] for row in rows[1:]] == ["Other team's"]


def test_inquiry_queue_empty_state(owner):
    body = squash(text(client_for(owner).get(reverse("clients:inquiry_queue"))))
    assert "No inquiry is waiting for a first response." in body


# --- Query counts ---------------------------------------------------------------------------


def build(owner, size: int) -> Account:
    """``size`` accounts, contacts, interactions and open inquiries visible to ``owner``."""
    first = None
    now = timezone.now()
    for number in range(size):
        account = make_account(owner=owner, name=f"Bulk {number:03d}")
        first = first or account
        make_contact(account=account)
        make_interaction(account=account, occurred_at=now - dt.timedelta(hours=number))
        make_inquiry(account=account, received_at=now - dt.timedelta(hours=number))
    assert first is not None
    return first


@pytest.mark.parametrize("size", [12, 105])
def test_list_query_counts_are_constant(owner, size, django_assert_num_queries):
    first = build(owner, size)
    client = client_for(owner)
    client.get(reverse("clients:account_list"))  # warm caches (content types, sessions)
    pages = [
        ("clients:account_list", {}, ACCOUNT_LIST_QUERIES),
        ("clients:account_list", {"owner": owner.pk, "sort": "-tier"}, ACCOUNT_LIST_QUERIES),
        ("clients:contact_list", {}, CONTACT_LIST_QUERIES),
        ("clients:contact_list", {"account": first.pk}, CONTACT_LIST_QUERIES + WITH_ACCOUNT_FILTER),
        ("clients:interaction_list", {}, INTERACTION_LIST_QUERIES),
        ("clients:interaction_list", {"account": first.pk}, INTERACTION_LIST_QUERIES + WITH_ACCOUNT_FILTER),
        ("clients:inquiry_queue", {}, INQUIRY_QUEUE_QUERIES),
        ("clients:inquiry_queue", {"status": "any", "sort": "received"}, INQUIRY_QUEUE_QUERIES),
    ]
    for name, params, queries in pages:
        for per_page in ("10", "100"):
            with django_assert_num_queries(queries):
                response = client.get(reverse(name), {**params, "per_page": per_page})
            assert response.status_code == 200
            expected = 1 if "account" in params else min(size, int(per_page))
            assert len(response.context["rows"]) == expected, (name, params, per_page)
        with django_assert_num_queries(queries - LAYOUT_ONLY):  # HTMX: no layout, no views menu
            client.get(reverse(name), {**params, "per_page": "100"}, **HTMX)


# Needs attention: tests/clients/test_attention.py.


# --- Navigation ----------------------------------------------------------------------------


def test_navigation_by_role(users_by_role):
    expected = {
        Role.ADMIN: {"Accounts", "Contacts", "Interactions", "Inquiries", "Needs attention"},
        Role.EXECUTIVE: {"Accounts", "Contacts", "Interactions", "Inquiries", "Needs attention"},
        Role.ACCOUNT_MANAGER: {"Accounts", "Contacts", "Interactions", "Inquiries", "Needs attention"},
        Role.PROJECT_MANAGER: {"Inquiries"},
        Role.MEMBER: {"Inquiries"},
    }
    client_names = {"Accounts", "Contacts", "Interactions", "Inquiries", "Needs attention"}
    for role, user in users_by_role.items():
        response = client_for(user).get(reverse("home"))
        labels = {item["label"] for item in response.context["nav_items"]}
        assert labels & client_names == expected[role], role
