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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

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
from tandem.core import search
from tandem.core.imports import (
    LOOKUP_CHUNK,
    ImportOutcome,
    ImportProblem,
    ImportSession,
    cached_values,
    field_errors,
    import_batch,
    refusal_of,
    visible_by_record_id,
)
from tandem.core.permissions import require_create, scoped
from tandem.core.types import Actor

# What an import may set; everything else keeps its default (or its current value).
__all__ = [
    "AccountImportRow", "AccountImportSession", "ContactImportRow", "ImportOutcome", "ImportProblem",
    "account_of_row", "accounts_import", "contacts_import", "import_session", "load_accounts",
]

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
_ACCOUNT_NAME_RULE = partial(name_errors, fields=ACCOUNT_NAME_FIELDS)
_CONTACT_NAME_RULE = partial(name_errors, fields=CONTACT_NAME_FIELDS)


@dataclass
class AccountImportSession(ImportSession):
    """An import session of records that hang on accounts (accounts themselves,
    contacts, other apps' records such as opportunities): the check-in cadence and the
    accounts the rows name, each looked up once per import. Make one with
    :func:`import_session`."""

    cadence: dict[str, int] = field(default_factory=dict)
    accounts_by_id: dict[str, Account | None] = field(default_factory=dict)
    accounts_by_name: dict[str, tuple[Account | None, bool]] = field(default_factory=dict)  # (the one, several?)
    changeable: dict[int, str] = field(default_factory=dict)  # account pk -> refusal ("" = may)


def import_session(*, actor: Any, source: str) -> AccountImportSession:
    return AccountImportSession(actor=actor, source=source, cadence=cadence_days_by_tier())


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


# --- Accounts ------------------------------------------------------------------------------


def accounts_import(
    *, actor: Actor, rows: Sequence[AccountImportRow], session: AccountImportSession | None = None, dry_run: bool = False
) -> ImportOutcome:
    """Create or update (matched by source and record id) the accounts of ``rows``
    under the rules of ``account_create`` / ``account_update``; refused rows are
    reported, not written. Raises ``PermissionDeniedError`` when the actor may not
    create accounts at all (as ``account_create`` does)."""
    session = session or import_session(actor=actor, source="manual")
    if actor is not None:
        require_create(actor, Account)
    batch = import_batch(session, Account, (item.external_id for item in rows), related="owner__person",
                         compare=ACCOUNT_COMPARE_FIELDS)
    for item in rows:
        current, refused = batch.record_of(item.row, item.external_id)
        if refused:
            continue
        values = cached_values(session, item, item.row, current is None)
        if values is None:
            try:
                values = _account_values(session, item, new=current is None)
            except ValidationError as exc:
                batch.refuse(item.row, exc)
                continue
            session.cleaned[item.row] = (item, current is None, values)
        batch.add(current, values)
    if not dry_run:
        created = batch.write()
        AccountStatusChange.objects.bulk_create(
            [_status_change(actor=actor, account=account, from_status="", to_status=account.lifecycle,
                            at=session.now, reason="imported") for account in created],
            batch_size=1000,
        )
        renamed = [account.pk for account, diff in batch.changed if "name" in diff]
        if renamed:  # contacts are found by their account's name too
            search.index_later(Contact, list(Contact.objects.filter(account_id__in=renamed).values_list("pk", flat=True)))
    return batch.outcome


def _account_values(session: AccountImportSession, item: AccountImportRow, *, new: bool) -> dict[str, Any]:
    """The row's columns (a new account's complete row), by the single-record rules."""
    if not item.external_id:
        raise ValidationError({"external_id": "Every imported record needs its record id."})
    if new:
        data = _new_account_fields(actor=session.actor, data=item.data)
        data.update(_lifecycle_start(item.lifecycle, session.now))
    else:
        data = _changed_account_fields(actor=session.actor, data={k: v for k, v in item.data.items() if k != "owner"})
    required = {"name": ""} if new else {}
    errors = field_errors(Account, {**required, **data, "external_id": item.external_id}, _ACCOUNT_NAME_RULE)
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
    *, actor: Actor, rows: Sequence[ContactImportRow], session: AccountImportSession | None = None, dry_run: bool = False
) -> ImportOutcome:
    """Create or update (matched by source and record id) the contacts of ``rows``
    under the rules of ``contact_create`` / ``contact_update`` / ``contact_move``. The
    account is found among those the actor may see, by record id of the same source or
    else by its exact name (case aside): a hidden account is answered like a missing one."""
    session = session or import_session(actor=actor, source="manual")
    load_accounts(session, (((item.account_external_id,), item.account_name) for item in rows))
    batch = import_batch(session, Contact, (item.external_id for item in rows), related="account__owner__person",
                         compare=CONTACT_COMPARE_FIELDS)
    for item in rows:
        account, problem = _account_of(session, item)
        if problem is not None:
            batch.outcome.problems.append(problem)
            try:  # the row's other problems too, so a file is fixed in one go
                _contact_values(session, item)
            except ValidationError as exc:
                batch.refuse(item.row, exc)
            continue
        assert account is not None
        current, refused = batch.record_of(item.row, item.external_id)
        if refused:
            continue
        values = cached_values(session, item, item.row, True)
        if values is None:
            try:
                values = _contact_values(session, item)
            except ValidationError as exc:
                batch.refuse(item.row, exc)
                continue
            session.cleaned[item.row] = (item, True, values)
        if current is None:
            values["account_id"] = account.pk  # the row's own dict: cleaned for this import only
            batch.add(None, values)
        else:
            batch.add(current, {**values, "account_id": account.pk})
    if not dry_run:
        batch.write()
    return batch.outcome


def load_accounts(session: AccountImportSession, references: Iterable[tuple[tuple[str, ...], str]]) -> None:
    """Look up, among the accounts the actor may see, those the rows name (each row's
    ``(record ids, name)``): by record id of the same source, or else by name (case
    aside), each once per import."""
    references = list(references)
    wanted = list({ref for ids, _name in references for ref in ids if ref} - session.accounts_by_id.keys())
    if wanted:
        found = visible_by_record_id(session, Account, wanted, "owner__person")
        session.accounts_by_id.update({ref: found.get(ref) for ref in wanted})
    names = list({name.lower() for ids, name in references if not any(ids) and name} - session.accounts_by_name.keys())
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


def account_of_row(
    session: AccountImportSession, row: int, ids: tuple[str, ...], name: str,
) -> tuple[Account | None, str, ImportProblem | None]:
    """The account a row names (loaded by :func:`load_accounts`: the first of its record
    ids found, else its name), the row's field that named it, and why none was found
    (an account the actor cannot see is answered like a missing one)."""
    if any(ids):
        reference = "account_external_id"
        by_id = session.accounts_by_id
        for ref in ids:
            if (account := by_id.get(ref)) is not None:
                return account, reference, None
        shown = next(ref for ref in ids if ref)
        return None, reference, ImportProblem(row, reference, f"No account with record id {shown!r} from this source.")
    if name:
        reference = "account_name"
        account, several = session.accounts_by_name.get(name.lower(), (None, False))
        if account is None:
            message = "Several accounts have this name." if several else f"No account named {name!r}."
            return None, reference, ImportProblem(row, reference, message)
        return account, reference, None
    return None, "account_external_id", ImportProblem(row, "account_external_id", "No account given.")


def _account_of(session: AccountImportSession, item: ContactImportRow) -> tuple[Account | None, ImportProblem | None]:
    account, reference, problem = account_of_row(session, item.row, (item.account_external_id,), item.account_name)
    if account is None:
        return None, problem
    refusal = session.changeable.get(account.pk)
    if refusal is None:
        refusal = session.changeable[account.pk] = refusal_of(session, account)
    if refusal:
        return None, ImportProblem(item.row, reference, refusal)
    return account, None


def _contact_values(session: AccountImportSession, item: ContactImportRow) -> dict[str, Any]:
    if not item.external_id:
        raise ValidationError({"external_id": "Every imported record needs its record id."})
    if not item.data.keys() <= _CONTACT_IMPORT_SET:
        unknown = sorted(set(item.data) - _CONTACT_IMPORT_SET)
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = _clean_contact_data(item.data)
    data.setdefault("last_name", "")  # required: blank is refused like full_clean does
    data["external_id"] = item.external_id
    errors = field_errors(Contact, data, _CONTACT_NAME_RULE)
    if errors:
        raise ValidationError(errors)
    data.update(source=session.source, created_at=session.now, updated_at=session.now)
    return data
