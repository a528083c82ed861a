"""The card registry of the home page (tandem.core.home) and the page itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from tandem.core import home
from tandem.core.home import Breakdown, Card
from tandem.core.models import Notification
from tandem.core.roles import Role
from tests.conftest import client_for


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' cards come back afterwards)."""
    monkeypatch.setattr(home, "_CARDS", {})
    return home


def test_cards_by_urgency_then_order_hidden_when_none_or_not_visible(registry):
    calls = []

    @registry.card(key="later", title="Later", order=1)
    def later(user):
        calls.append("later")
        return Card(title="Later", count=3, url="/later/", caption="things")

    @registry.card(key="urgent", title="Urgent", order=50)
    def urgent(user):
        return Card(title="Urgent", count=2, url="/urgent/", caption="fires", urgent=True)

    @registry.card(key="calm", title="Calm", order=40)
    def calm(user):
        return Card(title="Calm", count=0, url="/calm/", caption="fires", urgent=True, empty="All clear.")

    @registry.card(key="nothing", title="Nothing", order=2)
    def nothing(user):
        return None

    @registry.card(key="hidden", title="Hidden", order=3, visible=lambda user: False)
    def hidden(user):
        raise AssertionError("a card not visible to the user is never computed")

    cards = registry.cards_for(object())
    assert [card.key for card in cards] == ["urgent", "later", "calm"]
    assert calls == ["later"]
    assert [entry.key for entry in registry.registered()] == ["later", "nothing", "hidden", "calm", "urgent"]


def test_a_key_is_registered_once(registry):
    registry.card(key="once", title="Once")(lambda user: None)
    with pytest.raises(ValueError, match="registered twice"):
        registry.card(key="once", title="Again")(lambda user: None)


def test_numbers_show_the_cap_like_list_pages():
    assert home.count_display(0) == "0"
    assert home.count_display(1000) == "1,000"
    assert home.count_display(1001) == "1,000+"
    assert Card(title="T", count=1001, url="/", caption="c").display == "1,000+"
    assert Breakdown("Team", 1234, "/").display == "1,000+"


def test_capped_count_counts_no_further_than_the_cap(member, django_assert_num_queries):
    Notification.objects.bulk_create(
        [Notification(recipient=member, kind="t", key=f"k{number}", title="T") for number in range(5)]
    )
    with django_assert_num_queries(1):
        assert home.capped_count(Notification.objects.all(), cap=3) == 4
    assert home.capped_count(Notification.objects.all()) == 5


def test_unread_notifications_card(member):
    assert home.unread_notifications(member) is None
    Notification.objects.create(recipient=member, kind="t", key="a", title="A")
    Notification.objects.create(recipient=member, kind="t", key="b", title="B")
    card = home.unread_notifications(member)
    assert card is not None
    assert (card.count, card.url, card.caption) == (2, "/notifications/?unread=1", "unread")


def test_home_page_greets_and_shows_the_cards(member):
    Notification.objects.create(recipient=member, kind="t", key="a", title="A")
    response = client_for(member).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>My day · Tandem</title>" in html
    assert ", Mel</h1>" in html
    assert 'data-card="notifications"' in html
    assert 'href="/notifications/?unread=1" data-testid="card-number">1<' in html
    assert "coming soon" not in html.lower()


def test_home_page_with_nothing_to_do_says_so(users_by_role, django_assert_num_queries):
    user = users_by_role[Role.PROJECT_MANAGER]
    client = client_for(user)
    client.get(reverse("home"))
    # session, user, roles, badge; notifications 1; the client cards' numbers 1 (all zero: no rows read);
    # delivery's "My tasks" number 1 (zero: no card)
    with django_assert_num_queries(7):
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.context["cards"] == []
    assert 'data-testid="home-empty"' in html
    assert "Nothing needs you today" in html


def test_core_home_names_no_domain_app():
    root = Path(home.__file__).parent
    for name in ("home.py", "views.py"):
        tree = ast.parse((root / name).read_text())
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not {module for module in imported if module.startswith(("tandem.clients", "tandem.people", "tandem.integrations"))}, name
    source = (root / "templates" / "core" / "home.html").read_text()
    assert "clients:" not in source and "people:" not in source


def test_capped_counts_counts_several_lists_in_one_query(member, django_assert_num_queries):
    from tandem.people.models import User

    for number in range(4):
        Notification.objects.create(recipient=member, kind="t", key=f"k{number}", title="Note", read_at=None)
    querysets = {
        "unread": Notification.objects.filter(recipient=member, read_at__isnull=True),
        "none": Notification.objects.filter(recipient=member, read_at__isnull=False),
        "users": User.objects.filter(pk=member.pk),
    }
    with django_assert_num_queries(1):
        counts = home.capped_counts(querysets, cap=3)
    # Each as capped_count counts it (up to cap + 1), whatever the table.
    assert counts == {"unread": 4, "none": 0, "users": 1}
    assert counts == {name: home.capped_count(queryset, cap=3) for name, queryset in querysets.items()}
    assert home.capped_counts({}) == {}


def test_shared_is_computed_once_per_cards_for_call(registry, member):
    calls: list[int] = []

    def numbers() -> int:
        calls.append(1)
        return 7

    for key in ("one", "two"):
        home.card(key=key, title=key)(lambda user: home.Card(title="x", count=home.shared("n", numbers), url="/", caption=""))
    assert [card.count for card in home.cards_for(member)] == [7, 7]
    assert len(calls) == 1
    home.cards_for(member)
    assert len(calls) == 2  # a new call of cards_for computes again
    assert home.shared("n", numbers) == 7 and len(calls) == 3  # outside cards_for: each time
