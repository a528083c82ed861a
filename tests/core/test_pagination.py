"""Capped-count pagination: exact pages, clamped sizes, two queries per page."""

from __future__ import annotations

import pytest

from tandem.core import pagination
from tandem.core.pagination import Page, clamp_per_page, page_query, paginate
from tandem.people.models import Team
from tests.factories import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    return [make_team(name=f"Team {number:02d}") for number in range(1, 8)]


def names(page: Page) -> list[str]:
    return [team.name for team in page.items]


def ordered():
    return Team.objects.order_by("name")


def test_first_and_middle_pages(teams, django_assert_num_queries):
    with django_assert_num_queries(2):  # capped count + rows
        page = paginate(ordered(), 1, 3)
    assert names(page) == ["Team 01", "Team 02", "Team 03"]
    assert (page.number, page.total, page.num_pages, page.total_display) == (1, 7, 3, "7")
    assert (page.has_previous, page.has_next, page.start_index, page.end_index) == (
        False,
        True,
        1,
        3,
    )
    middle = paginate(ordered(), "2", "3")
    assert names(middle) == ["Team 04", "Team 05", "Team 06"]
    assert (middle.has_previous, middle.has_next, middle.previous_number, middle.next_number) == (
        True,
        True,
        1,
        3,
    )


def test_page_past_the_end_shows_the_last_page(teams):
    page = paginate(ordered(), 99, 3)
    assert (page.number, names(page), page.has_next) == (3, ["Team 07"], False)


@pytest.mark.parametrize("junk", [None, "", "abc", "-4", 0])
def test_unreadable_page_numbers_mean_page_one(teams, junk):
    assert paginate(ordered(), junk, 3).number == 1


def test_empty_queryset_is_one_empty_page(django_assert_num_queries):
    with django_assert_num_queries(1):  # the count; no row query for nothing
        page = paginate(ordered(), 5, 10)
    assert (page.items, page.number, page.total, page.num_pages) == ([], 1, 0, 1)
    assert (page.start_index, page.end_index, page.has_next, page.has_previous) == (
        0,
        0,
        False,
        False,
    )


@pytest.mark.parametrize(
    ("requested", "expected"),
    [(10, 10), ("25", 25), (1000, 200), (0, 1), (-5, 1), ("abc", 50), (None, 50)],
)
def test_page_size_is_clamped_to_the_setting(requested, expected):
    assert clamp_per_page(requested) == expected


def test_max_page_size_follows_settings(settings, teams):
    settings.TANDEM_MAX_PAGE_SIZE = 4
    page = paginate(ordered(), 1, 100)
    assert (page.per_page, len(page.items)) == (4, 4)


def test_default_page_size_comes_from_settings(settings, teams):
    settings.TANDEM_PAGE_SIZE = 5
    assert paginate(ordered(), 1, None).per_page == 5
    assert paginate(ordered(), 1, "").per_page == 5


def test_count_is_capped(monkeypatch, teams, django_assert_num_queries):
    monkeypatch.setattr(pagination, "PAGE_COUNT_CAP", 5)
    with django_assert_num_queries(2):
        page = paginate(ordered(), 1, 3)
    assert (page.total, page.total_is_capped, page.num_pages, page.total_display) == (
        5,
        True,
        None,
        "5+",
    )
    assert page.has_next is True
    # Beyond the cap the page number is not clamped: the reader steps forward page by page.
    far = paginate(ordered(), 3, 3)
    assert (far.number, names(far), far.has_next) == (3, ["Team 07"], False)


def test_total_display_groups_thousands():
    page = Page(items=[], number=1, per_page=50, total=1234, total_is_capped=False)
    assert page.total_display == "1,234"
    capped = Page(items=[], number=1, per_page=50, total=1_000, total_is_capped=True)
    assert capped.total_display == "1,000+"
    api_sized = Page(items=[], number=1, per_page=50, total=10_000, total_is_capped=True, cap=10_000)
    assert api_sized.total_display == "10,000+"


def test_page_query_keeps_filters_and_drops_empty_values():
    params = {"q": "ann", "role": "", "sort": "-name", "page": "4"}
    assert page_query(params, page=5) == "q=ann&sort=-name&page=5"
    assert page_query(params, sort="email", page=None) == "q=ann&sort=email"
    assert page_query({"q": "a&b"}, page=2) == "q=a%26b&page=2"
