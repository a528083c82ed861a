"""Helpers shared by the people pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tandem.core.pagination import Page, page_links
from tandem.people.models import WEEKDAY_NAMES

GET_POST = ["GET", "POST"]


def pagination_context(page: Page[Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What ``partials/pagination.html`` needs for ``page`` of a list with ``params``."""
    links = page_links(page, params)
    return {"page": page, "page_links": links, "previous_query": links.previous, "next_query": links.next}


def working_day_names(mask: int) -> str:
    return ", ".join(WEEKDAY_NAMES[day] for day in range(7) if mask & (1 << day)) or "None"


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
