"""Global search: one full-text index over every searchable record type.

An app registers a type with :func:`register` (what text to index, how to show a hit);
:func:`tandem.core.services` keeps entries in step with every audited create, update and
delete; the demo data calls :func:`index_many`, and imports queue their records for
the worker with :func:`index_later`. :func:`search`
answers a query for a user: each registered type is matched through the full-text
index and filtered by the type's permission scope in the same SQL query, so a user
never sees a record they could not open, and a type the user may see nothing of costs
one cheap query.

Query syntax: words are ANDed, each a prefix ("acm lon" finds "Acme London"); at least
two characters. SQLite uses FTS5, PostgreSQL a ``tsvector`` GIN index (migration
``core.0004_search_index``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.expressions import RawSQL

from tandem.core import bulk
from tandem.core.models import SearchEntry
from tandem.core.permissions import scoped

MIN_QUERY_CHARS = 2
MAX_TERMS = 6


@dataclass(frozen=True)
class SearchType:
    model: type[models.Model]
    label: str
    title: Callable[[Any], str]
    subtitle: Callable[[Any], str]
    text: Callable[[Any], str]
    url: Callable[[Any], str]
    select_related: tuple[str, ...] = ()


_TYPES: dict[type[models.Model], SearchType] = {}


def register(
    model: type[models.Model], *, label: str, title: Callable[[Any], str], url: Callable[[Any], str],
    subtitle: Callable[[Any], str] = lambda obj: "", text: Callable[[Any], str] = lambda obj: "",
    select_related: tuple[str, ...] = (),
) -> None:
    _TYPES[model] = SearchType(model, label, title, subtitle, text, url, select_related)


def registered_types() -> list[SearchType]:
    return list(_TYPES.values())


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: "Zoë.Müller@x" → "zoe muller x"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_WORD.findall(ascii_text.lower()))


def _entry_values(kind: SearchType, obj: Any) -> dict[str, str]:
    title = (kind.title(obj) or "")[:300]
    subtitle = (kind.subtitle(obj) or "")[:300]
    text = kind.text(obj) or ""
    # The folded words make both databases match the same way: PostgreSQL's "simple"
    # parser keeps accents and takes an e-mail address as one word; SQLite's tokenizer
    # folds accents itself. Queries are folded alike (query_terms).
    folded = fold(f"{title} {subtitle} {text}")
    return {"title": title, "subtitle": subtitle, "text": f"{text}\n{folded}" if folded else text}


def index_object(obj: models.Model) -> None:
    """Insert or refresh the entry of one record (no-op for unregistered types)."""
    kind = _TYPES.get(type(obj))
    if kind is None:
        return
    content_type = ContentType.objects.get_for_model(obj)
    SearchEntry.objects.update_or_create(
        content_type=content_type, object_id=obj.pk, defaults=_entry_values(kind, obj)
    )


def remove_object(model: type[models.Model], pk: Any) -> None:
    if model in _TYPES:
        SearchEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk).delete()


def index_many(model: type[models.Model], objects: Iterable[Any], *, batch_size: int = 2000) -> int:
    """Bulk (re)index records of one type: replaces their entries. Related rows the
    type's text reads (its ``select_related``) must be loaded. Returns entries written."""
    kind = _TYPES.get(model)
    if kind is None:
        return 0
    content_type_id = ContentType.objects.get_for_model(model).pk
    columns = ["content_type_id", "object_id", "title", "subtitle", "text"]
    written = 0
    batch: list[Any] = []

    def flush() -> int:
        SearchEntry.objects.filter(content_type_id=content_type_id, object_id__in=[obj.pk for obj in batch]).delete()
        rows = []
        for obj in batch:
            values = _entry_values(kind, obj)
            rows.append((content_type_id, obj.pk, values["title"], values["subtitle"], values["text"]))
        return bulk.insert_plain(SearchEntry, columns, rows)

    for obj in objects:
        batch.append(obj)
        if len(batch) >= batch_size:
            written += flush()
            batch = []
    if batch:
        written += flush()
    return written


def index_later(model: type[models.Model], ids: Sequence[Any], *, chunk: int = 2000) -> int:
    """Queue the (re)indexing of these records for the worker, once the current
    transaction commits (nothing is queued if it rolls back). Bulk writers use this so
    that tokenising the text of thousands of records does not hold the write
    transaction: the records are in the lists at once, in the global search seconds
    later. Returns the number of records queued."""
    if model not in _TYPES or not ids:
        return 0
    from tandem.core.tasks import enqueue_on_commit, index_for_search

    label = model._meta.label_lower
    for start in range(0, len(ids), chunk):
        enqueue_on_commit(index_for_search, label, list(ids[start : start + chunk]))
    return len(ids)


def index_ids(model: type[models.Model], ids: Iterable[Any]) -> int:
    """(Re)index the records of ``model`` with these primary keys, related rows loaded
    in the same query (for bulk writers such as imports)."""
    kind = _TYPES.get(model)
    if kind is None:
        return 0
    id_list = list(ids)
    queryset = model._default_manager.filter(pk__in=id_list).select_related(*kind.select_related or [None])
    return index_many(model, queryset) if id_list else 0


def reindex(model: type[models.Model]) -> int:
    kind = _TYPES[model]
    queryset = model._default_manager.select_related(*kind.select_related or [None]).order_by("pk")
    return index_many(model, queryset.iterator(chunk_size=2000))


_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """The folded words of a query (letters and digits only: no search-syntax injection)."""
    return fold(query).split()[:MAX_TERMS]


def _matching_ids_sql(terms: Sequence[str], content_type_id: int) -> tuple[str, list[Any]]:
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return (
            "SELECT object_id FROM core_searchentry WHERE content_type_id = %s "
            "AND search_vector @@ to_tsquery('simple', %s)",
            [content_type_id, tsquery],
        )
    if connection.vendor == "sqlite":
        match = " ".join(f'"{term}"*' for term in terms)
        return (
            "SELECT object_id FROM core_searchentry WHERE content_type_id = %s AND id IN "
            "(SELECT rowid FROM core_searchentry_fts WHERE core_searchentry_fts MATCH %s)",
            [content_type_id, match],
        )
    like = [f"%{term}%" for term in terms]
    clause = " AND ".join("(lower(title) LIKE %s)" for _ in terms)
    # ``clause`` is fixed text repeated per term; the terms go in as parameters.
    return f"SELECT object_id FROM core_searchentry WHERE content_type_id = %s AND {clause}", [content_type_id, *like]  # noqa: S608


@dataclass(frozen=True)
class SearchHit:
    label: str
    title: str
    subtitle: str
    url: str
    obj: Any


def search(*, actor: Any, query: str, limit_per_type: int = 5, types: Iterable[type[models.Model]] | None = None) -> list[SearchHit]:
    """The records ``actor`` may see that match ``query``: up to ``limit_per_type`` per
    type, in registration order (one query per type)."""
    terms = [term for term in query_terms(query) if term]
    if not terms or sum(len(term) for term in terms) < MIN_QUERY_CHARS:
        return []
    wanted = set(types) if types is not None else None
    hits: list[SearchHit] = []
    for kind in _TYPES.values():
        if wanted is not None and kind.model not in wanted:
            continue
        content_type = ContentType.objects.get_for_model(kind.model)
        sql, params = _matching_ids_sql(terms, content_type.pk)
        queryset = (
            scoped(actor, kind.model)
            .filter(pk__in=RawSQL(sql, params))  # noqa: S611 (terms are \w+ only and passed as parameters)
            .select_related(*kind.select_related or [None])
            .order_by("pk")[:limit_per_type]
        )
        for obj in queryset:
            hits.append(SearchHit(kind.label, kind.title(obj), kind.subtitle(obj), kind.url(obj), obj))
    return hits
