"""Measures of the sales pages and API lists: P2S, P3S and P4S (QUALITY.md P2, P3, P4).

The pages: the opportunity list (``commercial:opportunity_list``), the contract list
(``commercial:contract_list``), the revenue list (``commercial:revenue_list``) and the
forecast page (``commercial:forecast``); the API lists ``/api/v1/opportunities``,
``/api/v1/contracts`` and ``/api/v1/revenue``.

* **P2S** - each page as the demo account manager (50 rows, the default page size, on
  the lists) ÷ the minimal logged-in view, interleaved; the worst page is the ratio.
* **P3S** - SQL queries of each page (lists at 10 and 100 rows a page) and API list
  (``limit`` 10 and 100), as the demo account manager, on the data as loaded and again
  with the opportunities, contracts and revenue entries multiplied (rolled back); the
  largest count over the smallest of each endpoint, which must be 1.00, and every
  count <= 12.
* **P4S** - each page at the loaded scale S ÷ the same page at S/100 (one account in a
  hundred kept with all its rows, in a transaction rolled back), as the demo executive,
  who sees every account's deals (the account manager's own desk would not survive the
  cut); the rows each page shows at both sizes are reported beside the ratio.

A page or API list whose route does not exist is not measured and is named in
``skipped=`` (the pages land one by one); when none exists the measure is an error
saying so. Nothing is ever timed in place of a missing page.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tandem.bench.measures.clients import _count_queries, _require_clients, _shrink, _timed, _url
from tandem.bench.measures.delivery_rows import shrink_projects
from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.clients.models import Account
from tandem.commercial.models import (
    AccountPrice,
    AccountPricing,
    BillingMilestone,
    Budget,
    Contract,
    Expense,
    NegotiationRound,
    Opportunity,
    OpportunityLine,
    ProjectRequest,
    Quote,
    QuoteLine,
    RevenueEntry,
)
from tandem.core.roles import Role

PAGES = {
    "opportunity_list": "commercial:opportunity_list",
    "contract_list": "commercial:contract_list",
    "revenue_list": "commercial:revenue_list",
    "forecast": "commercial:forecast",
}
LISTS = frozenset({"opportunity_list", "contract_list", "revenue_list"})  # paginated (``per_page``)
API_LISTS = {"api_opportunities": "/api/v1/opportunities", "api_contracts": "/api/v1/contracts", "api_revenue": "/api/v1/revenue"}
QUERY_CAP = 12
P3_PAGE_SIZES = (10, 100)
P4_KEEP_ONE_IN = 100
# Copies made for P3S's second size: the column values that must differ per copy (unique
# constraints) or must not be copied (one renewal per contract, one entry per milestone).
GROWN: tuple[tuple[type[Any], dict[str, str]], ...] = (
    (Opportunity, {"external_id": "NULL", "renews_contract": "NULL"}),
    (Contract, {"number": "{column} || %s"}),
    (RevenueEntry, {"contract": "NULL", "milestone": "NULL"}),
)


def _pages() -> tuple[dict[str, str], list[str]]:
    """The paths of the sales pages that exist, and the names of those that do not yet."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for name, route in PAGES.items():
        try:
            found[name] = reverse(route)
        except NoReverseMatch:
            missing.append(name)
    return found, missing


def _api_lists() -> tuple[dict[str, str], list[str]]:
    found: dict[str, str] = {}
    missing: list[str] = []
    for name, path in API_LISTS.items():
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        # The API answers unknown paths through its catch-all route (a JSON 404).
        if match is None or match.url_name == "unknown":
            missing.append(name)
        else:
            found[name] = path
    return found, missing


def _require(found: dict[str, str], missing: list[str]) -> None:
    _require_clients()
    if not found:
        routes = ", ".join(PAGES[name] if name in PAGES else API_LISTS[name] for name in missing)
        raise BenchError(f"no sales page exists yet ({routes}): measure skipped")
    if not Opportunity.objects.exists():
        raise BenchError("no opportunities: load data first (tandem demo)")


def _skipped(details: dict[str, object], missing: list[str]) -> None:
    if missing:
        details["skipped"] = ",".join(missing)


# --- P2S -------------------------------------------------------------------------------


@measure("P2S", title="sales pages (opportunities, contracts, revenue, forecast) / minimal logged-in view", target=Target(6))
def sales_pages(ctx: BenchContext) -> Result:
    """Each sales page as the demo account manager, interleaved with the baseline view;
    the ratio is the worst page's."""
    pages, missing = _pages()
    _require(pages, missing)
    client = ctx.client(ctx.user(Role.ACCOUNT_MANAGER))
    baseline = _url("bench_baseline")
    candidates: dict[str, Callable[[], Any]] = {"baseline": partial(client.get, baseline)}
    for name, path in pages.items():
        ctx.get(client, path)
        candidates[name] = partial(client.get, path)
    ctx.get(client, baseline)
    medians, repeat = _timed(ctx, "P2S", candidates, 100)
    ratios = {name: medians[name] / medians["baseline"] for name in pages}
    worst = max(ratios, key=ratios.__getitem__)
    details: dict[str, object] = {"worst": worst, "baseline_ms": medians["baseline"] * 1000}
    for name in pages:
        details[f"{name}_ms"] = medians[name] * 1000
    details["opportunities"] = Opportunity.objects.count()
    details["repeat"] = repeat
    _skipped(details, missing)
    return Result("P2S", ratios[worst], Target(6), details=details)


# --- P3S -------------------------------------------------------------------------------


def _grow(factor: int) -> None:
    """Copy the opportunities, contracts and revenue entries ``factor - 1`` times with
    set-based ``INSERT … SELECT`` (the caller rolls it back)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, overrides in GROWN:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(f"SELECT MAX({pk}) FROM {table}")  # noqa: S608
            last = cursor.fetchone()[0] or 0
            columns = ", ".join(quote(f.column) for f in fields)
            for copy in range(1, factor):
                values, params = [], []
                for f in fields:
                    expression = overrides.get(f.name, "{column}")
                    values.append(expression.format(column=quote(f.column)))
                    if "%s" in expression:
                        params.append(f"-x{copy}")
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {', '.join(values)} FROM {table} WHERE {pk} <= %s",  # noqa: S608
                    [*params, last],
                )


def _growth_factor() -> int:
    """Ten times the deals, or twice them past 100,000 (enough to show the count is flat)."""
    return 10 if Opportunity.objects.count() < 100_000 else 2


@measure("P3S", title="SQL queries per sales page and API list, at two sizes and two page sizes", target=Target(1))
def sales_query_counts(ctx: BenchContext) -> Result:
    """Queries of the sales pages and API lists, as the demo account manager, at 10 and
    100 rows a page, on the data as loaded and with the deals, contracts and revenue
    multiplied (rolled back). The forecast page has no page size: counted as it is."""
    pages, missing = _pages()
    apis, missing_apis = _api_lists()
    _require(pages, missing)
    client = ctx.client(ctx.user(Role.ACCOUNT_MANAGER))
    endpoints: dict[str, list[str]] = {}
    for name, path in pages.items():
        sized = name in LISTS
        endpoints[name] = [f"{path}?per_page={size}" if sized else path for size in P3_PAGE_SIZES]
    for name, path in apis.items():
        endpoints[name] = [f"{path}?limit={size}" for size in P3_PAGE_SIZES]
    counts: dict[str, list[int]] = {name: [] for name in endpoints}
    sizes: list[int] = []

    def measure_all() -> None:
        sizes.append(Opportunity.objects.count())
        for name, paths in endpoints.items():
            counts[name].extend(_count_queries(client, path) for path in paths)

    measure_all()
    with transaction.atomic():
        _grow(_growth_factor())
        measure_all()
        transaction.set_rollback(True)
    ratio = max(max(values) / min(values) for values in counts.values())
    largest = max(max(values) for values in counts.values())
    details: dict[str, object] = {
        "max_queries": largest,
        "query_cap": f"<={QUERY_CAP}",
        "opportunities": "/".join(str(size) for size in sizes),
        "page_sizes": "/".join(str(size) for size in P3_PAGE_SIZES),
    }
    details.update({name: ",".join(str(count) for count in values) for name, values in counts.items()})
    _skipped(details, missing + missing_apis)
    return Result("P3S", ratio, Target(1), details=details, extra_ok=largest <= QUERY_CAP)


# --- P4S -------------------------------------------------------------------------------


def shrink(keep_one_in: int) -> None:
    """Delete all but one account in ``keep_one_in`` (by id) with every delivery,
    commercial and client row hanging off them, set-based (the caller rolls back)."""
    quote = connection.ops.quote_name

    def table(model: type[Any]) -> str:
        return quote(model._meta.db_table)

    def ids(model: type[Any], column: str, inner: str) -> str:
        return f"SELECT {quote('id')} FROM {table(model)} WHERE {quote(column)} IN ({inner})"  # noqa: S608

    gone = f"SELECT {quote('id')} FROM {table(Account)} WHERE {quote('id')} %% %s <> 0"  # noqa: S608
    opportunities = ids(Opportunity, "account_id", gone)
    contracts = ids(Contract, "account_id", gone)
    by_parent: tuple[tuple[type[Any], str, str], ...] = (
        (QuoteLine, "quote_id", ids(Quote, "opportunity_id", opportunities)),
        (Quote, "opportunity_id", opportunities),
        (OpportunityLine, "opportunity_id", opportunities),
        (NegotiationRound, "contract_id", contracts),
        (BillingMilestone, "contract_id", contracts),
    )
    by_account: tuple[type[Any], ...] = (ProjectRequest, RevenueEntry, Budget, Expense, AccountPrice, AccountPricing, Contract, Opportunity)
    shrink_projects(keep_one_in)  # delivery's rows refer to accounts, contracts and requests
    with connection.cursor() as cursor:
        for model, column, inner in by_parent:
            cursor.execute(f"DELETE FROM {table(model)} WHERE {quote(column)} IN ({inner})", [keep_one_in])  # noqa: S608
        for owned in by_account:
            cursor.execute(f"DELETE FROM {table(owned)} WHERE {quote('account_id')} IN ({gone})", [keep_one_in])  # noqa: S608
    _shrink(keep_one_in)


@measure("P4S", title="sales page at scale S / the same page at S/100", target=Target(1.3))
def sales_pages_at_two_scales(ctx: BenchContext) -> Result:
    """Each sales page as the demo executive on the data as loaded (S) and on one
    account in a hundred with its rows (S/100, rolled back); the worst page's median at
    S over its median at S/100 (half the full-size samples before, half after)."""
    pages, missing = _pages()
    _require(pages, missing)
    client = ctx.client(ctx.user(Role.EXECUTIVE))
    repeat = ctx.repetitions(40)
    half = max(1, repeat // 2)
    rows_shown: dict[str, list[int]] = {name: [] for name in pages}

    def count_rows() -> None:
        for name, path in pages.items():
            html = ctx.get(client, path).content.decode()
            rows_shown[name].append(max(0, html.count("<tr") - 1))

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
    count_rows()
    sizes = [Opportunity.objects.count()]
    with transaction.atomic():
        shrink(P4_KEEP_ONE_IN)
        sizes.append(Opportunity.objects.count())
        count_rows()
        small = sample(repeat)
        transaction.set_rollback(True)
    for name, values in sample(half).items():
        full[name].extend(values)
    ratios = {name: statistics.median(full[name]) / statistics.median(small[name]) for name in pages}
    worst = max(ratios, key=ratios.__getitem__)
    details: dict[str, object] = {"worst": worst, "opportunities": "/".join(str(size) for size in sizes)}
    for name in pages:
        details[f"{name}_ms"] = f"{statistics.median(full[name]) * 1000:.2f}/{statistics.median(small[name]) * 1000:.2f}"
        details[f"{name}_rows"] = "/".join(str(count) for count in rows_shown[name])
    details["repeat"] = repeat
    _skipped(details, missing)
    return Result("P4S", ratios[worst], Target(1.3), details=details)
