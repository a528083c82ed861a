"""What the delivery pages share: status badges, dates and durations as people read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tandem.core.rows import esc
from tandem.delivery.models import ProjectStatus, TaskStatus

ME = "me"

PROJECT_STATUS_BADGES: dict[str, str] = {
    ProjectStatus.PROPOSED: "secondary",
    ProjectStatus.PLANNING: "info",
    ProjectStatus.ACTIVE: "success",
    ProjectStatus.ON_HOLD: "warning",
    ProjectStatus.COMPLETED: "dark",
    ProjectStatus.CANCELLED: "danger",
}
TASK_STATUS_BADGES: dict[str, str] = {
    TaskStatus.TO_DO: "secondary",
    TaskStatus.IN_PROGRESS: "primary",
    TaskStatus.BLOCKED: "danger",
    TaskStatus.DONE: "success",
}
PROJECT_STATUS_LABELS = dict(ProjectStatus.choices)
TASK_STATUS_LABELS = dict(TaskStatus.choices)
DEFAULT_MINUTES_PER_DAY = 480


def me_or_id(value: str, actor: Any) -> int | None:
    """``me`` is the actor; digits are a user id; anything else is no filter."""
    if value == ME:
        return int(actor.pk)
    return int(value) if value.isdigit() else None


def project_badge(status: str) -> str:
    """A project's status as a coloured badge with its word (never colour alone)."""
    label = esc(PROJECT_STATUS_LABELS.get(status, status))
    return f'<span class="badge text-bg-{PROJECT_STATUS_BADGES.get(status, "secondary")}">{label}</span>'


def task_badge(status: str) -> str:
    label = esc(TASK_STATUS_LABELS.get(status, status))
    return f'<span class="badge text-bg-{TASK_STATUS_BADGES.get(status, "secondary")}">{label}</span>'


def day_text(day: dt.date | None) -> str:
    """``4 Jan 2027`` (``—`` when there is none)."""
    return f"{day.day} {day:%b %Y}" if day else "—"


def days_text(minutes: int | None, minutes_per_day: int) -> str:
    """Working minutes as days of the project's calendar: ``5d``, ``2.5d``, ``0d``."""
    if minutes is None:
        return "—"
    days = (Decimal(minutes) / Decimal(minutes_per_day or DEFAULT_MINUTES_PER_DAY)).quantize(Decimal("0.01"))
    text = f"{days.normalize():f}"
    return f"{text}d"


def is_late(finish: dt.date | None, due: dt.date | None) -> bool:
    return bool(finish and due and finish > due)
