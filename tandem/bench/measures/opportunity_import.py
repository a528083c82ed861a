"""P5O: a 200,000-row opportunity import, measured like the contacts import (P5, in
:mod:`tandem.bench.measures.clients`).

A Salesforce Data Loader export of Opportunity (upper-case API names, the stage names of
Salesforce's standard picklist, won and lost rows, three currencies) is imported end to
end by :func:`tandem.integrations.importing.runner.run_import` (read, recognise, map,
parse, dedupe, resolve accounts and stages, check every row under the rules of
``opportunity_create``, insert with one audit entry per opportunity) after its 2,000
accounts (not timed). Its rate in rows/s is divided by the rate of inserting the same
rows raw, ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), into a scratch table with
the opportunity table's columns, indexes and unique constraints (the database's own share
of the work; the rate without indexes is reported beside it). Everything happens in a
transaction that is rolled back. Target: at least 0.4, as P5.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.clients.models import Account
from tandem.commercial.models import Opportunity, Stage
from tandem.core.roles import Role

P5O_ROWS = 200_000
P5O_ACCOUNTS = 2_000
TARGET = Target(0.4, at_most=False)

P5O_HEADERS = (
    "ID", "ACCOUNTID", "NAME", "STAGENAME", "AMOUNT", "PROBABILITY", "CLOSEDATE", "TYPE", "LEADSOURCE",
    "FORECASTCATEGORYNAME", "ISCLOSED", "ISWON", "CURRENCYISOCODE", "NEXTSTEP",
)  # fmt: skip

# StageName, Tandem stage, probability, ForecastCategoryName, IsClosed, IsWon
_STAGES = (
    ("Prospecting", "Qualification", "10", "Pipeline", "false", "false"),
    ("Needs Analysis", "Discovery", "25", "Pipeline", "false", "false"),
    ("Proposal/Price Quote", "Proposal", "50", "Best Case", "false", "false"),
    ("Negotiation/Review", "Negotiation", "75", "Commit", "false", "false"),
    ("Closed Won", "Closed won", "100", "Closed", "true", "true"),
    ("Closed Lost", "Closed lost", "0", "Omitted", "true", "false"),
)
_TYPES = (("New Business", "new"), ("Existing Customer - Upgrade", "upsell"), ("Renewal", "renewal"))
_CURRENCIES = ("EUR", "USD", "GBP")


def _p5o_files(rows: int, accounts: int) -> tuple[bytes, bytes]:
    """A Salesforce Account export of ``accounts`` rows and an Opportunity export of
    ``rows`` rows spread over them (deterministic)."""
    account_file = io.StringIO()
    writer = csv.writer(account_file)
    writer.writerow(["Id", "Name", "Type", "BillingCity", "BillingCountry", "Industry"])
    for number in range(accounts):
        writer.writerow([f"001BENCH{number:010d}", f"Bench Opportunity Account {number:05d}", "Customer - Direct",
                         "Leeds", "United Kingdom", "Retail"])
    opportunity_file = io.StringIO()
    writer = csv.writer(opportunity_file)
    writer.writerow(P5O_HEADERS)
    start = dt.date(2026, 1, 1)
    for number in range(rows):
        stage = _STAGES[number % len(_STAGES)]
        writer.writerow([
            f"006BENCH{number:010d}", f"001BENCH{number % accounts:010d}", f"Bench deal {number:06d}", stage[0],
            f"{(number % 97 + 1) * 250}.00", stage[2], (start + dt.timedelta(days=number % 730)).isoformat(),
            _TYPES[number % len(_TYPES)][0], "Web", stage[3], stage[4], stage[5],
            _CURRENCIES[number % len(_CURRENCIES)], "Call back",
        ])  # fmt: skip
    return account_file.getvalue().encode(), opportunity_file.getvalue().encode()


def _scratch_rows(data: bytes, account_ids: dict[str, int]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The opportunity table's columns, and the rows an import of ``data`` writes."""
    now = timezone.now()
    stages = {stage.name: stage for stage in Stage.objects.filter(is_active=True)}
    if any(item[1] not in stages for item in _STAGES):
        raise BenchError("the default pipeline stages (Qualification … Closed lost) are missing: load the demo data")
    by_salesforce = {item[0]: stages[item[1]] for item in _STAGES}
    types = dict(_TYPES)
    categories = {"Pipeline": "pipeline", "Best Case": "best_case", "Commit": "commit", "Closed": "closed",
                  "Omitted": "omitted"}
    fields = [f for f in Opportunity._meta.concrete_fields if not f.primary_key]

    def closed_on(row: dict[str, str]) -> dt.date | None:
        return dt.date.fromisoformat(row["CLOSEDATE"]) if row["ISCLOSED"] == "true" else None

    values_of: dict[str, Callable[[dict[str, str]], Any]] = {
        "created_at": lambda row: now,
        "updated_at": lambda row: now,
        "version": lambda row: 1,
        "account": lambda row: account_ids[row["ACCOUNTID"]],
        "name": lambda row: row["NAME"],
        "type": lambda row: types[row["TYPE"]],
        "stage": lambda row: by_salesforce[row["STAGENAME"]].pk,
        "status": lambda row: by_salesforce[row["STAGENAME"]].outcome,
        "probability": lambda row: int(row["PROBABILITY"]),
        "amount": lambda row: Decimal(row["AMOUNT"]),
        "currency": lambda row: row["CURRENCYISOCODE"],
        "expected_close_date": lambda row: dt.date.fromisoformat(row["CLOSEDATE"]),
        "closed_on": closed_on,
        "next_step": lambda row: row["NEXTSTEP"],
        "forecast_category": lambda row: categories[row["FORECASTCATEGORYNAME"]],
        "source": lambda row: "salesforce",
        "external_id": lambda row: row["ID"],
    }
    defaults = {f.name: f.get_default() for f in fields}
    getters = [values_of.get(f.name, lambda row, name=f.name: defaults[name]) for f in fields]
    rows = [tuple(get(row) for get in getters) for row in csv.DictReader(io.StringIO(data.decode()))]
    return [str(f.column) for f in fields], rows


def _scratch_indexes(table: str, scratch: str) -> list[str]:
    """The opportunity table's indexes re-targeted at the scratch table (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                       [table])
        found = cursor.fetchall()
    return [sql.replace(f'"{table}"', f'"{scratch}"').replace(f'"{name}"', f'"bench_p5o_{name}"') for name, sql in found]


def _raw_insert(columns: list[str], rows: list[tuple[Any, ...]], *, indexed: bool) -> float:
    """Seconds to write ``rows`` into a scratch table like the opportunity table (with its
    indexes and unique constraints when ``indexed``): ``executemany`` on SQLite, ``COPY``
    on PostgreSQL. The check constraints of the real table are left out on SQLite
    (``CREATE TABLE … AS SELECT`` copies none); PostgreSQL's ``INCLUDING ALL`` keeps them."""
    quote = connection.ops.quote_name
    table = quote(Opportunity._meta.db_table)
    scratch = quote("bench_p5o_scratch")
    column_list = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            including = "INCLUDING ALL" if indexed else "INCLUDING DEFAULTS INCLUDING IDENTITY"
            cursor.execute(f"CREATE TABLE {scratch} (LIKE {table} {including})")
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY {scratch} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            elapsed = time.perf_counter() - started
        else:
            cursor.execute(f"CREATE TABLE {scratch} AS SELECT * FROM {table} WHERE 0")  # noqa: S608
            if indexed:
                for statement in _scratch_indexes(Opportunity._meta.db_table, "bench_p5o_scratch"):
                    cursor.execute(statement)
            adapt_datetime, adapt_date = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
            adapt_decimal = connection.ops.adapt_decimalfield_value
            prepared = [
                tuple(
                    adapt_datetime(value) if isinstance(value, dt.datetime)
                    else adapt_date(value) if isinstance(value, dt.date)
                    else adapt_decimal(value, 16, 2) if isinstance(value, Decimal)
                    else value
                    for value in row
                )
                for row in rows
            ]  # fmt: skip
            placeholders = ", ".join(["%s"] * len(columns))
            started = time.perf_counter()
            cursor.executemany(f"INSERT INTO {scratch} ({column_list}) VALUES ({placeholders})", prepared)  # noqa: S608
            elapsed = time.perf_counter() - started
        cursor.execute(f"DROP TABLE {scratch}")
    return elapsed


@measure("P5O", title="CSV opportunities import rows/s / raw insert rows/s", target=TARGET)
def opportunity_import_throughput(ctx: BenchContext) -> Result:
    """Import a 200,000-row Salesforce opportunities file (after its 2,000 accounts, not
    timed) as an administrator with ``run_import``, against inserting the same rows raw
    into a scratch table. Both in one transaction that is rolled back."""
    from tandem.integrations.importing.runner import run_import

    rows = P5O_ROWS
    actor = ctx.user(Role.ADMIN)
    account_data, opportunity_data = _p5o_files(rows, min(P5O_ACCOUNTS, rows))
    with transaction.atomic():
        run_import(actor=actor, source="salesforce", data=account_data, file_name="Account.csv")
        imported = Account.objects.filter(source="salesforce", external_id__startswith="001BENCH")
        account_ids = {str(external): pk for external, pk in imported.values_list("external_id", "pk")}
        columns, raw_rows = _scratch_rows(opportunity_data, account_ids)
        raw_seconds = _raw_insert(columns, raw_rows, indexed=True)
        bare_seconds = _raw_insert(columns, raw_rows, indexed=False)
        del raw_rows
        with ctx.progress.bar("bench: P5O import", total=rows) as bar:
            done = [0]

            def progress(current: int, total: int) -> None:
                bar.update(current - done[0])
                done[0] = current

            started = time.perf_counter()
            job = run_import(actor=actor, source="salesforce", data=opportunity_data, file_name="Opportunity.csv",
                             progress=progress)
            import_seconds = time.perf_counter() - started
        created = job.created_count
        transaction.set_rollback(True)
    if created != rows:
        raise BenchError(f"the import created {created} of {rows} opportunities ({job.message}; {job.errors[:3]})")
    import_rate, raw_rate = rows / import_seconds, rows / raw_seconds
    return Result(
        "P5O",
        import_rate / raw_rate,
        TARGET,
        details={
            "import_rows_per_s": round(import_rate),
            "raw_rows_per_s": round(raw_rate),
            "raw_without_indexes_rows_per_s": round(rows / bare_seconds),
            "rows": rows,
            "import_s": import_seconds,
            "raw_s": raw_seconds,
            "raw": "copy" if connection.vendor == "postgresql" else "executemany",
        },
    )
