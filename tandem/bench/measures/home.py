"""Measures of the home page ("My day"): P2H and P3H (QUALITY.md, P2 and P3).

* **P2H** - the home page as the demo account manager (am@) and as the demo executive
  (exec@, the organisation by team) ÷ the minimal logged-in view, interleaved; the
  worse of the two is the ratio. The demo account manager's account list is timed in
  the same rounds and reported beside it (``account_list_ratio``, P2C's page).
* **P3H** - SQL queries of the same two home pages on the data as loaded and again
  with the client rows multiplied (in a transaction that is rolled back, as P3C does);
  the largest count over the smallest of each page, which must be 1.00, and every
  count <= :data:`QUERY_CAP`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

from tandem.bench.measures.clients import (
    _count_queries,
    _grow,
    _growth_factor,
    _require_clients,
    _timed,
    _url,
)
from tandem.bench.registry import Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.clients.models import Account, Interaction
from tandem.core.roles import Role

ROLES = {"am": Role.ACCOUNT_MANAGER, "exec": Role.EXECUTIVE}
QUERY_CAP = 12  # QUALITY.md P3: at most 12 queries a page


@measure("P2H", title="home page (am@, exec@) / minimal logged-in view", target=Target(6))
def home_page_time(ctx: BenchContext) -> Result:
    """The home page of the demo account manager and of the demo executive, each
    interleaved with the baseline view; the ratio is the slower page's."""
    _require_clients()
    home, baseline = _url("home"), _url("bench_baseline")
    clients = {name: ctx.client(ctx.user(role)) for name, role in ROLES.items()}
    candidates: dict[str, Callable[[], Any]] = {"baseline": partial(clients["am"].get, baseline)}
    for name, client in clients.items():
        ctx.get(client, home)
        candidates[name] = partial(client.get, home)
    # The account list (P2C's worst page, as a rule) in the same rounds, for reference:
    # the baseline drifts with the machine's load between measures, the pair does not.
    accounts = _url("clients:account_list")
    ctx.get(clients["am"], accounts)
    candidates["account_list"] = partial(clients["am"].get, accounts)
    ctx.get(clients["am"], baseline)
    medians, repeat = _timed(ctx, "P2H", candidates, 100)
    ratios = {name: medians[name] / medians["baseline"] for name in ROLES}
    worst = max(ratios, key=ratios.__getitem__)
    details: dict[str, object] = {"worst": worst, "baseline_ms": medians["baseline"] * 1000}
    for name in ROLES:
        details[f"{name}_ms"] = medians[name] * 1000
        details[f"{name}_ratio"] = ratios[name]
    details["account_list_ms"] = medians["account_list"] * 1000
    details["account_list_ratio"] = medians["account_list"] / medians["baseline"]
    details["accounts"] = Account.objects.count()
    details["repeat"] = repeat
    return Result("P2H", ratios[worst], Target(6), details=details)


@measure("P3H", title="SQL queries of the home page (am@, exec@) at two data sizes", target=Target(1))
def home_page_queries(ctx: BenchContext) -> Result:
    """Queries of the two home pages on the data as loaded and with the accounts,
    contacts, interactions and inquiries multiplied (rolled back)."""
    _require_clients()
    home = _url("home")
    clients = {name: ctx.client(ctx.user(role)) for name, role in ROLES.items()}
    counts: dict[str, list[int]] = {name: [] for name in ROLES}
    sizes: list[int] = []

    def measure_all() -> None:
        sizes.append(Interaction.objects.count())
        for name, client in clients.items():
            counts[name].append(_count_queries(client, home))

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
        "interactions": "/".join(str(size) for size in sizes),
    }
    details.update({name: ",".join(str(count) for count in values) for name, values in counts.items()})
    return Result("P3H", ratio, Target(1), details=details, extra_ok=largest <= QUERY_CAP)
