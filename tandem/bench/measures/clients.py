"""Measures of the client pages, API lists and imports: P2C, P3C, P4 and P5 (QUALITY.md).

* **P2C** - the four client list pages (accounts, contacts, interactions, inquiry queue)
  at 50 rows, as the demo account manager (permission filters included) ÷ the minimal
  logged-in view; the worst page is the ratio.
* **P3C** - SQL queries of those pages and of the client API lists at 10 and 100 rows
  per page, on the data as loaded and again after multiplying the client rows (in a
  transaction that is rolled back); the largest count over the smallest of each
  endpoint, which must be 1.00, and every count <= 12.
* **P4** - each list page at the loaded scale S ÷ the same page at S/100. Method: the
  page is timed on the full data, then inside a transaction 99 accounts in 100 (by id)
  are deleted with everything that hangs off them - the same organisation at a hundredth
  of its size, proportions kept - the page is timed again, the transaction is rolled
  back, and the full page is timed once more (half the full-size samples before, half
  after, so machine load drifting during the run hits both sides). Run it at the scale
  you want: ``tandem bench --only P4 --scale 0.2``.
* **P5** - a 200,000-row contacts CSV imported end to end by
  :func:`tandem.integrations.importing.runner.run_import` (read, map, validate, dedupe,
  resolve accounts, insert with one audit entry per contact) in rows/s ÷ raw
  ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) rows/s of the same rows into a
  scratch table with the contact table's columns, indexes and unique constraints (the
  database's own share of the work; the rate without indexes is reported beside it).
  The global-search entries are written by the worker after the import commits; their
  time is reported, not counted. Everything happens in a transaction that is rolled back.
"""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tandem.bench.import_ratio import Getter, ImportRatio, account_export, import_ratio
from tandem.bench.measures.governance_rows import shrink_governance
from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.bench.timing import interleaved_medians
from tandem.clients.models import (
    Account,
    AccountItem,
    AccountStatusChange,
    Contact,
    Feedback,
    FollowUp,
    Inquiry,
    Interaction,
)
from tandem.clients.views.lists import ANY_STATUS
from tandem.core import search
from tandem.core.roles import Role

PAGES = (
    "clients:account_list",
    "clients:contact_list",
    "clients:interaction_list",
    "clients:inquiry_queue",
)
API_LISTS = ("/api/v1/accounts", "/api/v1/contacts", "/api/v1/interactions", "/api/v1/inquiries")
QUERY_CAP = 12
P3_PAGE_SIZES = (10, 100)
P4_KEEP_ONE_IN = 100
P5_ROWS = 200_000
P5_ACCOUNTS = 2_000
# Client tables grown for P3C's second size, and by how much.
GROWN_MODELS: tuple[type[Any], ...] = (Account, Contact, Interaction, Inquiry)


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch as exc:
        raise BenchError(f"the route {name} does not exist") from exc


def _page_paths() -> dict[str, str]:
    return {name.split(":")[1]: _url(name) for name in PAGES}


def _require_clients() -> None:
    if not Account.objects.exists():
        raise BenchError("no client accounts: load data first (tandem demo)")


def _timed(
    ctx: BenchContext, name: str, candidates: dict[str, Callable[[], Any]], default_repeat: int
) -> tuple[dict[str, float], int]:
    repeat = ctx.repetitions(default_repeat)
    with ctx.progress.bar(f"bench: {name}", total=repeat, unit="rounds") as bar:
        medians = interleaved_medians(
            candidates, repeat=repeat, warmup=min(10, repeat), on_round=lambda: bar.update(1)
        )
    return medians, repeat


# --- P2C -------------------------------------------------------------------------------


@measure("P2C", title="client list pages / minimal logged-in view", target=Target(6))
def client_list_pages(ctx: BenchContext) -> Result:
    """The four client list pages (50 rows, the default page size) as the demo account
    manager, each interleaved with the baseline view; the ratio is the worst page's."""
    _require_clients()
    client = ctx.client(ctx.user(Role.ACCOUNT_MANAGER))
    pages = _page_paths()
    baseline = _url("bench_baseline")
    candidates: dict[str, Callable[[], Any]] = {"baseline": lambda: client.get(baseline)}
    for name, path in pages.items():
        ctx.get(client, path)
        candidates[name] = partial(client.get, path)
    ctx.get(client, baseline)
    medians, repeat = _timed(ctx, "P2C", candidates, 100)
    ratios = {name: medians[name] / medians["baseline"] for name in pages}
    worst = max(ratios, key=ratios.__getitem__)
    details: dict[str, object] = {"worst": worst, "baseline_ms": medians["baseline"] * 1000}
    for name in pages:
        details[f"{name}_ms"] = medians[name] * 1000
    details["accounts"] = Account.objects.count()
    details["repeat"] = repeat
    return Result("P2C", ratios[worst], Target(6), details=details)


# --- P3C -------------------------------------------------------------------------------


def _count_queries(client: Client, path: str) -> int:
    BenchContext.get(client, path)  # warm caches (content types, templates) first
    with CaptureQueriesContext(connection) as queries:
        BenchContext.get(client, path)
    return len(queries.captured_queries)


def _grow(factor: int) -> None:
    """Copy the rows of :data:`GROWN_MODELS` ``factor - 1`` times with set-based
    ``INSERT … SELECT`` (the caller rolls it back). Copies are never primary contacts
    (one per account) and carry no external id (unique per source)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in GROWN_MODELS:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            columns = ", ".join(quote(f.column) for f in fields)
            values = ", ".join(
                "NULL"
                if f.name == "external_id"
                else "%s"
                if f.name == "is_primary"
                else quote(f.column)
                for f in fields
            )
            params: list[Any] = [False] if any(f.name == "is_primary" for f in fields) else []
            table = quote(model._meta.db_table)
            pk = quote(model._meta.pk.column)
            cursor.execute(f"SELECT MAX({pk}) FROM {table}")  # noqa: S608
            last = cursor.fetchone()[0] or 0
            for _ in range(factor - 1):  # copies of the original rows only
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {values} FROM {table} WHERE {pk} <= %s",  # noqa: S608
                    [*params, last],
                )


def _growth_factor() -> int:
    """Ten times the data, or twice it once the interactions pass a million (the
    count must not move with the size; what size doubles is enough to show that)."""
    return 10 if Interaction.objects.count() < 100_000 else 2


@measure(
    "P3C",
    title="SQL queries per client page and API list, at two sizes and two page sizes",
    target=Target(1),
)
def client_query_counts(ctx: BenchContext) -> Result:
    """Queries of the four client list pages and four client API lists at 10 and 100
    rows per page, as the demo account manager, on the data as loaded and again with
    the accounts, contacts, interactions and inquiries multiplied (rolled back)."""
    _require_clients()
    client = ctx.client(ctx.user(Role.ACCOUNT_MANAGER))
    endpoints = {name: (path, "per_page") for name, path in _page_paths().items()}
    endpoints.update({"api_" + path.rsplit("/", 1)[1]: (path, "limit") for path in API_LISTS})
    counts: dict[str, list[int]] = {name: [] for name in endpoints}
    sizes: list[int] = []

    def measure_all() -> None:
        sizes.append(Interaction.objects.count())
        for name, (path, size_param) in endpoints.items():
            for size in P3_PAGE_SIZES:
                counts[name].append(_count_queries(client, f"{path}?{size_param}={size}"))

    measure_all()
    factor = _growth_factor()
    with transaction.atomic():
        _grow(factor)
        measure_all()
        transaction.set_rollback(True)
    ratio = max(max(values) / min(values) for values in counts.values())
    largest = max(max(values) for values in counts.values())
    details: dict[str, object] = {
        "max_queries": largest,
        "query_cap": f"<={QUERY_CAP}",
        "interactions": "/".join(str(size) for size in sizes),
        "page_sizes": "/".join(str(size) for size in P3_PAGE_SIZES),
    }
    details.update(
        {name: ",".join(str(count) for count in values) for name, values in counts.items()}
    )
    return Result("P3C", ratio, Target(1), details=details, extra_ok=largest <= QUERY_CAP)


# --- P4 --------------------------------------------------------------------------------


def _shrink(keep_one_in: int) -> None:
    """Delete all but one account in ``keep_one_in`` (by id) and every row of theirs
    that the list pages read, with set-based deletes (the caller rolls back; foreign
    keys are deferred, so rows of other apps that point at them are never checked)."""
    shrink_governance(keep_one_in)
    quote = connection.ops.quote_name

    def table(model: type[Any]) -> str:
        return quote(model._meta.db_table)

    gone = f"SELECT {quote('id')} FROM {table(Account)} WHERE {quote('id')} %% %s <> 0"  # noqa: S608
    gone_interactions = (
        f"SELECT {quote('id')} FROM {table(Interaction)} WHERE {quote('account_id')} IN ({gone})"  # noqa: S608
    )
    with connection.cursor() as cursor:
        for through in (Interaction.contacts.through, Interaction.users.through):
            cursor.execute(
                f"DELETE FROM {table(through)} WHERE {quote('interaction_id')} IN ({gone_interactions})",  # noqa: S608
                [keep_one_in],
            )
        for model in (
            FollowUp,
            Feedback,
            Interaction,
            Inquiry,
            Contact,
            AccountItem,
            AccountStatusChange,
        ):
            cursor.execute(
                f"DELETE FROM {table(model)} WHERE {quote('account_id')} IN ({gone})",  # noqa: S608
                [keep_one_in],
            )
        accounts = f"DELETE FROM {table(Account)} WHERE {quote('id')} IN ({gone})"  # noqa: S608
        cursor.execute(accounts, [keep_one_in])


@measure("P4", title="client list page at scale S / the same page at S/100", target=Target(1.3))
def client_pages_at_two_scales(ctx: BenchContext) -> Result:
    """Each client list page as the demo account manager on the data as loaded (S) and
    on one account in a hundred with its rows (S/100, in a rolled-back transaction);
    the ratio is the worst page's median time at S over its median at S/100."""
    _require_clients()
    client = ctx.client(ctx.user(Role.ACCOUNT_MANAGER))
    pages = _page_paths()
    # The same page at both sizes means a full page of rows at both: the default queue
    # (open inquiries only) is a few rows at S/100, so comparing it would time 50 rows
    # against 2, not the data's growth. The queue is measured over every status (same
    # ordering by SLA due time, same indexes); the default queue is reported beside it.
    pages["inquiry_queue"] = f"{pages['inquiry_queue']}?{urlencode({'status': ANY_STATUS})}"
    pages["inquiry_queue_open_only"] = _url("clients:inquiry_queue")
    measured = [name for name in pages if name != "inquiry_queue_open_only"]
    repeat = ctx.repetitions(40)
    half = max(1, repeat // 2)
    rows_shown: dict[str, list[int]] = {name: [] for name in pages}

    def count_rows() -> None:
        for name, path in pages.items():
            html = ctx.get(client, path).content.decode()
            rows_shown[name].append(max(0, html.count("<tr") - 1))  # less the header row

    def sample(rounds: int) -> dict[str, list[float]]:
        for path in pages.values():
            for _ in range(min(5, rounds)):  # warm up
                ctx.get(client, path)
        samples: dict[str, list[float]] = {name: [] for name in pages}
        for index in range(rounds):
            names = list(pages) if index % 2 == 0 else list(reversed(pages))
            for name in names:
                started = time.perf_counter()
                ctx.get(client, pages[name])
                samples[name].append(time.perf_counter() - started)
        return samples

    full = sample(half)
    count_rows()
    accounts_full = Account.objects.count()
    with transaction.atomic():
        _shrink(P4_KEEP_ONE_IN)
        accounts_small = Account.objects.count()
        count_rows()
        small = sample(repeat)
        transaction.set_rollback(True)
    for name, values in sample(half).items():
        full[name].extend(values)
    ratios = {
        name: statistics.median(full[name]) / statistics.median(small[name]) for name in pages
    }
    worst = max(measured, key=ratios.__getitem__)
    details: dict[str, object] = {"worst": worst, "accounts": f"{accounts_full}/{accounts_small}"}
    for name in pages:
        details[f"{name}_ms"] = (
            f"{statistics.median(full[name]) * 1000:.2f}/{statistics.median(small[name]) * 1000:.2f}"
        )
        details[f"{name}_rows"] = "/".join(str(count) for count in rows_shown[name])
    details["inquiry_queue_open_only_ratio"] = round(ratios["inquiry_queue_open_only"], 2)
    details["repeat"] = repeat
    return Result("P4", ratios[worst], Target(1.3), details=details)


# --- P5 --------------------------------------------------------------------------------

P5_HEADERS = (
    "Id", "AccountId", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "Title",
    "Department", "HasOptedOutOfEmail", "DoNotCall",
)  # fmt: skip


def _p5_values(account_ids: dict[str, int]) -> dict[str, Getter]:
    """The contact columns an import of the P5 file writes, from a row of it."""
    now = timezone.now()
    return {
        "created_at": lambda row: now,
        "updated_at": lambda row: now,
        "version": lambda row: 1,
        "account": lambda row: account_ids[row["AccountId"]],
        "first_name": lambda row: row["FirstName"],
        "last_name": lambda row: row["LastName"],
        "email": lambda row: row["Email"],
        "phone": lambda row: row["Phone"],
        "mobile": lambda row: row["MobilePhone"],
        "job_title": lambda row: row["Title"],
        "department": lambda row: row["Department"],
        "email_opt_out": lambda row: row["HasOptedOutOfEmail"] == "true",
        "do_not_call": lambda row: row["DoNotCall"] == "1",
        "source": lambda row: "salesforce",
        "external_id": lambda row: row["Id"],
    }


def _p5_files(rows: int, accounts: int) -> tuple[bytes, bytes]:
    """A Salesforce Account export of ``accounts`` rows and a Contact export of ``rows``
    rows spread over them (deterministic)."""
    contact_file = io.StringIO()
    writer = csv.writer(contact_file)
    writer.writerow(P5_HEADERS)
    for number in range(rows):
        writer.writerow(
            [
                f"003BENCH{number:010d}", f"001BENCH{number % accounts:010d}", "Sam",
                f"Contact{number:06d}", f"sam.contact{number}@bench.example", "+44 113 496 0000",
                "", "Buyer", "Procurement", "false", "0",
            ]
        )  # fmt: skip
    return account_export(accounts, "Bench Account"), contact_file.getvalue().encode()


def _p5_search_index() -> dict[str, Any]:
    """Not part of the ratio: the global-search entries the worker writes after the
    import commits (search.index_later), timed here for the record."""
    started = time.perf_counter()
    search.index_ids(Contact, Contact.objects.filter(source="salesforce", external_id__startswith="003BENCH").values_list("pk", flat=True))
    return {"background_search_index_s": time.perf_counter() - started}


@measure(
    "P5", title="CSV contacts import rows/s / raw insert rows/s", target=Target(0.4, at_most=False)
)
def csv_import_throughput(ctx: BenchContext) -> Result:
    """Import a 200,000-row Salesforce contacts file (after its 2,000 accounts, not
    timed) as an administrator with ``run_import``, against inserting the same rows raw
    into a scratch table (:mod:`tandem.bench.import_ratio`)."""
    account_data, data = _p5_files(P5_ROWS, min(P5_ACCOUNTS, P5_ROWS))
    return import_ratio(ctx, ImportRatio(
        name="P5", target=Target(0.4, at_most=False), model=Contact, rows=P5_ROWS, account_data=account_data,
        data=data, file_name="Contact.csv", values_of=_p5_values, after=_p5_search_index,
    ))
