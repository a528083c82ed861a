"""The home page's cards ("My day"): each app registers the cards it can fill.

A card is a function of the signed-in user that returns a :class:`Card`, or ``None``
when it has nothing to show that user (the card is then left out: no placeholders).
Apps register theirs in ``tandem/<app>/home.py``, imported by their AppConfig.ready()::

    from tandem.core import home

    @home.card(key="my_accounts", title="My accounts", order=10, visible=is_account_manager)
    def my_accounts(user) -> home.Card | None:
        queryset = selectors.account_list(actor=user, filters=AccountFilters(owner_id=user.pk), for_count=True)
        return home.Card(title="My accounts", count=home.capped_count(queryset), url=..., caption="accounts you own")

Every number on a card links to the list behind it and is counted with the same
selector and filters as that list (its ``for_count`` shape), so it equals the list's
total by construction; :func:`capped_count` counts no further than a list page does
(1,000, shown as "1,000+"). ``visible`` is checked first and must not query the
database; the card function should cost a fixed number of queries whatever the data
size. The home page shows the cards with something that needs the user first
(:attr:`Card.urgent` with a non-zero number), then by ``order``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.safestring import SafeString

from tandem.core.notifications import notification_list
from tandem.core.pagination import PAGE_COUNT_CAP
from tandem.core.rows import esc, joined, plain_url
from tandem.core.statements import Prepared as Prepared

COUNT_CAP = PAGE_COUNT_CAP


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """The rows of ``queryset`` counted up to ``cap + 1`` (one query, as a list page
    counts): a result above ``cap`` shows as "1,000+"."""
    return queryset.order_by()[: cap + 1].count()


def capped_counts(
    querysets: Mapping[str, QuerySet[Any] | Prepared], cap: int = COUNT_CAP, *,
    exists: Mapping[str, QuerySet[Any] | Prepared] | None = None,
) -> dict[str, int]:
    """Several :func:`capped_count` in ONE query (``SELECT (SELECT COUNT(*) FROM (<rows>
    LIMIT cap + 1)), ...``): each number is that of its queryset counted exactly as a
    list page counts it, whatever table it reads. All querysets must use one database.
    ``exists`` adds, in the same query, whether each of those querysets has a row (1 or 0).
    A :class:`~tandem.core.statements.Prepared` query is compiled once per process."""
    exists = exists or {}
    if not querysets and not exists:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    using = next(iter({**querysets, **exists}.values())).db
    for queryset, limit in [*((item, cap + 1) for item in querysets.values()), *((item, 1) for item in exists.values())]:
        try:
            if isinstance(queryset, Prepared):
                sql, rows_params = queryset.compiled(f"ids:{limit}", partial(_compiled_ids, limit=limit))
            else:
                sql, rows_params = _ids_query(queryset, limit).get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a filter that matches nothing by construction (``none()``, ``pk__in=[]``)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")  # noqa: S608 -- Django's compiled SQL, values as params
        params.extend(rows_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip([*querysets, *exists], row, strict=True)}


def _compiled_ids(queryset: QuerySet[Any], *, limit: int) -> tuple[str, Sequence[Any]]:
    sql, params = _ids_query(queryset, limit).get_compiler(using=queryset.db).as_sql()
    return sql, params


def _ids_query(queryset: QuerySet[Any], limit: int) -> Query:
    """``queryset.order_by().values("pk")[:limit]``'s query, in one copy of it rather
    than three (a home page compiles a dozen of them)."""
    query = queryset.query.clone()
    query.clear_ordering(force=True)
    query.select_related = False
    query.clear_select_clause()
    query.add_fields([queryset.model._meta.pk.name], allow_m2m=False)
    query.set_limits(high=limit)
    return query


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the current time zone (a bound that stays the same
    all day, so a statement with it is compiled once: :class:`Prepared`)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Gated:
    """A card's list that is costly to build (a permission scope over several tables),
    with ``mine``: a cheap query of rows it cannot do without (the user's own mentions,
    cells, assignments: the list's own filter before the scope narrows it). When ``mine``
    has no row the list has none either, its number is 0 and it is never built; otherwise
    ``build()`` gives the list, counted like any other. The number is exact either way."""

    mine: QuerySet[Any] | Prepared
    build: Callable[[], QuerySet[Any]]


_SHARED: ContextVar[dict[str, Any] | None] = ContextVar("home_shared", default=None)


def shared[T](key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per :func:`cards_for` call: what several cards of one app read
    (their numbers, counted in one query by :func:`capped_counts`) is computed by the
    first of them and reused by the others. Outside :func:`cards_for`, computed each time."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


CountSource = Callable[[Any], Mapping[str, "QuerySet[Any] | Prepared | Gated"]]
_COUNT_SOURCES: list[CountSource] = []


def count_source[S: CountSource](function: S) -> S:
    """Register ``function(user)``: the list behind every number of an app's cards that
    ``user`` may get (each in its ``for_count`` shape, or :class:`Gated` when costly to
    build, keyed by a name unique over every app: prefix it with the app). :func:`counts`
    counts them all, every app's together."""
    _COUNT_SOURCES.append(function)
    return function


def counts(user: Any) -> dict[str, int]:
    """The number of every card ``user`` may get, from every app's :func:`count_source`,
    counted by the first card that asks, each with the selector, filters and cap of the
    list it links to: in ONE query, whether the :class:`Gated` lists have rows of the
    user's in the same; a second query only counts the gated lists that do."""

    def compute() -> dict[str, int]:
        querysets: dict[str, QuerySet[Any] | Prepared] = {}
        gated: dict[str, Gated] = {}
        for source in _COUNT_SOURCES:
            for key, value in source(user).items():
                if key in querysets or key in gated:
                    raise ValueError(f"home count {key!r} is given twice")
                if isinstance(value, Gated):
                    gated[key] = value
                else:
                    querysets[key] = value
        found = capped_counts(querysets, exists={key: item.mine for key, item in gated.items()})
        numbers = {key: found[key] for key in querysets}
        present = {key: item for key, item in gated.items() if found[key]}
        numbers.update(dict.fromkeys(gated, 0))
        numbers.update(capped_counts({key: item.build() for key, item in present.items()}))
        return numbers

    return shared("counts", compute)


def count_display(count: int, cap: int = COUNT_CAP) -> str:
    """``"12"``, ``"1,234"`` below the cap, ``"1,000+"`` above it."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


@dataclass(frozen=True)
class Row:
    """One item of a card's short list (a record), with its link."""

    label: str
    url: str
    detail: str = ""  # a second, muted line: the account, a date
    badge: str = ""  # a short word in a badge: "Overdue", "Due today"
    tone: str = "secondary"  # the badge's Bootstrap colour


@dataclass(frozen=True)
class Breakdown:
    """A number of a card's breakdown (per team, per due date), with its list."""

    label: str
    count: int
    url: str

    @property
    def display(self) -> str:
        return count_display(self.count)


@dataclass(frozen=True)
class Card:
    """What one card shows: a headline number with its link and caption, optionally a
    short list of records and a breakdown of the number; ``empty`` is the sentence
    shown instead when the number is zero (an all-clear)."""

    title: str
    count: int
    url: str
    caption: str  # what the number counts: "accounts you own"
    rows: Sequence[Row] = ()
    breakdown: Sequence[Breakdown] = ()
    empty: str = ""
    urgent: bool = False  # a non-zero number needs doing: the card goes first
    tone: str = "primary"  # the number's colour when non-zero (Bootstrap's "-emphasis" shade)
    key: str = ""  # filled in from the registration

    @property
    def display(self) -> str:
        return count_display(self.count)

    @property
    def needs_attention(self) -> bool:
        return self.urgent and self.count > 0


CardFunction = Callable[[Any], Card | None]


@dataclass(frozen=True)
class CardEntry:
    key: str
    title: str
    order: int
    visible: Callable[[Any], bool]
    function: CardFunction


_CARDS: dict[str, CardEntry] = {}


def _everyone(user: Any) -> bool:
    return True


def card(
    *, key: str, title: str, order: int = 100, visible: Callable[[Any], bool] = _everyone
) -> Callable[[CardFunction], CardFunction]:
    """Register a home card under ``key``; ``visible(user)`` says who may get it (no
    queries), the function returns its :class:`Card` or ``None`` (nothing to show)."""

    def decorator(function: CardFunction) -> CardFunction:
        if key in _CARDS:
            raise ValueError(f"home card {key!r} is registered twice")
        _CARDS[key] = CardEntry(key, title, order, visible, function)
        return function

    return decorator


def registered() -> list[CardEntry]:
    """The registered cards by ``order`` (then key)."""
    return sorted(_CARDS.values(), key=lambda entry: (entry.order, entry.key))


def cards_for(user: Any) -> list[Card]:
    """The cards with something to show ``user``, most urgent first, then by order."""
    shown: list[tuple[int, Card]] = []
    token = _SHARED.set({})
    try:
        for entry in registered():
            if not entry.visible(user):
                continue
            result = entry.function(user)
            if result is None:
                continue
            shown.append((entry.order, _with_key(result, entry.key)))
    finally:
        _SHARED.reset(token)
    shown.sort(key=lambda item: (not item[1].needs_attention, item[0]))
    return [item for _, item in shown]


def _with_key(result: Card, key: str) -> Card:
    return result if result.key == key else replace(result, key=key)


# --- The cards' markup ---------------------------------------------------------------------
# Written in Python, as list rows are (tandem/core/rows.py): a dozen cards with their rows
# and breakdowns through the template engine cost a tenth of the home page. The markup is
# the one core/_home_cards_reference.html wrote (tests/core/test_home.py compares them).


def _card_html(card: Card) -> str:
    key, title = esc(card.key), esc(card.title)
    tone = esc(card.tone) if card.count else "success"
    caption = esc(card.caption)
    parts = [
        '<div class="col">\n<section class="card h-100" aria-labelledby="card-', key,
        '-title" data-testid="home-card" data-card="', key, '">\n<div class="card-header">\n'
        '<h2 class="card-title h6 mb-0" id="card-', key, '-title">', title, '</h2>\n</div>\n'
        '<div class="card-body">\n<p class="mb-2">\n'
        '<a class="card-number h2 mb-0 text-decoration-none text-', tone, '-emphasis" href="', esc(card.url),
        '" data-testid="card-number">', esc(card.display), '<span class="visually-hidden"> ', caption, '</span></a>\n'
        '<span class="text-body-secondary" aria-hidden="true">', caption, '</span>\n</p>\n',
    ]
    if not card.count and card.empty:
        parts += ['<p class="text-body-secondary mb-2" data-testid="card-empty">', esc(card.empty), '</p>\n']
    if card.breakdown:
        parts += ['<ul class="list-group list-group-flush mb-2" aria-label="', title, ': breakdown">\n']
        for item in card.breakdown:
            label = esc(item.label)
            badge = "text-bg-primary" if item.count else "text-bg-light"
            parts += [
                '<li class="list-group-item d-flex justify-content-between align-items-center px-0">\n<span>', label,
                '</span>\n<a class="badge ', badge, '" href="', esc(item.url), '" data-testid="card-number">',
                esc(item.display), '<span class="visually-hidden"> ', label, '</span></a>\n</li>\n',
            ]
        parts.append("</ul>\n")
    if card.rows:
        parts += ['<ul class="list-group list-group-flush" aria-label="', title, ': the first ones">\n']
        for row in card.rows:
            parts += ['<li class="list-group-item px-0">\n<a href="', esc(row.url), '">', esc(row.label), '</a>\n']
            if row.badge:
                parts += ['<span class="badge text-bg-', esc(row.tone), '">', esc(row.badge), '</span>\n']
            if row.detail:
                parts += ['<div class="small text-body-secondary">', esc(row.detail), '</div>\n']
            parts.append("</li>\n")
        parts.append("</ul>\n")
    parts.append("</div>\n</section>\n</div>\n")
    return "".join(parts)


def cards_html(cards: Sequence[Card]) -> SafeString:
    """The cards' columns of the home page's grid, as one piece of markup."""
    return joined(_card_html(card) for card in cards)


# --- Core's own card ---------------------------------------------------------------------


@count_source
def _unread(user: Any) -> dict[str, Prepared]:
    return {"notifications": Prepared("core.unread", (user.pk,), lambda: notification_list(actor=user, unread_only=True))}


@card(key="notifications", title="Notifications", order=5)
def unread_notifications(user: Any) -> Card | None:
    """Unread notifications, when there are any (the list opens on the unread ones); the
    home page's top-bar badge reuses this number (no second count)."""
    count = counts(user)["notifications"]
    if not count:
        return None
    return Card(
        title="Notifications", count=count, url=f"{plain_url('core:notifications')}?unread=1",
        caption="unread", urgent=True, tone="primary",
    )
