"""Account and contact imports from Salesforce and HubSpot exports: the file side.

Each importer declares its target fields with alias lists (API names and labels of both
vendors; see docs/imports.md), turns one row's cells into typed values (numbers, yes/no,
the owner named in the file, the lifecycle its type column implies) or a list of
``(column, message)`` problems, and hands batches to the clients app's bulk services
(:mod:`tandem.clients.services.imports`), which decide what may be written under the
same rules as the single-record services, and write it. Every problem names the file's
column header, never an internal field name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tandem.clients.models import Account, Contact, Lifecycle
from tandem.clients.services.imports import (
    AccountImportRow,
    AccountImportSession,
    ContactImportRow,
    ImportOutcome,
    accounts_import,
    contacts_import,
    import_session,
)
from tandem.core.roles import Role
from tandem.integrations.importing.files import MAX_CELL_CHARS, FileRejected
from tandem.integrations.importing.mapping import TargetField
from tandem.integrations.importing.values import (
    CellError,
    Memoised,
    Refusal,
    TextCell,
    memoised,
    parse_bool,
    parse_decimal,
    parse_int,
    parse_url,
)
from tandem.people.models import User

RowErrors = list[tuple[str, str]]
RowErrorsByRow = list[tuple[int, str, str]]
ImportRow = AccountImportRow | ContactImportRow
_text = TextCell(MAX_CELL_CHARS)
_yes_no = memoised(parse_bool)  # a yes/no column holds a few texts

# A problem about a field the file did not map is about the column it came from.
_FALLBACK_COLUMNS: dict[str, tuple[str, ...]] = {
    "domain": ("website",),
    "account_external_id": ("account_name",),
    "account_name": ("account_external_id",),
    "first_name": ("full_name",),
    "last_name": ("full_name",),
}


@dataclass
class ImportContext:
    """What an import run knows beyond one row: the actor, the source, the mapping,
    owner look-ups and the clients service session."""

    actor: Any
    source: str
    mapping: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)
    owners_by_key: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    session: AccountImportSession | None = None
    # Rows refused while writing (their check passed, then something changed).
    late_errors: RowErrorsByRow = field(default_factory=list)
    # (field, parser, column header, the parser's cache or None, its text limit or -1)
    # of each mapped field that has a parser.
    cell_parsers: list[tuple[str, Callable[[str], Any], str, dict[str, Any] | None, int]] | None = None

    def column(self, name: str) -> str:
        """The file's header for a Tandem field (or for the column it was derived from)."""
        for candidate in (name, *_FALLBACK_COLUMNS.get(name, ())):
            if self.mapping.get(candidate):
                return self.mapping[candidate]
        return self.labels.get(name, name)


def load_owners() -> dict[str, Any]:
    """Active account managers and admins by lower-cased e-mail and full name (with
    their roles and team loaded: the owner rules read them)."""
    owners: dict[str, Any] = {}
    users = (
        User.objects.filter(is_active=True, role_assignments__role__in=[Role.ACCOUNT_MANAGER, Role.ADMIN])
        .select_related("person").prefetch_related("role_assignments").distinct().order_by("pk")
    )
    for user in users:
        owners.setdefault(user.email.lower(), user)
        owners.setdefault(user.full_name.strip().lower(), user)
    return owners


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
    parsers: tuple[tuple[str, Callable[[str], Any]], ...]

    def prepare(self, context: ImportContext) -> None:
        context.labels = {target.name: target.label for target in self.fields}
        context.session = import_session(actor=context.actor, source=context.source)

    def parse_cells(self, context: ImportContext, values: dict[str, str]) -> tuple[dict[str, Any], RowErrors]:
        """Each mapped cell through its field's parser: the typed values and the
        ``(column, message)`` of every cell that does not parse. A text a memoised
        parser has answered before is looked up, and a plain text cell within its limit
        is stripped, without a call (the parser's own answer, see ``values``); anything
        else goes through the parser."""
        plan = context.cell_parsers
        if plan is None:  # the mapped fields' parsers, once per import
            mapping = context.mapping
            plan = context.cell_parsers = [
                (name, parser, mapping[name], parser.cache if isinstance(parser, Memoised) else None,
                 parser.max_length if isinstance(parser, TextCell) else -1)
                for name, parser in self.parsers if name in mapping
            ]  # fmt: skip
        result: dict[str, Any] = {}
        errors: RowErrors = []
        get = values.get
        for name, parser, column, cache, text_limit in plan:
            value = get(name) or ""
            if cache is not None:
                found = cache.get(value, cache)
                if found is not cache and found.__class__ is not Refusal:
                    result[name] = found
                    continue
            elif text_limit >= 0:
                text = value.strip()
                if len(text) <= text_limit:
                    result[name] = text
                    continue
            try:
                result[name] = parser(value)
            except CellError as exc:
                errors.append((column, str(exc)))
        return result, errors

    @staticmethod
    def _cell(values: dict[str, str], name: str) -> str:
        return values.get(name, "") or ""

    def clean(self, context: ImportContext, values: dict[str, str], row_number: int) -> tuple[ImportRow | None, RowErrors]:
        """The row for the clients service, or the cells that do not parse (no database)."""
        raise NotImplementedError

    def _service(self, context: ImportContext, rows: Sequence[Any], dry_run: bool) -> ImportOutcome:
        raise NotImplementedError

    def check(self, context: ImportContext, rows: Sequence[ImportRow]) -> tuple[ImportOutcome, RowErrorsByRow]:
        """The service's verdict on a batch, writing nothing: counts and problems."""
        outcome = self._service(context, rows, True)
        return outcome, [(p.row, context.column(p.field), p.message) for p in outcome.problems]

    def write(self, context: ImportContext, rows: Sequence[ImportRow]) -> tuple[int, int, int]:
        """Write a checked batch through the service; (created, updated, unchanged)."""
        outcome = self._service(context, rows, False)
        context.late_errors.extend((p.row, context.column(p.field), p.message) for p in outcome.problems)
        return outcome.created, outcome.updated, outcome.unchanged


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
        ("external_id", _text),
        ("name", _text),
        ("industry", _text),
        ("website", parse_url),
        ("domain", _text),
        ("phone", _text),
        ("city", _text),
        ("country", _text),
        ("employee_count", parse_int),
        ("annual_revenue", partial(parse_decimal, max_digits=16)),
        ("description", _text),
    )

    def prepare(self, context: ImportContext) -> None:
        super().prepare(context)
        context.owners_by_key = load_owners()

    def clean(self, context: ImportContext, values: dict[str, str], row_number: int) -> tuple[ImportRow | None, RowErrors]:
        result, errors = self.parse_cells(context, values)
        if errors:
            return None, errors
        external_id = result.pop("external_id", "")
        if "owner" in context.mapping:
            owner = self._owner(context, self._cell(values, "owner"), row_number)
            if owner is not None:
                result["owner"] = owner
        lifecycle = lifecycle_from(self._cell(values, "lifecycle"))
        return AccountImportRow(row=row_number, external_id=external_id, data=result, lifecycle=lifecycle), []

    @staticmethod
    def _owner(context: ImportContext, raw: str, row_number: int) -> Any:
        """The owner named in the file; unknown names are a warning, and the account
        then gets the service's default owner (the importing account manager)."""
        key = raw.strip().lower()
        if key in context.owners_by_key:
            return context.owners_by_key[key]
        if key:
            actor = context.actor
            fallback = actor is not None and Role.ACCOUNT_MANAGER in actor.roles
            context.warnings.append({"row": row_number, "column": context.column("owner"),
                                     "message": f"owner {raw.strip()!r} is not an account manager here; "
                                                + ("assigned to you" if fallback else "left without owner")})
        return None

    def _service(self, context: ImportContext, rows: Sequence[Any], dry_run: bool) -> ImportOutcome:
        return accounts_import(actor=context.actor, rows=rows, session=context.session, dry_run=dry_run)


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
        ("external_id", _text),
        ("first_name", _text),
        ("last_name", _text),
        ("email", _text),
        ("phone", _text),
        ("mobile", _text),
        ("job_title", _text),
        ("department", _text),
        ("email_opt_out", _yes_no),
        ("do_not_call", _yes_no),
    )

    def prepare(self, context: ImportContext) -> None:
        super().prepare(context)
        if "account_external_id" not in context.mapping and "account_name" not in context.mapping:
            raise FileRejected("The file has no account column (AccountId, Associated Company IDs or Company Name).")

    def clean(self, context: ImportContext, values: dict[str, str], row_number: int) -> tuple[ImportRow | None, RowErrors]:
        result, errors = self.parse_cells(context, values)
        if errors:
            return None, errors
        # HubSpot lists several associated companies separated by ";": the first is primary.
        account_external_id = self._cell(values, "account_external_id").split(";")[0].strip()
        account_name = self._cell(values, "account_name").strip()
        if not result.get("last_name") and "full_name" in context.mapping:
            first, _, last = self._cell(values, "full_name").strip().rpartition(" ")
            result["first_name"] = result.get("first_name") or first
            result["last_name"] = last
        external_id = result.pop("external_id", "")
        return ContactImportRow(row=row_number, external_id=external_id, data=result,
                                account_external_id=account_external_id, account_name=account_name), []

    def _service(self, context: ImportContext, rows: Sequence[Any], dry_run: bool) -> ImportOutcome:
        return contacts_import(actor=context.actor, rows=rows, session=context.session, dry_run=dry_run)


IMPORTERS: dict[str, _Importer] = {"accounts": AccountImporter(), "contacts": ContactImporter()}
