"""The administrators' home card "Deliveries failing": the outbound messages (webhooks
and chat) that failed in the last seven days, counted with every other card's number,
linking to the Delivery failures page filtered to exactly those messages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from tandem.core import home
from tandem.core.home import Card
from tandem.core.permissions import is_admin
from tandem.integrations.outbound.selectors import failure_list, failure_window_start

COUNT_KEY = "integrations.deliveries_failing"


@home.count_source
def _numbers(user: Any) -> dict[str, QuerySet[Any]]:
    if not is_admin(user):
        return {}
    return {COUNT_KEY: failure_list(actor=user, since=failure_window_start(), for_count=True)}


@home.card(key="deliveries_failing", title="Deliveries failing", order=80, visible=is_admin)
def deliveries_failing(user: Any) -> Card | None:
    """Shown only when some failed."""
    count = home.counts(user).get(COUNT_KEY, 0)
    if not count:
        return None
    return Card(
        title="Deliveries failing", count=count, url=reverse("integrations:outbound_failures") + "?recent=7",
        caption="webhook and chat messages failed in the last 7 days", urgent=True, tone="danger",
    )
