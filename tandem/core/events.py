"""Domain events: what happened, said once by the service that did it, heard by sinks.

A service calls :func:`event_publish` inside its transaction after the write::

    event_publish(type="risk.raised", actor=actor, data={...}, project_id=risk.project_id)

Each registered **sink** (``@event_sink``) is called at once, inside the same
transaction, so what it writes (an outbound webhook message, an in-app notification)
commits or rolls back with the change itself; anything that leaves the machine is then
scheduled with ``transaction.on_commit`` by the sink (STYLE rule 5). No signals: the
publishing call is visible at the call site, and ``core`` names no domain app — apps
register their event types (:func:`event_type`) and their sinks from ``ready()``.

Event types are dotted ``<noun>.<verb>`` names (``opportunity.won``,
``milestone.done``); ``data`` is JSON-safe (ids, names, ISO dates, decimal amounts as
strings) and carries an absolute-path ``url`` of the record where there is one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

logger = logging.getLogger("tandem.events")


@dataclass(frozen=True)
class EventType:
    """A kind of event subscribers can choose (webhook subscriptions, chat channels)."""

    key: str
    label: str
    description: str = ""
    public: bool = True  # offered to outbound webhooks and chat channels


@dataclass(frozen=True)
class Event:
    type: str
    data: dict[str, Any]
    occurred_at: dt.datetime
    actor_id: int | None = None
    project_id: int | None = None
    account_id: int | None = None
    team_ids: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        kind = _TYPES.get(self.type)
        return kind.label if kind else self.type


EventSink = Callable[[Event], None]

_TYPES: dict[str, EventType] = {}
_SINKS: list[EventSink] = []


def event_type(key: str, label: str, description: str = "", *, public: bool = True) -> EventType:
    """Register (or replace) an event type; answers it."""
    kind = EventType(key=key, label=label, description=description, public=public)
    _TYPES[key] = kind
    return kind


def event_types(*, public_only: bool = True) -> list[EventType]:
    """The registered event types, sorted by key."""
    return sorted((kind for kind in _TYPES.values() if kind.public or not public_only), key=lambda kind: kind.key)


def event_sink(function: EventSink) -> EventSink:
    """Register ``function(event)``; called in the publishing transaction."""
    if function not in _SINKS:
        _SINKS.append(function)
    return function


def json_safe(value: Any) -> Any:
    """Dates as ISO strings, decimals as strings (exact money), containers walked."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def event_publish(
    *, type: str, data: dict[str, Any], actor: Any = None, project_id: int | None = None,
    account_id: int | None = None, team_ids: tuple[int, ...] | list[int] = (), **extra: Any,
) -> Event:
    """Tell every sink that ``type`` happened. Call inside the service's transaction.

    An unregistered type is a programming error (its subscribers could never choose it).
    """
    if type not in _TYPES:
        raise ValueError(f"Unknown event type {type!r}: register it with tandem.core.events.event_type().")
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    event = Event(
        type=type, data=json_safe(data), occurred_at=timezone.now(), actor_id=actor_id,
        project_id=project_id, account_id=account_id, team_ids=tuple(team_ids), extra=extra,
    )
    for sink in list(_SINKS):
        sink(event)
    return event
