"""The project's Forecast tab: the Monte Carlo completion forecast
(:func:`tandem.delivery.forecasting.project_forecast`) as people read it.

P50 / P80 / P95 finish dates as key facts, each against the due date and the
deterministic finish (every task at its planned duration); a chart of the finish dates
(runs finishing each day as bars, the cumulative chance of having finished as a line)
with the same numbers in a table one click away; and each task's criticality index, the
tasks most often critical first, each linked to its row in the plan.

The page runs :data:`PAGE_RUNS` simulations with the seed fixed (:data:`PAGE_SEED`), so
it is quick and reads the same on every visit while the plan does not change. Queries:
the project, its calendar (twice: the header and the forecast), the plan's tasks, links
and estimates; the same for any plan size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tandem.delivery import selectors
from tandem.delivery.calendars import project_calendar
from tandem.delivery.forecasting import ProjectForecast, project_forecast
from tandem.delivery.views.common import day_text, project_header

PAGE_RUNS = 2_000
PAGE_SEED = 1
CRITICALITY_ROWS = 50


def _against(finish: dt.date, other: dt.date | None, word: str) -> str:
    """"3 days after the due date", "on the due date", "2 days before …" (calendar days)."""
    if other is None:
        return ""
    days = (finish - other).days
    if days == 0:
        return f"on the {word}"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'after' if days > 0 else 'before'} the {word}"


def chart_data(result: ProjectForecast) -> dict[str, Any]:
    """The chart's series: runs finishing each day and the cumulative share (%)."""
    labels, runs, cumulative = [], [], []
    total = 0
    for day, count in result.histogram:
        total += count
        labels.append(day.isoformat())
        runs.append(count)
        cumulative.append(round(total * 100 / result.runs, 1))
    return {"labels": labels, "runs": runs, "cumulative": cumulative, "total": result.runs}


def table_rows(result: ProjectForecast) -> list[dict[str, Any]]:
    rows, total = [], 0
    for day, count in result.histogram:
        total += count
        rows.append({"day": day, "runs": count, "share": count * 100 / result.runs,
                     "cumulative": total * 100 / result.runs})
    return rows


@login_required
@require_GET
def project_forecast_page(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_page_get(actor=actor, project_id=project_id)
    zone = project_calendar(project)[1]
    result = project_forecast(project=project, runs=PAGE_RUNS, seed=PAGE_SEED)
    context: dict[str, Any] = {**project_header(project, "forecast", zone=zone), "runs": PAGE_RUNS, "seed": PAGE_SEED,
                               "result": result}
    if result is not None and result.estimated_tasks:
        plan_url = reverse("delivery:project_detail", kwargs={"project_id": project.pk})
        deterministic = result.deterministic_finish.date()
        due = project.due_date
        context["facts"] = [
            {"label": f"P{percent}", "key": f"p{percent}", "day": value.date(), "text": day_text(value.date()),
             "chance": f"{percent} % of runs finish by then",
             "due": _against(value.date(), due, "due date"),
             "late": due is not None and value.date() > due,
             "planned": _against(value.date(), deterministic, "scheduled finish")}
            for percent, value in ((50, result.p50), (80, result.p80), (95, result.p95))
        ]
        context["deterministic_text"] = day_text(deterministic)
        context["chart"] = chart_data(result)
        context["table"] = table_rows(result)
        critical = sorted(result.tasks, key=lambda row: -row.criticality)
        context["critical_rows"] = [
            {"task": row, "percent": round(row.criticality * 100, 1), "url": f"{plan_url}#task-{row.id}"}
            for row in critical[:CRITICALITY_ROWS]
        ]
        context["critical_total"] = len(critical)
    return render(request, "delivery/forecast/forecast.html", context)
