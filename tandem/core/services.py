"""Generic audited, version-checked writes that every app's services build on.

``model_create``, ``model_update`` and ``model_delete`` validate (``full_clean``), write,
and record the audit entry in the caller's transaction. Permission checks stay in the
app's service, which knows its rule; these helpers only make "written without history"
or "silently overwrote a newer version" impossible.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from tandem.core import audit, search
from tandem.core.errors import ConflictError


def _check_fields(model: type[models.Model], data: dict[str, Any]) -> None:
    concrete = {field.name for field in model._meta.concrete_fields} | {
        field.attname for field in model._meta.concrete_fields
    }
    unknown = sorted(set(data) - concrete)
    if unknown:
        # A programming error, not user input: services pass explicit field lists.
        raise TypeError(f"{model.__name__} has no field(s) {', '.join(unknown)}")


@transaction.atomic
def model_create[M: models.Model](
    *, actor: Any, model: type[M], data: dict[str, Any], validate: bool = True
) -> M:
    _check_fields(model, data)
    instance = model(**data)
    if validate:
        instance.full_clean()
    instance.save(force_insert=True)
    audit.record_create(actor=actor, instance=instance)
    search.index_object(instance)
    return instance


@transaction.atomic
def model_update[M: models.Model](
    *,
    actor: Any,
    instance: M,
    data: dict[str, Any],
    expected_version: int | None = None,
    validate: bool = True,
) -> M:
    """Apply ``data`` to ``instance`` if nobody changed it since ``expected_version``.

    The write is one ``UPDATE … WHERE id = %s AND version = %s``: two concurrent editors
    of the same version cannot both succeed, the second gets :class:`ConflictError`.
    Without ``expected_version`` the version the instance was read at is used.
    """
    _check_fields(type(instance), data)
    before = audit.snapshot(instance)
    read_version = expected_version if expected_version is not None else instance.version  # type: ignore[attr-defined]
    for name, value in data.items():
        setattr(instance, name, value)
    if validate:
        instance.full_clean()
    model = type(instance)
    # Only the fields in ``data`` (and ``updated_at``) are written: a column changed
    # elsewhere since the instance was read (a password, ``is_staff``) is not put back.
    values = {
        field.attname: field.pre_save(instance, add=False)
        for field in model._meta.concrete_fields
        if field.name in data or field.attname in data
    }
    values["version"] = F("version") + 1
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
        instance.updated_at = values["updated_at"]  # type: ignore[attr-defined]
    rows = model._base_manager.filter(pk=instance.pk, version=read_version).update(**values)
    if rows != 1:
        current = (
            model._base_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        )
        raise ConflictError(current_version=current)
    instance.version = read_version + 1  # type: ignore[attr-defined]
    if audit.record_update(actor=actor, instance=instance, before=before) is not None:
        search.index_object(instance)
    return instance


@transaction.atomic
def model_delete(
    *, actor: Any, instance: models.Model, expected_version: int | None = None
) -> None:
    before = audit.snapshot(instance)
    model = type(instance)
    queryset = model._base_manager.filter(pk=instance.pk)
    if expected_version is not None:
        queryset = queryset.filter(version=expected_version)
    pk = instance.pk
    if not queryset.exists():
        current = model._base_manager.filter(pk=pk).values_list("version", flat=True).first()
        raise ConflictError(current_version=current)
    instance.delete()
    instance.pk = pk
    audit.record_delete(actor=actor, instance=instance, before=before)
    search.remove_object(model, pk)
