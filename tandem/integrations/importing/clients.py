"""Account and contact imports from Salesforce and HubSpot exports.

Each importer declares its target fields with alias lists (API names and labels of both
vendors; see docs/imports.md), cleans one row into typed values or a list of
``(column, message)`` errors, and writes a batch: new rows inserted, existing rows (same
source and record id) updated only where a value changed, one audit entry per created or
changed record, all in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Account, AccountStatusChange, Contact, Lifecycle
from tandem.clients.policies import account_edit_q
from tandem.clients.services.accounts import normalise_domain
from tandem.clients.services.rules import cadence_days_by_tier, check_in_due
from tandem.core import audit, bulk, search
from tandem.core.models import AuditAction
from tandem.core.permissions import is_admin
from tandem.core.roles import Role
from tandem.integrations.importing.files import FileRejected
from tandem.integrations.importing.mapping import TargetField
from tandem.integrations.importing.values import (
    CellError,
    parse_bool,
    parse_decimal,
    parse_email,
    parse_int,
    parse_text,
    parse_url,
)
from tandem.people.models import User

RowErrors = list[tuple[str, str]]


@dataclass
class ImportContext:
    """What an import run knows beyond one row: the actor, the source, owner look-ups."""

    actor: Any
    source: str
    mapping: dict[str, str]
    now: dt.datetime = field(default_factory=timezone.now)
    owners_by_key: dict[str, int] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    cadence: dict[str, int] = field(default_factory=dict)
    # Record ids of this source already in Tandem when the import started (read once;
    # a batch then loads only the records it will update).
    existing_ids: set[str] | None = None
    # Accounts by record id, looked up once per import rather than once per batch.
    account_ids: dict[str, int] = field(default_factory=dict)

    def column(self, name: str) -> str:
        return self.mapping.get(name, name)


def load_owners() -> dict[str, int]:
    """Active account managers and admins by lower-cased e-mail and full name."""
    owners: dict[str, int] = {}
    rows = (
        User.objects.filter(is_active=True, role_assignments__role__in=[Role.ACCOUNT_MANAGER, Role.ADMIN])
        .values_list("pk", "email", "full_name")
        .distinct()
    )
    for pk, email, full_name in rows:
        owners.setdefault(email.lower(), pk)
        owners.setdefault(full_name.strip().lower(), pk)
    return owners


def _owner_id(context: ImportContext, raw: str, row_number: int) -> int | None:
    """The owner named in the file, else the importing account manager."""
    key = raw.strip().lower()
    if key and key in context.owners_by_key:
        return context.owners_by_key[key]
    actor = context.actor
    fallback = actor.pk if actor is not None and Role.ACCOUNT_MANAGER in actor.roles else None
    if key:
        context.warnings.append({"row": row_number, "column": context.column("owner"),
                                 "message": f"owner {raw.strip()!r} is not an account manager here; "
                                            + ("assigned to you" if fallback else "left without owner")})
    return fallback


def lifecycle_from(value: str) -> str:
    text = value.strip().lower()
    if not text:
        return Lifecycle.PROSPECT
    if any(word in text for word in ("former", "churn", "lost", "inactive")):
        return Lifecycle.CHURNED
    if "customer" in text or text in {"evangelist", "client", "active"}:
        return Lifecycle.ACTIVE
    return Lifecycle.PROSPECT


class _Importer:
    model: type[Any]
    fields: tuple[TargetField, ...]
    compare_fields: tuple[str, ...]

    def prepare(self, context: ImportContext) -> None:
        context.owners_by_key = load_owners()
        context.cadence = cadence_days_by_tier()

    parsers: tuple[tuple[str, Callable[[str], Any]], ...]

    def parse_cells(self, context: ImportContext, values: dict[str, str]) -> tuple[dict[str, Any], RowErrors]:
        """Each mapped cell through its field's parser: the typed values and the
        ``(column, message)`` of every cell that does not parse."""
        result: dict[str, Any] = {}
        errors: RowErrors = []
        mapping = context.mapping
        for name, parser in self.parsers:
            if name in mapping:
                try:
                    result[name] = parser(values.get(name) or "")
                except CellError as exc:
                    errors.append((mapping[name], str(exc)))
        return result, errors

    @staticmethod
    def _cell(values: dict[str, str], name: str) -> str:
        return values.get(name, "") or ""

    def _existing(self, context: ImportContext, external_ids: Iterable[str]) -> dict[str, Any]:
        rows = self.model.objects.filter(source=context.source, external_id__in=list(external_ids))
        return {row.external_id: row for row in rows}

    def clean(self, context: ImportContext, values: dict[str, str], row_number: int) -> tuple[dict[str, Any] | None, RowErrors]:
        """Typed values of one row, or the ``(column, message)`` problems (no database)."""
        raise NotImplementedError

    def resolve(self, context: ImportContext, rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[int, dict[str, Any]]], RowErrorsByRow]:
        """Database checks of a batch (reads only): returns the rows ready to write and
        the row errors (missing accounts, records the actor may not change)."""
        raise NotImplementedError

    def build(self, context: ImportContext, values: dict[str, Any]) -> dict[str, Any]:
        """The column values of a new record (the rest take their defaults)."""
        raise NotImplementedError

    def write(self, context: ImportContext, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int, int]:
        """Insert new records and update changed ones (rows already resolved), with one
        audit entry per created or changed record; their search entries are queued."""
        if context.existing_ids is None:
            context.existing_ids = set(
                self.model.objects.filter(source=context.source).values_list("external_id", flat=True).iterator(chunk_size=20_000)
            )
        known = [values["external_id"] for _, values in rows if values["external_id"] in context.existing_ids]
        existing = self._existing(context, known) if known else {}
        new_rows: list[dict[str, Any]] = []
        changed: list[tuple[Any, dict[str, list[Any]]]] = []
        unchanged = 0
        for _row_number, values in rows:
            current = existing.get(values["external_id"])
            if current is None:
                new_rows.append(self.build(context, values))
                continue
            before = audit.snapshot(current)
            for name in self.compare_fields:
                if name in values:
                    setattr(current, name, values[name])
            diff = audit.diff(before, audit.snapshot(current))
            if diff:
                current.version += 1
                current.updated_at = context.now
                changed.append((current, diff))
            else:
                unchanged += 1
        columns, values_list = bulk.complete_rows(self.model, new_rows)
        created = bulk.insert_rows(self.model, columns, values_list)
        if changed:
            self.model.objects.bulk_update([obj for obj, _ in changed], [*self.compare_fields, "version", "updated_at"], batch_size=500)
        self.after_write(context, created, changed)
        audit.record_created_many(actor=context.actor, instances=created)
        audit.record_many(actor=context.actor, action=AuditAction.UPDATE, entries=changed)
        # The global search catches up in the background (the worker), after commit.
        search.index_later(self.model, [obj.pk for obj in created] + [obj.pk for obj, _ in changed])
        return len(created), len(changed), unchanged

    def after_write(self, context: ImportContext, created: list[Any], changed: list[tuple[Any, dict[str, list[Any]]]]) -> None:
        return None


RowErrorsByRow = list[tuple[int, str, str]]


class AccountImporter(_Importer):
    model = Account
    fields = (
        TargetField("external_id", "Record id", ("Id", "Account ID", "Record ID", "Company ID", "hs_object_id", "Record ID - Company"), required=True),
        TargetField("name", "Name", ("Name", "Account Name", "Company name", "Company"), required=True, distinctive=True),
        TargetField("industry", "Industry", ("Industry",), distinctive=True),
        TargetField("website", "Website", ("Website", "Website URL", "Company Website"), distinctive=True),
        TargetField("domain", "Domain", ("Company Domain Name", "Domain", "Domain Name"), distinctive=True),
        TargetField("phone", "Phone", ("Phone", "Phone Number", "Account Phone", "Company Phone")),
        TargetField("city", "City", ("BillingCity", "Billing City", "City", "ShippingCity")),
        TargetField("country", "Country", ("BillingCountry", "Billing Country", "Country/Region", "Country", "ShippingCountry")),
        TargetField("employee_count", "Employees", ("NumberOfEmployees", "Employees", "Number of Employees"), distinctive=True),
        TargetField("annual_revenue", "Annual revenue", ("AnnualRevenue", "Annual Revenue"), distinctive=True),
        TargetField("description", "Description", ("Description", "About Us", "Company Description")),
        TargetField("owner", "Owner", ("Owner Email", "Account Owner Email", "Account Owner", "Company owner", "Owner", "OwnerId", "HubSpot Owner")),
        TargetField("lifecycle", "Type / lifecycle", ("Type", "Account Type", "Lifecycle Stage", "Company Type")),
    )
    parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
        ("external_id", partial(parse_text, max_length=64)),
        ("name", partial(parse_text, max_length=200)),
        ("industry", partial(parse_text, max_length=100)),
        ("website", parse_url),
        ("domain", partial(parse_text, max_length=253)),
        ("phone", partial(parse_text, max_length=50)),
        ("city", partial(parse_text, max_length=100)),
        ("country", partial(parse_text, max_length=100)),
        ("employee_count", parse_int),
        ("annual_revenue", partial(parse_decimal, max_digits=16)),
        ("description", partial(parse_text, max_length=20000)),
    )
    compare_fields = ("name", "industry", "website", "domain", "phone", "city", "country", "employee_count",
                      "annual_revenue", "description")

    def clean(self, context: ImportContext, values: dict[str, str], row_number: int) -> tuple[dict[str, Any] | None, RowErrors]:
        result, errors = self.parse_cells(context, values)
        if not result.get("external_id"):
            errors.append((context.column("external_id"), "record id is empty"))
        if not result.get("name"):
            errors.append((context.column("name"), "name is empty"))
        if errors:
            return None, errors
        if result.get("domain"):
            result["domain"] = normalise_domain(result["domain"])
        elif result.get("website"):
            result["domain"] = normalise_domain(result["website"])
        result["owner_id"] = _owner_id(context, self._cell(values, "owner"), row_number) if "owner" in context.mapping else (
            context.actor.pk if context.actor is not None and Role.ACCOUNT_MANAGER in context.actor.roles else None)
        result["lifecycle"] = lifecycle_from(self._cell(values, "lifecycle"))
        return result, []

    def resolve(self, context: ImportContext, rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[int, dict[str, Any]]], RowErrorsByRow]:
        if context.actor is None or is_admin(context.actor):
            return rows, []
        ids = [values["external_id"] for _, values in rows]
        existing = set(
            Account.objects.filter(source=context.source, external_id__in=ids).values_list("external_id", flat=True)
        )
        editable = set(
            Account.objects.filter(account_edit_q(context.actor), source=context.source, external_id__in=ids)
            .values_list("external_id", flat=True)
        )
        problems = [
            (row_number, context.column("external_id"), "this account exists in Tandem and you may not change it")
            for row_number, values in rows
            if values["external_id"] in existing and values["external_id"] not in editable
        ]
        return [row for row in rows if row[1]["external_id"] not in existing or row[1]["external_id"] in editable], problems

    def build(self, context: ImportContext, values: dict[str, Any]) -> dict[str, Any]:
        lifecycle = values["lifecycle"]
        row = {
            "source": context.source, "external_id": values["external_id"], "owner_id": values["owner_id"],
            "lifecycle": lifecycle, "lifecycle_changed_at": context.now, "created_at": context.now,
            "updated_at": context.now,
            "customer_since": context.now.date() if lifecycle == Lifecycle.ACTIVE else None,
            "churned_on": context.now.date() if lifecycle == Lifecycle.CHURNED else None,
            **{name: values.get(name) if values.get(name) is not None else _blank(name) for name in self.compare_fields},
        }
        row["check_in_due_at"] = check_in_due(Account(**row), context.cadence)
        return row

    def after_write(self, context: ImportContext, created: list[Any], changed: list[tuple[Any, dict[str, list[Any]]]]) -> None:
        actor_id = context.actor.pk if context.actor is not None else None
        AccountStatusChange.objects.bulk_create(
            [AccountStatusChange(account=account, from_status="", to_status=account.lifecycle, changed_at=context.now,
                                 changed_by_id=actor_id, reason="imported") for account in created],
            batch_size=1000,
        )


_NULLABLE = {"employee_count", "annual_revenue"}


def _blank(name: str) -> Any:
    return None if name in _NULLABLE else ""


class ContactImporter(_Importer):
    model = Contact
    fields = (
        TargetField("external_id", "Record id", ("Id", "Contact ID", "Record ID", "hs_object_id", "Record ID - Contact"), required=True),
        TargetField("account_external_id", "Account record id", ("AccountId", "Account ID", "Associated Company IDs", "Associated Company ID", "Company ID", "Associated Company IDs (Primary)"), distinctive=True),
        TargetField("account_name", "Account name", ("Account Name", "Company Name", "Associated Company", "Company")),
        TargetField("first_name", "First name", ("FirstName", "First Name", "Given Name"), distinctive=True),
        TargetField("last_name", "Last name", ("LastName", "Last Name", "Surname", "Family Name"), distinctive=True),
        TargetField("full_name", "Full name", ("Full Name", "Contact Name", "Name")),
        TargetField("email", "E-mail", ("Email", "Email Address", "E-mail", "Work Email"), distinctive=True),
        TargetField("phone", "Phone", ("Phone", "Phone Number", "Business Phone", "Work Phone")),
        TargetField("mobile", "Mobile", ("MobilePhone", "Mobile", "Mobile Phone", "Mobile Phone Number")),
        TargetField("job_title", "Job title", ("Title", "Job Title"), distinctive=True),
        TargetField("department", "Department", ("Department",)),
        TargetField("email_opt_out", "E-mail opt-out", ("HasOptedOutOfEmail", "Email Opt Out", "Unsubscribed from all email", "Opted out of all email", "Opted Out Of Email")),
        TargetField("do_not_call", "Do not call", ("DoNotCall", "Do Not Call")),
    )
    parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
        ("external_id", partial(parse_text, max_length=64)),
        ("first_name", partial(parse_text, max_length=100)),
        ("last_name", partial(parse_text, max_length=100)),
        ("email", parse_email),
        ("phone", partial(parse_text, max_length=50)),
        ("mobile", partial(parse_text, max_length=50)),
        ("job_title", partial(parse_text, max_length=150)),
        ("department", partial(parse_text, max_length=100)),
        ("email_opt_out", parse_bool),
        ("do_not_call", parse_bool),
    )
    compare_fields = ("account_id", "first_name", "last_name", "email", "phone", "mobile", "job_title", "department",
                      "email_opt_out", "do_not_call")

    def prepare(self, context: ImportContext) -> None:
        super().prepare(context)
        if "account_external_id" not in context.mapping and "account_name" not in context.mapping:
            raise FileRejected("The file has no account column (AccountId, Associated Company IDs or Company Name).")

    def clean(self, context: ImportContext, values: dict[str, str], row_number: int) -> tuple[dict[str, Any] | None, RowErrors]:
        result, errors = self.parse_cells(context, values)
        account_ref = self._cell(values, "account_external_id").strip()
        # HubSpot lists several associated companies separated by ";": the first is primary.
        result["account_external_id"] = account_ref.split(";")[0].strip()
        result["account_name"] = self._cell(values, "account_name").strip()
        if not result.get("last_name") and "full_name" in context.mapping:
            full = self._cell(values, "full_name").strip()
            first, _, last = full.rpartition(" ")
            result.setdefault("first_name", first)
            result["first_name"] = result.get("first_name") or first
            result["last_name"] = last
        if not result.get("external_id"):
            errors.append((context.column("external_id"), "record id is empty"))
        if not result.get("last_name"):
            errors.append((context.column("last_name"), "last name is empty"))
        if not result["account_external_id"] and not result["account_name"]:
            errors.append((context.column("account_external_id"), "no account given"))
        if errors:
            return None, errors
        return result, []

    def resolve(self, context: ImportContext, rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[int, dict[str, Any]]], RowErrorsByRow]:
        referenced = {v["account_external_id"] for _, v in rows if v["account_external_id"]}
        wanted = referenced - context.account_ids.keys()
        if wanted:
            found = Account.objects.filter(source=context.source, external_id__in=wanted).values_list("external_id", "pk")
            context.account_ids.update((str(external_id), pk) for external_id, pk in found)
        by_external = context.account_ids
        names = {v["account_name"].lower() for _, v in rows if not v["account_external_id"] and v["account_name"]}
        by_name: dict[str, int | None] = {}
        if names:
            for pk, name in Account.objects.filter(Q(name__in={v["account_name"] for _, v in rows})).values_list("pk", "name"):
                key = name.lower()
                by_name[key] = None if key in by_name else pk  # None: ambiguous
        editable: set[int] | None = None
        if context.actor is not None and not is_admin(context.actor):
            editable = set(Account.objects.filter(account_edit_q(context.actor)).filter(
                pk__in={by_external[ref] for ref in referenced if ref in by_external} | {pk for pk in by_name.values() if pk})
                .values_list("pk", flat=True))
        resolved: list[tuple[int, dict[str, Any]]] = []
        problems: RowErrorsByRow = []
        for row_number, values in rows:
            if values["account_external_id"]:
                account_id = by_external.get(values["account_external_id"])
                if account_id is None:
                    problems.append((row_number, context.column("account_external_id"),
                                     f"no {context.source} account with id {values['account_external_id']!r} has been imported"))
                    continue
            else:
                account_id = by_name.get(values["account_name"].lower())
                if account_id is None:
                    message = ("several accounts have this name" if values["account_name"].lower() in by_name
                               else f"no account named {values['account_name']!r}")
                    problems.append((row_number, context.column("account_name"), message))
                    continue
            if editable is not None and account_id not in editable:
                problems.append((row_number, context.column("account_external_id"), "you may not change this account"))
                continue
            values = {k: v for k, v in values.items() if k not in {"account_external_id", "account_name"}}
            values["account_id"] = account_id
            resolved.append((row_number, values))
        return resolved, problems

    def build(self, context: ImportContext, values: dict[str, Any]) -> dict[str, Any]:
        row = {name: values.get(name) if values.get(name) is not None else (False if name in {"email_opt_out", "do_not_call"} else "")
               for name in self.compare_fields}
        row.update(source=context.source, external_id=values["external_id"], created_at=context.now, updated_at=context.now)
        return row


IMPORTERS: dict[str, _Importer] = {"accounts": AccountImporter(), "contacts": ContactImporter()}
