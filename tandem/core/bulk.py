"""Raw bulk writes for importers and data generators.

``bulk_create`` spends most of its time preparing each value through the field API,
building model instances before the insert and compiling a fresh statement per batch.
For tens of thousands of rows that is most of an import's time. :func:`insert_rows`
takes plain values (already cleaned by the caller), adapts only the columns whose type
needs it (date/time, decimal, JSON), writes them (SQLite: ``executemany`` into a
temporary table, then one ``INSERT … SELECT``, then the new ids read back; PostgreSQL: ids taken from the sequence, then ``COPY``) and hands back
saved model instances without running ``__init__`` per row; :func:`insert_objects`
writes model instances a generator built (the demo) and sets their ids. :func:`insert_plain` is
the same without ids or instances, for rows nobody reads back (audit and search
entries): the same temporary table on SQLite, ``COPY`` on PostgreSQL.

Callers stay responsible for what the service layer does on ordinary writes (audit
entries, search entries, permissions): these helpers only write rows.
"""

from __future__ import annotations

import contextlib
import gc
import json
import operator
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.db.models.base import ModelState

# Field types whose cleaned Python values go to both databases unchanged.
_PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField",
    "FloatField", "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallAutoField",
    "SmallIntegerField", "TextField", "URLField",
})  # fmt: skip
MAX_ROWS_PER_STATEMENT = 500
# SQLite: from this many rows, a write goes through a temporary table (:func:`_staged_insert`).
STAGE_FROM_ROWS = 200


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    by_name = {f.name: f for f in model._meta.concrete_fields} | {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in names if name not in by_name]
    if missing:
        raise ValueError(f"{model.__name__} has no column for {', '.join(missing)}")
    return [by_name[name] for name in names]


def _rows_per_statement(columns: int) -> int:
    limit = 65_535
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if raw is not None else 999
    return max(1, min(MAX_ROWS_PER_STATEMENT, limit // max(columns, 1)))


# Adapted dates, amounts, times and addresses by column and database (see _adapted_column).
_ADAPTED: dict[tuple[models.Field[Any, Any], str, str], dict[Any, Any]] = {}
_ADAPTED_LIMIT = 50_000


def _adapted_column(field: models.Field[Any, Any], column: tuple[Any, ...]) -> Sequence[Any]:
    """One column's values as the database takes them. A column of dates, amounts or
    moments repeats a few values: each distinct one is adapted once (equal values adapt
    alike: a decimal's column has one scale), and the column is mapped through them."""
    if field.get_internal_type() in _PLAIN_TYPES:
        return column
    if isinstance(field, models.JSONField):
        # Sent as JSON text (cast to jsonb on PostgreSQL, see _placeholders); a
        # :class:`JsonText` is that text already.
        encode = (field.encoder or json.JSONEncoder)(separators=(",", ":")).encode
        return [None if value is None else value if value.__class__ is JsonText else encode(value) for value in column]
    if isinstance(field, models.DateField | models.DecimalField | models.TimeField | models.GenericIPAddressField):
        # Dates, amounts, times and addresses adapt the same way every time: their
        # adapted values are kept across batches (per column and database). Moments are
        # not (a naive one is read in the active time zone).
        key = (field, connection.alias, connection.vendor)
        kept = _ADAPTED.get(key) if not isinstance(field, models.DateTimeField) else None
        adapted = kept if kept is not None else {}
        missing = set(column).difference(adapted)
        missing.discard(None)
        adapted.update((value, field.get_db_prep_save(value, connection)) for value in missing)
        adapted[None] = None
        found = list(map(adapted.__getitem__, column))
        if kept is None and not isinstance(field, models.DateTimeField):
            _ADAPTED[key] = adapted
        if len(adapted) > _ADAPTED_LIMIT:
            _ADAPTED.pop(key, None)
        return found
    return [field.get_db_prep_save(value, connection) for value in column]


def _prepared(fields: Sequence[models.Field[Any, Any]], rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The rows with each column adapted (:func:`_adapted_column`), column by column."""
    if not any(field.get_internal_type() not in _PLAIN_TYPES for field in fields):
        return [tuple(row) for row in rows]
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    return list(zip(*(_adapted_column(field, column) for field, column in zip(fields, columns, strict=True)), strict=True))


class JsonText(str):
    """JSON already encoded, for a JSON column: written as it is."""


def _placeholders(fields: Sequence[models.Field[Any, Any]]) -> str:
    # PostgreSQL takes JSON as text and casts it; SQLite stores the text as it is.
    marks = [
        "%s::jsonb" if connection.vendor == "postgresql" and isinstance(field, models.JSONField) else "%s"
        for field in fields
    ]
    return "(" + ", ".join(marks) + ")"


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk load. A load allocates
    millions of small, long-lived containers (rows, values, history entries); each
    collection walks all of them again, which made a 200,000-row import spend over half
    of its Python time in the collector. Reference counting still frees everything that
    is not in a cycle; the collector resumes (as it was) when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _insert_head(model: type[models.Model], fields: Sequence[models.Field[Any, Any]]) -> str:
    """``INSERT INTO table (columns)``: names from the model's metadata, quoted; the
    values always go in as parameters."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns})"


def complete_rows(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every concrete column but the primary key, in model order, for each row: values
    from the row (by field name, else attname), else the field's default. Rows built
    alike (the same keys in the same order) share one picking plan."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = tuple(f.get_default() if f.has_default() else (None if f.null else "") for f in fields)
    known = {f.name for f in fields} | {f.attname for f in fields}
    plans: dict[tuple[str, ...], Callable[[tuple[Any, ...]], tuple[Any, ...]]] = {}
    completed: list[tuple[Any, ...]] = []
    append = completed.append
    for row in rows:
        keys = tuple(row)
        pick = plans.get(keys)
        if pick is None:
            pick = plans[keys] = _picking_plan(model, fields, keys, known)
        append(pick((*row.values(), *defaults)))
    return [f.attname for f in fields], completed


def _picking_plan(
    model: type[models.Model], fields: Sequence[models.Field[Any, Any]], keys: tuple[str, ...], known: set[str]
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """For rows with these keys: picks each column's value from ``(*values, *defaults)``."""
    if unknown := set(keys) - known:
        raise ValueError(f"{model.__name__} has no column for {', '.join(sorted(unknown))}")
    position = {key: index for index, key in enumerate(keys)}
    picks = [position.get(f.name, position.get(f.attname, len(keys) + index)) for index, f in enumerate(fields)]
    if len(picks) == 1:
        only = picks[0]
        return lambda values: (values[only],)
    return operator.itemgetter(*picks)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[Any]:
    """Insert ``rows`` (values in ``columns`` order, every non-nullable column without a
    database default included) and return them as saved instances of ``model`` with
    their primary keys, in the same order."""
    if not rows:
        return []
    fields = _fields(model, columns)
    pk = model._meta.pk
    assert pk is not None
    return _saved_instances(model, [pk.attname, *(f.attname for f in fields)], _insert_ids(model, fields, rows), rows)


def insert_objects(model: type[models.Model], objects: Sequence[models.Model]) -> int:
    """Insert built instances of ``model`` as they are and set their primary keys, as
    ``bulk_create`` would, several times faster: for data generators whose objects are
    complete in Python. Every column is written as set (``auto_now`` fields included,
    so set them), no signals, no audit. A foreign key assigned before its object was
    saved is read from that object. Returns the row count."""
    if not objects:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows: list[list[Any]] = []
    for obj in objects:
        row = []
        for field in fields:
            value = getattr(obj, field.attname)
            if value is None and isinstance(field, models.ForeignKey):
                related = field.get_cached_value(obj, None)
                value = related.pk if related is not None else None
            row.append(value)
        rows.append(row)
    for obj, pk_value in zip(objects, _insert_ids(model, fields, rows), strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = connection.alias
    return len(rows)


def _insert_ids(model: type[models.Model], fields: Sequence[models.Field[Any, Any]], rows: Sequence[Sequence[Any]]) -> list[Any]:
    """Insert ``rows`` and return their new primary keys, in row order."""
    pk = model._meta.pk
    assert pk is not None
    if connection.vendor == "postgresql":
        return _copy_with_ids(model, fields, rows)
    step = _rows_per_statement(len(fields))
    numbered = isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField) and pk not in fields
    if numbered and len(rows) > 2 * step:  # three statements, where RETURNING takes one per ``step`` rows
        return _executemany_with_ids(model, fields, rows)
    quote = connection.ops.quote_name
    head = _insert_head(model, fields) + " VALUES "
    tail = f" RETURNING {quote(str(pk.column))}"
    mark = _placeholders(fields)
    prepared = _prepared(fields, rows)
    ids: list[Any] = []
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), step):
            chunk = prepared[start : start + step]
            sql = head + ", ".join([mark] * len(chunk)) + tail
            cursor.execute(sql, [value for row in chunk for value in row])
            # Rows come back in insertion order on both databases (Django's own
            # bulk_create relies on the same); the count is checked all the same.
            returned = cursor.fetchall()
            if len(returned) != len(chunk):
                raise RuntimeError(f"{model.__name__}: inserted {len(chunk)} rows, got {len(returned)} ids back")
            ids.extend(row[0] for row in returned)
    return ids


def _executemany_with_ids(
    model: type[models.Model], fields: Sequence[models.Field[Any, Any]], rows: Sequence[Sequence[Any]]
) -> list[Any]:
    """SQLite, a table whose key the database numbers: one ``executemany`` (the statement
    compiled once and stepped per row, where a multi-row ``INSERT … RETURNING`` compiles
    thousands of placeholders per chunk) into a temporary table and one ``INSERT …
    SELECT`` from it (:func:`_staged_insert`, from :data:`STAGE_FROM_ROWS` rows), then the new ids read back as the ids above the
    largest one before. SQLite has one writer at a time and the statements run in one
    transaction, so those ids are exactly the new rows', ascending in insertion order (a
    new integer key is always above every key in the table); the count is checked."""
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(str(pk.column))
    prepared = _prepared(fields, rows)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"SELECT max({key}) FROM {table}")  # noqa: S608 (names from the model)
        before = cursor.fetchone()[0]
        _staged_insert(cursor, model, fields, prepared)
        cursor.execute(
            f"SELECT {key} FROM {table} WHERE {key} > %s ORDER BY {key}",  # noqa: S608 (names from the model)
            [before if before is not None else -(2**63)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != len(rows):
        raise RuntimeError(f"{model.__name__}: inserted {len(rows)} rows, found {len(ids)} new ids")
    return ids


def _staged_insert(cursor: Any, model: type[models.Model], fields: Sequence[models.Field[Any, Any]], prepared: Sequence[Sequence[Any]]) -> None:
    """SQLite: the rows go into a temporary table of the same columns with one
    ``executemany`` (no index, no trigger, no foreign key to check), then into the table
    with one ``INSERT … SELECT`` in their order. A table with triggers (the forecast's
    sums, the search index) needs a statement journal for every statement that writes
    it, so one statement per batch instead of one per row journals each page once, not
    once per row: 2,000 opportunities in 28 ms instead of 80 (without triggers, 25 ms
    instead of 33). The temporary table belongs to the connection, is made once and
    emptied after each use; a failed insert rolls its rows back with the transaction.
    Fewer than :data:`STAGE_FROM_ROWS` rows go in with one ``executemany``."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    stage = quote(f"bulk_{model._meta.db_table}_{zlib.crc32(columns.encode()):08x}")
    if len(prepared) < STAGE_FROM_ROWS:  # a few rows: a statement each costs less than the copy
        cursor.executemany(f"{_insert_head(model, fields)} VALUES {_placeholders(fields)}", prepared)
        return
    with transaction.atomic(savepoint=False):
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {columns} FROM {table} WHERE 0")  # noqa: S608
        cursor.executemany(f"INSERT INTO temp.{stage} ({columns}) VALUES {_placeholders(fields)}", prepared)  # noqa: S608
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM temp.{stage} ORDER BY rowid")  # noqa: S608
        cursor.execute(f"DELETE FROM temp.{stage}")  # noqa: S608


def _copy_with_ids(model: type[models.Model], fields: Sequence[models.Field[Any, Any]], rows: Sequence[Sequence[Any]]) -> list[Any]:
    """PostgreSQL: take the ids from the table's sequence first, then ``COPY`` the rows
    with them (far faster than multi-row ``INSERT``s, whose plans PostgreSQL makes per
    statement). Returns the ids, in row order."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        head = _insert_head(model, [pk, *fields]).replace("INSERT INTO", "COPY", 1)
        with cursor.cursor.copy(f"{head} FROM STDIN") as copy:
            for pk_value, values in zip(ids, _prepared(fields, rows), strict=True):
                copy.write_row((pk_value, *values))
    return ids


def _saved_instances(model: type[models.Model], attnames: list[str], ids: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[Any]:
    """Saved instances without running ``__init__`` per row: built the way unpickling
    builds them (``__new__``, the attribute values, a model state saying "saved in this
    database"). Columns not given load on first access, like deferred fields."""
    new = model.__new__
    new_state = object.__new__  # ModelState has no __init__
    db = connection.alias
    names = ["_state", *attnames]
    instances: list[Any] = []
    append = instances.append
    for pk_value, values in zip(ids, rows, strict=True):
        state = new_state(ModelState)
        state.adding = False
        state.db = db
        instance = new(model)
        instance.__dict__.update(zip(names, (state, pk_value, *values), strict=True))
        append(instance)
    return instances


def insert_plain(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert ``rows`` (nothing read back): ``executemany`` on SQLite, ``COPY`` on
    PostgreSQL. Returns the row count."""
    if not rows:
        return 0
    fields = _fields(model, columns)
    prepared = _prepared(fields, rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: PostgreSQL's bulk load path (JSON goes in as its text).
            with cursor.cursor.copy(_insert_head(model, fields).replace("INSERT INTO", "COPY", 1) + " FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            _staged_insert(cursor, model, fields, prepared)
    return len(rows)
