"""The clients API (/api/v1/accounts, /account-items, /contacts, /interactions,
/follow-ups, /feedback, /inquiries): exact answers, every endpoint by role, foreign keys
swapped in bodies, mass assignment, versions, token scopes, and pinned query counts.

Roles: admin (everything), executive (reads everything, writes nothing: 403), the
owner account manager and a team-mate account manager (read and write), an account
manager of another team, a project manager and a member (the account does not exist
for them: 404, and 422 when a body names it). Every denied write changes nothing.

Schema conformance (schemathesis) is in test_api_schema.py.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from tandem.clients import services
from tandem.clients.models import (
    Account,
    AccountItem,
    AccountStatusChange,
    Contact,
    Feedback,
    FollowUp,
    Inquiry,
    Interaction,
)
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.people import services as people_services
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

UTC = dt.UTC
API = "/api/v1"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; these tests create many users and check no passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def call(client: Client, method: str, url: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    if headers:
        kwargs["headers"] = headers
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (json.loads(response.content) if response.content else None)


def iso(value: Any) -> Any:
    """A date or datetime as the API writes it (ECMA-262: milliseconds, 'Z')."""
    return None if value is None else DjangoJSONEncoder().default(value)


def state() -> dict[str, Any]:
    """Everything a clients write could touch, to assert that a denied write changed nothing."""
    return {
        "accounts": list(Account.objects.order_by("pk").values()),
        "status_changes": list(AccountStatusChange.objects.order_by("pk").values()),
        "items": list(AccountItem.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "interactions": list(Interaction.objects.order_by("pk").values()),
        "interaction_contacts": list(Interaction.contacts.through.objects.order_by("pk").values()),
        "interaction_users": list(Interaction.users.through.objects.order_by("pk").values()),
        "follow_ups": list(FollowUp.objects.order_by("pk").values()),
        "feedback": list(Feedback.objects.order_by("pk").values()),
        "inquiries": list(Inquiry.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


ROLES = ["admin", "executive", "owner", "team_mate", "outsider", "project_manager", "member"]
# What each role may do with the world's account and everything under it.
READS = {"admin": 200, "executive": 200, "owner": 200, "team_mate": 200, "outsider": 404,
         "project_manager": 404, "member": 404}
WRITES = {"admin": 200, "executive": 403, "owner": 200, "team_mate": 200, "outsider": 404,
          "project_manager": 404, "member": 404}
# A create that names the account in its body: an account the caller cannot see is a
# 422 on account_id (a body field), never a write.
CREATES = {"admin": 201, "executive": 403, "owner": 201, "team_mate": 201, "outsider": 422,
           "project_manager": 422, "member": 422}


@pytest.fixture
def world(admin_user, executive, account_manager, project_manager, member, team):
    team_mate = make_user(role=Role.ACCOUNT_MANAGER, email="mate@example.test", full_name="Tess Teammate", team=team)
    outsider = make_user(
        role=Role.ACCOUNT_MANAGER, email="out@example.test", full_name="Otto Outsider", team=make_team(name="Elsewhere")
    )
    account = make_account(
        owner=account_manager, name="Acme Ltd", website="https://www.acme.example", industry="Manufacturing",
        tier="key", city="Ghent", country="Belgium",
    )
    other = make_account(owner=outsider, name="Globex", domain="globex.example", tier="standard")
    contact = make_contact(account=account, first_name="Carla", last_name="Client", email="carla@acme.example")
    other_contact = make_contact(account=other, first_name="Gus", last_name="Globex", email="gus@globex.example")
    inquiry = make_inquiry(
        account=account, contact=contact, subject="Invoice question", received_at=timezone.now() - dt.timedelta(hours=1)
    )
    other_inquiry = make_inquiry(account=other, subject="Other question")
    interaction = make_interaction(
        account=account, kind="call", subject="Kick-off call", occurred_at=timezone.now() - dt.timedelta(days=2)
    )
    interaction.contacts.set([contact])
    feedback = services.feedback_create(
        actor=account_manager, account=account, data={"sentiment": "positive", "text": "Great work"}, contact=contact
    )
    item = services.account_item_create(
        actor=account_manager, account=account, data={"kind": "goal", "title": "Grow in Europe"}
    )
    follow_up = services.follow_up_create(
        actor=account_manager, account=account, owner=account_manager, due_date=dt.date(2026, 1, 15),
        description="Send the proposal",
    )
    users = {
        "admin": admin_user, "executive": executive, "owner": account_manager, "team_mate": team_mate,
        "outsider": outsider, "project_manager": project_manager, "member": member,
    }
    return SimpleNamespace(
        users=users, owner=account_manager, team_mate=team_mate, outsider=outsider, account=account, other=other,
        contact=contact, other_contact=other_contact, inquiry=inquiry, other_inquiry=other_inquiry,
        interaction=interaction, feedback=feedback, item=item, follow_up=follow_up,
    )


def as_role(world: SimpleNamespace, role: str) -> Client:
    return client_for(world.users[role])


# --- Exact answers -----------------------------------------------------------------------


def test_account_detail_is_exact(world):
    account = Account.objects.get(pk=world.account.pk)

    status, body = call(as_role(world, "owner"), "get", f"{API}/accounts/{account.pk}")

    assert status == 200
    assert body == {
        "id": account.pk,
        "name": "Acme Ltd",
        "industry": "Manufacturing",
        "size": "",
        "employee_count": None,
        "annual_revenue": None,
        "tier": "key",
        "website": "https://www.acme.example",
        "domain": "acme.example",
        "phone": "",
        "city": "Ghent",
        "country": "Belgium",
        "currency": "EUR",
        "description": "",
        "owner": {"id": world.owner.pk, "full_name": "Alan Account"},
        "lifecycle": "active",
        "lifecycle_changed_at": iso(account.lifecycle_changed_at),
        "customer_since": iso(account.lifecycle_changed_at.date()),
        "churned_on": None,
        "preferred_channel": "",
        "meeting_rhythm": "",
        "time_zone": "",
        "language": "",
        "preference_notes": "",
        "check_in_days": None,
        "last_contact_at": iso(world.interaction.occurred_at),
        "check_in_due_at": iso(world.interaction.occurred_at + dt.timedelta(days=30)),
        "source": "manual",
        "external_id": None,
        "version": 1,
        "created_at": iso(account.created_at),
        "updated_at": iso(account.updated_at),
    }


def test_contact_detail_is_exact(world):
    contact = Contact.objects.get(pk=world.contact.pk)

    status, body = call(as_role(world, "team_mate"), "get", f"{API}/contacts/{contact.pk}")

    assert status == 200
    assert body == {
        "id": contact.pk,
        "account": {"id": world.account.pk, "name": "Acme Ltd"},
        "first_name": "Carla",
        "last_name": "Client",
        "full_name": "Carla Client",
        "email": "carla@acme.example",
        "phone": "",
        "mobile": "",
        "job_title": "",
        "department": "",
        "role": "",
        "preferred_channel": "",
        "is_primary": False,
        "is_decision_maker": False,
        "email_opt_out": False,
        "do_not_call": False,
        "is_active": True,
        "source": "manual",
        "external_id": None,
        "version": 1,
        "created_at": iso(contact.created_at),
        "updated_at": iso(contact.updated_at),
    }


def test_interaction_detail_is_exact(world):
    interaction = Interaction.objects.get(pk=world.interaction.pk)

    status, body = call(as_role(world, "executive"), "get", f"{API}/interactions/{interaction.pk}")

    assert status == 200
    assert body == {
        "id": interaction.pk,
        "account": {"id": world.account.pk, "name": "Acme Ltd"},
        "kind": "call",
        "direction": "outbound",
        "occurred_at": iso(interaction.occurred_at),
        "duration_minutes": None,
        "subject": "Kick-off call",
        "summary": "",
        "next_steps": "",
        "meeting_link": "",
        "logged_by": None,
        "contacts": [{"id": world.contact.pk, "full_name": "Carla Client"}],
        "users": [],
        "inquiry_id": None,
        "is_automatic": False,
        "version": 1,
        "created_at": iso(interaction.created_at),
        "updated_at": iso(interaction.updated_at),
    }


def test_feedback_detail_is_exact(world):
    feedback = Feedback.objects.get(pk=world.feedback.pk)

    status, body = call(as_role(world, "admin"), "get", f"{API}/feedback/{feedback.pk}")

    assert status == 200
    assert body == {
        "id": feedback.pk,
        "account": {"id": world.account.pk, "name": "Acme Ltd"},
        "contact": {"id": world.contact.pk, "full_name": "Carla Client"},
        "channel": "email",
        "sentiment": "positive",
        "text": "Great work",
        "received_at": iso(feedback.received_at),
        "recorded_by": {"id": world.owner.pk, "full_name": "Alan Account"},
        "version": 1,
        "created_at": iso(feedback.created_at),
        "updated_at": iso(feedback.updated_at),
    }


def test_inquiry_detail_is_exact(world):
    inquiry = Inquiry.objects.get(pk=world.inquiry.pk)

    status, body = call(as_role(world, "owner"), "get", f"{API}/inquiries/{inquiry.pk}")

    assert status == 200
    assert body == {
        "id": inquiry.pk,
        "account": {"id": world.account.pk, "name": "Acme Ltd"},
        "contact": {"id": world.contact.pk, "full_name": "Carla Client"},
        "channel": "email",
        "subject": "Invoice question",
        "body": "",
        "priority": "normal",
        "assignee": {"id": world.owner.pk, "full_name": "Alan Account"},
        "status": "open",
        "received_at": iso(inquiry.received_at),
        "sla_hours": "16.00",
        "sla_due_at": iso(inquiry.sla_due_at),
        "first_response_at": None,
        "response_business_hours": None,
        "response_calendar_hours": None,
        "resolved_at": None,
        "resolution": "",
        "version": 1,
        "created_at": iso(inquiry.created_at),
        "updated_at": iso(inquiry.updated_at),
    }


def test_account_items_lifecycle_history_and_follow_ups_are_exact(world):
    item = AccountItem.objects.get(pk=world.item.pk)
    change = AccountStatusChange.objects.get(account=world.account)
    follow_up = FollowUp.objects.get(pk=world.follow_up.pk)
    client = as_role(world, "owner")

    assert call(client, "get", f"{API}/accounts/{world.account.pk}/items") == (200, {
        "count": 1, "count_is_capped": False, "limit": 50, "offset": 0,
        "items": [{
            "id": item.pk, "account_id": world.account.pk, "kind": "goal", "title": "Grow in Europe", "detail": "",
            "status": "open", "priority": "normal", "target_date": None, "version": 1,
            "created_at": iso(item.created_at), "updated_at": iso(item.updated_at),
        }],
    })
    assert call(client, "get", f"{API}/accounts/{world.account.pk}/lifecycle-history") == (200, {
        "count": 1, "count_is_capped": False, "limit": 50, "offset": 0,
        "items": [{
            "id": change.pk, "from_status": None, "to_status": "active", "changed_at": iso(change.changed_at),
            "changed_by": None, "reason": "created",
        }],
    })
    assert call(client, "get", f"{API}/follow-ups") == (200, {
        "count": 1, "count_is_capped": False, "limit": 50, "offset": 0,
        "items": [{
            "id": follow_up.pk, "account": {"id": world.account.pk, "name": "Acme Ltd"}, "interaction_id": None,
            "owner": {"id": world.owner.pk, "full_name": "Alan Account"}, "due_date": "2026-01-15",
            "description": "Send the proposal", "done_at": None, "version": 1,
            "created_at": iso(follow_up.created_at), "updated_at": iso(follow_up.updated_at),
        }],
    })


def test_timeline_lists_every_kind_newest_first_and_filters_by_kind(world):
    client = as_role(world, "owner")
    url = f"{API}/accounts/{world.account.pk}/timeline"

    status, body = call(client, "get", url)

    assert status == 200
    assert [(entry["kind"], entry["object_id"]) for entry in body["items"]] == [
        ("feedback", world.feedback.pk),
        ("lifecycle", AccountStatusChange.objects.get(account=world.account).pk),  # created now
        ("inquiry", world.inquiry.pk),  # received an hour ago
        ("interaction", world.interaction.pk),  # two days ago
    ]
    assert body["items"][3] == {
        "at": iso(world.interaction.occurred_at), "kind": "interaction", "title": "Call: Kick-off call",
        "detail": "", "icon": "call", "object_id": world.interaction.pk,
    }
    status, body = call(client, "get", f"{url}?kind=inquiry&kind=feedback&limit=1")
    assert status == 200
    assert [entry["kind"] for entry in body["items"]] == ["feedback"]


# --- Reads by role ------------------------------------------------------------------------


def _detail_urls(world: SimpleNamespace) -> list[str]:
    account = world.account.pk
    return [
        f"{API}/accounts/{account}",
        f"{API}/accounts/{account}/items",
        f"{API}/accounts/{account}/lifecycle-history",
        f"{API}/accounts/{account}/timeline",
        f"{API}/contacts/{world.contact.pk}",
        f"{API}/interactions/{world.interaction.pk}",
        f"{API}/feedback/{world.feedback.pk}",
        f"{API}/inquiries/{world.inquiry.pk}",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_detail_read_by_role(world, role):
    client = as_role(world, role)
    for url in _detail_urls(world):
        status, body = call(client, "get", url)
        assert status == READS[role], url
        if status == 404:
            assert body["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
def test_every_list_shows_only_what_the_role_may_see(world, role):
    client = as_role(world, role)
    sees_all = role in {"admin", "executive"}
    sees_account = READS[role] == 200
    expected = {
        "accounts": ({world.account.pk} if sees_account else set()) | ({world.other.pk} if sees_all or role == "outsider" else set()),
        "contacts": ({world.contact.pk} if sees_account else set()) | ({world.other_contact.pk} if sees_all or role == "outsider" else set()),
        "interactions": {world.interaction.pk} if sees_account else set(),
        "feedback": {world.feedback.pk} if sees_account else set(),
        "inquiries": ({world.inquiry.pk} if sees_account else set()) | ({world.other_inquiry.pk} if sees_all or role == "outsider" else set()),
        "follow-ups?mine=false": {world.follow_up.pk} if sees_account else set(),
    }
    for path, ids in expected.items():
        status, body = call(client, "get", f"{API}/{path}")
        assert status == 200, path
        assert {item["id"] for item in body["items"]} == ids, path
        assert body["count"] == len(ids)


def test_an_inquiry_assignee_sees_and_answers_it_without_seeing_the_account(world):
    helper = world.users["member"]
    services.inquiry_assign(actor=world.owner, inquiry=world.inquiry, assignee=helper)
    client = as_role(world, "member")

    assert call(client, "get", f"{API}/accounts/{world.account.pk}")[0] == 404
    status, body = call(client, "get", f"{API}/inquiries")
    assert [item["id"] for item in body["items"]] == [world.inquiry.pk]
    status, body = call(client, "post", f"{API}/inquiries/{world.inquiry.pk}/respond", {"summary": "On it"})
    assert status == 200
    assert body["status"] == "responded"
    assert body["first_response_at"] is not None


# --- Writes by role -----------------------------------------------------------------------


def _writes(world: SimpleNamespace) -> list[tuple[str, str, dict[str, Any]]]:
    """One change per writable endpoint on the world's records (version 1 each)."""
    account = world.account.pk
    return [
        ("patch", f"{API}/accounts/{account}", {"version": 1, "city": "Bruges"}),
        ("post", f"{API}/accounts/{account}/lifecycle", {"status": "churned", "reason": "Budget cut"}),
        ("post", f"{API}/accounts/{account}/items", {"kind": "need", "title": "Faster reporting"}),
        ("patch", f"{API}/account-items/{world.item.pk}", {"version": 1, "status": "met"}),
        ("patch", f"{API}/contacts/{world.contact.pk}", {"version": 1, "job_title": "CFO"}),
        ("patch", f"{API}/interactions/{world.interaction.pk}", {"version": 1, "summary": "Went well"}),
        ("post", f"{API}/follow-ups/{world.follow_up.pk}/complete", {}),
        ("patch", f"{API}/feedback/{world.feedback.pk}", {"version": 1, "sentiment": "neutral"}),
        ("patch", f"{API}/inquiries/{world.inquiry.pk}", {"version": 1, "body": "Details"}),
        ("post", f"{API}/inquiries/{world.inquiry.pk}/assign", {"assignee_id": world.team_mate.pk}),
        ("post", f"{API}/inquiries/{world.inquiry.pk}/respond", {"summary": "Answered"}),
        ("post", f"{API}/inquiries/{world.inquiry.pk}/resolve", {"resolution": "Sent a credit note"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_write_by_role_and_denied_writes_change_nothing(world, role):
    client = as_role(world, role)
    for method, url, body in _writes(world):
        before = state()
        status, answer = call(client, method, url, body)
        expected = WRITES[role]
        if expected == 200 and url.endswith("/items"):
            expected = 201
        assert status == expected, (url, answer)
        if status >= 400:
            assert state() == before, url
            assert answer["error"]["code"] == {403: "permission_denied", 404: "not_found"}[status]


@pytest.mark.parametrize("role", ROLES)
def test_every_delete_by_role_and_denied_deletes_change_nothing(world, role):
    client = as_role(world, role)
    urls = [
        f"{API}/account-items/{world.item.pk}",
        f"{API}/feedback/{world.feedback.pk}",
        f"{API}/interactions/{world.interaction.pk}?version=1",
        f"{API}/contacts/{world.contact.pk}?version=1",
        f"{API}/accounts/{world.account.pk}?version=1",
    ]
    for url in urls:
        before = state()
        status, _ = call(client, "delete", url)
        assert status == (204 if WRITES[role] == 200 else WRITES[role]), url
        if status != 204:
            assert state() == before, url
    if WRITES[role] == 200:
        assert not Account.objects.filter(pk=world.account.pk).exists()
        assert not Contact.objects.filter(account=world.account).exists()


def _creates(world: SimpleNamespace) -> list[tuple[str, dict[str, Any]]]:
    account = world.account.pk
    return [
        (f"{API}/contacts", {"account_id": account, "last_name": "New", "email": "New@Acme.Example"}),
        (f"{API}/interactions", {"account_id": account, "kind": "email", "subject": "Hello"}),
        (f"{API}/feedback", {"account_id": account, "sentiment": "negative", "text": "Late delivery"}),
        (f"{API}/inquiries", {"account_id": account, "subject": "Where is my report?"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_create_under_the_account_by_role(world, role):
    client = as_role(world, role)
    for url, body in _creates(world):
        before = state()
        status, answer = call(client, "post", url, body)
        assert status == CREATES[role], (url, answer)
        if status == 422:
            assert answer["error"]["fields"] == {"account_id": [f"No account with id {world.account.pk}."]}
        if status != 201:
            assert state() == before, url
        else:
            assert answer["account"] == {"id": world.account.pk, "name": "Acme Ltd"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 201), ("executive", 403), ("owner", 201), ("project_manager", 403), ("member", 403)],
)
def test_create_account_by_role(world, role, expected):
    before = state()
    status, body = call(as_role(world, role), "post", f"{API}/accounts", {"name": "Initech", "tier": "strategic"})
    assert status == expected, body
    if status == 201:
        account = Account.objects.get(pk=body["id"])
        assert (account.name, account.tier, account.lifecycle) == ("Initech", "strategic", "prospect")
        assert body["owner"] == ({"id": world.owner.pk, "full_name": "Alan Account"} if role == "owner" else None)
        assert list(AccountStatusChange.objects.filter(account=account).values_list("to_status", flat=True)) == ["prospect"]
    else:
        assert state() == before


# --- Behaviour of each write -------------------------------------------------------------


def test_create_account_may_start_as_a_customer(world):
    status, body = call(as_role(world, "owner"), "post", f"{API}/accounts", {
        "name": "Umbrella", "lifecycle": "active", "website": "https://umbrella.example/home", "annual_revenue": 12,
    })
    assert status == 201, body
    account = Account.objects.get(pk=body["id"])
    assert (body["lifecycle"], body["customer_since"], body["domain"], body["annual_revenue"]) == (
        "active", iso(account.lifecycle_changed_at.date()), "umbrella.example", "12.00",
    )


def test_update_account_applies_the_change_and_bumps_the_version(world):
    status, body = call(
        as_role(world, "team_mate"), "patch", f"{API}/accounts/{world.account.pk}",
        {"version": 1, "name": " Acme Group ", "annual_revenue": "2500000.5", "check_in_days": 7,
         "owner_id": world.team_mate.pk, "preferred_channel": "video"},
    )
    assert status == 200, body
    account = Account.objects.get(pk=world.account.pk)
    assert (body["name"], body["annual_revenue"], body["check_in_days"], body["version"]) == (
        "Acme Group", "2500000.50", 7, 2,
    )
    assert body["owner"] == {"id": world.team_mate.pk, "full_name": "Tess Teammate"}
    assert body["check_in_due_at"] == iso(account.last_contact_at + dt.timedelta(days=7))
    assert (account.name, account.owner_id, account.version) == ("Acme Group", world.team_mate.pk, 2)


def test_lifecycle_moves_are_kept_and_a_bad_move_is_422_on_status(world):
    client = as_role(world, "owner")
    url = f"{API}/accounts/{world.account.pk}/lifecycle"
    lost = (timezone.now() + dt.timedelta(seconds=1)).replace(microsecond=0)

    status, body = call(client, "post", url, {"status": "churned", "at": lost.isoformat(), "reason": "Budget cut"})

    assert status == 200, body
    assert (body["lifecycle"], body["churned_on"], body["check_in_due_at"], body["version"]) == (
        "churned", lost.date().isoformat(), None, 2,
    )
    history = call(client, "get", f"{API}/accounts/{world.account.pk}/lifecycle-history")[1]["items"]
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in history] == [
        (None, "active", "created"), ("active", "churned", "Budget cut"),
    ]
    assert history[1]["changed_by"] == {"id": world.owner.pk, "full_name": "Alan Account"}
    assert history[1]["changed_at"] == iso(lost)

    # churned → prospect is allowed, prospect → prospect is a no-op, but not back in time
    before = state()
    status, body = call(client, "post", url, {"status": "active", "at": "2001-01-01T00:00:00Z"})
    assert status == 422
    assert body["error"]["fields"] == {"at": ["A lifecycle change cannot be dated before the previous one."]}
    assert state() == before


def test_lifecycle_cannot_be_set_through_patch_or_create(world):
    before = state()
    status, body = call(
        as_role(world, "owner"), "patch", f"{API}/accounts/{world.account.pk}", {"version": 1, "lifecycle": "churned"}
    )
    assert status == 422
    assert body["error"]["fields"] == {"lifecycle": ["This field is unknown or read-only."]}
    assert state() == before


def test_interaction_create_with_participants_inquiry_and_follow_up(world):
    client = as_role(world, "owner")
    occurred = (timezone.now() - dt.timedelta(minutes=5)).replace(microsecond=0)

    status, body = call(client, "post", f"{API}/interactions", {
        "account_id": world.account.pk, "kind": "video", "direction": "outbound",
        "occurred_at": occurred.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(),
        "subject": "Re: invoice", "summary": "Explained the invoice", "next_steps": "Send corrected invoice",
        "meeting_link": "https://meet.example/abc", "contact_ids": [world.contact.pk],
        "user_ids": [world.team_mate.pk], "inquiry_id": world.inquiry.pk, "follow_up_due": "2030-05-01",
    })

    assert status == 201, body
    interaction = Interaction.objects.get(pk=body["id"])
    assert body["occurred_at"] == iso(occurred)
    assert body["contacts"] == [{"id": world.contact.pk, "full_name": "Carla Client"}]
    assert body["users"] == [{"id": world.team_mate.pk, "full_name": "Tess Teammate"}]
    assert (body["inquiry_id"], body["logged_by"]) == (world.inquiry.pk, {"id": world.owner.pk, "full_name": "Alan Account"})
    inquiry = Inquiry.objects.get(pk=world.inquiry.pk)
    assert (inquiry.status, inquiry.first_response_at) == ("responded", occurred)
    follow_up = FollowUp.objects.get(interaction=interaction)
    assert (follow_up.owner_id, follow_up.due_date, follow_up.description) == (
        world.owner.pk, dt.date(2030, 5, 1), "Send corrected invoice",
    )
    assert Account.objects.get(pk=world.account.pk).last_contact_at == occurred


def test_interaction_update_replaces_participants(world):
    status, body = call(as_role(world, "owner"), "patch", f"{API}/interactions/{world.interaction.pk}", {
        "version": 1, "contact_ids": [], "user_ids": [world.owner.pk], "kind": "meeting",
    })
    assert status == 200, body
    assert (body["contacts"], body["users"], body["kind"], body["version"]) == (
        [], [{"id": world.owner.pk, "full_name": "Alan Account"}], "meeting", 2,
    )
    assert list(Interaction.objects.get(pk=world.interaction.pk).contacts.all()) == []


def test_inquiry_respond_assign_resolve_reopen(world):
    client = as_role(world, "owner")
    url = f"{API}/inquiries/{world.inquiry.pk}"

    status, body = call(client, "post", f"{url}/respond", {"kind": "call", "summary": "Called back"})
    assert status == 200, body
    response = Interaction.objects.get(inquiry=world.inquiry)
    assert (response.subject, response.direction, response.kind) == ("Re: Invoice question", "outbound", "call")
    assert body["status"] == "responded"
    assert body["first_response_at"] == iso(response.occurred_at)
    assert body["response_calendar_hours"] is not None

    status, body = call(client, "post", f"{url}/assign", {"assignee_id": world.team_mate.pk, "version": body["version"]})
    assert status == 200, body
    assert body["assignee"] == {"id": world.team_mate.pk, "full_name": "Tess Teammate"}

    status, body = call(client, "post", f"{url}/resolve", {"resolution": " Credit note sent "})
    assert status == 200, body
    assert (body["status"], body["resolution"]) == ("resolved", "Credit note sent")
    assert body["resolved_at"] is not None

    status, body = call(client, "post", f"{url}/reopen", {})
    assert status == 200, body
    assert (body["status"], body["resolved_at"]) == ("responded", None)


def test_inquiry_queue_is_ordered_by_sla_due_and_filters(world):
    urgent = make_inquiry(account=world.account, subject="Down!", priority="urgent")
    client = as_role(world, "admin")

    _, body = call(client, "get", f"{API}/inquiries?account_id={world.account.pk}")
    assert [item["id"] for item in body["items"]] == sorted(
        [urgent.pk, world.inquiry.pk], key=lambda pk: Inquiry.objects.get(pk=pk).sla_due_at
    )
    assert [i["id"] for i in call(client, "get", f"{API}/inquiries?priority=urgent")[1]["items"]] == [urgent.pk]
    services.inquiry_resolve(actor=world.owner, inquiry=urgent, resolution="Fixed")
    assert {i["id"] for i in call(client, "get", f"{API}/inquiries?open=true")[1]["items"]} == {
        world.inquiry.pk, world.other_inquiry.pk,
    }
    assert [i["id"] for i in call(client, "get", f"{API}/inquiries?status=resolved")[1]["items"]] == [urgent.pk]
    assert {i["id"] for i in call(client, "get", f"{API}/inquiries?assignee_id={world.outsider.pk}")[1]["items"]} == {
        world.other_inquiry.pk,
    }


def test_account_list_filters_and_sorts(world):
    client = as_role(world, "admin")

    def ids(query: str) -> list[int]:
        status, body = call(client, "get", f"{API}/accounts?{query}")
        assert status == 200, body
        return [item["id"] for item in body["items"]]

    acme, globex = world.account.pk, world.other.pk
    assert ids("") == [acme, globex]
    assert ids("sort=-name") == [globex, acme]
    assert ids("search=GLOBEX.example") == [globex]
    assert ids("search=acme") == [acme]
    assert ids(f"owner_id={world.outsider.pk}") == [globex]
    assert ids("tier=key") == [acme]
    assert ids("lifecycle=active") == [acme, globex]
    assert ids("industry=manufacturing") == [acme]
    assert ids("overdue=true") == []
    Account.objects.filter(pk=globex).update(check_in_due_at=timezone.now() - dt.timedelta(days=1))
    assert ids("overdue=true") == [globex]


def test_contact_interaction_feedback_and_follow_up_list_filters(world):
    client = as_role(world, "admin")
    boss = make_contact(account=world.account, first_name="Bea", last_name="Boss", is_decision_maker=True)
    gone = make_contact(account=world.account, last_name="Gone", is_active=False)

    def ids(path: str) -> list[int]:
        status, body = call(client, "get", f"{API}/{path}")
        assert status == 200, body
        return [item["id"] for item in body["items"]]

    assert ids("contacts?decision_makers=true") == [boss.pk]
    assert ids("contacts?search=carla@") == [world.contact.pk]
    assert ids(f"contacts?account_id={world.account.pk}") == [boss.pk, world.contact.pk]
    assert ids(f"contacts?account_id={world.account.pk}&include_inactive=true") == [boss.pk, world.contact.pk, gone.pk]
    note = make_interaction(account=world.account, kind="note", subject="Internal note")
    assert ids("interactions?kind=note") == [note.pk]
    since = (world.interaction.occurred_at + dt.timedelta(seconds=1)).isoformat()
    assert ids(f"interactions?since={since.replace('+', '%2B')}") == [note.pk]
    assert ids(f"interactions?until={since.replace('+', '%2B')}") == [world.interaction.pk]
    assert ids("interactions?search=kick") == [world.interaction.pk]
    assert ids("feedback?sentiment=negative") == []
    assert ids(f"feedback?account_id={world.account.pk}&sentiment=positive") == [world.feedback.pk]
    assert ids("follow-ups") == []  # the admin owns none
    services.follow_up_complete(actor=world.owner, follow_up=world.follow_up)
    assert ids("follow-ups?mine=false") == []
    assert ids("follow-ups?mine=false&open=false") == [world.follow_up.pk]


def test_a_naive_time_in_a_query_is_422(world):
    status, body = call(as_role(world, "admin"), "get", f"{API}/interactions?since=2026-01-01T00:00:00")
    assert status == 422
    assert list(body["error"]["fields"]) == ["since"]


# --- Foreign keys swapped in bodies ------------------------------------------------------


def test_contact_ids_of_another_account_are_422_and_nothing_is_written(world):
    # The admin sees both accounts: the contact exists and is visible, but not at this account.
    before = state()
    status, body = call(as_role(world, "admin"), "post", f"{API}/interactions", {
        "account_id": world.account.pk, "kind": "call", "subject": "Call", "contact_ids": [world.other_contact.pk],
    })
    assert status == 422
    assert body["error"]["fields"] == {"contact_ids": ["Gus Globex is not a contact of Acme Ltd."]}
    assert state() == before


def test_contact_ids_the_caller_cannot_see_are_422_on_create_and_update(world):
    client = as_role(world, "owner")
    before = state()
    status, body = call(client, "post", f"{API}/interactions", {
        "account_id": world.account.pk, "kind": "call", "subject": "Call", "contact_ids": [world.other_contact.pk],
    })
    assert (status, body["error"]["fields"]) == (422, {"contact_ids": [f"No contact with id {world.other_contact.pk}."]})
    status, body = call(client, "patch", f"{API}/interactions/{world.interaction.pk}", {
        "version": 1, "contact_ids": [world.contact.pk, world.other_contact.pk],
    })
    assert (status, body["error"]["fields"]) == (422, {"contact_ids": [f"No contact with id {world.other_contact.pk}."]})
    status, body = call(client, "post", f"{API}/inquiries/{world.inquiry.pk}/respond", {"contact_ids": [world.other_contact.pk]})
    assert (status, body["error"]["fields"]) == (422, {"contact_ids": [f"No contact with id {world.other_contact.pk}."]})
    assert state() == before


def test_an_account_id_the_caller_cannot_see_is_422_for_every_create(world):
    client = as_role(world, "owner")
    before = state()
    for url, body in _creates(world):
        status, answer = call(client, "post", url, {**body, "account_id": world.other.pk})
        assert status == 422, url
        assert answer["error"]["fields"] == {"account_id": [f"No account with id {world.other.pk}."]}
    assert state() == before


def test_an_inquiry_of_another_account_is_422(world):
    before = state()
    status, body = call(as_role(world, "admin"), "post", f"{API}/interactions", {
        "account_id": world.account.pk, "kind": "email", "subject": "Answer", "inquiry_id": world.other_inquiry.pk,
    })
    assert (status, body["error"]["fields"]) == (422, {"inquiry_id": ["The inquiry belongs to another account."]})
    status, body = call(as_role(world, "owner"), "post", f"{API}/interactions", {
        "account_id": world.account.pk, "kind": "email", "subject": "Answer", "inquiry_id": world.other_inquiry.pk,
    })
    assert (status, body["error"]["fields"]) == (422, {"inquiry_id": [f"No inquiry with id {world.other_inquiry.pk}."]})
    assert state() == before


def test_a_contact_of_another_account_on_feedback_or_inquiry_is_422(world):
    before = state()
    for url, body in _creates(world)[2:]:
        status, answer = call(as_role(world, "admin"), "post", url, {**body, "contact_id": world.other_contact.pk})
        assert (status, answer["error"]["fields"]) == (422, {"contact_id": ["Gus Globex is not a contact of Acme Ltd."]}), url
    assert state() == before


def test_feedback_update_changes_or_clears_the_contact_of_the_same_account_only(world):
    client = as_role(world, "admin")  # sees the other account's contact: a mismatch, not a hidden one
    url = f"{API}/feedback/{world.feedback.pk}"
    before = state()
    status, answer = call(client, "patch", url, {"version": 1, "contact_id": world.other_contact.pk})
    assert (status, answer["error"]["fields"]) == (422, {"contact_id": ["Gus Globex is not a contact of Acme Ltd."]})
    assert state() == before
    status, answer = call(client, "patch", url, {"version": 1, "contact_id": None})
    assert (status, answer["contact"], answer["version"]) == (200, None, 2)
    status, answer = call(client, "patch", url, {"version": 2, "contact_id": world.contact.pk})
    assert (status, answer["contact"]["id"], answer["version"]) == (200, world.contact.pk, 3)


def test_owner_of_another_team_is_refused_and_an_unknown_owner_is_422(world):
    client = as_role(world, "owner")
    before = state()
    status, body = call(client, "patch", f"{API}/accounts/{world.account.pk}", {"version": 1, "owner_id": world.outsider.pk})
    assert (status, body["error"]["fields"]) == (
        422, {"owner_id": ["You can assign accounts only to yourself or people in your team."]},
    )
    status, body = call(client, "post", f"{API}/accounts", {"name": "X", "owner_id": 999_999})
    assert (status, body["error"]["fields"]) == (422, {"owner_id": ["No user with id 999999."]})
    status, body = call(client, "post", f"{API}/accounts", {"name": "X", "owner_id": world.users["member"].pk})
    assert (status, body["error"]["fields"]) == (422, {"owner_id": ["The owner must be an active account manager."]})
    assert state() == before


def test_assignee_must_exist(world):
    before = state()
    status, body = call(as_role(world, "owner"), "post", f"{API}/inquiries/{world.inquiry.pk}/assign", {"assignee_id": 999_999})
    assert (status, body["error"]["fields"]) == (422, {"assignee_id": ["No user with id 999999."]})
    assert state() == before


# --- Mass assignment ---------------------------------------------------------------------


READ_ONLY = {
    "accounts": ["id", "version_", "last_contact_at", "check_in_due_at", "source", "external_id",
                 "created_at", "customer_since", "owner"],
    "contacts": ["id", "source", "external_id", "created_at", "account"],
    "interactions": ["id", "logged_by", "is_automatic", "created_at", "account", "contacts"],
    "feedback": ["id", "recorded_by", "created_at", "account"],
    "inquiries": ["id", "sla_hours", "sla_due_at", "first_response_at", "response_business_hours",
                  "response_calendar_hours", "status", "resolved_at", "source", "created_at", "assignee"],
}


@pytest.mark.parametrize("resource", list(READ_ONLY))
def test_read_only_and_unknown_fields_are_refused_on_create_and_update(world, resource):
    client = as_role(world, "admin")
    creates = {f"{API}/accounts": {"name": "New"}, **dict(_creates(world))}
    create_url = f"{API}/{resource}"
    detail = {
        "accounts": world.account.pk, "contacts": world.contact.pk, "interactions": world.interaction.pk,
        "feedback": world.feedback.pk, "inquiries": world.inquiry.pk,
    }[resource]
    before = state()
    for field in [*READ_ONLY[resource], "is_superuser"]:
        name = field.rstrip("_")
        value: Any = 7 if name != "lifecycle" else "churned"
        status, body = call(client, "post", create_url, {**creates[create_url], name: value})
        assert (status, body["error"]["fields"]) == (422, {name: ["This field is unknown or read-only."]}), (resource, name)
        if name == "version":
            continue
        status, body = call(client, "patch", f"{create_url}/{detail}", {"version": 1, name: value})
        assert (status, body["error"]["fields"]) == (422, {name: ["This field is unknown or read-only."]}), (resource, name)
    assert state() == before


def test_wrong_json_types_are_refused_not_coerced(world):
    client = as_role(world, "owner")
    before = state()
    status, body = call(client, "post", f"{API}/accounts", {"name": "X", "employee_count": False, "check_in_days": "7"})
    assert status == 422
    assert set(body["error"]["fields"]) == {"employee_count", "check_in_days"}
    status, body = call(client, "post", f"{API}/interactions", {
        "account_id": str(world.account.pk), "kind": "call", "subject": "x", "occurred_at": 1700000000,
    })
    assert status == 422
    assert set(body["error"]["fields"]) == {"account_id", "occurred_at"}
    assert state() == before


# --- Versions ----------------------------------------------------------------------------


def _stale_writes(world: SimpleNamespace) -> list[tuple[str, str, dict[str, Any]]]:
    account = world.account.pk
    return [
        ("patch", f"{API}/accounts/{account}", {"version": 9, "city": "Bruges"}),
        ("post", f"{API}/accounts/{account}/lifecycle", {"status": "churned", "version": 9}),
        ("delete", f"{API}/accounts/{account}?version=9", None),
        ("patch", f"{API}/account-items/{world.item.pk}", {"version": 9, "title": "x"}),
        ("patch", f"{API}/contacts/{world.contact.pk}", {"version": 9, "job_title": "CFO"}),
        ("delete", f"{API}/contacts/{world.contact.pk}?version=9", None),
        ("patch", f"{API}/interactions/{world.interaction.pk}", {"version": 9, "summary": "x"}),
        ("delete", f"{API}/interactions/{world.interaction.pk}?version=9", None),
        ("patch", f"{API}/feedback/{world.feedback.pk}", {"version": 9, "text": "x"}),
        ("patch", f"{API}/inquiries/{world.inquiry.pk}", {"version": 9, "body": "x"}),
        ("post", f"{API}/inquiries/{world.inquiry.pk}/assign", {"assignee_id": None, "version": 9}),
        ("post", f"{API}/inquiries/{world.inquiry.pk}/resolve", {"resolution": "x", "version": 9}),
        ("post", f"{API}/inquiries/{world.inquiry.pk}/reopen", {"version": 9}),
        ("delete", f"{API}/feedback/{world.feedback.pk}?version=9", None),
        ("delete", f"{API}/account-items/{world.item.pk}?version=9", None),
        ("post", f"{API}/follow-ups/{world.follow_up.pk}/complete", {"version": 9}),
        ("post", f"{API}/follow-ups/{world.follow_up.pk}/reopen", {"version": 9}),
    ]


def test_a_stale_version_is_409_with_the_current_version_and_writes_nothing(world):
    client = as_role(world, "owner")
    for method, url, body in _stale_writes(world):
        before = state()
        status, answer = call(client, method, url, body)
        assert status == 409, (url, answer)
        assert answer["error"]["code"] == "conflict"
        if method != "delete":
            assert answer["error"]["current_version"] == 1, url
        assert state() == before, url


def test_a_follow_up_already_done_with_a_stale_version_is_409(world):
    """Completing twice keeps the first completion time, but only for the version read."""
    client = as_role(world, "owner")
    url = f"{API}/follow-ups/{world.follow_up.pk}/complete"
    status, answer = call(client, "post", url, {"version": 1})
    assert (status, answer["version"]) == (200, 2)
    done_at = answer["done_at"]
    before = state()
    status, answer = call(client, "post", url, {"version": 2})
    assert (status, answer["version"], answer["done_at"]) == (200, 2, done_at)
    status, answer = call(client, "post", url, {"version": 1})
    assert (status, answer["error"]["current_version"]) == (409, 2)
    assert state() == before


def test_versioned_deletes_and_actions_with_the_current_version(world):
    client = as_role(world, "owner")
    services.inquiry_resolve(actor=world.owner, inquiry=world.inquiry, resolution="Done")  # version 2
    status, answer = call(client, "post", f"{API}/inquiries/{world.inquiry.pk}/reopen", {"version": 2})
    assert (status, answer["status"], answer["version"]) == (200, "open", 3)
    status, answer = call(client, "post", f"{API}/follow-ups/{world.follow_up.pk}/reopen", {"version": 1})
    assert (status, answer["done_at"], answer["version"]) == (200, None, 2)
    assert call(client, "delete", f"{API}/feedback/{world.feedback.pk}?version=1")[0] == 204
    assert call(client, "delete", f"{API}/account-items/{world.item.pk}?version=1")[0] == 204
    assert not Feedback.objects.filter(pk=world.feedback.pk).exists()
    assert not AccountItem.objects.filter(pk=world.item.pk).exists()


def test_update_requires_the_version(world):
    for url in [f"{API}/accounts/{world.account.pk}", f"{API}/contacts/{world.contact.pk}",
                f"{API}/interactions/{world.interaction.pk}", f"{API}/feedback/{world.feedback.pk}",
                f"{API}/inquiries/{world.inquiry.pk}", f"{API}/account-items/{world.item.pk}"]:
        status, body = call(as_role(world, "owner"), "patch", url, {})
        assert (status, body["error"]["fields"]) == (422, {"version": ["This field is required."]}), url


# --- Token scopes ------------------------------------------------------------------------


def test_a_read_token_reads_but_every_write_is_403_and_changes_nothing(world):
    _, secret = people_services.token_create(actor=None, user=world.owner, name="script", scope="read")
    client = Client()
    auth = {"Authorization": f"Bearer {secret}"}

    status, body = call(client, "get", f"{API}/accounts", **auth)
    assert (status, [item["id"] for item in body["items"]]) == (200, [world.account.pk])
    for method, url, payload in [*_writes(world), ("delete", f"{API}/feedback/{world.feedback.pk}", None)]:
        before = state()
        status, answer = call(client, method, url, payload, **auth)
        assert (status, answer["error"]["code"]) == (403, "token_read_only"), url
        assert state() == before


def test_a_read_write_token_writes_as_its_user(world):
    _, secret = people_services.token_create(actor=None, user=world.team_mate, name="script", scope="read_write")
    status, body = call(
        Client(), "post", f"{API}/contacts", {"account_id": world.account.pk, "last_name": "Token"},
        Authorization=f"Bearer {secret}",
    )
    assert status == 201, body
    assert Contact.objects.get(pk=body["id"]).last_name == "Token"
    status, body = call(
        Client(), "post", f"{API}/contacts", {"account_id": world.other.pk, "last_name": "Token"},
        Authorization=f"Bearer {secret}",
    )
    assert status == 422


def test_without_credentials_every_endpoint_is_401(world):
    client = Client()
    for url in _detail_urls(world):
        status, body = call(client, "get", url)
        assert (status, body["error"]["code"]) == (401, "not_authenticated"), url
    before = state()
    for method, url, payload in _writes(world):
        assert call(client, method, url, payload)[0] == 401, url
    assert state() == before


# --- Pinned query counts -----------------------------------------------------------------

# Queries per list call as an account manager (who sees the team's accounts too),
# whatever the data and page size: the session, the user with their person (team), the
# user's roles, the capped count and the rows (related records joined); then prefetches.
LIST_QUERIES = {
    "accounts": 5,
    "contacts": 5,
    "interactions": 7,  # + the participants: contacts, users
    "feedback": 5,
    "inquiries": 5,
    "follow-ups?mine=false": 5,
}


def _grow(world: SimpleNamespace, size: int) -> None:
    """``size`` more rows of every kind, spread over accounts of the owner and team-mate,
    with participants, so every row's related objects are really used."""
    owners = [world.owner, world.team_mate]
    for number in range(size):
        account = make_account(owner=owners[number % 2], name=f"Grown {number:04d}")
        contact = make_contact(account=account)
        interaction = make_interaction(account=account)
        interaction.contacts.set([contact])
        interaction.users.set([owners[number % 2]])
        services.feedback_create(actor=None, account=account, data={"sentiment": "neutral", "text": "ok"}, contact=contact)
        make_inquiry(account=account, contact=contact)
        services.follow_up_create(
            actor=None, account=account, owner=owners[number % 2], due_date=dt.date(2026, 2, 1), description="Call"
        )


@pytest.mark.parametrize("per_page", [10, 100])
@pytest.mark.parametrize("size", [12, 110])
def test_list_query_counts_are_fixed(world, django_assert_num_queries, per_page, size):
    _grow(world, size)
    client = as_role(world, "owner")
    for path, queries in LIST_QUERIES.items():
        separator = "&" if "?" in path else "?"
        with django_assert_num_queries(queries):
            status, body = call(client, "get", f"{API}/{path}{separator}limit={per_page}")
        assert status == 200
        assert len(body["items"]) == min(per_page, size + 1), path


@pytest.mark.parametrize("per_page", [10, 100])
@pytest.mark.parametrize("size", [12, 110])
def test_account_sub_list_query_counts_are_fixed(world, django_assert_num_queries, per_page, size):
    account = world.account
    for number in range(size):
        services.account_item_create(actor=world.owner, account=account, data={"kind": "need", "title": f"Need {number}"})
        make_interaction(account=account, subject=f"Call {number}")
    for number in range(size // 10):
        target = "churned" if number % 2 == 0 else "active"
        services.account_set_lifecycle(actor=world.owner, account=account, lifecycle=target, reason=f"move {number}")
    client = as_role(world, "owner")
    # session, user with person, roles, the account; then the capped count and the rows
    for path, queries, expected in [
        ("items", 6, min(per_page, size + 1)),
        ("lifecycle-history", 6, min(per_page, 1 + size // 10)),
    ]:
        with django_assert_num_queries(queries):
            status, body = call(client, "get", f"{API}/accounts/{account.pk}/{path}?limit={per_page}")
        assert status == 200
        assert len(body["items"]) == expected, path
    # the timeline: session, user, roles, the account, then one query per source
    # (interactions with their contacts' and users' names; feedback, inquiries and lifecycle
    # changes together; opportunities, quotes, contracts; governance's comments on the account)
    with django_assert_num_queries(10):
        status, body = call(client, "get", f"{API}/accounts/{account.pk}/timeline?limit={per_page}")
    # the world's interaction, feedback, inquiry and creation, the new calls and moves
    assert len(body["items"]) == min(per_page, size + 4 + size // 10)
