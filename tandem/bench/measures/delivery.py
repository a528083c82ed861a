"""Measures of the delivery pages: P2D, P3D and P4D (QUALITY.md P2, P3, P4).

The pages: the project list (``delivery:project_list``, 50 rows), the project page with
its plan (``delivery:project_detail``: the task list, up to 500 rows a window) of the
demo project manager's largest project, "My tasks" (``delivery:my_tasks``) of the demo
team member, and their weekly timesheet (``delivery:timesheet``, when it exists).

* **P2D** - each page ÷ the minimal logged-in view, interleaved; the worst page is the
  ratio.
* **P3D** - SQL queries of each page: the lists at 10 and 100 rows a page; the project
  page of the smallest and of the largest plan of the demo project manager; "My tasks"
  of a person with few tasks and of the person with the most. The largest count over
  the smallest of each page must be 1.00 (the count does not follow the data), every
  count <= 12.
* **P4D** - the project list and the plan of a project that survives the cut, as the
  demo executive, at the loaded scale S ÷ the same at S/100 (one account in a hundred
  kept with all its rows, in a transaction rolled back).

A page whose route does not exist is named in ``skipped=`` and not measured.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Mod
from django.urls import NoReverseMatch, reverse

from tandem.bench.measures.clients import _count_queries, _timed, _url
from tandem.bench.measures.commercial import P4_KEEP_ONE_IN, shrink
from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.core.roles import Role
from tandem.delivery.models import Project, Task, TaskAssignment

QUERY_CAP = 12
P3_PAGE_SIZES = (10, 100)
# The pages and who opens them.
PAGES: dict[str, tuple[str, str]] = {
    "project_list": ("delivery:project_list", Role.PROJECT_MANAGER),
    "project_page": ("delivery:project_detail", Role.PROJECT_MANAGER),
    "my_tasks": ("delivery:my_tasks", Role.MEMBER),
    "timesheet": ("delivery:timesheet", Role.MEMBER),
}
PAGED = frozenset({"project_list", "my_tasks"})


def _projects_of(user: Any) -> list[Project]:
    """``user``'s projects that have a plan, smallest plan first."""
    rows = (
        Project.objects.filter(manager=user).annotate(size=Count("tasks")).filter(size__gt=0)
        .order_by("size", "pk")
    )
    return list(rows)


def _path(name: str, project: Project | None = None) -> str | None:
    route = PAGES[name][0]
    try:
        if name == "project_page":
            return reverse(route, kwargs={"project_id": project.pk}) if project is not None else None
        return reverse(route)
    except NoReverseMatch:
        return None


def _require() -> None:
    if not Task.objects.exists():
        raise BenchError("no project plans: load data first (tandem demo)")


@measure("P2D", title="delivery pages (projects, a plan, my tasks, timesheet) / minimal logged-in view", target=Target(6))
def delivery_pages(ctx: BenchContext) -> Result:
    _require()
    users: dict[str, Any] = {role: ctx.user(role) for role in (Role.PROJECT_MANAGER, Role.MEMBER)}
    clients: dict[str, Any] = {role: ctx.client(user) for role, user in users.items()}
    plans = _projects_of(users[Role.PROJECT_MANAGER])
    largest = plans[-1] if plans else None
    baseline = _url("bench_baseline")
    candidates: dict[str, Callable[[], Any]] = {"baseline": partial(clients[Role.MEMBER].get, baseline)}
    skipped: list[str] = []
    for name, (_route, role) in PAGES.items():
        path = _path(name, largest)
        if path is None:
            skipped.append(name)
            continue
        ctx.get(clients[role], path)
        candidates[name] = partial(clients[role].get, path)
    medians, repeat = _timed(ctx, "P2D", candidates, 100)
    pages = [name for name in candidates if name != "baseline"]
    ratios = {name: medians[name] / medians["baseline"] for name in pages}
    worst = max(ratios, key=ratios.__getitem__)
    details: dict[str, object] = {"worst": worst, "baseline_ms": medians["baseline"] * 1000}
    for name in pages:
        details[f"{name}_ms"] = medians[name] * 1000
    details["plan_tasks"] = Task.objects.filter(project=largest).count() if largest else 0
    details["repeat"] = repeat
    if skipped:
        details["skipped"] = ",".join(skipped)
    return Result("P2D", ratios[worst], Target(6), details=details)


@measure("P3D", title="SQL queries per delivery page, small and large plans, two page sizes", target=Target(1))
def delivery_query_counts(ctx: BenchContext) -> Result:
    _require()
    manager, member = ctx.user(Role.PROJECT_MANAGER), ctx.user(Role.MEMBER)
    projects = _projects_of(manager)
    busiest = (
        TaskAssignment.objects.values("user").annotate(n=Count("pk")).order_by("-n", "user").first()
    )
    from tandem.people.models import User

    counts: dict[str, list[int]] = {}
    details: dict[str, object] = {}
    skipped: list[str] = []
    pm_client, member_client = ctx.client(manager), ctx.client(member)
    list_path = _path("project_list")
    if list_path:
        counts["project_list"] = [_count_queries(pm_client, f"{list_path}?per_page={size}") for size in P3_PAGE_SIZES]
    if projects:
        smallest, largest = projects[0], projects[-1]
        counts["project_page"] = [_count_queries(pm_client, str(_path("project_page", p))) for p in (smallest, largest)]
        details["plans"] = f"{smallest.size}/{largest.size}"  # type: ignore[attr-defined]
    else:
        skipped.append("project_page")
    tasks_path = _path("my_tasks")
    if tasks_path:
        clients = [member_client]
        if busiest is not None:
            clients.append(ctx.client(User.objects.get(pk=busiest["user"])))
            details["busiest_tasks"] = busiest["n"]
        counts["my_tasks"] = [
            _count_queries(client, f"{tasks_path}?per_page={size}") for client in clients for size in P3_PAGE_SIZES
        ]
    timesheet = _path("timesheet")
    if timesheet:
        counts["timesheet"] = [_count_queries(member_client, timesheet)]
    else:
        skipped.append("timesheet")
    ratio = max(max(values) / min(values) for values in counts.values())
    largest_count = max(max(values) for values in counts.values())
    details.update({"max_queries": largest_count, "query_cap": f"<={QUERY_CAP}"})
    details.update({name: ",".join(str(count) for count in values) for name, values in counts.items()})
    if skipped:
        details["skipped"] = ",".join(skipped)
    return Result("P3D", ratio, Target(1), details=details, extra_ok=largest_count <= QUERY_CAP)


@measure("P4D", title="delivery pages at scale S / the same pages at S/100", target=Target(1.3))
def delivery_pages_at_two_scales(ctx: BenchContext) -> Result:
    _require()
    client = ctx.client(ctx.user(Role.EXECUTIVE))
    survivor = (
        Project.objects.filter(account_id__isnull=False).annotate(kept=Mod("account_id", P4_KEEP_ONE_IN))
        .filter(kept=0).annotate(size=Count("tasks")).filter(size__gt=0).order_by("-size", "pk").first()
    )
    pages: dict[str, str] = {}
    for name in ("project_list", "project_page"):
        path = _path(name, survivor)
        if path is not None:
            pages[name] = path
    if not pages:
        raise BenchError("no delivery page to measure")
    repeat = ctx.repetitions(40)
    half = max(1, repeat // 2)

    def sample(rounds: int) -> dict[str, list[float]]:
        for path in pages.values():
            for _ in range(min(5, rounds)):
                ctx.get(client, path)
        samples: dict[str, list[float]] = {name: [] for name in pages}
        for index in range(rounds):
            for name in list(pages) if index % 2 == 0 else list(reversed(pages)):
                started = time.perf_counter()
                ctx.get(client, pages[name])
                samples[name].append(time.perf_counter() - started)
        return samples

    full = sample(half)
    sizes = [Project.objects.count()]
    with transaction.atomic():
        shrink(P4_KEEP_ONE_IN)
        sizes.append(Project.objects.count())
        small = sample(repeat)
        transaction.set_rollback(True)
    for name, values in sample(half).items():
        full[name].extend(values)
    ratios = {name: statistics.median(full[name]) / statistics.median(small[name]) for name in pages}
    worst = max(ratios, key=ratios.__getitem__)
    details: dict[str, object] = {"worst": worst, "projects": "/".join(str(size) for size in sizes)}
    for name in pages:
        details[f"{name}_ms"] = f"{statistics.median(full[name]) * 1000:.2f}/{statistics.median(small[name]) * 1000:.2f}"
    details["repeat"] = repeat
    return Result("P4D", ratios[worst], Target(1.3), details=details)
