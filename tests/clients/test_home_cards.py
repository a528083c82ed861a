"""The home page's client cards ("My day"): for each role, the exact cards and numbers on
a small world, and every number equal to the total of the list it links to."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.clients import services
from tandem.clients.models import Account, FollowUp, Inquiry, InquiryStatus
from tandem.core.home import Card
from tandem.core.models import Notification
from tandem.core.roles import Role
from tests.clients.factories import make_account, make_inquiry
from tests.conftest import client_for
from tests.factories import make_team, make_user

TOTAL = re.compile(r'data-testid="list-total">([\d,]+)\+? ')


def list_total(client: Client, url: str) -> int:
    """The total a list page shows: its toolbar's number, 0 on its empty state, or the
    rows of the notification list (no toolbar; the fixtures hold less than a page)."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    if url.startswith(reverse("core:notifications")):
        return html.count('data-testid="notification"')
    match = TOTAL.search(html)
    if match is None:
        assert 'data-testid="empty-state"' in html, url
        return 0
    return int(match.group(1).replace(",", ""))


def numbers(card: Card) -> list[tuple[str, int, str]]:
    """Each number of a card: (label, number, link)."""
    return [(card.title, card.count, card.url), *((f"{card.title}: {item.label}", item.count, item.url) for item in card.breakdown)]


def summary(cards: list[Card]) -> list[tuple[str, int, dict[str, int]]]:
    return [(card.key, card.count, {item.label: item.count for item in card.breakdown}) for card in cards]


def _follow_up(owner: Any, account: Account, days: int, *, done: bool = False) -> FollowUp:
    follow_up = services.follow_up_create(
        actor=None, account=account, owner=owner, due_date=timezone.localdate() + dt.timedelta(days=days),
        description=f"Call back ({days:+d} days)",
    )
    if done:
        FollowUp.objects.filter(pk=follow_up.pk).update(done_at=timezone.now())
    return follow_up


def _inquiry(account: Account, subject: str, *, due_in: dt.timedelta, assignee: Any = None, responded: bool = False) -> Inquiry:
    inquiry = make_inquiry(account=account, subject=subject, assignee=assignee, received_at=timezone.now() - dt.timedelta(days=3))
    update: dict[str, Any] = {"sla_due_at": timezone.now() + due_in}
    if responded:
        update.update(status=InquiryStatus.RESPONDED, first_response_at=timezone.now() - dt.timedelta(hours=1))
    Inquiry.objects.filter(pk=inquiry.pk).update(**update)
    return inquiry


@pytest.fixture
def world(users_by_role, team):
    """Alan (account manager, team Delivery) owns a1-a3; Tina (Delivery) t1; Oscar
    (North) o1, o2; n1 has no owner. Overdue check-ins: a1, a2, t1, o1, n1."""
    alan = users_by_role[Role.ACCOUNT_MANAGER]
    pm, member = users_by_role[Role.PROJECT_MANAGER], users_by_role[Role.MEMBER]
    tina = make_user(role=Role.ACCOUNT_MANAGER, email="tina@example.test", full_name="Tina Teammate", team=team)
    north = make_team(name="North")
    oscar = make_user(role=Role.ACCOUNT_MANAGER, email="oscar@example.test", full_name="Oscar Other", team=north)
    a1, a2, a3 = (make_account(owner=alan, name=name) for name in ("Alpha", "Bravo", "Charlie"))
    t1 = make_account(owner=tina, name="Tango")
    o1 = make_account(owner=oscar, name="Oslo")
    make_account(owner=oscar, name="Osaka")
    n1 = make_account(name="Nobody's")
    # Interactions: Alan logs two, Tina one (they move the check-in dates, set below).
    for subject in ("Kick-off call", "Quarterly review"):
        services.interaction_create(actor=alan, account=a1, data={"kind": "call", "subject": subject})
    services.interaction_create(actor=tina, account=t1, data={"kind": "email", "subject": "Renewal"})
    now = timezone.now()
    Account.objects.update(check_in_due_at=now + dt.timedelta(days=30))
    Account.objects.filter(pk__in=[a1.pk, a2.pk, t1.pk, o1.pk, n1.pk]).update(check_in_due_at=now - dt.timedelta(days=2))
    # Follow-ups: Alan due today, overdue twice, later, done; the PM, Tina and Oscar one each.
    _follow_up(alan, a1, 0)
    _follow_up(alan, a2, -1)
    _follow_up(alan, a3, -5)
    _follow_up(alan, a1, 3)
    _follow_up(alan, a2, -2, done=True)
    _follow_up(pm, a3, -1)
    _follow_up(tina, t1, 0)
    _follow_up(oscar, o1, -1)
    # Inquiries awaiting a first response unless responded.
    _inquiry(a1, "Invoice wrong", due_in=-dt.timedelta(hours=1))  # Alan's (his account), past its SLA
    _inquiry(a2, "Login help", due_in=dt.timedelta(days=3), assignee=member)  # the member's
    _inquiry(a3, "Answered", due_in=-dt.timedelta(hours=5), assignee=alan, responded=True)
    _inquiry(o1, "Urgent export", due_in=dt.timedelta(hours=2), assignee=alan)  # Alan's, near its SLA
    _inquiry(t1, "Tina's", due_in=-dt.timedelta(hours=2))  # Tina's, past its SLA
    _inquiry(a3, "Later", due_in=dt.timedelta(days=2))  # Alan's, not yet near
    # Notifications: Alan two unread and one read, the PM one unread.
    for number, read in ((1, False), (2, False), (3, True)):
        Notification.objects.create(
            recipient=alan, kind="t", key=f"n{number}", title=f"Note {number}", read_at=now if read else None
        )
    Notification.objects.create(recipient=pm, kind="t", key="p1", title="For the PM")
    return {"alan": alan, "tina": tina, "oscar": oscar, "north": north, "team": team, **users_by_role}


def home_cards(user: Any) -> list[Card]:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.context["cards"]


def test_account_manager_cards(world):
    cards = home_cards(world[Role.ACCOUNT_MANAGER])
    assert summary(cards) == [
        ("notifications", 2, {}),
        ("my_follow_ups", 3, {"Due today": 1, "Overdue": 2}),
        ("my_inquiries", 2, {"Awaiting your first response": 3}),
        ("check_ins_overdue", 2, {}),
        ("my_accounts", 3, {}),
        ("pipeline_this_quarter", 0, {}),  # tandem.commercial.home
        ("my_interactions", 2, {}),
    ]
    by_key = {card.key: card for card in cards}
    assert [row.label for row in by_key["check_ins_overdue"].rows] == ["Alpha", "Bravo"]
    assert [row.label for row in by_key["my_inquiries"].rows] == ["Invoice wrong", "Urgent export", "Later"]
    assert [row.badge for row in by_key["my_inquiries"].rows] == ["Past its SLA", "Near its SLA", ""]
    assert [row.label for row in by_key["my_interactions"].rows] == ["Quarterly review", "Kick-off call"]
    assert [row.label for row in by_key["my_follow_ups"].rows] == ["Call back (-5 days)", "Call back (-1 days)", "Call back (+0 days)"]
    alan = world[Role.ACCOUNT_MANAGER].pk
    assert by_key["my_accounts"].url == f"/clients/accounts/?owner={alan}"
    assert by_key["check_ins_overdue"].url == f"/clients/accounts/?owner={alan}&overdue=on"
    assert by_key["my_inquiries"].url == f"/clients/inquiries/?sla=at_risk&owner={alan}"
    assert by_key["my_interactions"].url == f"/clients/interactions/?logged_by={alan}"
    assert [item.url for item in by_key["my_follow_ups"].breakdown] == [
        f"/clients/follow-ups/?owner={alan}&due=today", f"/clients/follow-ups/?owner={alan}&due=overdue",
    ]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ADMIN])
def test_executive_and_admin_cards_by_team(world, role):
    cards = home_cards(world[role])
    assert summary(cards) == [
        ("org_inquiries", 3, {"Delivery": 2, "North": 1}),
        ("org_check_ins_overdue", 5, {"Delivery": 3, "North": 1}),
        ("org_follow_ups", 6, {"Delivery": 5, "North": 1}),
        ("org_accounts", 7, {"Delivery": 4, "North": 2}),
        ("org_pipeline_this_quarter", 0, {}),  # tandem.commercial.home
        ("org_interactions", 3, {}),
    ]
    by_key = {card.key: card for card in cards}
    north = world["north"].pk
    assert [item.url for item in by_key["org_check_ins_overdue"].breakdown][1] == f"/clients/accounts/?overdue=on&team={north}"
    assert [row.label for row in by_key["org_interactions"].rows] == ["Renewal", "Quarterly review", "Kick-off call"]


def test_project_manager_sees_only_what_is_theirs(world):
    cards = home_cards(world[Role.PROJECT_MANAGER])
    assert summary(cards) == [("notifications", 1, {}), ("my_follow_ups", 1, {"Due today": 0, "Overdue": 1})]


def test_member_sees_the_inquiry_assigned_to_them(world):
    cards = home_cards(world[Role.MEMBER])
    assert summary(cards) == [("my_inquiries", 0, {"Awaiting your first response": 1})]
    assert [row.label for row in cards[0].rows] == ["Login help"]


def test_an_account_manager_with_nothing_due_sees_all_clear_cards(world):
    oscar = world["oscar"]
    FollowUp.objects.filter(owner=oscar).delete()
    Account.objects.filter(owner=oscar).update(check_in_due_at=timezone.now() + dt.timedelta(days=5))
    Inquiry.objects.filter(assignee=world[Role.ACCOUNT_MANAGER], account__owner=oscar).delete()
    response = client_for(oscar).get(reverse("home"))
    assert summary(response.context["cards"]) == [
        ("my_follow_ups", 0, {}),
        ("my_inquiries", 0, {}),
        ("check_ins_overdue", 0, {}),
        ("my_accounts", 2, {}),
        ("pipeline_this_quarter", 0, {}),
        ("my_interactions", 0, {}),
    ]
    html = response.content.decode()
    assert "No follow-ups due: you are up to date." in html
    assert "Every account you own has had its check-in." in html


@pytest.mark.parametrize("who", [Role.ACCOUNT_MANAGER, Role.EXECUTIVE, Role.ADMIN, Role.PROJECT_MANAGER, Role.MEMBER, "tina", "oscar"])
def test_every_number_equals_the_total_of_the_list_it_links_to(world, who):
    user = world[who]
    client = client_for(user)
    response = client.get(reverse("home"))
    html = response.content.decode()
    checked = 0
    for card in response.context["cards"]:
        for label, number, url in numbers(card):
            assert f'href="{url.replace("&", "&amp;")}"' in html, label
            assert list_total(client, url) == number, f"{who}: {label} ({url})"
            checked += 1
    assert checked >= 1


def test_counts_beyond_the_cap_show_as_1000_plus(world, settings):
    from tandem.core import home

    alan = world[Role.ACCOUNT_MANAGER]
    Account.objects.bulk_create(
        [Account(name=f"Bulk {number}", owner=alan, tier="standard") for number in range(home.COUNT_CAP + 1)]
    )
    response = client_for(alan).get(reverse("home"))
    card = next(card for card in response.context["cards"] if card.key == "my_accounts")
    assert card.count == home.COUNT_CAP + 1
    assert card.display == "1,000+"
    assert '>1,000+<span class="visually-hidden"> accounts you own</span>' in response.content.decode()
    assert list_total(client_for(alan), card.url) == 1000


# Session, user and roles (3); every card's number in ONE query, every app's together
# (tandem.core.home.counts: the unread notifications, the client cards, the pipeline
# closing this quarter and the renewals due), the top bar's badge reusing the unread
# number; the executive's four cards by team in one more (every team, a capped count per
# card); then a card's short list of rows (1 each) only when its number is not zero: the
# account manager's check-ins, follow-ups, inquiries and interactions (4); the
# executive's latest interactions (1); the project manager's follow-up and the member's
# inquiry (1). (The pipeline card's total and the renewals' rows are read only when their
# number is not zero: none here.)
@pytest.mark.parametrize(
    ("who", "queries"),
    [(Role.ACCOUNT_MANAGER, 8), (Role.EXECUTIVE, 6), (Role.ADMIN, 6), (Role.PROJECT_MANAGER, 5), (Role.MEMBER, 5)],
)
def test_home_query_count_is_pinned_and_constant(world, who, queries, django_assert_num_queries):
    user = world[who]
    client = client_for(user)
    client.get(reverse("home"))
    with django_assert_num_queries(queries):
        client.get(reverse("home"))
    _double(world)
    with django_assert_num_queries(queries):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def _double(world: dict[str, Any]) -> None:
    """The same world twice over: every account again with its follow-ups, inquiries
    and interactions (the cards show the same kinds of things, twice as many)."""
    for account in list(Account.objects.all()):
        copy = make_account(owner=account.owner, name=f"{account.name} II")
        Account.objects.filter(pk=copy.pk).update(check_in_due_at=account.check_in_due_at)
        for follow_up in FollowUp.objects.filter(account=account):
            FollowUp.objects.create(
                account=copy, owner=follow_up.owner, due_date=follow_up.due_date, description=follow_up.description,
                done_at=follow_up.done_at,
            )
        for inquiry in Inquiry.objects.filter(account=account):
            Inquiry.objects.create(
                account=copy, subject=inquiry.subject, assignee=inquiry.assignee, status=inquiry.status,
                received_at=inquiry.received_at, sla_hours=inquiry.sla_hours, sla_due_at=inquiry.sla_due_at,
                first_response_at=inquiry.first_response_at,
            )
        for interaction in account.interactions.all():
            services.interaction_create(
                actor=None, account=copy, data={"kind": interaction.kind, "subject": interaction.subject}
            )


def test_latest_interactions_beyond_the_cap_are_the_lists_first_rows(world):
    from tandem.clients.models import Interaction
    from tandem.core import home

    alan = world[Role.ACCOUNT_MANAGER]
    account = Account.objects.get(name="Alpha")
    start = timezone.now() - dt.timedelta(days=400)
    Interaction.objects.bulk_create(
        [
            Interaction(account=account, kind="call", subject=f"Bulk {number}", logged_by=alan,
                        occurred_at=start + dt.timedelta(hours=number))
            for number in range(home.COUNT_CAP + 5)
        ]
    )
    client = client_for(alan)
    card = next(card for card in client.get(reverse("home")).context["cards"] if card.key == "my_interactions")
    assert card.display == "1,000+"
    listed = client.get(card.url).context["rows"]
    assert [row.label for row in card.rows] == [row["subject"] for row in listed[:5]]
    assert [row.label for row in card.rows][:2] == ["Quarterly review", "Kick-off call"]


@pytest.mark.parametrize("who", [Role.ACCOUNT_MANAGER, Role.EXECUTIVE])
def test_needs_attention_the_lists_and_the_cards_share_one_rule(world, who):
    """One definition of "at risk" (selectors._sla_at_risk_q over rules.at_risk_before),
    of "check-in overdue" and of "follow-up due": Needs attention, the filtered lists
    and the home cards find the same records, at the edges of the SLA window too."""
    from tandem.clients import rules, selectors

    tina = world["tina"]
    window = rules.SLA_WARNING
    inside = _inquiry(Account.objects.get(name="Bravo"), "Inside the window", due_in=window - dt.timedelta(minutes=5))
    outside = _inquiry(Account.objects.get(name="Bravo"), "Outside the window", due_in=window + dt.timedelta(minutes=5))
    _inquiry(Account.objects.get(name="Tango"), "Resolved late", due_in=-dt.timedelta(hours=3), assignee=tina)
    Inquiry.objects.filter(subject="Resolved late").update(status=InquiryStatus.RESOLVED)
    user = world[who]
    mine = who == Role.ACCOUNT_MANAGER
    attention = selectors.needs_attention(actor=user, owner=user if mine else None)
    client = client_for(user)
    by_key = {card.key: card for card in client.get(reverse("home")).context["cards"]}
    inquiries_card = by_key["my_inquiries" if mine else "org_inquiries"]
    listed = {row["id"] for row, _state in client.get(inquiries_card.url).context["rows"]}
    at_risk = {inquiry.pk for inquiry in attention.inquiries_at_risk}
    assert listed == at_risk
    assert inquiries_card.count == len(at_risk)
    assert inside.pk in at_risk and outside.pk not in at_risk
    expected = {"Invoice wrong", "Urgent export", "Inside the window"}
    if not mine:
        expected |= {"Tina's"}
    assert set(Inquiry.objects.filter(pk__in=at_risk).values_list("subject", flat=True)) == expected
    accounts_card = by_key["check_ins_overdue" if mine else "org_check_ins_overdue"]
    assert accounts_card.count == len(attention.overdue_accounts) == (2 if mine else 5)
    follow_ups_card = by_key["my_follow_ups" if mine else "org_follow_ups"]
    assert follow_ups_card.count == len(attention.due_follow_ups) == (3 if mine else 6)


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ADMIN])
def test_the_organisation_lists_are_compiled_once_and_counted_afresh(world, role, monkeypatch):
    """The executive's lists and their count by team are the same SQL on every page: the
    second page builds none of them, binds its own clock and counts what changed."""
    from tandem.clients import home as client_home

    built: list[int] = []
    original = client_home._by_team_rows

    def counting(user, now):
        built.append(user.pk)
        return original(user, now)

    monkeypatch.setattr(client_home, "_by_team_rows", counting)
    first = {card.key: card for card in home_cards(world[role])}
    assert built
    built.clear()
    make_account(owner=world["oscar"], name="Newcomer")  # a North account, its check-in not yet due
    second = {card.key: card for card in home_cards(world[role])}
    assert built == []
    assert second["org_accounts"].count == first["org_accounts"].count + 1
    assert {item.label: item.count for item in second["org_accounts"].breakdown} == {"Delivery": 4, "North": 3}
    assert summary(second.values())[:3] == summary(first.values())[:3]
