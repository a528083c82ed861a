"""Demo status reports (``tandem demo``, step ``governance-reports``, after delivery and
the stakeholders): every active demo project has a published report every two weeks
since its start (the last twelve at most) with a believable RAG history — mostly green,
runs of amber, now and then a red that recovers, and the late projects (scheduled to
finish after their due date) sliding to amber and red — and facts worded as the
generator words them, each linked to the page behind it. The project manager login's
(``pm@example.com``) active projects also have this period's draft, made by the real
generator (:func:`tandem.governance.services.reports.status_report_draft`)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tandem.commercial.formatting import money_text
from tandem.core import demo
from tandem.delivery.models import Project, ProjectStatus
from tandem.governance.models import StatusReport
from tandem.governance.models.common import Rag
from tandem.governance.models.reports import ReportStatus
from tandem.governance.services.reports import status_report_draft, worst

STEP = "governance-reports"
PERIOD = dt.timedelta(days=14)
MAX_REPORTS = 12
PM_LOGIN = "pm@example.com"
SPI_BY_RAG = {Rag.GREEN: (0.96, 1.06), Rag.AMBER: (0.86, 0.94), Rag.RED: (0.74, 0.84)}
CPI_BY_RAG = {Rag.GREEN: (0.96, 1.08), Rag.AMBER: (0.86, 0.94), Rag.RED: (0.76, 0.84)}


def _history(rng: random.Random, count: int, late: bool) -> list[str]:
    """A schedule RAG per report, oldest first."""
    rags: list[str] = [Rag.GREEN] * count
    if late:
        # Slipping over the last third (the last report at least): amber, then red at
        # the end for most.
        turn = max(0, count - max(1, count // 3))
        for index in range(turn, count):
            rags[index] = Rag.AMBER
        if count >= 3 and rng.random() < 0.6:
            rags[-1] = Rag.RED
        return rags
    if count >= 4 and rng.random() < 0.5:  # an amber run
        start = rng.randrange(1, count - 2)
        for index in range(start, min(count - 1, start + rng.randint(1, 3))):
            rags[index] = Rag.AMBER
    if count >= 6 and rng.random() < 0.2:  # a red that recovers through amber
        index = rng.randrange(2, count - 2)
        rags[index - 1], rags[index], rags[index + 1] = Rag.AMBER, Rag.RED, Rag.AMBER
    return rags


def _ratio(rng: random.Random, bounds: tuple[float, float]) -> Decimal:
    return Decimal(str(round(rng.uniform(*bounds), 2)))


def _report(rng: random.Random, project: Project, start: dt.date, end: dt.date, schedule: str, budget: str,
            percent: Decimal, previous: Decimal | None, author: Any) -> StatusReport:
    spi, cpi = _ratio(rng, SPI_BY_RAG[Rag(schedule)]), _ratio(rng, CPI_BY_RAG[Rag(budget)])
    burn = (percent / cpi).quantize(Decimal("0.1")) if cpi else percent
    spent = (Decimal(project.budget) * burn / 100).quantize(Decimal("0.01"))
    pid = project.pk
    plan = reverse("delivery:project_detail", kwargs={"project_id": pid}) + "#plan"
    budget_url = reverse("delivery:project_budget", kwargs={"project_id": pid}) + f"?on={end.isoformat()}"
    gantt = reverse("delivery:project_gantt", kwargs={"project_id": pid})
    done = reverse("delivery:project_board", kwargs={"project_id": pid}) + "?status=done"
    facts = [
        {"section": "progress", "url": plan, "text": (
            f"Progress: {previous} % complete at the last report → {percent} % now." if previous is not None
            else f"Progress: {percent} % complete.")},
        {"section": "budget", "url": budget_url, "text": (
            f"Budget burn: {money_text(spent, project.currency)} spent of "
            f"{money_text(project.budget, project.currency)} ({burn} %).")},
        {"section": "budget", "url": budget_url, "text": f"Cost performance (CPI): {cpi:.2f}."},
        {"section": "schedule", "url": budget_url, "text": f"Schedule performance (SPI): {spi:.2f}."},
    ]
    tasks_done = rng.randint(2, 6)
    facts.append({"section": "accomplishments", "url": done, "text": f"{tasks_done} tasks done in the period."})
    if schedule != Rag.GREEN:
        facts.append({"section": "schedule", "url": gantt, "text": "1 milestone missed in the period."})
    scope = Rag.AMBER if rng.random() < 0.08 and previous is not None else Rag.GREEN  # never on a first report
    summaries = {
        Rag.GREEN: "On track: the period's work is done and the next phase is ready to start.",
        Rag.AMBER: "Watch: some work slipped; we re-planned the next two weeks to recover.",
        Rag.RED: "Act: the plan slipped past a milestone; a recovery plan is agreed with the client.",
    }
    overall = worst(schedule, budget, scope)
    return StatusReport(
        project=project, period_start=start, period_end=end, status=ReportStatus.PUBLISHED,
        schedule_rag=schedule, budget_rag=budget, scope_rag=scope, overall_rag=overall,
        summary=summaries[Rag(overall)], accomplishments=f"- {tasks_done} tasks completed",
        next_steps="- Continue with the next tasks of the plan", blockers="" if overall == Rag.GREEN else
        "- Work waiting on the client's feedback", facts=facts,
        metrics={"percent_complete": str(percent), "previous_percent_complete": None if previous is None
                 else str(previous), "spi": str(spi), "cpi": str(cpi), "burn_percent": str(burn),
                 "currency": project.currency, "budget": str(project.budget)},
        author=author, published_by=author,
        published_at=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC),
    )


def _with_a_red(plans: list[tuple[Project, list[dt.date], bool, list[str]]]) -> None:
    """A history with a red in it somewhere: the chances above can leave a small
    organisation (a handful of young projects) all green, and a portfolio without one
    slip shows nothing of what the reports are for. The longest history gets one: a late
    project ends red, another goes amber, red and back to amber near its end."""
    if any(Rag.RED in schedule for *_, schedule in plans):
        return
    candidates = [plan for plan in plans if len(plan[3]) >= (2 if plan[2] else 3)]
    if not candidates:
        return
    _, _, late, schedule = max(candidates, key=lambda plan: len(plan[3]))
    if late:
        schedule[-1] = Rag.RED
    else:
        index = len(schedule) - 2
        schedule[index - 1 : index + 2] = [Rag.AMBER, Rag.RED, Rag.AMBER]


@demo.step(STEP, order=55)
def generate_reports(ctx: demo.DemoContext) -> None:
    """Published reports with a RAG history, and the project manager's current drafts."""
    rng = ctx.rng(STEP)
    today = timezone.localdate()
    projects = list(Project.objects.filter(status=ProjectStatus.ACTIVE, is_template=False, code__startswith="D-")
                    .select_related("manager").order_by("pk"))
    reports: list[StatusReport] = []
    plans: list[tuple[Project, list[dt.date], bool, list[str]]] = []
    for project in projects:
        ends: list[dt.date] = []
        end = project.start_date + PERIOD - dt.timedelta(days=1)
        while end < today - dt.timedelta(days=1):
            ends.append(end)
            end += PERIOD
        ends = ends[-MAX_REPORTS:]
        if not ends:
            continue
        finish = project.scheduled_finish.date() if project.scheduled_finish else None
        late = bool(finish and project.due_date and finish > project.due_date)
        plans.append((project, ends, late, _history(rng, len(ends), late)))
    _with_a_red(plans)
    for project, ends, late, schedule in plans:
        finish = project.scheduled_finish.date() if project.scheduled_finish else None
        over_budget = rng.random() < 0.2
        total = max(1, ((finish or project.due_date or today) - project.start_date).days)
        previous: Decimal | None = None
        for index, end in enumerate(ends):
            start = end - PERIOD + dt.timedelta(days=1)
            share = min(Decimal(99), Decimal(100 * max(0, (end - project.start_date).days)) / Decimal(total))
            percent = (share * (Decimal("0.9") if late else Decimal(1))).quantize(Decimal("0.1"))
            # Over budget shows from the second half of the history, never on a first report.
            budget = Rag.AMBER if over_budget and index >= max(1, len(ends) // 2) else (
                Rag.AMBER if schedule[index] == Rag.RED else Rag.GREEN)
            reports.append(_report(rng, project, max(start, project.start_date), end, schedule[index], budget,
                                   percent, previous, project.manager))
            previous = percent
    ctx.bulk_create(StatusReport, reports)
    pm = ctx.shared.get("people.logins", {}).get(PM_LOGIN)
    if pm is None:
        from tandem.people.models import User

        pm = User.objects.filter(email=PM_LOGIN).first()
    if pm is None:
        return
    for project in projects:
        if project.manager_id == pm.pk:
            status_report_draft(actor=pm, project=project, period_end=today)
            ctx.counts[StatusReport._meta.label] = ctx.counts.get(StatusReport._meta.label, 0) + 1
