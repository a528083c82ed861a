"""History people can read (tandem.core.history): exact text for each kind of value,
a bounded number of queries, and log-ins on their own administrators' page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.clients import services as client_services
from tandem.clients.models import Account
from tandem.core import audit
from tandem.core.history import (
    format_date,
    format_datetime,
    format_money,
    history_rows,
    rows_from_entries,
)
from tandem.core.models import AuditAction, AuditEntry
from tandem.core.roles import Role
from tandem.people import services
from tests.clients.factories import make_account, make_contact
from tests.conftest import client_for
from tests.factories import PASSWORD, make_team, make_user

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # a Sunday


def summaries(rows) -> list[str]:
    return [row.summary for row in rows]


def change_texts(row) -> list[str]:
    return [change.text for change in row.changes]


# --- Dates, money ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 12, 6, 9, 30, tzinfo=UTC), "today 10:30"),
        (dt.datetime(2026, 12, 5, 13, 5, tzinfo=UTC), "yesterday 14:05"),
        (dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC), "tomorrow 09:00"),
        (dt.datetime(2026, 12, 3, 8, 0, tzinfo=UTC), "3 days ago, 09:00"),
        (dt.datetime(2026, 12, 9, 8, 0, tzinfo=UTC), "in 3 days, 09:00"),
        (dt.datetime(2026, 11, 29, 8, 0, tzinfo=UTC), "29 Nov 2026, 09:00"),  # a week: absolute
        (dt.datetime(2026, 3, 12, 13, 5, tzinfo=UTC), "12 Mar 2026, 14:05"),
        (dt.datetime(2026, 12, 5, 23, 30, tzinfo=UTC), "today 00:30"),  # already Sunday in Berlin
    ],
)
def test_datetimes_are_relative_when_near_in_the_viewers_time_zone(value, expected):
    assert format_datetime(value, tz=BERLIN, now=NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 12, 6), "today"),
        (dt.date(2026, 12, 5), "yesterday"),
        (dt.date(2026, 12, 8), "in 2 days"),
        (dt.date(2026, 12, 1), "5 days ago"),
        (dt.date(2026, 12, 13), "13 Dec 2026"),
        (dt.date(2025, 1, 2), "2 Jan 2025"),
    ],
)
def test_dates_are_relative_when_near(value, expected):
    assert format_date(value, tz=BERLIN, now=NOW) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1250000.00", "EUR", "€1,250,000.00"),
        ("65.5", "usd", "$65.50"),
        ("-12.00", "GBP", "-£12.00"),
        ("980.00", "CHF", "980.00 CHF"),
        ("15.00", "", "15.00"),
    ],
)
def test_money_has_its_currency(amount, currency, expected):
    assert format_money(Decimal(amount), currency) == expected


# --- Values of each kind, through the real services ---------------------------------------------


@pytest.fixture
def viewer(admin_user):
    admin_user.time_zone = "Europe/Berlin"
    return admin_user


def test_foreign_key_by_name_and_choice_by_label(admin_user, viewer, team):
    omar = make_user(role=Role.ACCOUNT_MANAGER, full_name="Omar Patel", team=team)
    lena = make_user(role=Role.ACCOUNT_MANAGER, full_name="Lena Ito", team=team)
    account = make_account(owner=omar, name="Northwind")
    account = client_services.account_update(actor=admin_user, account=account, data={"owner": lena})
    account = client_services.account_update(actor=admin_user, account=account, data={"tier": "key"})
    rows = history_rows(account, viewer=viewer)
    assert summaries(rows)[:2] == [
        "Ada Admin changed Tier from Standard to Key",
        "Ada Admin changed Owner from Omar Patel to Lena Ito",
    ]
    assert rows[0].changes == []  # one change: the sentence says it all


def test_a_deleted_related_record_is_named_by_its_kind(admin_user, viewer, member):
    doomed = make_team(name="Doomed")
    services.user_update(actor=admin_user, user=member, data={"team": doomed})
    services.team_delete(actor=admin_user, team=doomed)
    rows = history_rows(member.person, viewer=viewer)
    assert summaries(rows) == [
        "Ada Admin changed Team from Delivery to a deleted team",
        "Tandem created Mel Member's working profile",
    ]


def test_money_with_the_records_currency_booleans_and_masks(admin_user, viewer, member):
    services.user_update(
        actor=admin_user, user=member,
        data={"cost_rate": Decimal("65"), "bill_rate": Decimal("130.50"), "working_days": 0b1111111},
    )  # fmt: skip
    [row, *_] = history_rows(member.person, viewer=viewer)
    assert row.summary == "Ada Admin made 3 changes"
    assert change_texts(row) == [
        "changed Bill rate from €120.00 to €130.50",
        "changed Cost rate from €60.00 to €65.00",
        "changed Working days from Mon, Tue, Wed, Thu, Fri to Mon, Tue, Wed, Thu, Fri, Sat, Sun",
    ]
    services.user_update(actor=admin_user, user=member, data={"is_active": False})
    assert summaries(history_rows(member, viewer=viewer))[0] == "Ada Admin changed Is active from Yes to No"


def test_money_takes_the_currency_written_in_the_same_entry(admin_user, viewer):
    account = make_account(name="Globex", annual_revenue=Decimal("1000000"))
    client_services.account_update(
        actor=admin_user, account=account, data={"annual_revenue": Decimal("1250000"), "currency": "USD"}
    )
    [row, created] = history_rows(account, viewer=viewer)
    assert change_texts(row) == [
        "changed Annual revenue from €1,000,000.00 to $1,250,000.00",  # each side in its currency
        "changed Currency from EUR to USD",
    ]
    assert ("Annual revenue", "€1,000,000.00") in [(change.label, change.new) for change in created.changes]


def test_dates_choices_and_clearing_a_value(admin_user, viewer, member):
    account = make_account(name="Initech", phone="+44 20 7946 0000")
    client_services.account_update(actor=admin_user, account=account, data={"phone": "", "city": "Leeds"})
    [row, _] = history_rows(account, viewer=viewer, now=NOW)
    assert change_texts(row) == ["set City to Leeds", "cleared Phone (was +44 20 7946 0000)"]
    time_off = services.time_off_create(
        actor=admin_user, person=member.person, start_date=dt.date(2026, 12, 5), end_date=dt.date(2026, 12, 18),
        kind="training",
    )  # fmt: skip
    [created] = history_rows(time_off, viewer=viewer, now=NOW)
    assert [(change.label, change.new) for change in created.changes] == [
        ("End date", "18 Dec 2026"),
        ("Kind", "Training"),
        ("Person", "Mel Member"),
        ("Start date", "yesterday"),
    ]


def test_created_entry_lists_the_values_and_deleted_says_what(admin_user, viewer):
    lead = make_user(full_name="Lena Ito")
    team = services.team_create(actor=admin_user, name="Platform", lead=lead, description="Builds the platform")
    [created] = history_rows(team, viewer=viewer)
    assert created.summary == "Ada Admin created the team Platform"
    assert [(change.label, change.new) for change in created.changes] == [
        ("Description", "Builds the platform"),
        ("Lead", "Lena Ito"),
        ("Name", "Platform"),
    ]
    entries = [*audit.history_for(team)]
    services.team_delete(actor=admin_user, team=team)
    deleted = AuditEntry.objects.filter(action=AuditAction.DELETE).select_related("actor").get()
    [row] = rows_from_entries([deleted], viewer=viewer)
    assert row.summary == "Ada Admin deleted the team Platform"
    assert [(change.label, change.old) for change in row.changes] == [
        ("Description", "Builds the platform"),
        ("Lead", "Lena Ito"),
        ("Name", "Platform"),
    ]
    assert len(entries) == 1


def test_actors_without_a_user_and_roles_and_secrets(admin_user, viewer, member):
    services.user_update(actor=admin_user, user=member, data={}, roles=[Role.MEMBER, Role.EXECUTIVE])
    services.user_set_password(actor=admin_user, user=member, password="a-new-password-42")
    rows = history_rows(member, viewer=viewer)
    assert summaries(rows) == [
        "Ada Admin changed Password",
        "Ada Admin changed Roles from Team member to Executive, Team member",
        "Tandem created the user Mel Member",
    ]
    created_user = rows[-1]
    assert [(change.label, change.new) for change in created_user.changes] == [
        ("Date joined", created_user.changes[0].new),
        ("E-mail", "member@example.test"),
        ("Full name", "Mel Member"),
        ("Is active", "Yes"),  # false booleans (is staff, superuser status) are left out
        ("Time zone", "UTC"),
    ]
    imported = client_services.account_create(actor=None, data={"name": "Umbrella"}, source="salesforce", external_id="U-1")
    assert summaries(history_rows(imported, viewer=viewer)) == ["Import created the account Umbrella"]


def test_no_ids_in_history_text(admin_user, viewer, team):
    owner = make_user(role=Role.ACCOUNT_MANAGER, full_name="Omar Patel", team=team)
    account = make_account(owner=owner, name="Hooli")
    contact = make_contact(account=account, first_name="Dana", last_name="Decider")
    client_services.account_update(actor=admin_user, account=account, data={"owner": None})
    ids = {str(owner.pk), str(account.pk), str(contact.pk)}
    for row in [*history_rows(account, viewer=viewer), *history_rows(contact, viewer=viewer)]:
        words = [row.summary, *(part for change in row.changes for part in (change.label, change.old, change.new))]
        assert not ids & {word for text in words for word in text.replace(",", " ").split()}, words
    assert [change.new for change in history_rows(contact, viewer=viewer)[0].changes if change.label == "Account"] == ["Hooli"]


# --- Queries ------------------------------------------------------------------------------


def test_history_reads_related_names_in_one_query_per_model(admin_user, viewer, team, django_assert_num_queries):
    people = [make_user(role=Role.ACCOUNT_MANAGER, full_name=f"Owner {n:02d}", team=team) for n in range(12)]
    small = make_account(owner=people[0], name="Small")
    big = make_account(owner=people[0], name="Big")
    client_services.account_update(actor=admin_user, account=small, data={"owner": people[1]})
    for person in people[1:]:
        big = client_services.account_update(actor=admin_user, account=big, data={"owner": person, "city": person.full_name})
    ContentType.objects.get_for_model(Account)  # cached, as in a running server
    for account, entries in ((small, 2), (big, 12)):
        with django_assert_num_queries(2):  # the entries with their actors; the users they name
            rows = history_rows(account, viewer=viewer)
        assert len(rows) == entries
    assert rows[0].changes[1].text == "changed Owner from Owner 10 to Owner 11"


def test_account_page_history_queries_do_not_grow(account_manager, admin_user, django_assert_num_queries):
    owner = account_manager
    acme = make_account(owner=owner, name="Acme Ltd", tier="key")
    client = client_for(owner)
    url = reverse("clients:account_profile", kwargs={"account_id": acme.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in range(30):
        client_services.account_update(
            actor=admin_user, account=Account.objects.get(pk=acme.pk),
            data={"city": f"City {number}", "owner": owner if number % 2 else admin_user},
        )  # fmt: skip
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["history"]) == 31


# --- The page -----------------------------------------------------------------------------


def test_history_partial_is_folded_and_says_how_many(admin_user, account_manager):
    owner = account_manager
    acme = make_account(owner=owner, name="Acme Ltd", tier="key")
    client_services.account_update(actor=admin_user, account=acme, data={"tier": "strategic"})
    body = client_for(owner).get(reverse("clients:account_profile", kwargs={"account_id": acme.pk})).content.decode()
    assert '<h2 id="history-heading" class="h6 d-inline mb-0">History (2)</h2>' in body
    assert "<details" in body and "<summary" in body
    assert '<p class="mb-1">Ada Admin changed Tier from Key to Strategic</p>' in body


# --- Log-ins: their own page, not a person's history -------------------------------------


def _log_in(email: str, password: str) -> Client:
    client = Client()
    client.post(reverse("login"), {"email": email, "password": password})
    return client


def test_a_persons_history_no_longer_lists_log_ins(admin_user, member):
    _log_in(member.email, PASSWORD).post(reverse("logout"))
    _log_in(member.email, "wrong password")
    assert AuditEntry.objects.filter(action__in=["login", "logout", "login_failed"]).count() == 3
    response = client_for(admin_user).get(reverse("people:user_detail", kwargs={"user_id": member.pk}))
    assert [row.action for row in response.context["history"]] == ["create", "create"]
    body = response.content.decode()
    assert "logged in" not in body and "logged out" not in body


def test_sign_in_activity_lists_events_newest_first_with_filters(admin_user, member, django_assert_num_queries):
    _log_in(member.email, PASSWORD).post(reverse("logout"))
    _log_in(member.email, "wrong password")
    _log_in(admin_user.email, PASSWORD)
    client = client_for(admin_user)
    url = reverse("people:sign_in_activity")
    client.get(url)
    # session, user, roles; the people of the filter; the capped count, the rows; unread notifications
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.person.full_name if row.person else row.typed_email, row.event) for row in rows] == [
        ("Ada Admin", "Signed in"),
        ("member@example.test", "Failed sign-in"),
        ("Mel Member", "Signed out"),
        ("Mel Member", "Signed in"),
    ]
    assert [row.when.startswith("today ") for row in rows] == [True] * 4
    by_person = client.get(url, {"person": member.pk}).context["rows"]
    assert [row.event for row in by_person] == ["Failed sign-in", "Signed out", "Signed in"]
    failed = client.get(url, {"kind": "login_failed"}).context["rows"]
    assert [row.event for row in failed] == ["Failed sign-in"]
    tomorrow = (dt.datetime.now(UTC) + dt.timedelta(days=2)).date().isoformat()
    later = client.get(url, {"since": tomorrow})
    assert later.context["rows"] == []
    assert 'data-testid="empty-state">No sign-in events match these filters.' in later.content.decode()
    body = response.content.decode()
    assert body.count('data-testid="sign-in-row"') == 4


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER])
def test_sign_in_activity_is_for_administrators_only(users_by_role, role):
    response = client_for(users_by_role[role]).get(reverse("people:sign_in_activity"))
    assert response.status_code == 403


def test_lists_and_json_read_as_text(admin_user, viewer, team):
    entry = AuditEntry(
        at=NOW, actor=admin_user, action=AuditAction.UPDATE,
        content_type=ContentType.objects.get_for_model(team), object_id=str(team.pk), object_repr=team.name,
        changes={"tags": [["north", "key"], []], "settings": [None, {"send_digest": True, "hour": 7}]},
    )  # fmt: skip
    [row] = rows_from_entries([entry], viewer=viewer, now=NOW)
    assert row.summary == "Ada Admin made 2 changes"
    assert change_texts(row) == ["set Settings to Send digest: Yes; Hour: 7", "cleared Tags (was north, key)"]
    assert row.when == "today 13:00"


def test_a_long_history_says_how_many_it_shows(admin_user, viewer, team):
    for number in range(4):
        team = services.team_update(actor=admin_user, team=team, data={"description": f"Round {number}"})
    rows = history_rows(team, viewer=viewer, limit=3)
    assert (len(rows), rows.has_more, rows.count_display) == (3, True, "3+")
    assert summaries(history_rows(team, viewer=viewer))[-1] == "Tandem created the team Delivery"
