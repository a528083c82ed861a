"""Meetings plugged into the core registries: the home cards "My meetings" and "My
action items", the account page's "Meetings" section, and the daily job that extends
the series' horizon."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Account
from tandem.core import home
from tandem.core.history import viewer_time_zone
from tandem.core.home import Card, Row
from tandem.core.registry import record_section
from tandem.core.schedule import daily
from tandem.governance.models import ActionItem, ActionItemStatus, Meeting
from tandem.governance.selectors import meetings as selectors
from tandem.governance.tabs import RELATIONSHIP_TAB

MEETINGS_KEY = "governance.my_meetings"
ITEMS_KEY = "governance.my_action_items"
ROWS_SHOWN = 3
SECTION_SHOWN = 5


def week_end(user: Any) -> dt.datetime:
    """Midnight at the end of this week (Sunday night) in the user's zone."""
    zone = viewer_time_zone(user)
    today = timezone.localdate(timezone=zone)
    return dt.datetime.combine(today + dt.timedelta(days=7 - today.weekday()), dt.time(0, 0), tzinfo=zone)


def my_week_filters(user: Any) -> selectors.MeetingFilters:
    return selectors.MeetingFilters(when="upcoming", mine=True, starts_before=week_end(user))


@home.count_source
def _numbers(user: Any) -> dict[str, home.Gated]:
    """My meetings this week and my open action items, each built only when I have any
    ending today or later (meetings I organise or attend) or open (items I own) at all."""
    now, today = timezone.now(), home.day_start(timezone.localdate())
    meetings = home.Prepared(
        "governance.meetings.mine", (user.pk, user.pk, today),
        lambda: Meeting.objects.filter(selectors.mine_q(user), ends_at__gte=today),
    )
    items = home.Prepared(
        "governance.action_items.mine", (user.pk, ActionItemStatus.OPEN),
        lambda: ActionItem.objects.filter(owner=user.pk, status=ActionItemStatus.OPEN),
    )
    return {
        MEETINGS_KEY: home.Gated(mine=meetings, build=lambda: selectors.meeting_list(
            actor=user, filters=my_week_filters(user), now=now, for_count=True)),
        ITEMS_KEY: home.Gated(mine=items, build=lambda: selectors.my_action_items(actor=user, for_count=True)),
    }


@home.card(key="my_meetings", title="My meetings", order=16)
def my_meetings(user: Any) -> Card | None:
    count = home.counts(user).get(MEETINGS_KEY, 0)
    if not count:
        return None
    zone = viewer_time_zone(user)
    first = selectors.meeting_list(actor=user, filters=my_week_filters(user))[:ROWS_SHOWN]
    rows = [Row(m.title, reverse("governance:meeting_detail", kwargs={"meeting_id": m.pk}),
                detail=f"{m.starts_at.astimezone(zone):%a %d %b, %H:%M}") for m in first]
    return Card(title="My meetings", count=count,
                url=reverse("governance:meeting_list") + "?when=upcoming&mine=1&range=week",
                caption="today and the rest of the week", rows=rows)


@home.card(key="my_action_items", title="My action items", order=17)
def my_action_items(user: Any) -> Card | None:
    count = home.counts(user).get(ITEMS_KEY, 0)
    if not count:
        return None
    first = selectors.my_action_items(actor=user)[:ROWS_SHOWN]
    today = timezone.localdate()
    rows = [Row(item.description, reverse("governance:meeting_detail", kwargs={"meeting_id": item.meeting_id}),
                detail=item.meeting.title + (f" · due {item.due_date:%d %b}" if item.due_date else ""),
                badge="Overdue" if item.due_date and item.due_date < today else "", tone="danger")
            for item in first]
    return Card(title="My action items", count=count, url=reverse("governance:my_action_items"),
                caption="open, yours", rows=rows)


def meetings_section_context(viewer: Any, account: Account) -> dict[str, Any] | None:
    meetings = list(selectors.meeting_list(actor=viewer, filters=selectors.MeetingFilters(
        when="all", account_id=account.pk))[: SECTION_SHOWN + 1])
    if not meetings:
        return None
    zone = viewer_time_zone(viewer)
    return {
        "account": account,
        "meetings": [{"meeting": m, "starts": m.starts_at.astimezone(zone)} for m in meetings[:SECTION_SHOWN]],
        "more": len(meetings) > SECTION_SHOWN,
        "list_url": reverse("governance:meeting_list") + f"?when=all&account={account.pk}",
    }


record_section(
    model=Account, key="governance.meetings", template="governance/meetings/_account_meetings.html",
    context=meetings_section_context, slot="main", order=35, tab=RELATIONSHIP_TAB,
)


@daily(at="05:30")
@task()
def meeting_series_extend() -> int:
    """Daily: each running series gets its occurrences up to the horizon."""
    from tandem.governance.services.meetings import meeting_series_extend_all

    return meeting_series_extend_all()
