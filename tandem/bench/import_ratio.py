"""What the import measures (P5 contacts, P5O opportunities) share: an import's rate in
rows/s divided by the rate of inserting the same rows raw, ``executemany`` (SQLite) or
``COPY`` (PostgreSQL), into a scratch table with the real table's columns, indexes and
unique constraints (the database's own share of the work; the rate without indexes is
reported beside it). The accounts the file hangs on are imported first, not timed;
everything happens in a transaction that is rolled back.

A measure gives its model, its two files, how the raw rows are made from the file
(``values_of``: a getter per field name, others take their defaults) and what to check
once the import is done (inside the transaction).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, models, transaction

from tandem.bench.registry import BenchError, Result, Target
from tandem.bench.runner import BenchContext
from tandem.clients.models import Account
from tandem.core.roles import Role
from tandem.integrations.importing.runner import run_import

Getter = Callable[[dict[str, str]], Any]


def account_export(accounts: int, name: str) -> bytes:
    """A Salesforce Account export of ``accounts`` rows named ``name`` and a number,
    record ids ``001BENCH…`` (deterministic)."""
    account_file = io.StringIO()
    writer = csv.writer(account_file)
    writer.writerow(["Id", "Name", "Type", "BillingCity", "BillingCountry", "Industry"])
    for number in range(accounts):
        writer.writerow([f"001BENCH{number:010d}", f"{name} {number:05d}", "Customer - Direct",
                         "Leeds", "United Kingdom", "Retail"])  # fmt: skip
    return account_file.getvalue().encode()


def scratch_rows(model: type[models.Model], data: bytes, values_of: Mapping[str, Getter]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The table's columns, and the rows an import of ``data`` writes, as tuples."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.name: f.get_default() for f in fields}
    getters = [values_of.get(f.name, lambda row, name=f.name: defaults[name]) for f in fields]
    rows = [tuple(get(row) for get in getters) for row in csv.DictReader(io.StringIO(data.decode()))]
    return [str(f.column) for f in fields], rows


def _scratch_indexes(table: str, scratch: str) -> list[str]:
    """The table's indexes (unique ones included) re-targeted at the scratch table
    (SQLite; PostgreSQL copies them with ``LIKE … INCLUDING ALL``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                       [table])
        found = cursor.fetchall()
    return [sql.replace(f'"{table}"', f'"{scratch}"').replace(f'"{name}"', f'"{scratch}_{name}"') for name, sql in found]


def _sqlite_adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return partial(ops.adapt_decimalfield_value, max_digits=field.max_digits, decimal_places=field.decimal_places)
    return None


def raw_insert(model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]], *, indexed: bool) -> float:
    """Seconds to write ``rows`` into a scratch table with the model's columns, and with
    its indexes and unique constraints when ``indexed``: ``executemany`` on SQLite,
    ``COPY`` on PostgreSQL. The check constraints of the real table are left out on
    SQLite (``CREATE TABLE … AS SELECT`` copies none); PostgreSQL's ``INCLUDING ALL``
    keeps them."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    scratch_name = f"bench_{model._meta.model_name}_scratch"
    scratch = quote(scratch_name)
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
                for statement in _scratch_indexes(model._meta.db_table, scratch_name):
                    cursor.execute(statement)
            by_column = {f.column: f for f in model._meta.concrete_fields}
            adapters = [_sqlite_adapter(by_column[column]) for column in columns]
            prepared = [
                tuple(value if adapt is None or value is None else adapt(value) for adapt, value in zip(adapters, row, strict=True))
                for row in rows
            ]
            placeholders = ", ".join(["%s"] * len(columns))
            started = time.perf_counter()
            cursor.executemany(f"INSERT INTO {scratch} ({column_list}) VALUES ({placeholders})", prepared)  # noqa: S608
            elapsed = time.perf_counter() - started
        cursor.execute(f"DROP TABLE {scratch}")
    return elapsed


@dataclass(frozen=True)
class ImportRatio:
    """One import measure: ``rows`` rows of ``model`` in ``data`` (file ``file_name``),
    after ``account_data``; ``values_of`` makes the raw rows (it is given the imported
    accounts' ids by record id); ``after`` runs inside the transaction once the import
    is done and returns details to report."""

    name: str
    target: Target
    model: type[models.Model]
    rows: int
    account_data: bytes
    data: bytes
    file_name: str
    values_of: Callable[[dict[str, int]], Mapping[str, Getter]]
    after: Callable[[], dict[str, Any]] | None = None


def import_ratio(ctx: BenchContext, measure: ImportRatio) -> Result:
    """Import ``measure.data`` as an administrator with ``run_import``, against inserting
    the same rows raw into a scratch table, both in one transaction that is rolled back."""
    rows = measure.rows
    actor = ctx.user(Role.ADMIN)
    extra: dict[str, Any] = {}
    with transaction.atomic():
        run_import(actor=actor, source="salesforce", data=measure.account_data, file_name="Account.csv")
        imported = Account.objects.filter(source="salesforce", external_id__startswith="001BENCH")
        account_ids = {str(external): pk for external, pk in imported.values_list("external_id", "pk")}
        columns, raw_rows = scratch_rows(measure.model, measure.data, measure.values_of(account_ids))
        raw_seconds = raw_insert(measure.model, columns, raw_rows, indexed=True)
        bare_seconds = raw_insert(measure.model, columns, raw_rows, indexed=False)
        del raw_rows
        with ctx.progress.bar(f"bench: {measure.name} import", total=rows) as bar:
            done = [0]

            def progress(current: int, total: int) -> None:
                bar.update(current - done[0])
                done[0] = current

            started = time.perf_counter()
            job = run_import(actor=actor, source="salesforce", data=measure.data, file_name=measure.file_name,
                             progress=progress)
            import_seconds = time.perf_counter() - started
        created = job.created_count
        if measure.after is not None:
            extra = measure.after()
        transaction.set_rollback(True)
    if created != rows:
        plural = measure.model._meta.verbose_name_plural
        raise BenchError(f"the import created {created} of {rows} {plural} ({job.message}; {job.errors[:3]})")
    import_rate, raw_rate = rows / import_seconds, rows / raw_seconds
    return Result(
        measure.name,
        import_rate / raw_rate,
        measure.target,
        details={
            "import_rows_per_s": round(import_rate),
            "raw_rows_per_s": round(raw_rate),
            "raw_without_indexes_rows_per_s": round(rows / bare_seconds),
            "rows": rows,
            "import_s": import_seconds,
            "raw_s": raw_seconds,
            **extra,
            "raw": "copy" if connection.vendor == "postgresql" else "executemany",
        },
    )

