"""Edit, delete and status controls on record pages show only to those who may use
them: the owner (or an administrator) sees each one, a read-only role (an executive,
a member) sees none. Controls are found by their exact target URL or test id."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.clients import services as client_services
from tandem.core.roles import Role
from tandem.people import services
from tandem.people.selectors import calendar_get
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.conftest import client_for


def body_of(user, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def records(account_manager):
    account = make_account(owner=account_manager, name="Acme Ltd")
    contact = make_contact(account=account, first_name="Dana", last_name="Decider")
    interaction = make_interaction(account=account, subject="Kick-off")
    item = client_services.account_item_create(actor=account_manager, account=account, data={"kind": "goal", "title": "Grow"})
    feedback = client_services.feedback_create(actor=None, account=account, data={"sentiment": "positive", "text": "Great"})
    follow_up = client_services.follow_up_create(
        actor=None, account=account, owner=account_manager, due_date=timezone.localdate(), description="Send the deck"
    )
    inquiry = make_inquiry(account=account)
    return {
        "account": account, "contact": contact, "interaction": interaction, "item": item,
        "feedback": feedback, "follow_up": follow_up, "inquiry": inquiry,
    }  # fmt: skip


def account_controls(records) -> list[str]:
    account = records["account"]
    return [
        'data-testid="edit-record"',
        'data-testid="delete-record"',
        f'href="{reverse("clients:interaction_create", kwargs={"account_id": account.pk})}"',
        f'href="{reverse("clients:interaction_edit", kwargs={"interaction_id": records["interaction"].pk})}"',
        f'action="{reverse("clients:interaction_delete", kwargs={"interaction_id": records["interaction"].pk})}"',
        f'href="{reverse("clients:account_item_edit", kwargs={"account_item_id": records["item"].pk})}"',
        f'action="{reverse("clients:account_item_delete", kwargs={"account_item_id": records["item"].pk})}"',
        f'action="{reverse("clients:account_item_status", kwargs={"account_item_id": records["item"].pk})}"',
        f'href="{reverse("clients:feedback_edit", kwargs={"feedback_id": records["feedback"].pk})}"',
        f'action="{reverse("clients:feedback_delete", kwargs={"feedback_id": records["feedback"].pk})}"',
        f'action="{reverse("clients:follow_up_done", kwargs={"follow_up_id": records["follow_up"].pk})}"',
        f'href="{reverse("clients:contact_create", kwargs={"account_id": account.pk})}"',
    ]


def test_account_page_controls_for_the_owner_only(records, account_manager, executive):
    # The account's Overview (timeline, follow-ups) and Profile (items, feedback, contacts) tabs.
    urls = [reverse(name, kwargs={"account_id": records["account"].pk})
            for name in ("clients:account_detail", "clients:account_profile")]
    owner_body = "".join(body_of(account_manager, url) for url in urls)
    executive_body = "".join(body_of(executive, url) for url in urls)
    assert [control in owner_body for control in account_controls(records)] == [True] * 12
    assert [control in executive_body for control in account_controls(records)] == [False] * 12


def test_contact_page_controls_for_the_owner_only(records, account_manager, executive):
    contact = records["contact"]
    url = reverse("clients:contact_detail", kwargs={"contact_id": contact.pk})
    controls = [
        f'data-testid="edit-record" href="{reverse("clients:contact_edit", kwargs={"contact_id": contact.pk})}"',
        f'data-testid="delete-record" href="{reverse("clients:contact_delete", kwargs={"contact_id": contact.pk})}"',
    ]
    assert [control in body_of(account_manager, url) for control in controls] == [True, True]
    assert [control in body_of(executive, url) for control in controls] == [False, False]


def test_inquiry_page_controls_for_the_owner_only(records, account_manager, executive):
    inquiry = records["inquiry"]
    url = reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk})
    controls = [
        f'action="{reverse("clients:inquiry_assign", kwargs={"inquiry_id": inquiry.pk})}"',
        f'action="{reverse("clients:inquiry_resolve", kwargs={"inquiry_id": inquiry.pk})}"',
    ]
    assert [control in body_of(account_manager, url) for control in controls] == [True, True]
    assert [control in body_of(executive, url) for control in controls] == [False, False]


@pytest.mark.parametrize("reader", [Role.EXECUTIVE, Role.MEMBER])
def test_team_page_controls_for_administrators_only(users_by_role, team, reader):
    url = reverse("people:team_detail", kwargs={"team_id": team.pk})
    controls = ['data-testid="edit-record"', 'data-testid="delete-record"']
    assert [control in body_of(users_by_role[Role.ADMIN], url) for control in controls] == [True, True]
    assert [control in body_of(users_by_role[reader], url) for control in controls] == [False, False]


@pytest.mark.parametrize("reader", [Role.EXECUTIVE, Role.PROJECT_MANAGER])
def test_user_page_controls_for_administrators_only(users_by_role, member, reader):
    services.time_off_create(
        actor=member, person=member.person, start_date=dt.date(2030, 7, 1), end_date=dt.date(2030, 7, 5)
    )
    url = reverse("people:user_detail", kwargs={"user_id": member.pk})
    controls = ['data-testid="edit-record"', 'data-testid="delete-time-off"']
    assert [control in body_of(users_by_role[Role.ADMIN], url) for control in controls] == [True, True]
    assert [control in body_of(users_by_role[reader], url) for control in controls] == [False, False]
    # The person themself records and removes their time off, but does not edit their account.
    assert [control in body_of(member, url) for control in controls] == [False, True]


@pytest.mark.parametrize("reader", [Role.EXECUTIVE, Role.MEMBER])
def test_calendar_controls_for_administrators_only(users_by_role, reader):
    services.holiday_create(actor=None, calendar=calendar_get(), date=dt.date(timezone.localdate().year, 12, 25), name="Christmas")
    url = reverse("people:calendar")
    controls = ['data-testid="edit-record"', 'data-testid="delete-holiday"', f'action="{reverse("people:holiday_create")}"']
    assert [control in body_of(users_by_role[Role.ADMIN], url) for control in controls] == [True, True, True]
    assert [control in body_of(users_by_role[reader], url) for control in controls] == [False, False, False]
