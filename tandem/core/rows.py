"""Table rows of list pages, written in Python instead of with the template engine.

A 50-row list page is mostly its rows, and with the Django template engine every cell
of every row pays for variable lookups, a filter call (``date`` goes through
``dateformat`` and the translation machinery), autoescaping and, for each link, a
``{% url %}`` that runs ``reverse()``: about 0.3 ms a row, most of a page (QUALITY.md,
P2 and P4). A row renderer here is one string built from escaped values, with links
from a pattern reversed once per page and dates from a formatter that reads the month
names and the time zone once: a few microseconds a row, and the markup is exactly what
the template wrote (pinned in the tests of each list).

The helpers do what the template language did, to the byte:

* :func:`esc` is autoescaping (``{{ value }}``, ``None`` becomes ``"None"``);
* :class:`UrlPattern` is ``{% url name key=pk %}``;
* :class:`DateText` is ``|date:"c"``, ``|date:"j M Y"`` and ``|date:"j M Y, H:i"`` in
  the current time zone and language.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Reversed in place of the primary key, then cut out of the URL (any id the route's
# ``int`` converter accepts and that cannot appear elsewhere in a path).
_PK_SENTINEL = 9_087_654_321


def esc(value: Any) -> str:
    """``value`` as autoescaping writes it: ``str()``, then HTML-escaped unless it is
    already safe markup."""
    if type(value) is str:  # the common case, first
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def plain_url(name: str) -> str:
    """``reverse(name)`` of a route without arguments: the same on every page, so
    reversed once per URL configuration and script prefix (a page links to dozens)."""
    return _plain_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=1024)
def _plain_url(name: str, prefix: str, urlconf: Any) -> str:
    return reverse(name, urlconf=urlconf)


@functools.lru_cache(maxsize=1024)
def _pattern(name: str, key: str, prefix: str, urlconf: Any) -> tuple[str, str]:
    url = reverse(name, urlconf=urlconf, kwargs={key: _PK_SENTINEL})
    before, after = url.split(str(_PK_SENTINEL))
    return html.escape(before), html.escape(after)


class UrlPattern:
    """``{% url name key=pk %}`` for many primary keys at the price of one ``reverse()``
    per URL configuration (kept, like :func:`plain_url`)."""

    def __init__(self, name: str, key: str) -> None:
        self.prefix, self.suffix = _pattern(name, key, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

    def __call__(self, pk: Any) -> str:
        return f"{self.prefix}{int(pk)}{self.suffix}"


@functools.lru_cache(maxsize=32)
def _month_names(language: str | None) -> tuple[str, ...]:
    # ``language`` keys the cache: the names are translated in the language now active.
    return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


class DateText:
    """Aware datetimes as the ``date`` filter writes them, in the time zone and language
    current when the formatter is made (make one per response)."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        # What the format character "M" writes: the translated three-letter month, titled.
        self.months = _month_names(get_language())

    def _local(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(self.zone) if value.utcoffset() is not None else value

    def iso(self, value: dt.datetime | None) -> str:
        """``|date:"c"``."""
        return "" if value is None else self._local(value).isoformat()

    def day(self, value: dt.datetime | None) -> str:
        """``|date:"j M Y"``."""
        return "" if value is None else self._day(self._local(value))

    def minute(self, value: dt.datetime | None) -> str:
        """``|date:"j M Y, H:i"``."""
        return "" if value is None else self._minute(self._local(value))

    def time_day(self, value: dt.datetime | None) -> str:
        """``<time datetime="…">j M Y</time>``."""
        if value is None:
            return '<time datetime=""></time>'
        local = self._local(value)
        return f'<time datetime="{local.isoformat()}">{self._day(local)}</time>'

    def time_minute(self, value: dt.datetime | None) -> str:
        """``<time datetime="…">j M Y, H:i</time>``."""
        if value is None:
            return '<time datetime=""></time>'
        local = self._local(value)
        return f'<time datetime="{local.isoformat()}">{self._minute(local)}</time>'

    def _day(self, local: dt.datetime) -> str:
        return f"{local.day} {self.months[local.month]} {local.year:04d}"

    def _minute(self, local: dt.datetime) -> str:
        return f"{local.day} {self.months[local.month]} {local.year:04d}, {local.hour:02d}:{local.minute:02d}"


def joined(rows: Iterable[str]) -> SafeString:
    """Rows built from :func:`esc`-escaped values, as one piece of safe markup."""
    return mark_safe("".join(rows))  # noqa: S308 - every value in the rows went through esc()
