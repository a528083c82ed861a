"""The machinery the apps' bulk import services share (``accounts_import``,
``contacts_import``, ``opportunities_import``, STYLE rule 12): the batch types, the
session an import keeps across batches, the field checks (``full_clean``'s, per row,
without its per-call cost), scoped look-ups by record id, and the fast write path.

It decides nothing about which rows are allowed: each app's service applies its own
single-record rules and calls these helpers to check fields, look records up through
the actor's scope and write rows. Nothing here knows a domain model."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from tandem.core import audit, bulk, search
from tandem.core.errors import PermissionDeniedError
from tandem.core.models import AuditAction
from tandem.core.permissions import require_change, scoped

LOOKUP_CHUNK = 5000


@dataclass(frozen=True)
class ImportProblem:
    """Why one row was refused; ``field`` is the Tandem field (or the row's account
    reference, ``account_external_id`` / ``account_name``) the message is about."""

    row: int
    field: str
    message: str


@dataclass
class ImportOutcome:
    """One batch: created / updated / unchanged counts (what would be, in a dry run)
    and the refused rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class ImportSession:
    """What one import knows across its batches (an app's session adds its own
    look-ups). ``now`` stamps every row of the import."""

    actor: Any
    source: str
    now: dt.datetime = field(default_factory=timezone.now)
    # Record ids of the source already taken (by anyone): the uniqueness rule.
    taken_ids: dict[type[models.Model], set[str]] = field(default_factory=dict)
    # Row number -> (the row object, checked as new?, its cleaned values).
    cleaned: dict[int, tuple[object, bool, dict[str, Any]]] = field(default_factory=dict)


# --- Checks -------------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldCheck:
    """One field's ``Field.clean`` for the values an import sends, without its per-call
    overhead: ``Field.clean`` itself runs whenever a value may fail, so every message is
    Django's own. Text fields: a blank value fails only if the field may not be blank;
    a longer value than ``max_length`` or one with other validators (e-mail and web
    addresses) goes through ``Field.clean``. Booleans pass. Anything else: ``Field.clean``."""

    field: models.Field[Any, Any]
    text: bool
    max_length: int | None
    other_validators: bool

    def errors(self, value: Any) -> list[str]:
        if self.text and isinstance(value, str):
            if value == "":
                fails = not self.field.blank
            elif self.max_length is not None and len(value) > self.max_length:
                fails = True
            elif self.other_validators:
                # A non-empty text within its length: Field.clean would only run the
                # validators (to_python keeps it, validate passes), so run just those.
                try:
                    self.field.run_validators(value)
                except ValidationError as exc:
                    return list(exc.messages)
                return []
            else:
                fails = False
            if not fails:
                return []
        elif isinstance(value, bool) and isinstance(self.field, models.BooleanField):
            return []
        try:
            self.field.clean(value, None)
        except ValidationError as exc:
            return list(exc.messages)
        return []


_CHECKS: dict[type[models.Model], dict[str, _FieldCheck]] = {}


def _field_checks(model: type[models.Model]) -> dict[str, _FieldCheck]:
    checks = _CHECKS.get(model)
    if checks is None:
        checks = {}
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation:
                continue
            text = isinstance(model_field, models.CharField | models.TextField) and not model_field.choices
            others = [v for v in model_field.validators if not isinstance(v, MaxLengthValidator)]
            checks[model_field.name] = _FieldCheck(model_field, text, getattr(model_field, "max_length", None), bool(others))
        _CHECKS[model] = checks
    return checks


_PLAIN_TEXTS: dict[type[models.Model], dict[str, tuple[int, bool]]] = {}


def plain_text_fields(model: type[models.Model]) -> dict[str, tuple[int, bool]]:
    """``{field: (max_length, blank allowed)}`` of the model's text fields (no choices)
    whose only checks are their length and blankness: a ``str`` within its length, or an
    empty one where blank is allowed, passes :func:`field_errors` with no message, and
    any other value of theirs goes through it. A service checking many rows can answer
    those texts itself (no ``max_length``: any length)."""
    texts = _PLAIN_TEXTS.get(model)
    if texts is None:
        texts = _PLAIN_TEXTS[model] = {
            name: (check.max_length if check.max_length is not None else sys.maxsize, bool(check.field.blank))
            for name, check in _field_checks(model).items()
            if check.text and not check.other_validators
        }
    return texts


def field_errors(
    model: type[models.Model], data: dict[str, Any], model_rule: Callable[[dict[str, Any]], dict[str, str]] | None = None,
) -> dict[str, list[str]]:
    """What ``full_clean`` says about these values: each field's own validation
    (``Field.clean``: blank, choices, length, e-mail and web addresses, ranges) and, when
    given, the model's own rule (``{field: message}``, what its ``clean`` adds).
    Relations are checked by the caller."""
    checks = _field_checks(model)
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        check = checks.get(name)
        if check is None:
            continue
        # The common case inline (a valid short text): the same test as _FieldCheck.errors.
        if (check.text and value.__class__ is str and value and not check.other_validators
                and (check.max_length is None or len(value) <= check.max_length)):
            continue
        if messages := check.errors(value):
            errors[name] = messages
    if model_rule is not None:
        for name, message in model_rule(data).items():
            errors.setdefault(name, []).append(message)
    return errors


def problems_of(row: int, error: ValidationError | dict[str, list[str]]) -> list[ImportProblem]:
    messages = error if isinstance(error, dict) else error.message_dict
    return [
        ImportProblem(row, "external_id" if name == NON_FIELD_ERRORS else name, message)
        for name, items in messages.items()
        for message in items
    ]


def unique_message(model: type[models.Model]) -> str:
    """The message ``full_clean`` gives for a taken (source, record id)."""
    return str(model().unique_error_message(model, ("source", "external_id")).messages[0])


def taken_ids(session: ImportSession, model: type[models.Model]) -> set[str]:
    taken = session.taken_ids.get(model)
    if taken is None:
        rows = model._default_manager.filter(source=session.source).values_list("external_id", flat=True)
        taken = session.taken_ids[model] = {str(value) for value in rows.iterator(chunk_size=20_000)}
    return taken


def visible_by_record_id(session: ImportSession, model: type[Any], ids: list[str], related: str) -> dict[str, Any]:
    """The records of these record ids that the actor may see (others: as if missing)."""
    found: dict[str, Any] = {}
    if session.actor is None:
        queryset = model._default_manager.all()
    else:
        queryset = scoped(session.actor, model)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        for record in queryset.filter(source=session.source, external_id__in=chunk).select_related(related):
            found[record.external_id] = record
    return found


def refusal_of(session: ImportSession, record: models.Model) -> str:
    """``require_change``'s message when the actor may not change ``record``, else ""."""
    if session.actor is None:
        return ""
    try:
        require_change(session.actor, record)
    except PermissionDeniedError as exc:
        return str(exc)
    return ""


def cached_values(session: ImportSession, item: object, row: int, new: bool) -> dict[str, Any] | None:
    """The values cleaned when this very row object was checked as new / existing."""
    entry = session.cleaned.get(row)
    return entry[2] if entry is not None and entry[0] is item and entry[1] == new else None


def apply_values(record: models.Model, values: dict[str, Any], names: Iterable[str]) -> dict[str, list[Any]]:
    before = audit.snapshot(record)
    for name in names:
        if name in values:
            setattr(record, name, values[name])
    return audit.diff(before, audit.snapshot(record))


def write_rows(
    session: ImportSession, model: type[models.Model], new_rows: list[dict[str, Any]],
    changed: list[tuple[Any, dict[str, list[Any]]]], compare: tuple[str, ...],
) -> list[Any]:
    """The fast write path: multi-row INSERT / COPY, one bulk UPDATE, audit entries in
    bulk, search entries queued for after the commit."""
    columns, values = bulk.complete_rows(model, new_rows)
    created = bulk.insert_rows(model, columns, values)
    if changed:
        for record, _diff in changed:
            record.version += 1
            record.updated_at = session.now
        model._default_manager.bulk_update(
            [record for record, _ in changed], [*compare, "version", "updated_at"], batch_size=500
        )
    audit.record_created_many(actor=session.actor, instances=created, columns=columns, rows=values)
    audit.record_many(actor=session.actor, action=AuditAction.UPDATE, entries=changed)
    search.index_later(model, [obj.pk for obj in created] + [obj.pk for obj, _ in changed])
    taken_ids(session, model).update(str(obj.external_id) for obj in created)
    return created


@dataclass
class ImportBatch:
    """One batch of one model's import, the part every import service shares: which
    visible records the rows' ids name, the refusals that follow from ids (taken by a
    record the actor cannot see, or naming one the actor may not change), the counts,
    and the rows to write. Make one with :func:`import_batch`; the service applies its
    own rules between :meth:`record_of` and :meth:`add`."""

    session: ImportSession
    model: type[models.Model]
    compare: tuple[str, ...]
    taken: set[str]
    existing: dict[str, Any]
    taken_message: str
    outcome: ImportOutcome = field(default_factory=ImportOutcome)
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[Any, dict[str, list[Any]]]] = field(default_factory=list)

    def record_of(self, row: int, external_id: str) -> tuple[Any, bool]:
        """The visible record this id names (``None``: the row makes a new one), and
        whether the row is refused for it (the refusal is reported)."""
        current = self.existing.get(external_id)
        if current is None and external_id in self.taken:
            self.outcome.problems.append(ImportProblem(row, "external_id", self.taken_message))
            return None, True
        if current is not None and (refusal := refusal_of(self.session, current)):
            self.outcome.problems.append(ImportProblem(row, "external_id", refusal))
            return current, True
        return current, False

    def refuse(self, row: int, error: ValidationError | dict[str, list[str]]) -> None:
        self.outcome.problems.extend(problems_of(row, error))

    def add(self, current: Any, values: dict[str, Any]) -> None:
        """A new row (``current`` is ``None``) or the values for ``current``: counted
        as created, updated or unchanged."""
        if current is None:
            self.new_rows.append(values)
            self.outcome.created += 1
            return
        diff = apply_values(current, values, self.compare)
        if diff:
            self.changed.append((current, diff))
            self.outcome.updated += 1
        else:
            self.outcome.unchanged += 1

    def write(self) -> list[Any]:
        """Write the batch (:func:`write_rows`); the created records."""
        return write_rows(self.session, self.model, self.new_rows, self.changed, self.compare)


def import_batch(
    session: ImportSession, model: type[models.Model], external_ids: Iterable[str], *, related: str,
    compare: tuple[str, ...],
) -> ImportBatch:
    """A batch of ``model`` rows with these record ids: the records among them the actor
    may see are loaded (with ``related``) in as few queries as the ids need."""
    taken = taken_ids(session, model)
    known = [external_id for external_id in external_ids if external_id in taken]
    existing = visible_by_record_id(session, model, known, related) if known else {}
    return ImportBatch(session, model, compare, taken, existing, unique_message(model))
