"""Measures of the governance pages: P2R and P3R (QUALITY.md P2, P3), "R" for the
registers a project manager reviews: the risk register, the RACI grid and the meeting
list.

The pages: a project's risk register tab (``governance:project_risks``), its RACI grid
(``governance:project_raci``), both of the demo project manager's projects, and the
meeting list (``governance:meeting_list``, 50 rows) of the demo project manager.

* **P2R** - each page ÷ the minimal logged-in view, interleaved; the register and the
  grid of the manager's project with the most risks / RACI rows; the worst page is the
  ratio.
* **P3R** - SQL queries of each page: the register and the grid of the manager's
  project with the fewest and with the most rows; the meeting list at 10 and 100 rows a
  page, of the manager and of the person with the most meetings. The largest count over
  the smallest of each page must be 1.00, every count <= 12.

A page whose route does not exist is named in ``skipped=`` and not measured.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse

from tandem.bench.measures.clients import _count_queries, _timed, _url
from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.core.roles import Role
from tandem.delivery.models import Project
from tandem.governance.models import Meeting, RaciRow, Risk

QUERY_CAP = 12
P3_PAGE_SIZES = (10, 100)
PROJECT_PAGES: dict[str, tuple[str, Callable[[], QuerySet[Any]]]] = {
    "risk_register": ("governance:project_risks", lambda: Risk.objects.filter(project__isnull=False)),
    "raci_grid": ("governance:project_raci", lambda: RaciRow.objects.all()),
}
MEETING_LIST = "governance:meeting_list"


def _reverse(route: str, **kwargs: Any) -> str | None:
    try:
        return reverse(route, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _projects_by_rows(manager: Any, rows: QuerySet[Any]) -> list[tuple[int, int]]:
    """(project id, rows) of ``manager``'s projects that have rows, fewest first."""
    counted = (
        rows.filter(project__manager=manager).values("project").annotate(n=Count("pk")).order_by("n", "project")
    )
    return [(row["project"], row["n"]) for row in counted]


def _require() -> None:
    if not Project.objects.exists() or not Risk.objects.exists():
        raise BenchError("no governance records: load data first (tandem demo)")


@measure("P2R", title="governance pages (risk register, RACI grid, meetings) / minimal logged-in view",
         target=Target(6))
def governance_pages(ctx: BenchContext) -> Result:
    _require()
    manager = ctx.user(Role.PROJECT_MANAGER)
    client = ctx.client(manager)
    candidates: dict[str, Callable[[], Any]] = {"baseline": partial(client.get, _url("bench_baseline"))}
    skipped: list[str] = []
    details: dict[str, object] = {}
    for name, (route, rows) in PROJECT_PAGES.items():
        projects = _projects_by_rows(manager, rows())
        path = _reverse(route, project_id=projects[-1][0]) if projects else None
        if path is None:
            skipped.append(name)
            continue
        details[f"{name}_rows"] = projects[-1][1]
        ctx.get(client, path)
        candidates[name] = partial(client.get, path)
    meetings = _reverse(MEETING_LIST)
    if meetings is None:
        skipped.append("meeting_list")
    else:
        ctx.get(client, meetings)
        candidates["meeting_list"] = partial(client.get, meetings)
    pages = [name for name in candidates if name != "baseline"]
    if not pages:
        raise BenchError("no governance page to measure")
    medians, repeat = _timed(ctx, "P2R", candidates, 100)
    ratios = {name: medians[name] / medians["baseline"] for name in pages}
    worst = max(ratios, key=ratios.__getitem__)
    details.update({"worst": worst, "baseline_ms": medians["baseline"] * 1000})
    for name in pages:
        details[f"{name}_ms"] = medians[name] * 1000
    details["repeat"] = repeat
    if skipped:
        details["skipped"] = ",".join(skipped)
    return Result("P2R", ratios[worst], Target(6), details=details)


@measure("P3R", title="SQL queries per governance page, small and large registers, two page sizes",
         target=Target(1))
def governance_query_counts(ctx: BenchContext) -> Result:
    _require()
    manager = ctx.user(Role.PROJECT_MANAGER)
    client = ctx.client(manager)
    counts: dict[str, list[int]] = {}
    details: dict[str, object] = {}
    skipped: list[str] = []
    for name, (route, rows) in PROJECT_PAGES.items():
        projects = _projects_by_rows(manager, rows())
        paths = [_reverse(route, project_id=project) for project in (projects[0][0], projects[-1][0])] if projects else []
        if not paths or None in paths:
            skipped.append(name)
            continue
        counts[name] = [_count_queries(client, str(path)) for path in paths]
        details[f"{name}_rows"] = f"{projects[0][1]}/{projects[-1][1]}"
    meetings = _reverse(MEETING_LIST)
    if meetings is None:
        skipped.append("meeting_list")
    else:
        from tandem.people.models import User

        busiest = (
            Meeting.users.through.objects.values("user").annotate(n=Count("pk")).order_by("-n", "user").first()
        )
        clients = [client]
        if busiest is not None:
            clients.append(ctx.client(User.objects.get(pk=busiest["user"])))
            details["busiest_meetings"] = busiest["n"]
        counts["meeting_list"] = [
            _count_queries(each, f"{meetings}?per_page={size}") for each in clients for size in P3_PAGE_SIZES
        ]
    if not counts:
        raise BenchError("no governance page to measure")
    ratio = max(max(values) / min(values) for values in counts.values())
    largest_count = max(max(values) for values in counts.values())
    details.update({"max_queries": largest_count, "query_cap": f"<={QUERY_CAP}"})
    details.update({name: ",".join(str(count) for count in values) for name, values in counts.items()})
    if skipped:
        details["skipped"] = ",".join(skipped)
    return Result("P3R", ratio, Target(1), details=details, extra_ok=largest_count <= QUERY_CAP)
