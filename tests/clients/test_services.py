import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tandem.clients import services
from tandem.clients.models import Account, AccountStatusChange, FollowUp, Inquiry, Interaction
from tandem.core.audit import history_for
from tandem.core.calendar import WorkingCalendar
from tandem.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.permissions import get_visible
from tandem.core.roles import Role
from tests.clients.factories import make_account, make_contact, make_inquiry
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_account_create_defaults_owner_to_creating_account_manager_and_keeps_lifecycle(account_manager):
    account = services.account_create(
        actor=account_manager, data={"name": " Acme Ltd ", "website": "https://www.acme.example/about", "tier": "key"}
    )
    assert account.owner == account_manager
    assert account.name == "Acme Ltd"
    assert account.domain == "acme.example"
    assert account.lifecycle == "prospect"
    changes = list(AccountStatusChange.objects.filter(account=account).values_list("from_status", "to_status"))
    assert changes == [("", "prospect")]
    assert account.check_in_due_at == account.lifecycle_changed_at + dt.timedelta(days=30)
    assert [entry.action for entry in history_for(account)] == ["create"]


def test_lifecycle_changes_are_all_kept_with_dates(account_manager):
    account = services.account_create(
        actor=None, data={"name": "Lifecycle Ltd", "owner": account_manager},
        lifecycle_at=dt.datetime(2025, 11, 1, tzinfo=UTC),
    )
    won = dt.datetime(2026, 1, 10, 12, tzinfo=UTC)
    lost = dt.datetime(2026, 6, 1, 12, tzinfo=UTC)
    account = services.account_set_lifecycle(actor=account_manager, account=account, lifecycle="active", at=won)
    account = services.account_set_lifecycle(actor=account_manager, account=account, lifecycle="churned", at=lost)
    assert account.customer_since == dt.date(2026, 1, 10)
    assert account.churned_on == dt.date(2026, 6, 1)
    assert account.check_in_due_at is None
    history = list(AccountStatusChange.objects.filter(account=account).values_list("to_status", "changed_at"))
    assert [status for status, _ in history] == ["prospect", "active", "churned"]
    assert history[1][1] == won and history[2][1] == lost


def test_lifecycle_refuses_backdating_before_previous_change(account_manager):
    account = make_account(owner=account_manager, lifecycle="prospect")
    with pytest.raises(ValidationError) as error:
        services.account_set_lifecycle(
            actor=account_manager, account=account, lifecycle="active", at=account.lifecycle_changed_at - dt.timedelta(days=1)
        )
    assert "at" in error.value.message_dict
    assert AccountStatusChange.objects.filter(account=account).count() == 1


def test_account_manager_of_another_team_cannot_see_or_change(account_manager):
    other_team = make_team(name="Other")
    outsider = make_user(role=Role.ACCOUNT_MANAGER, team=other_team)
    account = make_account(owner=account_manager)
    with pytest.raises(NotFoundError):
        get_visible(outsider, Account, account.pk)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.account_update(actor=outsider, account=account, data={"name": "Hijacked"})
    account.refresh_from_db()
    assert account.name != "Hijacked"
    assert AuditEntry.objects.count() == before


def test_team_mate_account_manager_may_edit_and_member_may_not(account_manager, member):
    team_mate = make_user(role=Role.ACCOUNT_MANAGER, team=account_manager.person.team)
    account = make_account(owner=account_manager)
    services.account_update(actor=team_mate, account=account, data={"industry": "Retail"})
    assert Account.objects.get(pk=account.pk).industry == "Retail"
    with pytest.raises(NotFoundError):
        get_visible(member, Account, account.pk)


def test_stale_account_edit_is_refused(account_manager):
    account = make_account(owner=account_manager)
    services.account_update(actor=account_manager, account=account, data={"industry": "Retail"}, expected_version=1)
    stale = Account.objects.get(pk=account.pk)
    with pytest.raises(ConflictError):
        services.account_update(actor=account_manager, account=stale, data={"industry": "Energy"}, expected_version=1)
    assert Account.objects.get(pk=account.pk).industry == "Retail"


def test_owner_must_be_an_account_manager(account_manager, member):
    with pytest.raises(ValidationError) as error:
        services.account_create(actor=account_manager, data={"name": "X", "owner": member})
    assert "owner" in error.value.message_dict


def test_one_primary_contact_per_account(account_manager):
    account = make_account(owner=account_manager)
    first = make_contact(account=account, is_primary=True)
    second = services.contact_create(
        actor=account_manager, account=account, data={"last_name": "Lee", "email": " LEE@Client.Test ", "is_primary": True}
    )
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert second.email == "lee@client.test"


def test_interaction_moves_last_contact_and_check_in_and_creates_follow_up(account_manager):
    account = make_account(owner=account_manager, tier="strategic")
    contact = make_contact(account=account)
    when = dt.datetime(2026, 3, 2, 10, tzinfo=UTC)
    interaction = services.interaction_create(
        actor=account_manager, account=account,
        data={"kind": "video", "subject": "Roadmap", "occurred_at": when, "meeting_link": "https://meet.example/abc",
              "next_steps": "Send the revised plan"},
        contacts=[contact], users=[account_manager], follow_up_due=dt.date(2026, 3, 5),
    )
    account.refresh_from_db()
    assert account.last_contact_at == when
    assert account.check_in_due_at == when + dt.timedelta(days=14)
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.due_date, follow_up.description, follow_up.interaction) == (
        account_manager, dt.date(2026, 3, 5), "Send the revised plan", interaction,
    )
    assert list(interaction.contacts.all()) == [contact]


def test_notes_do_not_count_as_contact_and_older_interactions_do_not_move_it_back(account_manager):
    account = make_account(owner=account_manager)
    recent = dt.datetime(2026, 3, 2, 10, tzinfo=UTC)
    services.interaction_create(actor=account_manager, account=account, data={"kind": "call", "subject": "A", "occurred_at": recent})
    services.interaction_create(actor=account_manager, account=account, data={"kind": "note", "subject": "B", "occurred_at": recent + dt.timedelta(days=1)})
    services.interaction_create(actor=account_manager, account=account, data={"kind": "email", "subject": "C", "occurred_at": recent - dt.timedelta(days=5)})
    account.refresh_from_db()
    assert account.last_contact_at == recent


def test_deleting_the_latest_interaction_recomputes_last_contact(account_manager):
    account = make_account(owner=account_manager)
    first = dt.datetime(2026, 3, 2, 10, tzinfo=UTC)
    services.interaction_create(actor=account_manager, account=account, data={"kind": "call", "subject": "A", "occurred_at": first})
    latest = services.interaction_create(
        actor=account_manager, account=account, data={"kind": "call", "subject": "B", "occurred_at": first + dt.timedelta(days=3)}
    )
    services.interaction_delete(actor=account_manager, interaction=latest)
    account.refresh_from_db()
    assert account.last_contact_at == first


def test_interaction_refuses_a_contact_of_another_account(account_manager):
    account = make_account(owner=account_manager)
    other = make_account(owner=account_manager)
    stranger = make_contact(account=other)
    with pytest.raises(ValidationError) as error:
        services.interaction_create(actor=account_manager, account=account, data={"kind": "call", "subject": "x"}, contacts=[stranger])
    assert "contacts" in error.value.message_dict
    assert Interaction.objects.count() == 0


LONDON = WorkingCalendar(time_zone=ZoneInfo("Europe/London"), day_start=dt.time(9), day_end=dt.time(17),
                         holidays=frozenset({dt.date(2025, 12, 25)}))


def test_inquiry_sla_due_in_business_hours_and_first_response_times(account_manager, settings):
    account = make_account(owner=account_manager, tier="key")
    received = dt.datetime(2025, 12, 24, 15, 0, tzinfo=UTC)  # Wednesday 15:00 London
    inquiry = services.inquiry_create(
        actor=account_manager, account=account, subject="Outage", priority="high", received_at=received, calendar=LONDON
    )
    # key/high = 8 business hours: 2 h on the 24th, the 25th is a holiday, 6 h on Friday 26th → 15:00.
    assert inquiry.sla_hours == Decimal("8.00")
    assert inquiry.sla_due_at == dt.datetime(2025, 12, 26, 15, 0, tzinfo=UTC)
    assert inquiry.assignee == account_manager


def test_first_response_sets_times_once_and_ignores_automatic_replies(account_manager):
    account = make_account(owner=account_manager, tier="standard")
    received = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday
    inquiry = make_inquiry(account=account, received_at=received)
    services.interaction_create(
        actor=account_manager, account=account, inquiry=inquiry, is_automatic=True,
        data={"kind": "email", "subject": "Auto: we got it", "occurred_at": received + dt.timedelta(minutes=1)},
    )
    inquiry.refresh_from_db()
    assert inquiry.first_response_at is None
    answered = dt.datetime(2026, 3, 3, 11, 30, tzinfo=UTC)  # Tuesday: 8 h Monday + 2.5 h
    services.interaction_create(
        actor=account_manager, account=account, inquiry=inquiry,
        data={"kind": "email", "subject": "Re: question", "occurred_at": answered},
    )
    inquiry.refresh_from_db()
    assert inquiry.first_response_at == answered
    assert inquiry.status == "responded"
    assert inquiry.response_calendar_hours == Decimal("26.50")
    # UTC organisation calendar, 9:00–17:00 → 8 h + 2.5 h.
    assert inquiry.response_business_hours == Decimal("10.50")
    later = answered + dt.timedelta(hours=5)
    services.interaction_create(actor=account_manager, account=account, inquiry=inquiry, data={"kind": "call", "subject": "Call back", "occurred_at": later})
    inquiry.refresh_from_db()
    assert inquiry.first_response_at == answered


def test_assignee_outside_the_account_team_can_answer_their_inquiry(account_manager, member):
    """The assignee answers through inquiry_respond; interaction_create needs the
    account, even for an interaction linked to their inquiry."""
    account = make_account(owner=account_manager)
    inquiry = make_inquiry(account=account, assignee=member)
    for data, linked in (({"kind": "call", "subject": "Not theirs"}, None), ({"kind": "email", "subject": "Answer"}, inquiry)):
        with pytest.raises(PermissionDeniedError):
            services.interaction_create(actor=member, account=account, inquiry=linked, data=data)
    assert (Interaction.objects.count(), Inquiry.objects.get().first_response_at) == (0, None)
    answer = services.inquiry_respond(actor=member, inquiry=inquiry, data={"kind": "email", "subject": "Answer"})
    inquiry.refresh_from_db()
    assert (answer.direction, answer.logged_by, answer.inquiry) == ("outbound", member, inquiry)
    assert inquiry.first_response_at == answer.occurred_at


def test_only_the_assignee_or_account_changers_respond(account_manager, member, project_manager):
    account = make_account(owner=account_manager)
    inquiry = make_inquiry(account=account, assignee=member)
    with pytest.raises(PermissionDeniedError):
        services.inquiry_respond(actor=project_manager, inquiry=inquiry, data={"kind": "email", "subject": "Answer"})
    with pytest.raises(ValidationError):
        services.inquiry_respond(actor=account_manager, inquiry=inquiry, data={"direction": "inbound", "subject": "x"})
    assert Interaction.objects.count() == 0


def test_inquiry_resolution_requires_text_and_order(account_manager):
    account = make_account(owner=account_manager)
    inquiry = make_inquiry(account=account)
    with pytest.raises(ValidationError):
        services.inquiry_resolve(actor=account_manager, inquiry=inquiry, resolution=" ")
    resolved = services.inquiry_resolve(actor=account_manager, inquiry=inquiry, resolution="Sent the credit note")
    assert (resolved.status, resolved.resolution) == ("resolved", "Sent the credit note")
    assert Inquiry.objects.get(pk=inquiry.pk).resolved_at is not None


def test_cadence_rule_change_redates_default_accounts_only(admin_user, account_manager):
    from tandem.clients.models import CadenceRule

    default = make_account(owner=account_manager, tier="standard")
    custom = make_account(owner=account_manager, tier="standard", check_in_days=7)
    # Seeded by a data migration, but a transactional test run earlier may have flushed it.
    rule, _ = CadenceRule.objects.get_or_create(tier="standard", defaults={"check_in_days": 60})
    services.cadence_rule_update(actor=admin_user, rule=rule, check_in_days=45)
    default.refresh_from_db()
    custom.refresh_from_db()
    assert default.check_in_due_at == default.lifecycle_changed_at + dt.timedelta(days=45)
    assert custom.check_in_due_at == custom.lifecycle_changed_at + dt.timedelta(days=7)


def test_account_manager_cannot_leave_an_account_without_owner(account_manager, admin_user):
    account = make_account(owner=account_manager)
    with pytest.raises(ValidationError) as error:
        services.account_update(actor=account_manager, account=account, data={"owner": None})
    assert "owner" in error.value.message_dict
    assert Account.objects.get(pk=account.pk).owner == account_manager
    services.account_update(actor=admin_user, account=Account.objects.get(pk=account.pk), data={"owner": None})
    assert Account.objects.get(pk=account.pk).owner is None
