"""Budget and earned value of one project at a status date (INTEROP.md, "Earned value";
DESIGN.md, "budget adherence"). The formulas, with a worked example, are in
docs/kpis.md ("Earned value").

* **BAC** (budget at completion) = the project's budget, in the project's currency.
* **Planned %** at the status date: the share of the plan's work planned to be done by
  the end of the status date (midnight after it, organisation time). Each leaf task
  (summary tasks are not counted twice) weighs its work; a task counts in full once its
  planned finish has passed, in part while it runs (prorated in elapsed time between its
  planned start and finish), not at all before it starts. The planned dates and work are
  the **latest baseline's** when the project has one (the plan it is measured against),
  else the current schedule's early dates and work. A plan without any work estimate
  weighs its tasks by duration instead; milestones weigh nothing.
* **PV** = planned % × BAC. **EV** = done % × BAC, with done % = Σ work × percent
  complete ÷ Σ work over the current leaf tasks (duration when no work is estimated).
* **AC** (actual cost) = approved time up to the status date × the cost rate recorded
  on each entry when it was approved + expenses dated up to the status date. Amounts in
  another currency convert to the project's currency at each day's rate
  (:mod:`tandem.commercial.currency`: units of the base currency; ``x → P`` is
  ``x × rate(x) ÷ rate(P)``), each day's total per currency rounded to the cent, half up.
  Approved time without a cost rate costs nothing and is counted in
  ``uncosted_hours``.
* CV = EV − AC, SV = EV − PV, CPI = EV ÷ AC, SPI = EV ÷ PV, EAC = BAC ÷ CPI
  (computed as BAC × AC ÷ EV, so CPI's rounding does not leak in), ETC = EAC − AC,
  VAC = BAC − EAC, TCPI = (BAC − EV) ÷ (BAC − AC). A division by zero gives ``None``
  with a sentence in :attr:`EarnedValue.notes` ("not measurable yet: …").

Money is rounded to the cent (half up) once PV, EV and AC are known; everything after
is computed from those cents with exact fractions and rounded at the end (ratios to
four places). Queries are bounded whatever the plan's size: the plan's totals in one
aggregate, the running tasks' dates (PV's partial rows), the baseline, time and
expenses grouped by day and currency, and the rates: about eight, all aggregates.
The burn chart (:func:`burn_series`) reads the plan's leaf dates once more.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tandem.commercial.currency import RateTable
from tandem.commercial.policies import may_see_costs
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.models import Baseline, BaselineTask, Project, ProjectExpense, Task, TimeEntry
from tandem.delivery.models.work import TimeEntryStatus
from tandem.delivery.policies import manages

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
NOT_MEASURABLE = "not measurable yet"
_COST = DecimalField(max_digits=30, decimal_places=4)


def may_see_project_costs(user: Any, project: Project) -> bool:
    """Actual cost and the figures made from it (AC, CV, CPI, EAC, ETC, VAC, TCPI):
    the project's manager, admins and executives, and the account's owner — the people
    commercial lets see costs (:func:`tandem.commercial.policies.may_see_costs`) plus the
    manager answerable for the budget. Others (team members, the account's other
    viewers) see the budget, the expenses, PV, EV and SPI: an actual cost that sums a
    small team's hours would give away the cost rates the commercial side hides."""
    return manages(user, project) or may_see_costs(user, project.account)


def _cents(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _round4(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(RATIO, rounding=ROUND_HALF_UP)


def _fraction_money(numerator: Decimal, multiplier: Decimal, denominator: Decimal) -> Decimal:
    """numerator × multiplier ÷ denominator, exactly, rounded to the cent."""
    return _cents(Fraction(numerator) * Fraction(multiplier) / Fraction(denominator))


def status_cutoff(status_date: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The end of ``status_date`` (midnight after it) in ``zone``, as an aware instant."""
    return dt.datetime.combine(status_date + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


# --- The plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanBasis:
    """Where planned dates come from: the latest baseline, else the schedule."""

    baseline: Baseline | None
    weight: str  # "work" or "duration"


def latest_baseline(project: Project) -> Baseline | None:
    return Baseline.objects.filter(project=project).order_by("-created_at", "-id").first()


def _plan_rows(project: Project, baseline: Baseline | None) -> QuerySet[Any]:
    if baseline is not None:
        return BaselineTask.objects.filter(baseline=baseline, task__is_summary=False)
    return Task.objects.filter(project=project, is_summary=False)


def _date_fields(baseline: Baseline | None) -> tuple[str, str]:
    return ("start", "finish") if baseline is not None else ("early_start", "early_finish")


def _planned_share(
    rows: QuerySet[Any], baseline: Baseline | None, weight: str, cutoff: dt.datetime,
) -> tuple[Fraction, int]:
    """(planned weight done by ``cutoff`` as an exact fraction of minutes, total weight):
    one aggregate for the finished and total weight, one read of the running rows."""
    start, finish = _date_fields(baseline)
    weight_field = f"{weight}_minutes"
    totals = rows.order_by().aggregate(
        total=Coalesce(Sum(weight_field), 0),
        finished=Coalesce(Sum(weight_field, filter=Q(**{f"{finish}__lte": cutoff})), 0),
    )
    planned = Fraction(int(totals["finished"]))
    running = rows.filter(**{f"{start}__lt": cutoff, f"{finish}__gt": cutoff}).exclude(**{weight_field: 0})
    for row_start, row_finish, minutes in running.order_by().values_list(start, finish, weight_field):
        planned += _prorated(minutes, row_start, row_finish, cutoff)
    return planned, int(totals["total"])


def _prorated(minutes: int, start: dt.datetime, finish: dt.datetime, cutoff: dt.datetime) -> Fraction:
    if cutoff >= finish:
        return Fraction(minutes)
    if cutoff <= start:
        return Fraction(0)
    return Fraction(minutes) * Fraction(int((cutoff - start).total_seconds()), int((finish - start).total_seconds()))


def _weight(project: Project, baseline: Baseline | None) -> str:
    """Work when the plan (or its baseline) estimates any, else duration."""
    rows = _plan_rows(project, baseline)
    return "work" if rows.filter(work_minutes__gt=0).exists() else "duration"


@dataclass(frozen=True)
class PlanLeaves:
    """The plan's leaf rows (the latest baseline's, else the current plan's) read once:
    (start, finish, minutes of the weight) each; what a page that shows both the figures
    and the burn chart reads instead of the aggregates (:func:`plan_leaves`)."""

    baseline: Baseline | None
    weight: str
    rows: list[tuple[dt.datetime | None, dt.datetime | None, int]]
    total: int

    def planned_share(self, cutoff: dt.datetime) -> Fraction:
        """The planned weight done by ``cutoff`` (as :func:`_planned_share`)."""
        planned = Fraction(0)
        for start, finish, minutes in self.rows:
            if finish is None or not minutes:
                continue
            if finish <= cutoff:
                planned += minutes
            elif start is not None and start < cutoff:
                planned += _prorated(minutes, start, finish, cutoff)
        return planned


def plan_leaves(project: Project) -> PlanLeaves:
    """The latest baseline and the plan's leaf rows, in two queries."""
    baseline = latest_baseline(project)
    start, finish = _date_fields(baseline)
    rows = list(_plan_rows(project, baseline).order_by().values_list(start, finish, "work_minutes", "duration_minutes"))
    weight = "work" if any(work for _start, _finish, work, _duration in rows if work) else "duration"
    chosen = [(row_start, row_finish, int((work if weight == "work" else duration) or 0))
              for row_start, row_finish, work, duration in rows]
    return PlanLeaves(baseline=baseline, weight=weight, rows=chosen, total=sum(minutes for *_dates, minutes in chosen))


def _done_share(project: Project) -> tuple[int, int, str]:
    """(Σ weight × percent complete, Σ weight × 100, weight) over the current leaf tasks."""
    totals = Task.objects.filter(project=project, is_summary=False).order_by().aggregate(
        work=Coalesce(Sum("work_minutes"), 0),
        work_done=Coalesce(Sum(ExpressionWrapper(F("work_minutes") * F("percent_complete"), output_field=IntegerField())), 0),
        duration=Coalesce(Sum("duration_minutes"), 0),
        duration_done=Coalesce(
            Sum(ExpressionWrapper(F("duration_minutes") * F("percent_complete"), output_field=IntegerField())), 0
        ),
    )
    if totals["work"]:
        return int(totals["work_done"]), int(totals["work"]) * 100, "work"
    return int(totals["duration_done"]), int(totals["duration"]) * 100, "duration"


# --- Actual cost ---------------------------------------------------------------------------------


@dataclass
class DailyCosts:
    """Actual cost per day in the project's currency (time, expenses), and the hours."""

    time: dict[dt.date, Decimal] = field(default_factory=dict)
    expenses: dict[dt.date, Decimal] = field(default_factory=dict)
    hours: Decimal = Decimal(0)
    uncosted_hours: Decimal = Decimal(0)

    def total_by_day(self) -> dict[dt.date, Decimal]:
        days: dict[dt.date, Decimal] = defaultdict(Decimal)
        for source in (self.time, self.expenses):
            for day, amount in source.items():
                days[day] += amount
        return dict(sorted(days.items()))


def _convert(amount: Decimal, currency: str, day: dt.date, target: str, rates: RateTable) -> Decimal:
    """``amount`` of ``currency`` on ``day`` in ``target``, to the cent (half up)."""
    if currency == target:
        return _cents(amount)
    value = Fraction(amount) * Fraction(rates.rate(currency, day)) / Fraction(rates.rate(target, day))
    return _cents(value)


def daily_costs(project: Project, *, until: dt.date | None = None) -> DailyCosts:
    """Approved time × its cost rate and expenses, per day, in the project's currency
    (one grouped query of both, then the base currency and the rates when another
    currency appears)."""
    time = TimeEntry.objects.filter(project=project, status=TimeEntryStatus.APPROVED)
    expenses = ProjectExpense.objects.filter(project=project)
    if until is not None:
        time = time.filter(date__lte=until)
        expenses = expenses.filter(date__lte=until)
    exact = DecimalField(max_digits=24, decimal_places=6)
    zero = Value(Decimal(0), output_field=exact)
    grouped_time = time.order_by().values("date", "cost_currency").annotate(
        cost=Sum(ExpressionWrapper(F("hours") * F("cost_rate"), output_field=_COST)),
        hours_total=Coalesce(Sum("hours"), zero, output_field=exact),
        uncosted=Coalesce(Sum("hours", filter=Q(cost_rate__isnull=True)), zero, output_field=exact),
        source=Value(1),
    ).values_list("date", "cost_currency", "cost", "hours_total", "uncosted", "source").order_by()
    grouped_expenses = expenses.order_by().values("date", "currency").annotate(
        total=Sum("amount"), none_hours=zero, none_uncosted=zero, source=Value(2),
    ).values_list("date", "currency", "total", "none_hours", "none_uncosted", "source").order_by()
    rows = sorted(grouped_time.union(grouped_expenses, all=True).order_by(), key=lambda row: (row[5], row[0], row[1] or ""))
    time_rows = [{"date": day, "cost_currency": currency, "cost": cost, "hours_total": hours, "uncosted": uncosted}
                 for day, currency, cost, hours, uncosted, source in rows if source == 1]
    expense_rows = [{"date": day, "currency": currency, "total": total}
                    for day, currency, total, _hours, _uncosted, source in rows if source == 2]
    result = DailyCosts()
    currencies = {row["cost_currency"] for row in time_rows if row["cost"] is not None}
    currencies |= {row["currency"] for row in expense_rows}
    target = project.currency
    # The rates are read only when some amount is in another currency.
    rates = RateTable(currencies | {target}) if currencies - {target} else None
    for row in time_rows:
        result.hours += row["hours_total"] or 0
        result.uncosted_hours += row["uncosted"] or 0
        if row["cost"] is None:
            continue
        amount = Decimal(row["cost"])
        currency = row["cost_currency"] or target
        converted = _cents(amount) if rates is None or currency == target else _convert(amount, currency, row["date"], target, rates)
        result.time[row["date"]] = result.time.get(row["date"], Decimal(0)) + converted
    for spent in expense_rows:
        amount = Decimal(spent["total"])
        converted = _cents(amount) if rates is None or spent["currency"] == target else _convert(
            amount, spent["currency"], spent["date"], target, rates)
        result.expenses[spent["date"]] = result.expenses.get(spent["date"], Decimal(0)) + converted
    return result


# --- The figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EarnedValue:
    """A project's earned value at ``status_date``, money in ``currency``. ``None`` where
    a division by zero makes a figure meaningless (the reason in ``notes``)."""

    project_id: int
    status_date: dt.date
    currency: str
    baseline: Baseline | None
    weight: str
    weight_total: int
    bac: Decimal
    planned_percent: Decimal | None
    done_percent: Decimal | None
    pv: Decimal
    ev: Decimal
    ac: Decimal
    ac_time: Decimal
    ac_expenses: Decimal
    approved_hours: Decimal
    uncosted_hours: Decimal
    spent_percent: Decimal | None
    cv: Decimal
    sv: Decimal
    cpi: Decimal | None
    spi: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi: Decimal | None
    notes: dict[str, str]

    @property
    def cost_state(self) -> tuple[str, str]:
        """(word, colour) for the cost performance: on budget, slightly over, over."""
        return cost_state(self.cpi)

    @property
    def schedule_state(self) -> tuple[str, str]:
        return schedule_state(self.spi)

    @property
    def completion_state(self) -> tuple[str, str]:
        if self.vac is None:
            return NOT_MEASURABLE.capitalize(), "secondary"
        return ("On budget at completion", "success") if self.vac >= 0 else ("Over budget at completion", "danger")


def cost_state(cpi: Decimal | None) -> tuple[str, str]:
    if cpi is None:
        return NOT_MEASURABLE.capitalize(), "secondary"
    if cpi >= 1:
        return "On budget", "success"
    if cpi >= Decimal("0.9"):
        return "Slightly over budget", "warning"
    return "Over budget", "danger"


def schedule_state(spi: Decimal | None) -> tuple[str, str]:
    if spi is None:
        return NOT_MEASURABLE.capitalize(), "secondary"
    if spi >= 1:
        return "On schedule", "success"
    if spi >= Decimal("0.9"):
        return "Slightly behind", "warning"
    return "Behind schedule", "danger"


def figures(
    *, bac: Decimal, pv: Decimal, ev: Decimal, ac: Decimal,
) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """CV, SV, CPI, SPI, EAC, ETC, VAC, TCPI and spent % from cents; ``None`` with a
    note where a denominator is zero."""
    notes: dict[str, str] = {}
    out: dict[str, Decimal | None] = {"cv": ev - ac, "sv": ev - pv}
    if ac:
        out["cpi"] = _round4(Fraction(ev) / Fraction(ac))
    else:
        out["cpi"] = None
        notes["cpi"] = f"{NOT_MEASURABLE}: nothing spent so far (AC is zero)."
    if pv:
        out["spi"] = _round4(Fraction(ev) / Fraction(pv))
    else:
        out["spi"] = None
        notes["spi"] = f"{NOT_MEASURABLE}: no work was planned by the status date (PV is zero)."
    if ev and ac:
        eac = _fraction_money(bac, ac, ev)
        out["eac"], out["etc"], out["vac"] = eac, eac - ac, bac - eac
    else:
        out["eac"] = out["etc"] = out["vac"] = None
        reason = "no work is done yet (EV is zero)" if not ev else "nothing spent so far (AC is zero)"
        for name in ("eac", "etc", "vac"):
            notes[name] = f"{NOT_MEASURABLE}: {reason}, so there is no cost performance to project."
    if bac != ac:
        out["tcpi"] = _round4(Fraction(bac - ev) / Fraction(bac - ac))
    else:
        out["tcpi"] = None
        notes["tcpi"] = f"{NOT_MEASURABLE}: the whole budget is spent (BAC − AC is zero)."
    if bac:
        out["spent_percent"] = _round4(Fraction(ac) * 100 / Fraction(bac))
    else:
        out["spent_percent"] = None
        notes["spent_percent"] = f"{NOT_MEASURABLE}: the project has no budget."
    return out, notes


def earned_value(
    *, project: Project, status_date: dt.date, zone: ZoneInfo | None = None, costs: DailyCosts | None = None,
    plan: PlanLeaves | None = None,
) -> EarnedValue:
    """The project's earned value at ``status_date`` (the caller has checked that the
    project is visible and whether its costs may be shown: :func:`may_see_project_costs`).
    Raises :class:`tandem.commercial.currency.MissingRateError` when an amount in another
    currency has no rate. ``costs``: :func:`daily_costs` up to the status date, when the
    caller has read them already (the burn chart needs them too); ``plan``: the leaf
    rows of :func:`plan_leaves` (the same figures, from the rows the chart reads)."""
    zone = zone or project_time_zone()
    cutoff = status_cutoff(status_date, zone)
    bac = _cents(Decimal(project.budget))
    if plan is not None:
        baseline, weight, planned, total = plan.baseline, plan.weight, plan.planned_share(cutoff), plan.total
    else:
        baseline = latest_baseline(project)
        weight = _weight(project, baseline)
        planned, total = _planned_share(_plan_rows(project, baseline), baseline, weight, cutoff)
    done, done_total, _done_weight = _done_share(project)
    notes: dict[str, str] = {}
    if total:
        planned_fraction: Fraction | None = planned / total
    else:
        planned_fraction = None
        notes["planned_percent"] = f"{NOT_MEASURABLE}: the plan has no estimated work or duration."
    if done_total:
        done_fraction: Fraction | None = Fraction(done, done_total)
    else:
        done_fraction = None
        notes["done_percent"] = f"{NOT_MEASURABLE}: the plan has no estimated work or duration."
    pv = _cents(planned_fraction * Fraction(bac)) if planned_fraction is not None else Decimal("0.00")
    ev = _cents(done_fraction * Fraction(bac)) if done_fraction is not None else Decimal("0.00")
    if costs is None:
        costs = daily_costs(project, until=status_date)
    ac_time = sum(costs.time.values(), Decimal("0.00"))
    ac_expenses = sum(costs.expenses.values(), Decimal("0.00"))
    ac = ac_time + ac_expenses
    derived, derived_notes = figures(bac=bac, pv=pv, ev=ev, ac=ac)
    notes.update(derived_notes)
    return EarnedValue(
        project_id=project.pk, status_date=status_date, currency=project.currency, baseline=baseline, weight=weight,
        weight_total=total, bac=bac,
        planned_percent=None if planned_fraction is None else _round4(planned_fraction * 100),
        done_percent=None if done_fraction is None else _round4(done_fraction * 100),
        pv=pv, ev=ev, ac=ac, ac_time=ac_time, ac_expenses=ac_expenses,
        approved_hours=costs.hours, uncosted_hours=costs.uncosted_hours,
        spent_percent=derived["spent_percent"], cv=derived["cv"], sv=derived["sv"],  # type: ignore[arg-type]
        cpi=derived["cpi"], spi=derived["spi"], eac=derived["eac"], etc=derived["etc"], vac=derived["vac"],
        tcpi=derived["tcpi"], notes=notes,
    )


# --- The burn chart ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BurnPoint:
    """One period of the burn chart: its last day, cumulative PV and (up to the status
    date) cumulative AC, in the project's currency."""

    label: str
    end: dt.date
    planned: Decimal
    actual: Decimal | None


def _period_ends(first: dt.date, last: dt.date, by: str) -> list[dt.date]:
    ends: list[dt.date] = []
    if by == "week":
        day = first + dt.timedelta(days=6 - first.weekday())  # the Sunday of first's week
        while True:
            ends.append(day)
            if day >= last:
                break
            day += dt.timedelta(days=7)
        return ends
    year, month = first.year, first.month
    while True:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        ends.append(end)
        if end >= last:
            break
        year, month = following.year, following.month
    return ends


def _planned_curve(
    project: Project, baseline: Baseline | None, weight: str, cutoffs: list[dt.datetime],
    plan: PlanLeaves | None = None,
) -> list[Fraction]:
    """The planned weight done by each of ``cutoffs`` (sorted), from one read of the
    leaf rows (none when ``plan`` has them): a finished task adds its weight from the
    first cutoff after its finish (a running sum), a running one its prorated part at
    the cutoffs inside it."""
    full = [Fraction(0)] * (len(cutoffs) + 1)
    partial = [Fraction(0)] * len(cutoffs)
    if plan is not None:
        leaves: Iterable[tuple[Any, Any, int]] = plan.rows
    else:
        start_field, finish_field = _date_fields(baseline)
        leaves = _plan_rows(project, baseline).order_by().values_list(start_field, finish_field, f"{weight}_minutes")
    for start, finish, minutes in leaves:
        if finish is None or not minutes:
            continue
        done_at = bisect.bisect_left(cutoffs, finish)
        full[done_at] += minutes
        if start is None:
            continue
        index = bisect.bisect_right(cutoffs, start)
        while index < done_at:
            partial[index] += _prorated(minutes, start, finish, cutoffs[index])
            index += 1
    curve, running = [], Fraction(0)
    for index in range(len(cutoffs)):
        running += full[index]
        curve.append(running + partial[index])
    return curve


def burn_series(
    *, project: Project, value: EarnedValue, by: str = "", zone: ZoneInfo | None = None,
    costs: DailyCosts | None = None, plan: PlanLeaves | None = None,
) -> tuple[str, list[BurnPoint]]:
    """(``week`` or ``month``, the periods) from the project's start to the later of the
    status date, the planned finish and the due date: cumulative PV and cumulative AC
    (AC only up to the status date). Weeks when the span is under 26 weeks, else months,
    unless ``by`` says."""
    zone = zone or project_time_zone()
    first = project.start_date
    finishes = [value.status_date, project.due_date]
    if project.scheduled_finish is not None:
        finishes.append(project.scheduled_finish.astimezone(zone).date())
    if value.baseline is not None and value.baseline.finish is not None:
        finishes.append(value.baseline.finish.astimezone(zone).date())
    last = max(day for day in finishes if day is not None)
    if costs is None:
        costs = daily_costs(project, until=value.status_date)
    spent_days = costs.total_by_day()
    if spent_days:
        first = min(first, next(iter(spent_days)))
    if by not in ("week", "month"):
        by = "week" if (last - first).days < 26 * 7 else "month"
    ends = _period_ends(first, last, by)
    cutoffs = [status_cutoff(end, zone) for end in ends]
    total = value.weight_total
    curve = _planned_curve(project, value.baseline, value.weight, cutoffs, plan)
    points: list[BurnPoint] = []
    days = list(spent_days.items())
    position, spent = 0, Decimal("0.00")
    for end, planned in zip(ends, curve, strict=True):
        while position < len(days) and days[position][0] <= end:
            spent += days[position][1]
            position += 1
        label = f"{end - dt.timedelta(days=6):%-d %b %Y}" if by == "week" else f"{end:%b %Y}"
        pv = _cents(planned / total * Fraction(value.bac)) if total else Decimal("0.00")
        shown = spent if end - dt.timedelta(days=6 if by == "week" else end.day - 1) <= value.status_date else None
        points.append(BurnPoint(label=label, end=end, planned=pv, actual=shown))
    return by, points

