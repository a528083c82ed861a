"""tandem.core.rows writes what the template language wrote: the same escaping, the same
URLs as {% url %}, the same dates as the ``date`` filter in the current time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from tandem.core.rows import DateText, UrlPattern, esc, joined

MOMENTS = [
    dt.datetime(2026, 1, 5, 9, 7, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 31, 23, 59, 59, 123456, tzinfo=dt.UTC),  # another day in Auckland
    dt.datetime(2024, 7, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
]


def template_dates(value: dt.datetime) -> str:
    source = (
        '{{ v|date:"c" }}|{{ v|date:"j M Y" }}|{{ v|date:"j M Y, H:i" }}'
        '|<time datetime="{{ v|date:\'c\' }}">{{ v|date:"j M Y" }}</time>'
        '|<time datetime="{{ v|date:\'c\' }}">{{ v|date:"j M Y, H:i" }}</time>'
    )
    return Template(source).render(Context({"v": value}))


def python_dates(value: dt.datetime) -> str:
    dates = DateText()
    return "|".join(
        [dates.iso(value), dates.day(value), dates.minute(value), dates.time_day(value), dates.time_minute(value)]
    )


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Pacific/Auckland", "America/Los_Angeles"])
@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_dates_match_the_date_filter(zone, language):
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        for moment in MOMENTS:
            assert python_dates(moment) == template_dates(moment), (zone, language, moment)


def test_missing_date_is_empty_like_the_filter():
    dates = DateText()
    assert dates.iso(None) == dates.day(None) == dates.minute(None) == ""
    assert dates.time_minute(None) == '<time datetime=""></time>'


@pytest.mark.parametrize(
    "value", ["plain", "<script>alert('x')</script>", 'a "quoted" & <b>', None, 42, mark_safe("<em>safe</em>")]
)
def test_esc_is_autoescaping(value):
    assert esc(value) == str(conditional_escape(value))
    assert esc(value) == Template("{{ v }}").render(Context({"v": value}))


def test_url_pattern_is_reverse():
    detail = UrlPattern("clients:account_detail", "account_id")
    for pk in (1, 42, 123456789):
        assert detail(pk) == reverse("clients:account_detail", kwargs={"account_id": pk})


def test_joined_rows_are_safe_markup():
    rows = joined([f"<tr><td>{esc('<x>')}</td></tr>", "<tr></tr>"])
    assert str(conditional_escape(rows)) == "<tr><td>&lt;x&gt;</td></tr><tr></tr>"
