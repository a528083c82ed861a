"""Bulk writes of accounts and contacts for imports (STYLE rule 12).

``accounts_import`` and ``contacts_import`` take typed rows (the importer in
``tandem.integrations.importing`` reads files and maps columns; it decides nothing
here) and apply exactly the rules of the single-record services, by calling the same
rule helpers:

* accounts: ``_new_account_fields`` / ``_changed_account_fields`` (cleaning, the default
  owner, who may own an account), ``_lifecycle_start`` (lifecycle and its dates),
  ``rules.check_in_due`` (the check-in date), ``require_create`` / ``require_change``;
* contacts: ``_clean_contact_data`` and ``require_change`` on the contact's account;
* both: the model's field validation (lengths, e-mail and web addresses, blanks) and
  its name rule (:func:`tandem.clients.models.name_errors`), with Django's messages.

Records are looked up only through the actor's scope (``core.permissions.scoped``, the
selectors' scoping): an account the actor cannot see is answered exactly like one that
does not exist. Record ids are unique per source, so an id already taken by a record
the actor cannot see is refused with the uniqueness message ``account_create`` gives.

What differs is how rows are written (``tandem.core.bulk``: multi-row INSERT or COPY,
``audit.record_created_many``, search entries queued after commit), never which rows
are allowed. An import never changes the owner or the lifecycle of an existing account
(a reassignment or a lifecycle move goes through its own service).

Each call checks (``dry_run=True``) or writes one batch; an :class:`ImportSession` carries
what an import learns across its batches. Rows checked once in a session are not
cleaned again when the same row objects are written (their permissions and look-ups are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tandem.clients.models import (
    ACCOUNT_NAME_FIELDS,
    CONTACT_NAME_FIELDS,
    Account,
    AccountStatusChange,
    Contact,
    Lifecycle,
    name_errors,
)
from tandem.clients.services.accounts import (
    _changed_account_fields,
    _lifecycle_start,
    _new_account_fields,
    _status_change,
)
from tandem.clients.services.contacts import _clean_contact_data
from tandem.clients.services.rules import cadence_days_by_tier, check_in_due
from tandem.core import audit, bulk, search
from tandem.core.errors import PermissionDeniedError
from tandem.core.models import AuditAction
from tandem.core.permissions import require_change, require_create, scoped

# What an import may set; everything else keeps its default (or its current value).
ACCOUNT_IMPORT_FIELDS = (
    "name", "industry", "website", "domain", "phone", "city", "country", "employee_count",
    "annual_revenue", "description", "owner",
)
ACCOUNT_COMPARE_FIELDS = tuple(name for name in ACCOUNT_IMPORT_FIELDS if name != "owner")
CONTACT_IMPORT_FIELDS = (
    "first_name", "last_name", "email", "phone", "mobile", "job_title", "department",
    "email_opt_out", "do_not_call",
)
CONTACT_COMPARE_FIELDS = ("account_id", *CONTACT_IMPORT_FIELDS)
_CONTACT_IMPORT_SET = frozenset(CONTACT_IMPORT_FIELDS)
LOOKUP_CHUNK = 5000


@dataclass(frozen=True)
class AccountImportRow:
    """One account of a file: ``data`` holds :data:`ACCOUNT_IMPORT_FIELDS` values (an
    ``owner`` is a user; left out, the single-record default applies)."""

    row: int
    external_id: str
    data: dict[str, Any]
    lifecycle: str = Lifecycle.PROSPECT


@dataclass(frozen=True)
class ContactImportRow:
    """One contact of a file; its account by record id (same source) or else by name."""

    row: int
    external_id: str
    data: dict[str, Any]
    account_external_id: str = ""
    account_name: str = ""


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
    """What one import knows across its batches; make one with :func:`import_session`."""

    actor: Any
    source: str
    now: dt.datetime
    cadence: dict[str, int]
    # Record ids of the source already taken (by anyone): the uniqueness rule.
    taken_ids: dict[type[models.Model], set[str]] = field(default_factory=dict)
    accounts_by_id: dict[str, Account | None] = field(default_factory=dict)
    accounts_by_name: dict[str, tuple[Account | None, bool]] = field(default_factory=dict)  # (the one, several?)
    changeable: dict[int, str] = field(default_factory=dict)  # account pk -> refusal ("" = may)
    cleaned: dict[int, tuple[object, bool, dict[str, Any]]] = field(default_factory=dict)


def import_session(*, actor: Any, source: str) -> ImportSession:
    return ImportSession(actor=actor, source=source, now=timezone.now(), cadence=cadence_days_by_tier())


# --- Shared checks -------------------------------------------------------------------------


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
            else:
                fails = self.other_validators or (self.max_length is not None and len(value) > self.max_length)
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


def _field_errors(model: type[models.Model], data: dict[str, Any], names: tuple[str, ...]) -> dict[str, list[str]]:
    """What ``full_clean`` says about these values: each field's own validation
    (``Field.clean``: blank, choices, length, e-mail and web addresses, ranges) and the
    model's name rule. Relations are checked by the caller."""
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
    for name, message in name_errors(data, names).items():
        errors.setdefault(name, []).append(message)
    return errors


def _problems(row: int, error: ValidationError | dict[str, list[str]]) -> list[ImportProblem]:
    messages = error if isinstance(error, dict) else error.message_dict
    return [
        ImportProblem(row, "external_id" if name == NON_FIELD_ERRORS else name, message)
        for name, items in messages.items()
        for message in items
    ]


def _unique_message(model: type[models.Model]) -> str:
    """The message ``full_clean`` gives for a taken (source, record id)."""
    return str(model().unique_error_message(model, ("source", "external_id")).messages[0])


def _taken_ids(session: ImportSession, model: type[models.Model]) -> set[str]:
    taken = session.taken_ids.get(model)
    if taken is None:
        rows = model._default_manager.filter(source=session.source).values_list("external_id", flat=True)
        taken = session.taken_ids[model] = {str(value) for value in rows.iterator(chunk_size=20_000)}
    return taken


def _visible(session: ImportSession, model: type[Any], ids: list[str], related: str) -> dict[str, Any]:
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


def _refusal(session: ImportSession, record: models.Model) -> str:
    """``require_change``'s message when the actor may not change ``record``, else ""."""
    if session.actor is None:
        return ""
    try:
        require_change(session.actor, record)
    except PermissionDeniedError as exc:
        return str(exc)
    return ""


def _cached(session: ImportSession, item: object, row: int, new: bool) -> dict[str, Any] | None:
    """The values cleaned when this very row object was checked as new / existing."""
    entry = session.cleaned.get(row)
    return entry[2] if entry is not None and entry[0] is item and entry[1] == new else None


def _apply(record: models.Model, values: dict[str, Any], names: Iterable[str]) -> dict[str, list[Any]]:
    before = audit.snapshot(record)
    for name in names:
        if name in values:
            setattr(record, name, values[name])
    return audit.diff(before, audit.snapshot(record))


def _write(
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
    audit.record_created_many(actor=session.actor, instances=created)
    audit.record_many(actor=session.actor, action=AuditAction.UPDATE, entries=changed)
    search.index_later(model, [obj.pk for obj in created] + [obj.pk for obj, _ in changed])
    _taken_ids(session, model).update(str(obj.external_id) for obj in created)
    return created


# --- Accounts ------------------------------------------------------------------------------


def accounts_import(
    *, actor: Any, rows: Sequence[AccountImportRow], session: ImportSession | None = None, dry_run: bool = False
) -> ImportOutcome:
    """Create or update (matched by source and record id) the accounts of ``rows``
    under the rules of ``account_create`` / ``account_update``; refused rows are
    reported, not written. Raises ``PermissionDeniedError`` when the actor may not
    create accounts at all (as ``account_create`` does)."""
    session = session or import_session(actor=actor, source="manual")
    if actor is not None:
        require_create(actor, Account)
    outcome = ImportOutcome()
    taken = _taken_ids(session, Account)
    known = [item.external_id for item in rows if item.external_id in taken]
    existing = _visible(session, Account, known, "owner__person") if known else {}
    unique_message = _unique_message(Account)
    new_rows: list[dict[str, Any]] = []
    changed: list[tuple[Any, dict[str, list[Any]]]] = []
    for item in rows:
        current = existing.get(item.external_id)
        if current is None and item.external_id in taken:
            outcome.problems.append(ImportProblem(item.row, "external_id", unique_message))
            continue
        if current is not None and (refusal := _refusal(session, current)):
            outcome.problems.append(ImportProblem(item.row, "external_id", refusal))
            continue
        values = _cached(session, item, item.row, current is None)
        if values is None:
            try:
                values = _account_values(session, item, new=current is None)
            except ValidationError as exc:
                outcome.problems.extend(_problems(item.row, exc))
                continue
            session.cleaned[item.row] = (item, current is None, values)
        if current is None:
            new_rows.append(values)
            outcome.created += 1
            continue
        diff = _apply(current, values, ACCOUNT_COMPARE_FIELDS)
        if diff:
            changed.append((current, diff))
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    if not dry_run:
        created = _write(session, Account, new_rows, changed, ACCOUNT_COMPARE_FIELDS)
        AccountStatusChange.objects.bulk_create(
            [_status_change(actor=actor, account=account, from_status="", to_status=account.lifecycle,
                            at=session.now, reason="imported") for account in created],
            batch_size=1000,
        )
        renamed = [account.pk for account, diff in changed if "name" in diff]
        if renamed:  # contacts are found by their account's name too
            search.index_later(Contact, list(Contact.objects.filter(account_id__in=renamed).values_list("pk", flat=True)))
    return outcome


def _account_values(session: ImportSession, item: AccountImportRow, *, new: bool) -> dict[str, Any]:
    """The row's columns (a new account's complete row), by the single-record rules."""
    if not item.external_id:
        raise ValidationError({"external_id": "Every imported record needs its record id."})
    if new:
        data = _new_account_fields(actor=session.actor, data=item.data)
        data.update(_lifecycle_start(item.lifecycle, session.now))
    else:
        data = _changed_account_fields(actor=session.actor, data={k: v for k, v in item.data.items() if k != "owner"})
    required = {"name": ""} if new else {}
    errors = _field_errors(Account, {**required, **data, "external_id": item.external_id}, ACCOUNT_NAME_FIELDS)
    if errors:
        raise ValidationError(errors)
    if not new:
        return data
    owner = data.pop("owner", None)
    row = {
        "source": session.source, "external_id": item.external_id, "owner_id": owner.pk if owner is not None else None,
        "created_at": session.now, "updated_at": session.now, **data,
    }
    row["check_in_due_at"] = check_in_due(Account(**row), session.cadence)
    return row


# --- Contacts ------------------------------------------------------------------------------


def contacts_import(
    *, actor: Any, rows: Sequence[ContactImportRow], session: ImportSession | None = None, dry_run: bool = False
) -> ImportOutcome:
    """Create or update (matched by source and record id) the contacts of ``rows``
    under the rules of ``contact_create`` / ``contact_update`` / ``contact_move``. The
    account is found among those the actor may see, by record id of the same source or
    else by its exact name (case aside): a hidden account is answered like a missing one."""
    session = session or import_session(actor=actor, source="manual")
    outcome = ImportOutcome()
    _load_accounts(session, rows)
    taken = _taken_ids(session, Contact)
    known = [item.external_id for item in rows if item.external_id in taken]
    existing = _visible(session, Contact, known, "account__owner__person") if known else {}
    unique_message = _unique_message(Contact)
    new_rows: list[dict[str, Any]] = []
    changed: list[tuple[Any, dict[str, list[Any]]]] = []
    for item in rows:
        account, problem = _account_of(session, item)
        if problem is not None:
            outcome.problems.append(problem)
            try:  # the row's other problems too, so a file is fixed in one go
                _contact_values(session, item)
            except ValidationError as exc:
                outcome.problems.extend(_problems(item.row, exc))
            continue
        assert account is not None
        current = existing.get(item.external_id)
        if current is None and item.external_id in taken:
            outcome.problems.append(ImportProblem(item.row, "external_id", unique_message))
            continue
        if current is not None and (refusal := _refusal(session, current)):
            outcome.problems.append(ImportProblem(item.row, "external_id", refusal))
            continue
        values = _cached(session, item, item.row, True)
        if values is None:
            try:
                values = _contact_values(session, item)
            except ValidationError as exc:
                outcome.problems.extend(_problems(item.row, exc))
                continue
            session.cleaned[item.row] = (item, True, values)
        if current is None:
            values["account_id"] = account.pk  # the row's own dict: cleaned for this import only
            new_rows.append(values)
            outcome.created += 1
            continue
        diff = _apply(current, {**values, "account_id": account.pk}, CONTACT_COMPARE_FIELDS)
        if diff:
            changed.append((current, diff))
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    if not dry_run:
        _write(session, Contact, new_rows, changed, CONTACT_COMPARE_FIELDS)
    return outcome


def _load_accounts(session: ImportSession, rows: Sequence[ContactImportRow]) -> None:
    """Look up, among the accounts the actor may see, those the rows name: by record id
    or by name (case aside), each once per import."""
    wanted = list({item.account_external_id for item in rows if item.account_external_id} - session.accounts_by_id.keys())
    if wanted:
        found = _visible(session, Account, wanted, "owner__person")
        session.accounts_by_id.update({ref: found.get(ref) for ref in wanted})
    names = list({item.account_name.lower() for item in rows if not item.account_external_id and item.account_name}
                 - session.accounts_by_name.keys())
    if names:
        queryset = Account.objects.all() if session.actor is None else scoped(session.actor, Account)
        matches: dict[str, list[Account]] = {}
        for start in range(0, len(names), LOOKUP_CHUNK):
            chunk = names[start : start + LOOKUP_CHUNK]
            for account in queryset.annotate(lower_name=Lower("name")).filter(lower_name__in=chunk).select_related("owner__person"):
                matches.setdefault(account.lower_name, []).append(account)
        for name in names:
            found_by_name = matches.get(name, [])
            session.accounts_by_name[name] = (found_by_name[0] if len(found_by_name) == 1 else None, len(found_by_name) > 1)


def _account_of(session: ImportSession, item: ContactImportRow) -> tuple[Account | None, ImportProblem | None]:
    if item.account_external_id:
        reference = "account_external_id"
        account = session.accounts_by_id.get(item.account_external_id)
        if account is None:
            return None, ImportProblem(item.row, reference, f"No account with record id {item.account_external_id!r} from this source.")
    elif item.account_name:
        reference = "account_name"
        account, several = session.accounts_by_name.get(item.account_name.lower(), (None, False))
        if account is None:
            message = "Several accounts have this name." if several else f"No account named {item.account_name!r}."
            return None, ImportProblem(item.row, reference, message)
    else:
        return None, ImportProblem(item.row, "account_external_id", "No account given.")
    refusal = session.changeable.get(account.pk)
    if refusal is None:
        refusal = session.changeable[account.pk] = _refusal(session, account)
    if refusal:
        return None, ImportProblem(item.row, reference, refusal)
    return account, None


def _contact_values(session: ImportSession, item: ContactImportRow) -> dict[str, Any]:
    if not item.external_id:
        raise ValidationError({"external_id": "Every imported record needs its record id."})
    if not item.data.keys() <= _CONTACT_IMPORT_SET:
        unknown = sorted(set(item.data) - _CONTACT_IMPORT_SET)
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = _clean_contact_data(item.data)
    data.setdefault("last_name", "")  # required: blank is refused like full_clean does
    data["external_id"] = item.external_id
    errors = _field_errors(Contact, data, CONTACT_NAME_FIELDS)
    if errors:
        raise ValidationError(errors)
    data.update(source=session.source, created_at=session.now, updated_at=session.now)
    return data
