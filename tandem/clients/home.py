"""The home cards of account management ("My day", :mod:`tandem.core.home`).

Each number is counted with the selector and filters of the list it links to (the
``for_count`` shape, which the short lists of rows read too: the same rows, in the shape
the database finds fastest), written here as the list view reads them from the query string
(the inquiry queue's default status included), so the card and the list agree:
tests/clients/test_home_cards.py requests every link and compares. The first card asked
builds every list behind the user's numbers (:func:`_querysets`, registered with
:func:`tandem.core.home.count_source`) and counts them all in ONE query with the other
apps' numbers (:func:`_counts`, :func:`tandem.core.home.counts`); the executive's
breakdowns by team are one more (:func:`_team_counts`); a card reads its first rows only
when its number is not zero. The page's queries are pinned per role in the tests.

* An account manager: my accounts, check-ins overdue, latest interactions I logged.
* Executives and administrators: the same over the organisation, by team (the owner's
  team; the list's own ``?team=`` filter bound to each team, counted up to the cap in one
  query; rows whose owner has no team count in the total only).
* Everyone: follow-ups I own that are due, and inquiries that are mine to answer, when
  there are any (an account manager also sees them at zero, as an all-clear).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from tandem.clients import rules, selectors
from tandem.clients.models import InquiryStatus
from tandem.clients.selectors import (
    ACCOUNT_SORTS,
    AccountFilters,
    FollowUpFilters,
    InquiryFilters,
    InteractionFilters,
)
from tandem.core import home
from tandem.core.home import COUNT_CAP, Breakdown, Card, Row
from tandem.core.permissions import has_role, scope_key, scoped, sees_everything
from tandem.core.roles import Role
from tandem.core.rows import DateText, UrlPattern, plain_url
from tandem.core.statements import compiled_sql, run_once_compiled
from tandem.people.models import Team

ROWS_SHOWN = 5
FEW_ROWS_SHOWN = 3


def is_account_manager(user: Any) -> bool:
    return has_role(user, Role.ACCOUNT_MANAGER)


def _url(name: str, **params: Any) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"{plain_url(name)}?{query}" if query else plain_url(name)


# --- The numbers: every card's, in one query; every team's, in one more -------------------


def _my_follow_ups(user: Any, due: str) -> QuerySet[Any]:
    return selectors.follow_up_list(actor=user, filters=FollowUpFilters(owner_id=user.pk, due=due), for_count=True)


def _due_now(user: Any) -> QuerySet[Any]:
    """My follow-ups due today or earlier (``?owner=<me>&due=now``), built once per home page."""
    return home.shared("clients.follow_ups_now", lambda: _my_follow_ups(user, "now"))


def _my_inquiries(user: Any) -> QuerySet[Any]:
    """The queue as ``?owner=<me>`` reads it: its default status (awaiting a first
    response) included."""
    filters = InquiryFilters(status=InquiryStatus.OPEN, responsible_id=user.pk)
    return selectors.inquiry_queue(actor=user, filters=filters, for_count=True)


def _my_accounts(user: Any) -> QuerySet[Any]:
    return selectors.account_list(actor=user, filters=AccountFilters(owner_id=user.pk), for_count=True)


def _my_interactions(user: Any) -> QuerySet[Any]:
    return selectors.interaction_list(actor=user, filters=InteractionFilters(logged_by_id=user.pk), for_count=True)


def _clock() -> tuple[dt.datetime, dt.date]:
    """Now and today, read once per home page: every card's list is as of one instant."""
    return home.shared("clients.clock", lambda: (timezone.now(), timezone.localdate()))


ORG_LISTS = ("org_accounts", "org_check_ins_overdue", "org_follow_ups", "org_inquiries")


def _by_team_rows(user: Any, now: dt.datetime) -> dict[str, tuple[QuerySet[Any], str]]:
    """The executive cards' lists over the whole organisation, each with its list's
    ``team`` filter (the lookup ``?team=<id>`` binds), built once per home page (and
    only when their statements are compiled: :func:`_org_values`)."""

    def build() -> dict[str, tuple[QuerySet[Any], str]]:
        accounts = selectors.account_list(actor=user, filters=AccountFilters(), for_count=True)
        inquiries = selectors.inquiry_queue(actor=user, filters=InquiryFilters(status=InquiryStatus.OPEN), for_count=True)
        return {
            "org_accounts": (accounts, selectors.ACCOUNT_TEAM),
            "org_check_ins_overdue": (selectors.check_in_overdue(accounts, now=now), selectors.ACCOUNT_TEAM),  # ?overdue=on
            "org_follow_ups": (
                selectors.follow_up_list(actor=user, filters=FollowUpFilters(due="now"), for_count=True),
                selectors.FOLLOW_UP_TEAM,
            ),
            "org_inquiries": (selectors.near_sla(inquiries, now=now), selectors.INQUIRY_TEAM),  # ?sla=at_risk
        }

    return home.shared("clients.by_team", build)


def _org_values(now: dt.datetime, today: dt.date) -> dict[str, tuple[Any, ...]]:
    """The values each list of :func:`_by_team_rows` binds, in the order of its SQL. The
    lists of someone who reads the whole organisation are the same SQL for every page of
    theirs, so their statements are compiled once per process (the user's
    :func:`~tandem.core.permissions.scope_key` names them: a scope is a function of it)
    and run with these (``now`` and ``today`` as the lists were built with, :func:`_clock`);
    the first compile checks that they are its parameters."""
    return {
        "org_accounts": (),
        "org_check_ins_overdue": (now,),
        "org_follow_ups": (today,),
        "org_inquiries": (InquiryStatus.OPEN, rules.at_risk_before(now), InquiryStatus.RESOLVED),
    }


def _org_statements(user: Any) -> dict[str, home.Prepared]:
    now, today = _clock()
    values, shape = _org_values(now, today), scope_key(user)
    return {
        key: home.Prepared(f"clients.{key}:{shape}", values[key], partial(lambda key: _by_team_rows(user, now)[key][0], key))
        for key in ORG_LISTS
    }


def _querysets(user: Any) -> dict[str, QuerySet[Any] | home.Prepared]:
    """The list behind every number of the cards ``user`` may get (each in its
    ``for_count`` shape), built once per home page: the numbers are counted from them and
    the cards' short lists read their first rows."""

    def build() -> dict[str, QuerySet[Any] | home.Prepared]:
        # Today's and the overdue ones: the "now" list (due today or earlier, which the
        # card's rows read) narrowed by one more filter each, the rows of ?due=today and
        # ?due=overdue.
        due_now, today = _due_now(user), timezone.localdate()
        querysets: dict[str, QuerySet[Any] | home.Prepared] = {
            "follow_ups_today": due_now.filter(due_date=today),
            "follow_ups_overdue": due_now.filter(due_date__lt=today),
            "inquiries_waiting": (waiting := _my_inquiries(user)),
            "inquiries_at_risk": selectors.near_sla(waiting),  # ?owner=<me>&sla=at_risk
        }
        if is_account_manager(user):
            querysets["my_accounts"] = mine = _my_accounts(user)
            # ?owner=<me>&overdue=on, in the order its rows are shown
            querysets["check_ins_overdue"] = selectors.check_in_overdue(mine).order_by(*ACCOUNT_SORTS["check_in_due"])
            querysets["my_interactions"] = _my_interactions(user)
        if sees_everything(user):
            querysets.update(_org_statements(user))
            querysets["org_interactions"] = selectors.interaction_list(
                actor=user, filters=InteractionFilters(), for_count=True
            )
        return querysets

    return home.shared("clients.querysets", build)


home.count_source(_querysets)


def _list(user: Any, key: str) -> QuerySet[Any]:
    """One of the user's own lists of :func:`_querysets` (a card reads its first rows);
    only the organisation's lists are compiled statements."""
    value = _querysets(user)[key]
    if not isinstance(value, QuerySet):
        raise TypeError(f"home list {key!r} is a compiled statement, not a list to read rows from")
    return value


def _counts(user: Any) -> dict[str, int]:
    """The number of every card ``user`` may get, counted in ONE query with every other
    app's (:func:`tandem.core.home.counts`), each with the selector, filters and cap of
    the list it links to; computed by the first card that needs it."""
    return home.counts(user)


class _CappedCount(Subquery):
    """The rows of a subquery counted up to its slice, as a column (one per outer row)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"


def _team_counts(user: Any) -> list[dict[str, Any]]:
    """Every team the user sees with, per executive card, its list's rows with the
    ``team`` filter bound to that team, counted up to the cap as the list counts them:
    one query for the four cards, compiled once per process (:func:`_org_values`)."""

    def build() -> tuple[str, tuple[Any, ...]]:
        columns = {
            key: _CappedCount(
                rows.filter(**{team: OuterRef("pk")}).order_by().values("pk")[: COUNT_CAP + 1], output_field=IntegerField()
            )
            for key, (rows, team) in _by_team_rows(user, now).items()
        }
        return compiled_sql(scoped(user, Team).order_by("name", "id").values("id", "name").annotate(**columns))

    now, today = _clock()

    def compute() -> list[dict[str, Any]]:
        values = _org_values(now, today)
        rows = run_once_compiled(
            f"clients.team_counts:{scope_key(user)}", tuple(value for key in ORG_LISTS for value in values[key]), build
        )
        return [dict(zip(("id", "name", *ORG_LISTS), row, strict=True)) for row in rows]

    return home.shared("clients.teams", compute)


def _by_team(user: Any, key: str, url_name: str, **params: Any) -> tuple[int, list[Breakdown]]:
    """The capped total of card ``key`` and a breakdown row per team with rows, linking to
    ``url_name`` with ``params`` and ``team=<id>`` (rows whose owner has no team count in
    the total only)."""
    breakdown = [
        Breakdown(team["name"], team[key], _url(url_name, **params, team=team["id"]))
        for team in _team_counts(user)
        if team[key]
    ]
    return _counts(user)[key], breakdown


def _short_day(day: Any, today: Any, months: tuple[str, ...]) -> str:
    """``6 Dec``, with the year when it is not this year's."""
    text = f"{day.day} {months[day.month]}"
    return text if day.year == today.year else f"{text} {day.year}"


def _sla_badge(due: Any, now: Any) -> str:
    if due <= now:
        return "Past its SLA"
    return "Near its SLA" if due < rules.at_risk_before(now) else ""


# --- An account manager's book ----------------------------------------------------------


@home.card(key="my_accounts", title="My accounts", order=40, visible=is_account_manager)
def my_accounts(user: Any) -> Card:
    return Card(
        title="My accounts",
        count=_counts(user)["my_accounts"],
        url=_url("clients:account_list", owner=user.pk),
        caption="accounts you own",
        empty="You own no accounts yet.",
    )


@home.card(key="check_ins_overdue", title="Check-ins overdue", order=30, visible=is_account_manager)
def check_ins_overdue(user: Any) -> Card:
    count = _counts(user)["check_ins_overdue"]
    detail, dates = UrlPattern("clients:account_detail", "account_id"), DateText()
    overdue = _list(user, "check_ins_overdue")
    rows = overdue.values("id", "name", "check_in_due_at")[:FEW_ROWS_SHOWN] if count else []
    return Card(
        title="Check-ins overdue",
        count=count,
        url=_url("clients:account_list", owner=user.pk, overdue="on"),
        caption="of your accounts are past their check-in",
        rows=[
            Row(account["name"], detail(account["id"]), detail=f"Check-in was due {dates.day(account['check_in_due_at'])}")
            for account in rows
        ],
        empty="Every account you own has had its check-in.",
        urgent=True,
        tone="danger",
    )


@home.card(key="my_interactions", title="My latest interactions", order=60, visible=is_account_manager)
def my_interactions(user: Any) -> Card:
    count = _counts(user)["my_interactions"]
    latest = _list(user, "my_interactions")  # read newest first by interaction_logger_idx
    return Card(
        title="My latest interactions",
        count=count,
        url=_url("clients:interaction_list", logged_by=user.pk),
        caption="interactions you logged",
        rows=_interaction_rows(latest) if count else [],
        empty="You have not logged a call, meeting or e-mail yet.",
    )


def _interaction_rows(interactions: QuerySet[Any]) -> list[Row]:
    """The first interactions of ``interactions``, each linking to its account."""
    detail, dates = UrlPattern("clients:account_detail", "account_id"), DateText()
    return [
        Row(row["subject"], detail(row["account_id"]), detail=f"{row['account__name']} · {dates.day(row['occurred_at'])}")
        for row in interactions.values("subject", "occurred_at", "account_id", "account__name")[:ROWS_SHOWN]
    ]


# --- Everyone: what is mine to do -------------------------------------------------------------


@home.card(key="my_follow_ups", title="My follow-ups", order=10)
def my_follow_ups(user: Any) -> Card | None:
    """Follow-ups I own, open and due today or earlier."""
    counts = _counts(user)
    # Today's and the overdue ones are disjoint and make up "now" (today or earlier), so
    # their sum is the ?due=now list's total, and above the cap as soon as that one is.
    due_today, overdue = counts["follow_ups_today"], counts["follow_ups_overdue"]
    total = due_today + overdue
    if not total and not is_account_manager(user):
        return None
    today = timezone.localdate()
    detail, months = UrlPattern("clients:account_detail", "account_id"), DateText().months
    due = _due_now(user).values("description", "due_date", "account_id", "account__name")
    rows = [
        Row(
            row["description"],
            detail(row["account_id"]),
            detail=row["account__name"],
            badge="Due today" if row["due_date"] == today else f"Overdue since {_short_day(row['due_date'], today, months)}",
            tone="warning" if row["due_date"] == today else "danger",
        )
        for row in (due[:ROWS_SHOWN] if total else [])
    ]
    return Card(
        title="My follow-ups",
        count=total,
        url=_url("clients:follow_up_list", owner=user.pk, due="now"),
        caption="due today or overdue",
        breakdown=[
            Breakdown("Due today", due_today, _url("clients:follow_up_list", owner=user.pk, due="today")),
            Breakdown("Overdue", overdue, _url("clients:follow_up_list", owner=user.pk, due="overdue")),
        ] if total else [],
        rows=rows,
        empty="No follow-ups due: you are up to date.",
        urgent=True,
        tone="warning",
    )


@home.card(key="my_inquiries", title="Inquiries near their SLA", order=20)
def my_inquiries(user: Any) -> Card | None:
    """Inquiries mine to answer (assigned to me, or unassigned on my accounts) still
    awaiting a first response; the number is those near or past their SLA."""
    counts = _counts(user)
    waiting_count = counts["inquiries_waiting"]
    if not waiting_count and not is_account_manager(user):
        return None
    now = timezone.now()
    detail = UrlPattern("clients:inquiry_detail", "inquiry_id")
    first = _list(user, "inquiries_waiting").values("id", "subject", "sla_due_at", "account__name")
    rows = [
        Row(
            row["subject"],
            detail(row["id"]),
            detail=row["account__name"],
            badge=_sla_badge(row["sla_due_at"], now),
            tone="danger" if row["sla_due_at"] <= now else "warning",
        )
        for row in (first[:ROWS_SHOWN] if waiting_count else [])
    ]
    return Card(
        title="Inquiries near their SLA",
        count=counts["inquiries_at_risk"],
        url=_url("clients:inquiry_queue", sla="at_risk", owner=user.pk),
        caption="yours to answer, near or past their SLA",
        breakdown=[
            Breakdown("Awaiting your first response", waiting_count, _url("clients:inquiry_queue", owner=user.pk)),
        ] if waiting_count else [],
        rows=rows,
        empty="No inquiry of yours is near its SLA.",
        urgent=True,
        tone="danger",
    )


# --- The organisation, by team (executives and administrators) --------------------------


@home.card(key="org_accounts", title="Accounts by team", order=45, visible=sees_everything)
def org_accounts(user: Any) -> Card:
    total, breakdown = _by_team(user, "org_accounts", "clients:account_list")
    return Card(
        title="Accounts by team", count=total, url=_url("clients:account_list"), caption="accounts",
        breakdown=breakdown, empty="No client accounts yet.",
    )


@home.card(key="org_check_ins_overdue", title="Check-ins overdue by team", order=35, visible=sees_everything)
def org_check_ins_overdue(user: Any) -> Card:
    total, breakdown = _by_team(user, "org_check_ins_overdue", "clients:account_list", overdue="on")
    return Card(
        title="Check-ins overdue by team", count=total, url=_url("clients:account_list", overdue="on"),
        caption="accounts past their check-in", breakdown=breakdown,
        empty="Every account has had its check-in.", urgent=True, tone="danger",
    )


@home.card(key="org_follow_ups", title="Follow-ups due by team", order=36, visible=sees_everything)
def org_follow_ups(user: Any) -> Card:
    total, breakdown = _by_team(user, "org_follow_ups", "clients:follow_up_list", due="now")
    return Card(
        title="Follow-ups due by team", count=total, url=_url("clients:follow_up_list", due="now"),
        caption="open, due today or overdue", breakdown=breakdown,
        empty="No follow-up is due.", urgent=True, tone="warning",
    )


@home.card(key="org_inquiries", title="Inquiries near their SLA by team", order=25, visible=sees_everything)
def org_inquiries(user: Any) -> Card:
    total, breakdown = _by_team(user, "org_inquiries", "clients:inquiry_queue", sla="at_risk")
    return Card(
        title="Inquiries near their SLA by team", count=total, url=_url("clients:inquiry_queue", sla="at_risk"),
        caption="awaiting a first response, near or past their SLA", breakdown=breakdown,
        empty="No inquiry is near its SLA.", urgent=True, tone="danger",
    )


@home.card(key="org_interactions", title="Latest interactions", order=65, visible=sees_everything)
def org_interactions(user: Any) -> Card:
    count = _counts(user)["org_interactions"]
    latest = selectors.interaction_list(actor=user, filters=InteractionFilters())
    return Card(
        title="Latest interactions",
        count=count,
        url=_url("clients:interaction_list"),
        caption="interactions logged",
        rows=_interaction_rows(latest) if count else [],
        empty="Nobody has logged an interaction yet.",
    )
