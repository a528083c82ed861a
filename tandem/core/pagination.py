"""Page-number pagination with a capped count, for every list page.

Counting every matching row is what makes big lists slow (QUALITY.md, P4), so
:func:`paginate` never counts past :data:`PAGE_COUNT_CAP`: it counts a slice
(``SELECT COUNT(*) FROM (… LIMIT cap + 1)``) and, beyond the cap, shows "1,000+" and
lets the reader step forward page by page. A count walks every row it counts, so the
cap bounds what a page costs however large the data grows: 1,000 rows is twenty pages
of 50, more than anyone pages through, and counts in about a millisecond. The API's
lists count further (:data:`COUNT_CAP`), for clients that page by offset. A page costs exactly two queries (the capped
count and the rows) plus the caller's ``prefetch_related`` lookups, whatever the data
size and the page size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Model, QuerySet

COUNT_CAP = 10_000
PAGE_COUNT_CAP = 1_000


@dataclass(frozen=True)
class Page[T]:
    """One page of a list. ``total`` is exact when ``total_is_capped`` is false; otherwise
    there are more than ``cap`` rows and ``num_pages`` is unknown (``None``)."""

    items: Sequence[T]
    number: int
    per_page: int
    total: int
    total_is_capped: bool
    cap: int = PAGE_COUNT_CAP

    @property
    def num_pages(self) -> int | None:
        if self.total_is_capped:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        if self.total_is_capped:
            return len(self.items) == self.per_page
        return self.number * self.per_page < self.total

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        """1-based position of the first row shown (0 on an empty page)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers to link when the count is known: the first, the last, and
        ``around`` pages either side of this one, ``None`` where numbers are left out
        (an ellipsis). Empty beyond the count cap (the reader steps page by page)."""
        last = self.num_pages
        if last is None or last == 1:
            return []
        shown = {1, last, *range(max(1, self.number - around), min(last, self.number + around) + 1)}
        numbers: list[int | None] = []
        previous = 0
        for number in sorted(shown):
            if number - previous > 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers

    @property
    def total_display(self) -> str:
        """The total for people: ``"234"``, or ``"1,000+"`` beyond the cap."""
        return f"{self.cap:,}+" if self.total_is_capped else f"{self.total:,}"


def clamp_per_page(per_page: Any) -> int:
    """A page size from user input: a positive whole number, at most
    ``settings.TANDEM_MAX_PAGE_SIZE``; ``settings.TANDEM_PAGE_SIZE`` when unreadable."""
    try:
        value = int(per_page)
    except (TypeError, ValueError):
        return int(settings.TANDEM_PAGE_SIZE)
    return max(1, min(value, int(settings.TANDEM_MAX_PAGE_SIZE)))


def _page_number(page: Any) -> int:
    try:
        return max(1, int(page))
    except (TypeError, ValueError):
        return 1


def paginate[M: Model](
    queryset: QuerySet[M], page: Any = 1, per_page: Any = None, *, count_queryset: QuerySet[M] | None = None,
    counted: int | None = None,
) -> Page[M]:
    """The ``page``-th page (1-based) of an ordered ``queryset``.

    ``page`` and ``per_page`` may come straight from the query string: junk becomes
    page 1 and the default size; a page past the end shows the last page.
    ``count_queryset``, when given, is counted instead of ``queryset``: the same rows
    written in a shape the database counts faster (``scoped(..., for_count=True)``).
    ``counted``, when given, is that count already made (up to ``PAGE_COUNT_CAP + 1``
    rows, by a query that read something else with it: a list's totals).
    """
    size = clamp_per_page(settings.TANDEM_PAGE_SIZE if per_page in (None, "") else per_page)
    number = _page_number(page)
    cap = PAGE_COUNT_CAP
    if counted is None:
        counted = (queryset if count_queryset is None else count_queryset).order_by()[: cap + 1].count()
    capped = counted > cap
    if not capped:
        last = max(1, -(-counted // size))
        number = min(number, last)
    offset = (number - 1) * size
    items = list(queryset[offset : offset + size]) if counted else []
    return Page(
        items=items,
        number=number,
        per_page=size,
        total=min(counted, cap),
        total_is_capped=capped,
        cap=cap,
    )


@dataclass(frozen=True)
class PageLinks:
    """The query strings of a page's links: previous, next, first, last (empty when
    there is no such page) and each numbered page (``None`` for an ellipsis)."""

    previous: str
    next: str
    first: str
    last: str
    numbers: Sequence[tuple[int | None, str]]


def page_links(page: Page[Any], params: Mapping[str, Any]) -> PageLinks:
    """The links of ``page`` that keep the filters and sort of ``params``. First / last
    and the numbers only when the count is known (at most the count cap)."""
    last = page.num_pages
    return PageLinks(
        previous=page_query(params, page=page.previous_number) if page.has_previous else "",
        next=page_query(params, page=page.next_number) if page.has_next else "",
        first=page_query(params, page=1) if page.number > 1 else "",
        last=page_query(params, page=last) if last is not None and page.number < last else "",
        numbers=[
            (number, page_query(params, page=number) if number is not None else "")
            for number in page.page_numbers()
        ],
    )


def page_query(params: Mapping[str, Any], **changes: Any) -> str:
    """The query string of the current list with ``changes`` applied (``page=3``), for
    pagination and sort links that keep the filters. Empty values are dropped."""
    merged: dict[str, Any] = {
        key: value for key, value in params.items() if value not in ("", None)
    }
    for key, value in changes.items():
        if value in ("", None):
            merged.pop(key, None)
        else:
            merged[key] = value
    return urlencode(merged)
