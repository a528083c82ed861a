"""Audit trail: every create, update and delete of a business record writes one entry.

Services do not call these directly for ordinary writes: ``tandem.core.services``
(``model_create`` / ``model_update`` / ``model_delete``) does, so a record cannot be
written without its history. Login and logout entries come from ``tandem.people.auth``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import operator
import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from tandem.core import bulk
from tandem.core.models import AuditAction, AuditEntry

Snapshot = dict[str, Any]

ALWAYS_EXCLUDED = frozenset({"version", "created_at", "updated_at", "password", "last_login"})


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    return str(value)


def _snapshot_plan(model: type[models.Model]) -> list[tuple[str, str, decimal.Decimal | None]]:
    """(name, attname, quantum for decimals) of the audited fields of ``model``."""
    excluded = ALWAYS_EXCLUDED | set(getattr(model, "audit_exclude", frozenset()))
    return [
        (field.name, field.attname,
         decimal.Decimal(1).scaleb(-field.decimal_places) if isinstance(field, models.DecimalField) else None)
        for field in model._meta.concrete_fields
        if field.name not in excluded and not field.primary_key
    ]  # fmt: skip


def _audit_value(value: Any, quantum: decimal.Decimal | None) -> Any:
    """A field's value as the history keeps it: JSON-safe; decimals at the column's
    precision (40, "40" and 40.00 are one value)."""
    if quantum is not None and value is not None:
        value = decimal.Decimal(str(value)).quantize(quantum)
    return value if value is None or type(value) in _PLAIN else _json_value(value)


_PLAIN = frozenset({str, int, bool, float})


def snapshot(instance: models.Model) -> Snapshot:
    """The audited field values of ``instance`` as JSON-safe data (FKs as their ids)."""
    return {
        name: _audit_value(getattr(instance, attname), quantum)
        for name, attname, quantum in _snapshot_plan(type(instance))
    }


def diff(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    content_type = ContentType.objects.get_for_model(instance) if instance is not None else None
    return AuditEntry.objects.create(
        actor_id=actor_id,
        action=action,
        content_type=content_type,
        object_id=str(instance.pk) if instance is not None else "",
        object_repr=str(instance)[:200] if instance is not None else "",
        changes=changes or {},
        ip_address=ip_address,
    )


def record_create(*, actor: Any, instance: models.Model) -> AuditEntry:
    after = snapshot(instance)
    changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
    return record(actor=actor, action=AuditAction.CREATE, instance=instance, changes=changes)


def record_update(*, actor: Any, instance: models.Model, before: Snapshot) -> AuditEntry | None:
    changes = diff(before, snapshot(instance))
    if not changes:
        return None
    return record(actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes)


def record_delete(*, actor: Any, instance: models.Model, before: Snapshot) -> AuditEntry:
    changes = {name: [value, None] for name, value in before.items() if value not in (None, "")}
    return record(actor=actor, action=AuditAction.DELETE, instance=instance, changes=changes)


def record_many(
    *, actor: Any, action: str, entries: Sequence[tuple[models.Model, dict[str, Any]]]
) -> int:
    """Many entries of one action about instances of one model, in one ``executemany``:
    what :func:`record` writes for each ``(instance, changes)``. For bulk writers
    (imports, demo data), in the caller's transaction like every entry."""
    if not entries:
        return 0
    return _insert_entries(actor, action, [instance for instance, _ in entries], [changes for _, changes in entries])


def _insert_entries(actor: Any, action: str, instances: Sequence[models.Model], changes: Sequence[Any]) -> int:
    """One entry per instance (one model) with its changes (a dict, or its JSON text)."""
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    content_type_id = ContentType.objects.get_for_model(instances[0]).pk
    now = timezone.now()
    pk = type(instances[0])._meta.pk
    assert pk is not None
    object_ids = map(str, map(operator.attrgetter(pk.attname), instances))
    reprs = (text[:200] for text in map(str, instances))
    rows = [
        (now, actor_id, action, content_type_id, object_id, text, entry, None)
        for object_id, text, entry in zip(object_ids, reprs, changes, strict=True)
    ]
    return bulk.insert_plain(
        AuditEntry,
        ["at", "actor_id", "action", "content_type_id", "object_id", "object_repr", "changes", "ip_address"],
        rows,
    )


_encode = json.JSONEncoder(separators=(",", ":")).encode
_encode_text = json.encoder.encode_basestring_ascii  # what that encoder does with a str


def _created_fragments(name: str, quantum: decimal.Decimal | None, column: Sequence[Any]) -> Sequence[str]:
    """One audited column of new records as the JSON members of their entries
    (``"name":[null,value]``, "" for an empty value, which the entry leaves out). Each
    distinct value is made JSON-safe and encoded once when the column holds one type
    (equal values of different types, ``1`` and ``True``, are not merged)."""
    head = _encode(name) + ":[null,"

    def member(value: Any) -> str:
        if value is None or value == "":
            return ""
        return head + _encode(_audit_value(value, quantum)) + "]"

    types = set(map(type, column)) - {type(None)}
    texts = quantum is None and types <= {str}
    numbers = quantum is None and types <= {int}
    try:
        distinct = set(column) if len(types) <= 1 else None
    except TypeError:  # unhashable (a JSON field's value)
        distinct = None
    if distinct is None or len(distinct) * 2 > len(column):
        if texts:  # as the encoder writes them
            return [head + _encode_text(value) + "]" if value else "" for value in column]
        if numbers:
            return ["" if value is None else head + int.__repr__(value) + "]" for value in column]
        return [member(value) for value in column]
    # A column of few values (stages, currencies, the source, an empty text): each
    # value's member once, then looked up. A column of dates keeps its members across
    # calls (a bulk load's batches repeat the same dates; a date's text is its own).
    if types == {dt.date}:
        members = _DATE_MEMBERS.setdefault(head, {None: ""})
        if len(members) > _DATE_MEMBERS_LIMIT:
            members.clear()
            members[None] = ""
        members.update((value, member(value)) for value in distinct.difference(members))
    else:
        members = {value: member(value) for value in distinct}
    return list(map(members.__getitem__, column))


# The members of date columns by the column's JSON head (see _created_fragments).
_DATE_MEMBERS: dict[str, dict[Any, str]] = {}
_DATE_MEMBERS_LIMIT = 20_000


def record_created_many(
    *, actor: Any, instances: Sequence[models.Model], columns: Sequence[str] | None = None,
    rows: Sequence[Sequence[Any]] | None = None,
) -> int:
    """The entries :func:`record_create` would write for ``instances`` (one model),
    their changes encoded column by column. A bulk writer that has the values it wrote
    gives them as ``rows`` (``rows[i]`` holds ``instances[i]``'s values, in ``columns``
    order, by attname): they are read from there instead of from each instance."""
    if not instances:
        return 0
    plan = _snapshot_plan(type(instances[0]))
    if not plan:
        return _insert_entries(actor, AuditAction.CREATE, instances, [{} for _ in instances])
    position = {name: index for index, name in enumerate(columns or ())}
    if rows is not None and len(rows) == len(instances) and all(attname in position for _, attname, _ in plan):
        by_column = list(zip(*rows, strict=True))
        columns_of_plan: Any = [by_column[position[attname]] for _, attname, _ in plan]
    else:
        fetch = operator.attrgetter(*(attname for _, attname, _ in plan))
        fetched = list(map(fetch, instances))
        columns_of_plan = zip(*fetched, strict=True) if len(plan) > 1 else [fetched]
    member_columns = [
        _created_fragments(name, quantum, column) for (name, _, quantum), column in zip(plan, columns_of_plan, strict=True)
    ]
    texts = [bulk.JsonText("{" + ",".join(filter(None, members)) + "}") for members in zip(*member_columns, strict=True)]
    return _insert_entries(actor, AuditAction.CREATE, instances, texts)


def history_for(instance: models.Model, *, limit: int = 50) -> models.QuerySet[AuditEntry]:
    """The newest entries about ``instance`` (its creation, changes and deletion, not
    log-ins), with their actors, in one query. Pages show them through
    ``tandem.core.history``."""
    content_type = ContentType.objects.get_for_model(instance)
    return (
        AuditEntry.objects.filter(
            content_type=content_type,
            object_id=str(instance.pk),
            action__in=(AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE),
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
