"""Needs attention (views/attention.py, selectors.needs_attention) and the jobs that turn
it into notifications (clients/tasks.py): the same rules, the same items."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.clients import selectors, services, tasks
from tandem.clients.models import Account, FollowUp, Inquiry
from tandem.core import schedule
from tandem.core.models import Notification, ScheduledRun
from tests.clients.factories import make_account, make_inquiry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def desk(owner, teammate, outsider, member):
    """Accounts, follow-ups and inquiries of three account managers, with due times
    fixed relative to now."""
    now = timezone.now()
    today = timezone.localdate()
    accounts = {
        "acme": make_account(owner=owner, name="Acme Ltd", tier="key"),
        "bolt": make_account(owner=teammate, name="Bolt Works", tier="strategic", lifecycle="prospect"),
        "cobalt": make_account(owner=owner, name="Cobalt plc", tier="standard", lifecycle="churned"),
        "dyno": make_account(owner=owner, name="Dyno Data", tier="standard", lifecycle="prospect"),
        "hidden": make_account(owner=outsider, name="Hidden Holdings", tier="key"),
    }
    Account.objects.filter(pk=accounts["acme"].pk).update(check_in_due_at=now - dt.timedelta(days=3))
    Account.objects.filter(pk=accounts["bolt"].pk).update(check_in_due_at=now + dt.timedelta(days=5))
    Account.objects.filter(pk=accounts["dyno"].pk).update(check_in_due_at=now - dt.timedelta(days=40))
    # A churned account with a stale due time: never overdue (the rule, not the column).
    Account.objects.filter(pk=accounts["cobalt"].pk).update(check_in_due_at=now - dt.timedelta(days=30))
    Account.objects.filter(pk=accounts["hidden"].pk).update(check_in_due_at=now - dt.timedelta(days=1))
    follow_ups = {
        "due": services.follow_up_create(actor=owner, account=accounts["acme"], owner=owner,
                                         due_date=today - dt.timedelta(days=1), description="Send the proposal"),
        "later": services.follow_up_create(actor=owner, account=accounts["acme"], owner=owner,
                                           due_date=today + dt.timedelta(days=7), description="Plan the QBR"),
        "mates": services.follow_up_create(actor=teammate, account=accounts["bolt"], owner=teammate,
                                           due_date=today, description="Teammate's task"),
    }
    inquiries = {
        "late": make_inquiry(account=accounts["acme"], subject="Late one", received_at=now - dt.timedelta(days=6)),
        "soon": make_inquiry(account=accounts["bolt"], subject="Soon one", received_at=now - dt.timedelta(hours=1)),
        "fresh": make_inquiry(account=accounts["acme"], subject="Fresh one", received_at=now - dt.timedelta(minutes=5)),
        "theirs": make_inquiry(account=accounts["hidden"], subject="Other team's", received_at=now - dt.timedelta(days=1),
                               assignee=member),
    }
    Inquiry.objects.filter(pk=inquiries["late"].pk).update(sla_due_at=now - dt.timedelta(hours=2))
    Inquiry.objects.filter(pk=inquiries["soon"].pk).update(sla_due_at=now + dt.timedelta(hours=1))
    Inquiry.objects.filter(pk=inquiries["fresh"].pk).update(sla_due_at=now + dt.timedelta(days=2))
    Inquiry.objects.filter(pk=inquiries["theirs"].pk).update(sla_due_at=now + dt.timedelta(hours=3))
    return {"accounts": accounts, "follow_ups": follow_ups, "inquiries": inquiries}


# --- The selector --------------------------------------------------------------------------


def test_an_owners_list_and_churned_accounts_never_overdue(owner, desk):
    result = selectors.needs_attention(actor=owner, owner=owner)
    assert [account.name for account in result.overdue_accounts] == ["Dyno Data", "Acme Ltd"]
    assert [item.description for item in result.due_follow_ups] == ["Send the proposal"]
    assert [inquiry.subject for inquiry in result.inquiries_at_risk] == ["Late one"]


def test_everyone_within_the_actors_scope(owner, executive, desk):
    everyone = selectors.needs_attention(actor=executive, owner=None)
    assert [account.name for account in everyone.overdue_accounts] == ["Dyno Data", "Acme Ltd", "Hidden Holdings"]
    assert [item.description for item in everyone.due_follow_ups] == ["Send the proposal", "Teammate's task"]
    assert [inquiry.subject for inquiry in everyone.inquiries_at_risk] == ["Late one", "Soon one", "Other team's"]
    # An account manager's "everyone" is their team's: the other team's rows stay hidden.
    team = selectors.needs_attention(actor=owner, owner=None)
    assert [account.name for account in team.overdue_accounts] == ["Dyno Data", "Acme Ltd"]
    assert [inquiry.subject for inquiry in team.inquiries_at_risk] == ["Late one", "Soon one"]


# --- The page --------------------------------------------------------------------------------


def test_an_account_manager_sees_their_own_desk(owner, teammate, desk, django_assert_num_queries):
    client = client_for(owner)
    client.get(reverse("clients:attention"))
    with django_assert_num_queries(7):  # session, user, roles, badge, accounts, follow-ups, inquiries
        response = client.get(reverse("clients:attention"))
    attention = response.context["attention"]
    assert [account.name for account in attention.overdue_accounts] == ["Dyno Data", "Acme Ltd"]
    assert [item.description for item in attention.due_follow_ups] == ["Send the proposal"]
    assert [(inquiry.subject, inquiry.sla.label) for inquiry in response.context["inquiries"]] == [("Late one", "Breached")]
    body = squash(response.content.decode())
    assert "Mark done<span class=\"visually-hidden\">: “Send the proposal”</span>" in body
    assert "Teammate's task" not in body
    assert response.context["managers"] == []
    # ?manager= is ignored for an account manager.
    response = client.get(reverse("clients:attention"), {"manager": teammate.pk})
    assert response.context["manager"] == owner


def test_the_executive_opens_on_everyone_and_may_narrow(executive, teammate, desk):
    client = client_for(executive)
    response = client.get(reverse("clients:attention"))
    assert response.context["manager"] is None and response.context["everyone"] is True
    assert {user.email for user in response.context["managers"]} == {
        "am@example.test", "mate@example.test", "other@example.test"
    }
    body = squash(response.content.decode())
    assert "Across the organisation:" in body
    assert '<option value="" selected>Everyone</option>' in body
    assert [item.description for item in response.context["attention"].due_follow_ups] == [
        "Send the proposal", "Teammate's task"
    ]
    assert '<span data-testid="responsible">Tina Teammate</span>' in body
    assert "Mark done" not in body  # an executive reads, never closes someone's follow-up
    response = client.get(reverse("clients:attention"), {"manager": teammate.pk})
    assert response.context["manager"] == teammate
    assert [item.description for item in response.context["attention"].due_follow_ups] == ["Teammate's task"]
    assert "Tina Teammate\u2019s overdue check-ins" in squash(response.content.decode())


def test_an_administrator_may_close_anyones_follow_up(admin_user, desk):
    body = squash(client_for(admin_user).get(reverse("clients:attention")).content.decode())
    assert body.count("Mark done<span") == 2


@pytest.mark.parametrize("size", [1, 4])
def test_executive_query_count_is_constant(executive, owner, size, django_assert_num_queries):
    now = timezone.now()
    for number in range(size * 3):
        account = make_account(owner=owner, name=f"Client {number}")
        Account.objects.filter(pk=account.pk).update(check_in_due_at=now - dt.timedelta(days=1))
        services.follow_up_create(actor=owner, account=account, owner=owner,
                                  due_date=timezone.localdate(), description=f"Call {number}")
        inquiry = make_inquiry(account=account, subject=f"Question {number}", received_at=now - dt.timedelta(days=2))
        Inquiry.objects.filter(pk=inquiry.pk).update(sla_due_at=now - dt.timedelta(hours=1))
    client = client_for(executive)
    client.get(reverse("clients:attention"))
    # session, user, roles, badge, account managers, accounts, follow-ups, inquiries
    with django_assert_num_queries(8):
        response = client.get(reverse("clients:attention"))
    assert len(response.context["attention"].due_follow_ups) == size * 3


def test_mark_done_in_place(owner, desk):
    client = client_for(owner)
    follow_up = desk["follow_ups"]["due"]
    response = client.post(reverse("clients:follow_up_done", kwargs={"follow_up_id": follow_up.pk}), **HTMX)
    assert response.status_code == 200
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is not None
    assert client.get(reverse("clients:attention")).context["attention"].due_follow_ups == []


# --- Notifications ---------------------------------------------------------------------------


def notes(user) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(recipient=user).values_list("title", "url"))


def test_the_daily_job_notifies_every_item_once_with_links(owner, teammate, member, desk):
    accounts, inquiries, follow_ups = desk["accounts"], desk["inquiries"], desk["follow_ups"]
    created = tasks.notify_needs_attention.call()
    account_url = "/clients/accounts/{}/".format
    # Dyno Data's check-in fell due forty days ago: older than RECENT_DAYS, it is in
    # the summary only (a first run does not bury anyone under their backlog).
    assert notes(owner) == sorted([
        ("Check-in overdue: Acme Ltd", account_url(accounts["acme"].pk)),
        ("Follow-up due: Send the proposal", account_url(accounts["acme"].pk) + "#follow-ups"),
        ("Inquiry past its SLA: Late one", f"/clients/inquiries/{inquiries['late'].pk}/"),
        ("Needs attention: 2 accounts past their check-in, 1 follow-up due, 1 inquiry near or past the SLA",
         "/clients/attention/"),
    ])
    assert notes(teammate) == sorted([
        ("Follow-up due: Teammate's task", account_url(accounts["bolt"].pk) + "#follow-ups"),
        ("Inquiry at risk: Soon one", f"/clients/inquiries/{inquiries['soon'].pk}/"),
        ("Needs attention: 1 follow-up due, 1 inquiry near or past the SLA", "/clients/attention/"),
    ])
    # The member is assigned an inquiry of another team's account, due within the window.
    assert notes(member) == sorted([
        ("Inquiry at risk: Other team's", f"/clients/inquiries/{inquiries['theirs'].pk}/"),
        ("Needs attention: 1 inquiry near or past the SLA", "/clients/attention/"),
    ])
    total = Notification.objects.count()
    assert created == total
    assert tasks.notify_needs_attention.call() == 0  # idempotent per person, record and day
    assert Notification.objects.count() == total
    assert FollowUp.objects.get(pk=follow_ups["later"].pk).done_at is None


def test_an_inquiry_crossing_the_window_notifies_once_per_state(owner, desk):
    inquiry = desk["inquiries"]["fresh"]  # due in two days: on track
    assert tasks.notify_inquiries_at_risk.call() == 3  # late, soon, theirs
    Inquiry.objects.filter(pk=inquiry.pk).update(sla_due_at=timezone.now() + dt.timedelta(hours=3))
    assert tasks.notify_inquiries_at_risk.call() == 1
    assert tasks.notify_inquiries_at_risk.call() == 0
    Inquiry.objects.filter(pk=inquiry.pk).update(sla_due_at=timezone.now() - dt.timedelta(minutes=1))
    assert tasks.notify_inquiries_at_risk.call() == 1
    assert sorted(Notification.objects.filter(key__startswith=f"inquiry-sla:{inquiry.pk}:").values_list("key", "title")) == [
        (f"inquiry-sla:{inquiry.pk}:at_risk", "Inquiry at risk: Fresh one"),
        (f"inquiry-sla:{inquiry.pk}:breached", "Inquiry past its SLA: Fresh one"),
    ]
    # The daily job uses the same keys: nothing twice.
    before = Notification.objects.filter(kind="needs_attention", key__startswith="inquiry-sla:").count()
    tasks.notify_needs_attention.call()
    assert Notification.objects.filter(kind="needs_attention", key__startswith="inquiry-sla:").count() == before


def test_the_frequent_job_is_scheduled_once_per_quarter_hour():
    schedule.discover()
    job = schedule.PERIODIC_JOBS["tandem.clients.tasks.notify_inquiries_at_risk"]
    assert job.minutes == 15
    zone = dt.UTC
    at = dt.datetime(2026, 3, 4, 10, 7, tzinfo=zone)
    keys = schedule.enqueue_due(now=at, time_zone=zone)
    assert "tandem.clients.tasks.notify_inquiries_at_risk:2026-03-04T10:00" in keys
    assert "tandem.clients.tasks.notify_inquiries_at_risk:2026-03-04T10:00" not in schedule.enqueue_due(
        now=at + dt.timedelta(minutes=5), time_zone=zone
    )
    assert "tandem.clients.tasks.notify_inquiries_at_risk:2026-03-04T10:15" in schedule.enqueue_due(
        now=at + dt.timedelta(minutes=8), time_zone=zone
    )
    assert ScheduledRun.objects.filter(key__startswith="tandem.clients.tasks.notify_inquiries_at_risk:").count() == 2


def test_a_long_list_shows_fifty_and_says_there_are_more(executive, owner, monkeypatch):
    from tandem.clients.views import attention as view

    monkeypatch.setattr(view, "LIMIT", 2)
    now = timezone.now()
    for number in range(3):
        account = make_account(owner=owner, name=f"Client {number}")
        Account.objects.filter(pk=account.pk).update(check_in_due_at=now - dt.timedelta(days=number + 1))
    services.follow_up_create(actor=owner, account=account, owner=owner, due_date=timezone.localdate(), description="Call")
    response = client_for(executive).get(reverse("clients:attention"))
    assert [a.name for a in response.context["attention"].overdue_accounts] == ["Client 2", "Client 1"]
    assert response.context["more"] == {"accounts": True, "follow_ups": False, "inquiries": False}
    body = squash(response.content.decode())
    assert 'Check-ins overdue <span class="badge text-bg-secondary">2+</span>' in body
    assert 'Follow-ups due <span class="badge text-bg-secondary">1</span>' in body


def test_a_member_is_sent_to_their_list_for_a_follow_up_on_an_account_they_do_not_see(owner, member):
    account = make_account(owner=owner, name="Acme Ltd")
    follow_up = services.follow_up_create(actor=owner, account=account, owner=member,
                                          due_date=timezone.localdate(), description="Share the audit")
    tasks.notify_needs_attention.call()
    assert notes(member) == [
        ("Follow-up due: Share the audit", f"/clients/attention/#follow-up-{follow_up.pk}"),
        ("Needs attention: 1 follow-up due", "/clients/attention/"),
    ]
    client = client_for(member)
    assert client.get(f"/clients/accounts/{account.pk}/").status_code == 404
    response = client.get(reverse("clients:attention"))
    assert response.status_code == 200
    assert [item.description for item in response.context["attention"].due_follow_ups] == ["Share the audit"]
    assert f'id="follow-up-{follow_up.pk}"' in response.content.decode()
