"""The pure SLA and cadence rules of tandem.clients.rules: exact examples and
properties (hypothesis), and agreement with the database filters of Needs attention."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tandem.clients import rules
from tandem.core.calendar import WorkingCalendar, business_hours

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday
LONDON = WorkingCalendar(time_zone=ZoneInfo("Europe/London"), day_start=dt.time(9), day_end=dt.time(17, 30))

moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(UTC)
)
offsets = st.timedeltas(min_value=dt.timedelta(days=-30), max_value=dt.timedelta(days=30))
tiers = st.sampled_from(list(rules.DEFAULT_SLA_HOURS))
priorities = st.sampled_from(list(rules.DEFAULT_SLA_HOURS["key"]))


# --- Exact examples ------------------------------------------------------------------------


def test_sla_hours_prefer_the_rule_row_over_the_default():
    rows = [SimpleNamespace(tier="key", priority="high", response_hours=Decimal("6.5"))]
    assert rules.sla_hours(tier="key", priority="high", rules=rows) == Decimal("6.5")
    assert rules.sla_hours(tier="key", priority="low", rules=rows) == Decimal(24)
    assert rules.sla_hours(tier="strategic", priority="urgent") == Decimal(2)
    assert rules.sla_hours(tier="long_tail", priority="low") == Decimal(80)


def test_sla_due_counts_business_hours_only():
    friday_4pm = dt.datetime(2026, 3, 6, 16, 0, tzinfo=ZoneInfo("Europe/London"))
    # 1.5 hours on Friday, 2.5 on Monday morning.
    assert rules.sla_due(received_at=friday_4pm, hours=Decimal(4), calendar=LONDON) == dt.datetime(
        2026, 3, 9, 11, 30, tzinfo=UTC
    )


def test_sla_states_with_their_labels():
    due = NOW + dt.timedelta(hours=3)
    assert rules.sla_state(first_response_at=NOW, sla_due_at=due, resolved=False, now=NOW) == "met"
    assert rules.sla_state(first_response_at=due + dt.timedelta(seconds=1), sla_due_at=due, resolved=True, now=NOW) == "breached"
    assert rules.sla_state(first_response_at=None, sla_due_at=NOW - dt.timedelta(minutes=1), resolved=False, now=NOW) == "breached"
    assert rules.sla_state(first_response_at=None, sla_due_at=due, resolved=False, now=NOW) == "at_risk"
    assert rules.sla_state(first_response_at=None, sla_due_at=NOW + dt.timedelta(hours=4), resolved=False, now=NOW) == "on_track"
    assert rules.sla_state(first_response_at=None, sla_due_at=NOW - dt.timedelta(days=1), resolved=True, now=NOW) == "resolved"
    assert [rules.SLA_LABELS[code] for code in ("met", "breached", "at_risk", "on_track")] == [
        "Met", "Breached", "At risk", "On track"
    ]


def test_cadence_and_check_in_due():
    assert rules.cadence_days(tier="key", override=None) == 30
    assert rules.cadence_days(tier="key", override=None, by_tier={"key": 21}) == 21
    assert rules.cadence_days(tier="key", override=7, by_tier={"key": 21}) == 7
    contact = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    started = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert rules.check_in_due(lifecycle="active", last_contact_at=contact, stage_started_at=started,
                              created_at=None, cadence=14) == dt.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    assert rules.check_in_due(lifecycle="prospect", last_contact_at=None, stage_started_at=started,
                              created_at=None, cadence=14) == dt.datetime(2026, 1, 15, tzinfo=UTC)
    assert rules.check_in_due(lifecycle="churned", last_contact_at=contact, stage_started_at=started,
                              created_at=None, cadence=14) is None
    assert rules.check_in_due(lifecycle="active", last_contact_at=None, stage_started_at=None,
                              created_at=None, cadence=14) is None


def test_overdue_and_due_examples():
    past = NOW - dt.timedelta(seconds=1)
    assert rules.check_in_overdue(lifecycle="active", check_in_due_at=past, now=NOW) is True
    assert rules.check_in_overdue(lifecycle="churned", check_in_due_at=past, now=NOW) is False
    assert rules.check_in_overdue(lifecycle="active", check_in_due_at=NOW, now=NOW) is False
    assert rules.check_in_overdue(lifecycle="active", check_in_due_at=None, now=NOW) is False
    today = dt.date(2026, 3, 4)
    assert rules.follow_up_due(due_date=today, done_at=None, today=today) is True
    assert rules.follow_up_due(due_date=today + dt.timedelta(days=1), done_at=None, today=today) is False
    assert rules.follow_up_due(due_date=today, done_at=NOW, today=today) is False


# --- Properties ------------------------------------------------------------------------------


@given(tier=tiers, priority=priorities, received=moments)
def test_sla_due_is_exactly_the_target_in_business_hours(tier, priority, received):
    hours = rules.sla_hours(tier=tier, priority=priority)
    due = rules.sla_due(received_at=received, hours=hours, calendar=LONDON)
    assert due >= received
    assert abs(business_hours(received, due, LONDON) - float(hours)) < 1e-6


@given(due=moments, offset=offsets, answered=st.none() | offsets, resolved=st.booleans())
def test_exactly_one_state_and_it_follows_the_formula(due, offset, answered, resolved):
    now = due + offset
    first = None if answered is None else due + answered
    state = rules.sla_state(first_response_at=first, sla_due_at=due, resolved=resolved, now=now)
    if first is not None:
        assert state == ("met" if first <= due else "breached")
    elif resolved:
        assert state == "resolved"
    elif due < now:
        assert state == "breached"
    elif due - now < rules.SLA_WARNING:
        assert state == "at_risk"
    else:
        assert state == "on_track"
    # Needs attention holds exactly the waiting inquiries at risk or breached.
    listed = rules.needs_response(first_response_at=first, sla_due_at=due, resolved=resolved, now=now)
    assert listed == (first is None and not resolved and state in ("at_risk", "breached"))


@given(due=moments, step=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)))
def test_a_waiting_inquiry_only_gets_worse_as_time_passes(due, step):
    order = ["on_track", "at_risk", "breached"]
    earlier = rules.sla_state(first_response_at=None, sla_due_at=due, resolved=False, now=due - step)
    later = rules.sla_state(first_response_at=None, sla_due_at=due, resolved=False, now=due - step / 2)
    assert order.index(later) >= order.index(earlier)


@given(
    lifecycle=st.sampled_from(["prospect", "active", "churned"]),
    contact=st.none() | moments, started=st.none() | moments, cadence=st.integers(1, 366), now=moments,
)
def test_check_in_due_and_overdue(lifecycle, contact, started, cadence, now):
    due = rules.check_in_due(lifecycle=lifecycle, last_contact_at=contact, stage_started_at=started,
                             created_at=None, cadence=cadence)
    if lifecycle == "churned" or (contact is None and started is None):
        assert due is None
    else:
        assert due == (contact or started) + dt.timedelta(days=cadence)
    overdue = rules.check_in_overdue(lifecycle=lifecycle, check_in_due_at=due, now=now)
    assert overdue == (due is not None and due < now)
    # A churned account is never overdue, whatever its stored due time.
    assert rules.check_in_overdue(lifecycle="churned", check_in_due_at=now - dt.timedelta(days=1), now=now) is False


@given(tier=tiers, override=st.none() | st.integers(1, 366), configured=st.none() | st.integers(1, 366))
def test_cadence_override_then_rule_then_default(tier, override, configured):
    by_tier = {} if configured is None else {tier: configured}
    expected = override or configured or rules.DEFAULT_CHECK_IN_DAYS[tier]
    assert rules.cadence_days(tier=tier, override=override, by_tier=by_tier) == expected
