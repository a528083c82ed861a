"""The card registry of the home page (tandem.core.home) and the page itself."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
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
    # session, user, roles; every card's number in one query, the unread ones among them
    # (all zero: no rows read; the top bar's badge reuses the unread number)
    with django_assert_num_queries(4):
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


def test_gated_lists_are_built_only_when_the_user_has_rows_of_their_own(member, monkeypatch, django_assert_num_queries):
    """A Gated list whose ``mine`` is empty counts 0 without being built (one query for
    every number); one whose ``mine`` has rows is built and counted in one more query,
    exactly as its list counts it."""
    for number in range(3):
        Notification.objects.create(recipient=member, kind="t", key=f"k{number}", title="Note", read_at=None)
    built: list[str] = []

    def gated(name: str, mine: Any, rows: Any) -> home.Gated:
        return home.Gated(mine=mine, build=lambda: built.append(name) or rows)

    mine = Notification.objects.filter(recipient=member)
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True, title="Note")
    monkeypatch.setattr(home, "_COUNT_SOURCES", [lambda user: {
        "plain": Notification.objects.filter(recipient=user),
        "empty": gated("empty", mine.filter(key="nothing"), unread),
        "full": gated("full", mine, unread.exclude(key="k0")),
    }])
    with django_assert_num_queries(2):
        assert home.counts(member) == {"plain": 3, "empty": 0, "full": 2}
    assert built == ["full"]
    built.clear()
    monkeypatch.setattr(home, "_COUNT_SOURCES", [lambda user: {"empty": gated("empty", mine.none(), unread)}])
    with django_assert_num_queries(1):
        assert home.counts(member) == {"empty": 0}
    assert built == []


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


# The markup the home page's template wrote for its cards, which home.cards_html writes now.
CARDS_REFERENCE = """{% for card in cards %}
  <div class="col">
    <section class="card h-100" aria-labelledby="card-{{ card.key }}-title" data-testid="home-card" data-card="{{ card.key }}">
      <div class="card-header">
        <h2 class="card-title h6 mb-0" id="card-{{ card.key }}-title">{{ card.title }}</h2>
      </div>
      <div class="card-body">
        <p class="mb-2">
          <a class="card-number h2 mb-0 text-decoration-none text-{% if card.count %}{{ card.tone }}{% else %}success{% endif %}-emphasis" href="{{ card.url }}" data-testid="card-number">{{ card.display }}<span class="visually-hidden"> {{ card.caption }}</span></a>
          <span class="text-body-secondary" aria-hidden="true">{{ card.caption }}</span>
        </p>
        {% if not card.count and card.empty %}<p class="text-body-secondary mb-2" data-testid="card-empty">{{ card.empty }}</p>{% endif %}
        {% if card.breakdown %}
        <ul class="list-group list-group-flush mb-2" aria-label="{{ card.title }}: breakdown">
          {% for item in card.breakdown %}
          <li class="list-group-item d-flex justify-content-between align-items-center px-0">
            <span>{{ item.label }}</span>
            <a class="badge {% if item.count %}text-bg-primary{% else %}text-bg-light{% endif %}" href="{{ item.url }}" data-testid="card-number">{{ item.display }}<span class="visually-hidden"> {{ item.label }}</span></a>
          </li>
          {% endfor %}
        </ul>
        {% endif %}
        {% if card.rows %}
        <ul class="list-group list-group-flush" aria-label="{{ card.title }}: the first ones">
          {% for row in card.rows %}
          <li class="list-group-item px-0">
            <a href="{{ row.url }}">{{ row.label }}</a>
            {% if row.badge %}<span class="badge text-bg-{{ row.tone }}">{{ row.badge }}</span>{% endif %}
            {% if row.detail %}<div class="small text-body-secondary">{{ row.detail }}</div>{% endif %}
          </li>
          {% endfor %}
        </ul>
        {% endif %}
      </div>
    </section>
  </div>
{% endfor %}"""


def test_cards_markup_is_the_reference_templates():
    """cards_html writes, to the whitespace, what the template loop wrote: escaped
    values, the tone (success at zero), the empty sentence, breakdowns and rows."""
    cards = [
        Card(title="R&D <b>", count=1234, url="/a/?x=1&y=<2>", caption='"quoted" & more', tone="danger", key="k<1>",
             rows=[home.Row("Row <i>", "/r/1/", detail="O'Neil", badge="Due <today>", tone="warning"),
                   home.Row("Plain", "/r/2/")],
             breakdown=[Breakdown("Team & co", 3, "/t/?team=1&a=b"), Breakdown("Empty", 0, "/t/?team=2")]),
        Card(title="Calm", count=0, url="/calm/", caption="fires", empty="All <clear>.", key="calm"),
        Card(title="Zero, no sentence", count=0, url="/z/", caption="none", key="z"),
    ]
    reference = Template(CARDS_REFERENCE).render(Context({"cards": cards}))
    written = str(home.cards_html(cards))
    assert " ".join(written.split()) == " ".join(reference.split())
    assert "1,000+" in written and "<b>" not in written and "text-success-emphasis" in written
    assert str(home.cards_html([])) == ""
