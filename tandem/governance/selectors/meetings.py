"""Reading meetings and action items, always scoped to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.core.permissions import get_visible, scoped
from tandem.governance.models import (
    ActionItem,
    ActionItemStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)

WHEN_CHOICES = ("upcoming", "past", "all")


@dataclass(frozen=True)
class MeetingFilters:
    when: str = "upcoming"
    mine: bool = False
    project_id: int | None = None
    account_id: int | None = None
    kind: str = ""
    starts_after: dt.datetime | None = None
    starts_before: dt.datetime | None = None


def mine_q(user: Any) -> Q:
    attending = Meeting.users.through.objects.filter(user=user.pk).values("meeting_id")
    return Q(organizer=user.pk) | Q(pk__in=attending)


def meeting_list(*, actor: Any, filters: MeetingFilters | None = None, now: dt.datetime | None = None,
                 for_count: bool = False) -> QuerySet[Meeting]:
    filters = filters or MeetingFilters()
    now = now or timezone.now()
    queryset = scoped(actor, Meeting)
    if filters.when == "upcoming":
        queryset = queryset.filter(ends_at__gte=now).exclude(status=MeetingStatus.CANCELLED)
    elif filters.when == "past":
        queryset = queryset.filter(ends_at__lt=now)
    if filters.mine:
        queryset = queryset.filter(mine_q(actor))
    if filters.project_id:
        queryset = queryset.filter(project=filters.project_id)
    if filters.account_id:
        queryset = queryset.filter(account=filters.account_id)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.starts_after is not None:
        queryset = queryset.filter(starts_at__gte=filters.starts_after)
    if filters.starts_before is not None:
        queryset = queryset.filter(starts_at__lt=filters.starts_before)
    if for_count:
        return queryset.order_by()
    order = ("starts_at", "id") if filters.when == "upcoming" else ("-starts_at", "-id")
    return queryset.select_related("project", "account", "series").order_by(*order)


def meeting_get(*, actor: Any, meeting_id: Any) -> Meeting:
    return get_visible(actor, Meeting.objects.select_related("project", "account", "series", "organizer",
                                                             "interaction"), meeting_id)


def meeting_series_get(*, actor: Any, meeting_series_id: Any) -> MeetingSeries:
    return get_visible(actor, MeetingSeries.objects.select_related("project", "account"), meeting_series_id)


def action_item_get(*, actor: Any, action_item_id: Any) -> ActionItem:
    return get_visible(actor, ActionItem.objects.select_related("meeting__project", "meeting__account", "owner"),
                       action_item_id)


def meeting_action_items(meeting: Meeting) -> QuerySet[ActionItem]:
    return meeting.action_items.select_related("owner", "task", "follow_up").order_by("position", "id")


def my_action_items(*, actor: Any, for_count: bool = False) -> QuerySet[ActionItem]:
    queryset = scoped(actor, ActionItem).filter(owner=actor.pk, status=ActionItemStatus.OPEN)
    if for_count:
        return queryset.order_by()
    return queryset.select_related("meeting", "task", "follow_up").order_by("due_date", "id")
