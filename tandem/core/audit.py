"""Audit trail: every create, update and delete of a business record writes one entry.

Services do not call these directly for ordinary writes: ``tandem.core.services``
(``model_create`` / ``model_update`` / ``model_delete``) does, so a record cannot be
written without its history. Login and logout entries come from ``tandem.people.auth``.
"""

from __future__ import annotations

import datetime as dt
import decimal
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
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    content_type_id = ContentType.objects.get_for_model(entries[0][0]).pk
    now = timezone.now()
    rows = [
        (now, actor_id, action, content_type_id, str(instance.pk), str(instance)[:200], changes, None)
        for instance, changes in entries
    ]
    return bulk.insert_plain(
        AuditEntry,
        ["at", "actor_id", "action", "content_type_id", "object_id", "object_repr", "changes", "ip_address"],
        rows,
    )


def record_created_many(*, actor: Any, instances: Sequence[models.Model]) -> int:
    """The entries :func:`record_create` would write for ``instances`` (one model)."""
    if not instances:
        return 0
    plan = _snapshot_plan(type(instances[0]))
    names = [name for name, _, _ in plan]
    quanta = [quantum for _, _, quantum in plan]
    fetch = operator.attrgetter(*(attname for _, attname, _ in plan))
    # Bulk rows repeat their dates and amounts: each distinct one is made JSON-safe once.
    made: dict[tuple[int, Any], Any] = {}
    entries = []
    for instance in instances:
        fetched = fetch(instance)
        values = (fetched,) if len(plan) == 1 else fetched
        changes = {}
        for index, (name, value, quantum) in enumerate(zip(names, values, quanta, strict=True)):
            if value is None or value == "":
                continue
            if quantum is None and value.__class__ in _PLAIN:
                changes[name] = [None, value]
                continue
            key = (index, value)
            try:
                audited = made.get(key, made)
            except TypeError:  # unhashable (a JSON field's value): not remembered
                audited = _audit_value(value, quantum)
            if audited is made:
                audited = made[key] = _audit_value(value, quantum)
            changes[name] = [None, audited]
        entries.append((instance, changes))
    return record_many(actor=actor, action=AuditAction.CREATE, entries=entries)


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
