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

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse

from tandem.core.notifications import notification_list
from tandem.core.pagination import PAGE_COUNT_CAP

COUNT_CAP = PAGE_COUNT_CAP


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """The rows of ``queryset`` counted up to ``cap + 1`` (one query, as a list page
    counts): a result above ``cap`` shows as "1,000+"."""
    return queryset.order_by()[: cap + 1].count()


def capped_counts(querysets: Mapping[str, QuerySet[Any]], cap: int = COUNT_CAP) -> dict[str, int]:
    """Several :func:`capped_count` in ONE query (``SELECT (SELECT COUNT(*) FROM (<rows>
    LIMIT cap + 1)), ...``): each number is that of its queryset counted exactly as a
    list page counts it, whatever table it reads. All querysets must use one database."""
    if not querysets:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    using = next(iter(querysets.values())).db
    for queryset in querysets.values():
        rows = queryset.order_by().values("pk")[: cap + 1]
        sql, rows_params = rows.query.get_compiler(using=using).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")  # noqa: S608 -- Django's compiled SQL, values as params
        params.extend(rows_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}


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


CountSource = Callable[[Any], Mapping[str, QuerySet[Any]]]
_COUNT_SOURCES: list[CountSource] = []


def count_source(function: CountSource) -> CountSource:
    """Register ``function(user)``: the list behind every number of an app's cards that
    ``user`` may get (each in its ``for_count`` shape, keyed by a name unique over every
    app: prefix it with the app). :func:`counts` counts them all, every app's together."""
    _COUNT_SOURCES.append(function)
    return function


def counts(user: Any) -> dict[str, int]:
    """The number of every card ``user`` may get, from every app's :func:`count_source`,
    counted in ONE query (:func:`capped_counts`) by the first card that asks; each number
    counted with the selector, filters and cap of the list it links to."""

    def compute() -> dict[str, int]:
        querysets: dict[str, QuerySet[Any]] = {}
        for source in _COUNT_SOURCES:
            for key, queryset in source(user).items():
                if key in querysets:
                    raise ValueError(f"home count {key!r} is given twice")
                querysets[key] = queryset
        return capped_counts(querysets)

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


# --- Core's own card ---------------------------------------------------------------------


@count_source
def _unread(user: Any) -> dict[str, QuerySet[Any]]:
    return {"notifications": notification_list(actor=user, unread_only=True)}


@card(key="notifications", title="Notifications", order=5)
def unread_notifications(user: Any) -> Card | None:
    """Unread notifications, when there are any (the list opens on the unread ones); the
    home page's top-bar badge reuses this number (no second count)."""
    count = counts(user)["notifications"]
    if not count:
        return None
    return Card(
        title="Notifications", count=count, url=f"{reverse('core:notifications')}?unread=1",
        caption="unread", urgent=True, tone="primary",
    )
