"""The service-level and cadence rules of client work, as pure functions.

Everything that decides whether something is due (the services that store due times,
the pages that show an SLA badge, Needs attention, the notification jobs) calls these
functions or, for database filters, the range they define (:func:`at_risk_before`),
so a badge, a list filter and a notification can never disagree. Nothing here reads
the database: the rule rows and the calendar come in as arguments.

The formulas:

* SLA hours = the ``SlaRule`` row for (tier, priority), else the default table
  :data:`DEFAULT_SLA_HOURS`.
* SLA due = received + SLA hours, counted in business hours of the organisation
  calendar (:func:`tandem.core.calendar.add_business_hours`).
* SLA state, for an inquiry with first response ``r``, due time ``d`` at instant ``now``:
  met if ``r <= d``; breached if ``r > d``, or unanswered, not resolved and ``d < now``;
  at risk if unanswered, not resolved and ``now <= d < now + W`` (``W`` =
  :data:`SLA_WARNING`, four hours); on track otherwise while waiting; resolved without
  a response is its own state.
* Cadence = the account's own ``check_in_days`` if set, else the ``CadenceRule`` of
  its tier, else the default table :data:`DEFAULT_CHECK_IN_DAYS`.
* Check-in due = (last contact, else start of the current lifecycle stage, else
  creation) + cadence days; none for a churned account.
* Check-in overdue: a due time before ``now``, never for a churned account.
* Follow-up due: open (not done) and due on ``today`` or earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from tandem.clients.models import Lifecycle, Priority, Tier
from tandem.core.calendar import WorkingCalendar, add_business_hours

DEFAULT_CHECK_IN_DAYS: dict[str, int] = {
    Tier.STRATEGIC: 14,
    Tier.KEY: 30,
    Tier.STANDARD: 60,
    Tier.LONG_TAIL: 90,
}

# Business hours to first response, by tier then priority.
DEFAULT_SLA_HOURS: dict[str, dict[str, Decimal]] = {
    Tier.STRATEGIC: {Priority.URGENT: Decimal(2), Priority.HIGH: Decimal(4), Priority.NORMAL: Decimal(8), Priority.LOW: Decimal(16)},
    Tier.KEY: {Priority.URGENT: Decimal(4), Priority.HIGH: Decimal(8), Priority.NORMAL: Decimal(16), Priority.LOW: Decimal(24)},
    Tier.STANDARD: {Priority.URGENT: Decimal(4), Priority.HIGH: Decimal(8), Priority.NORMAL: Decimal(24), Priority.LOW: Decimal(40)},
    Tier.LONG_TAIL: {Priority.URGENT: Decimal(8), Priority.HIGH: Decimal(16), Priority.NORMAL: Decimal(40), Priority.LOW: Decimal(80)},
}

# An unanswered inquiry is "at risk" from this long before its SLA due time.
SLA_WARNING = dt.timedelta(hours=4)

# SLA states (codes) and the words the pages show for them (UI.md "Language and states").
MET = "met"
BREACHED = "breached"
AT_RISK = "at_risk"
ON_TRACK = "on_track"
RESOLVED = "resolved"
SLA_LABELS: dict[str, str] = {
    MET: "Met",
    BREACHED: "Breached",
    AT_RISK: "At risk",
    ON_TRACK: "On track",
    RESOLVED: "Resolved without a response",
}


# --- SLA --------------------------------------------------------------------------------


def sla_hours(*, tier: str, priority: str, rules: Iterable[Any] = ()) -> Decimal:
    """Business hours to first response for ``tier`` and ``priority``: the rule row
    for that pair among ``rules`` (objects with ``tier``, ``priority`` and
    ``response_hours``), else :data:`DEFAULT_SLA_HOURS`."""
    for rule in rules:
        if rule.tier == tier and rule.priority == priority:
            return Decimal(rule.response_hours)
    return DEFAULT_SLA_HOURS[tier][priority]


def sla_due(*, received_at: dt.datetime, hours: Decimal | float, calendar: WorkingCalendar) -> dt.datetime:
    """``received_at`` + ``hours`` in business hours of ``calendar`` (evenings,
    weekends and holidays do not count)."""
    return add_business_hours(received_at, float(hours), calendar)


def at_risk_before(now: dt.datetime, window: dt.timedelta = SLA_WARNING) -> dt.datetime:
    """``now + window``: an unanswered, unresolved inquiry whose SLA is due before this
    instant is at risk or breached (the range Needs attention and the queue's
    "at risk" filter read from the ``sla_due_at`` index)."""
    return now + window


def sla_state(
    *,
    first_response_at: dt.datetime | None,
    sla_due_at: dt.datetime,
    resolved: bool,
    now: dt.datetime,
    window: dt.timedelta = SLA_WARNING,
) -> str:
    """The SLA state code of an inquiry at ``now`` (see the module docstring):
    :data:`MET`, :data:`BREACHED`, :data:`AT_RISK`, :data:`ON_TRACK` or
    :data:`RESOLVED` (resolved without any response)."""
    if first_response_at is not None:
        return MET if first_response_at <= sla_due_at else BREACHED
    if resolved:
        return RESOLVED
    if sla_due_at < now:
        return BREACHED
    if sla_due_at < at_risk_before(now, window):
        return AT_RISK
    return ON_TRACK


def needs_response(*, first_response_at: dt.datetime | None, sla_due_at: dt.datetime, resolved: bool, now: dt.datetime) -> bool:
    """True when the inquiry belongs on Needs attention: unanswered, not resolved and
    at risk or breached (due before :func:`at_risk_before`)."""
    return first_response_at is None and not resolved and sla_due_at < at_risk_before(now)


# --- Check-in cadence -------------------------------------------------------------------


def cadence_days(*, tier: str, override: int | None, by_tier: Mapping[str, int] | None = None) -> int:
    """Days between contacts: the account's ``override`` if set, else ``by_tier[tier]``
    (the ``CadenceRule`` rows), else :data:`DEFAULT_CHECK_IN_DAYS`."""
    if override:
        return override
    table = by_tier or {}
    return table.get(tier, DEFAULT_CHECK_IN_DAYS.get(tier, DEFAULT_CHECK_IN_DAYS[Tier.STANDARD]))


def check_in_due(
    *,
    lifecycle: str,
    last_contact_at: dt.datetime | None,
    stage_started_at: dt.datetime | None,
    created_at: dt.datetime | None,
    cadence: int,
) -> dt.datetime | None:
    """When the next contact is due: (last contact, else the start of the current
    lifecycle stage, else creation) + ``cadence`` days; ``None`` for a churned account
    or when none of the three is known."""
    if lifecycle == Lifecycle.CHURNED:
        return None
    start = last_contact_at or stage_started_at or created_at
    if start is None:
        return None
    return start + dt.timedelta(days=cadence)


def check_in_overdue(*, lifecycle: str, check_in_due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A check-in is overdue when its due time has passed; a churned account's never is."""
    return lifecycle != Lifecycle.CHURNED and check_in_due_at is not None and check_in_due_at < now


def follow_up_due(*, due_date: dt.date, done_at: dt.datetime | None, today: dt.date) -> bool:
    """An open follow-up is due on its due date and every day after it."""
    return done_at is None and due_date <= today
