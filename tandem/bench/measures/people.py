"""Measures of the people pages and API: P2, P3 and P7 (QUALITY.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.bench.timing import interleaved_medians
from tandem.core.roles import Role
from tandem.people.models import Person, RoleAssignment, Team, User

PAGE_ROWS = 50
QUERY_CAP = 12
P3_PAGE_SIZES = (10, 100)
P3_GROWTH = 10


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch as exc:
        raise BenchError(f"the route {name} does not exist") from exc


def _timed(
    ctx: BenchContext, name: str, candidates: dict[str, Callable[[], Any]], default_repeat: int
) -> tuple[dict[str, float], int]:
    repeat = ctx.repetitions(default_repeat)
    with ctx.progress.bar(f"bench: {name}", total=repeat, unit="rounds") as bar:
        medians = interleaved_medians(
            candidates, repeat=repeat, warmup=min(10, repeat), on_round=lambda: bar.update(1)
        )
    return medians, repeat


@measure("P2", title="people list page / minimal logged-in view", target=Target(6))
def people_list_page(ctx: BenchContext) -> Result:
    """``GET /people/`` (50 rows, as an administrator, who sees everyone) against a view
    that only returns "ok" through the same middleware."""
    user = ctx.user(Role.ADMIN)
    client = ctx.client(user)
    page, baseline = _url("people:user_list"), _url("bench_baseline")
    ctx.get(client, page)
    ctx.get(client, baseline)
    medians, repeat = _timed(
        ctx, "P2", {"page": lambda: client.get(page), "baseline": lambda: client.get(baseline)}, 200
    )
    rows = min(PAGE_ROWS, User.objects.count())
    return Result(
        "P2",
        medians["page"] / medians["baseline"],
        Target(6),
        details={
            "page": page,
            "rows": rows,
            "page_ms": medians["page"] * 1000,
            "baseline_ms": medians["baseline"] * 1000,
            "repeat": repeat,
        },
    )


def _grow(factor: int) -> None:
    """Add ``factor - 1`` times the current users (with profiles and a role) and teams,
    fast; the caller rolls it back."""
    users_now, teams_now = User.objects.count(), Team.objects.count()
    password = User.objects.values_list("password", flat=True).first() or "!"
    teams = list(Team.objects.all()) + Team.objects.bulk_create(
        [Team(name=f"Bench team {index:05d}") for index in range(teams_now * (factor - 1))]
    )
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench{index:07d}@bench.invalid",
                full_name=f"Bench Person {index:07d}",
                password=password,
            )
            for index in range(users_now * (factor - 1))
        ],
        batch_size=2000,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=Role.MEMBER) for user in users], batch_size=2000
    )
    Person.objects.bulk_create(
        [
            Person(user=user, title="Consultant", team=teams[index % len(teams)])
            for index, user in enumerate(users)
        ],
        batch_size=2000,
    )


def _count_queries(client: Client, path: str) -> int:
    BenchContext.get(client, path)  # warm caches (content types, templates) first
    with CaptureQueriesContext(connection) as queries:
        BenchContext.get(client, path)
    return len(queries.captured_queries)


@measure(
    "P3",
    title="SQL queries per page and API list, at two sizes and two page sizes",
    target=Target(1),
)
def query_counts(ctx: BenchContext) -> Result:
    """Queries of the people and teams pages and API lists at 10 and 100 rows per page,
    on the data as loaded and again with ten times the users and teams (added in a
    transaction that is rolled back). ``ratio`` is the largest count over the smallest
    of each endpoint (1.00: the same count everywhere); every count must be <= 12."""
    user = ctx.user(Role.ADMIN)
    client = ctx.client(user)
    endpoints = {
        "people:user_list": (_url("people:user_list"), "per_page"),
        "people:team_list": (_url("people:team_list"), "per_page"),
        "api_users": ("/api/v1/users", "limit"),
        "api_teams": ("/api/v1/teams", "limit"),
    }
    counts: dict[str, list[int]] = {name: [] for name in endpoints}
    sizes: list[int] = []

    def measure_all() -> None:
        sizes.append(User.objects.count())
        for name, (path, size_param) in endpoints.items():
            for size in P3_PAGE_SIZES:
                counts[name].append(_count_queries(client, f"{path}?{size_param}={size}"))

    measure_all()
    with transaction.atomic():
        _grow(P3_GROWTH)
        measure_all()
        transaction.set_rollback(True)
    ratio = max(max(values) / min(values) for values in counts.values())
    largest = max(max(values) for values in counts.values())
    details: dict[str, object] = {
        "max_queries": largest,
        "query_cap": f"<={QUERY_CAP}",
        "users": "/".join(str(size) for size in sizes),
        "page_sizes": "/".join(str(size) for size in P3_PAGE_SIZES),
    }
    details.update(
        {name: ",".join(str(count) for count in values) for name, values in counts.items()}
    )
    return Result("P3", ratio, Target(1), details=details, extra_ok=largest <= QUERY_CAP)


def _shape(body: dict[str, Any]) -> tuple[list[str], list[Any], list[list[str]]]:
    items = body.get("items", [])
    return sorted(body), [item.get("id") for item in items], [sorted(item) for item in items]


@measure("P7", title="users API list / plain JsonResponse view", target=Target(1.3))
def api_overhead(ctx: BenchContext) -> Result:
    """``GET /api/v1/users?limit=50`` (django-ninja) against a plain Django view that
    returns the same rows and fields from the same selector."""
    user = ctx.user(Role.ADMIN)
    client = ctx.client(user)
    api = f"/api/v1/users?limit={PAGE_ROWS}"
    plain = f"{_url('bench_users_json')}?limit={PAGE_ROWS}"
    api_body = json.loads(ctx.get(client, api).content)
    plain_body = json.loads(ctx.get(client, plain).content)
    if _shape(api_body) != _shape(plain_body):
        raise BenchError("the API and the plain view do not return the same rows and fields")
    medians, repeat = _timed(
        ctx, "P7", {"api": lambda: client.get(api), "plain": lambda: client.get(plain)}, 300
    )
    return Result(
        "P7",
        medians["api"] / medians["plain"],
        Target(1.3),
        details={
            "endpoint": "/api/v1/users",
            "rows": len(api_body.get("items", [])),
            "api_ms": medians["api"] * 1000,
            "plain_ms": medians["plain"] * 1000,
            "same_rows": "yes",
            "repeat": repeat,
        },
    )
