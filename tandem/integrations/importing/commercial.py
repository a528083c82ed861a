"""Opportunity imports from Salesforce (Data Loader / Data Export and report exports) and
HubSpot deal exports: the file side.

The importer recognises the columns of the three shapes (API names, possibly upper-case;
report labels; HubSpot property labels), turns each row's cells into typed values and
translates the vendors' words: stage names and HubSpot's internal stage ids into the
names of Tandem's default stages, ``IsWon`` / ``IsClosed`` (or a closed stage) into won /
lost, Salesforce's opportunity types and forecast categories into Tandem's, the owner
named in the file into a user. What may be written is decided by the commercial app's
bulk service (:func:`tandem.commercial.services.imports.opportunities_import`), under the
rules of ``opportunity_create``. Every problem names the file's column header.

Salesforce record ids come in a 15-character (case-sensitive) and an 18-character
(case-safe) form; an opportunity's id is kept in the 18-character form, and its account
is looked up under both forms, whichever the accounts were imported with. Report
exports carry no record ids: an opportunity is then known by its account and name
(``rpt-`` and a digest of both), which keeps re-importing the same report idempotent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from typing import Any

from tandem.commercial.models import ForecastCategory, Opportunity, OpportunityType, StageOutcome
from tandem.commercial.services.imports import (
    OpportunityImportRow,
    opportunities_import,
    opportunity_import_session,
)
from tandem.core.roles import Role
from tandem.integrations.importing.clients import ImportContext, RowErrors, _Importer, load_owners
from tandem.integrations.importing.files import MAX_CELL_CHARS, FileRejected
from tandem.integrations.importing.mapping import TargetField, normalise_header
from tandem.integrations.importing.values import (
    CellError,
    TextCell,
    memoised,
    parse_bool,
    parse_decimal,
)

_text = TextCell(MAX_CELL_CHARS)
_yes_no = memoised(parse_bool)  # a yes/no column holds a few texts

# Stage words of both vendors (normalised) → (Tandem's default stage, outcome they imply).
# HubSpot's default pipeline ("default", "Sales Pipeline"): internal ids and labels fold
# to the same keys. Salesforce: the standard StageName picklist.
STAGE_WORDS: dict[str, tuple[str, str]] = {
    "appointmentscheduled": ("Qualification", ""),
    "qualifiedtobuy": ("Discovery", ""),
    "presentationscheduled": ("Proposal", ""),
    "decisionmakerboughtin": ("Negotiation", ""),
    "contractsent": ("Negotiation", ""),
    "closedwon": ("Closed won", StageOutcome.WON),
    "closedlost": ("Closed lost", StageOutcome.LOST),
    "prospecting": ("Qualification", ""),
    "qualification": ("Qualification", ""),
    "needsanalysis": ("Discovery", ""),
    "valueproposition": ("Discovery", ""),
    "iddecisionmakers": ("Discovery", ""),
    "perceptionanalysis": ("Proposal", ""),
    "proposalpricequote": ("Proposal", ""),
    "negotiationreview": ("Negotiation", ""),
}

# Salesforce Type / HubSpot Deal Type (normalised) → opportunity type.
TYPE_WORDS: dict[str, str] = {
    "newbusiness": OpportunityType.NEW, "newcustomer": OpportunityType.NEW, "new": OpportunityType.NEW,
    "existingcustomerupgrade": OpportunityType.UPSELL, "upgrade": OpportunityType.UPSELL,
    "upsell": OpportunityType.UPSELL, "expansion": OpportunityType.UPSELL,
    "existingbusiness": OpportunityType.UPSELL,
    "crosssell": OpportunityType.CROSS_SELL, "existingcustomercrosssell": OpportunityType.CROSS_SELL,
    "renewal": OpportunityType.RENEWAL, "existingcustomerrenewal": OpportunityType.RENEWAL,
    "existingcustomerreplacement": OpportunityType.RENEWAL, "existingcustomerdowngrade": OpportunityType.RENEWAL,
}

# Salesforce ForecastCategoryName / HubSpot forecast category (normalised).
FORECAST_WORDS: dict[str, str] = {
    "pipeline": ForecastCategory.PIPELINE, "bestcase": ForecastCategory.BEST_CASE,
    "commit": ForecastCategory.COMMIT, "closed": ForecastCategory.CLOSED, "closedwon": ForecastCategory.CLOSED,
    "omitted": ForecastCategory.OMITTED, "notforecasted": ForecastCategory.OMITTED,
}

_SALESFORCE_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$")
_CHECKSUM_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_CAPITAL_BITS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "1" * 26 + "0" * 36
)


def salesforce_id_18(value: str) -> str:
    """The 18-character (case-safe) form of a 15- or 18-character Salesforce id: each
    suffix letter encodes which of five characters are capitals. Anything else is
    returned as it is."""
    if not _SALESFORCE_ID.match(value):
        return value
    base = value[:15]
    capitals = base.translate(_CAPITAL_BITS)  # "1" for each capital, "0" for the rest
    # Each suffix character: bit i set when character i of its five is a capital.
    suffix = "".join(_CHECKSUM_CHARS[int(capitals[start : start + 5][::-1], 2)] for start in (0, 5, 10))
    if len(value) == 18 and value[15:] != suffix:
        return value  # not a Salesforce id after all
    return base + suffix


@lru_cache(maxsize=10_000)  # a file names each account on many rows
def salesforce_id_forms(value: str) -> tuple[str, ...]:
    """The forms an account's Salesforce id may have been imported under: as written,
    then its 18- or 15-character form."""
    full = salesforce_id_18(value)
    if full == value and len(value) != 18:
        return (value,)
    return tuple(dict.fromkeys((value, full, full[:15])))


_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DATE_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?:[ ,].*)?$")
_DATE_DOT = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?:[ ,].*)?$")


def parse_date(value: str) -> dt.date | None:
    """``2026-03-31`` (also with a time, as HubSpot writes it), ``31.03.2026`` and
    ``3/31/2026``: a slash date is month first (Salesforce's default report locale)
    unless its first number cannot be a month."""
    text = value.strip()
    if not text:
        return None
    try:
        if match := _DATE_ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
        elif match := _DATE_DOT.match(text):
            day, month, year = (int(part) for part in match.groups())
        elif match := _DATE_SLASH.match(text):
            first, second, year = (int(part) for part in match.groups())
            month, day = (second, first) if first > 12 else (first, second)
        else:
            raise CellError(f"{text!r} is not a date (write 2026-03-31)")
        if year < 100:
            year += 2000
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"{text!r} is not a date (write 2026-03-31)") from exc


def parse_probability(value: str) -> int | None:
    """``40``, ``40%``, ``40.0`` or HubSpot's fraction ``0.4``: a whole percentage 0–100."""
    text = value.strip()
    number = parse_decimal(text, places=4, max_digits=10)
    if number is None:
        return None
    if "%" not in text and "." in text and 0 < number < 1:
        number *= 100
    result = int(number.to_integral_value())
    if not 0 <= result <= 100:
        raise CellError(f"{text!r} is not a probability (0–100 %)")
    return result


def _words(table: dict[str, str], what: str) -> Callable[[str], str | None]:
    folded: dict[str, str | None] = {}  # a column holds few distinct words: fold each once

    def parse(value: str) -> str | None:
        text = value.strip()
        if not text:
            return None
        found = folded.get(text)
        if found is None:
            found = table.get(normalise_header(text))
            if len(folded) < 10_000:
                folded[text] = found
        if found is None:
            raise CellError(f"{text!r} is not a known {what}")
        return found

    return parse


_CURRENCY_IN_AMOUNT = re.compile(r"\b([A-Z]{3})\b")


def parse_currency(value: str) -> str | None:
    text = value.strip().upper()
    return text or None


_STAGE_NAMES: dict[str, tuple[tuple[str, ...], str]] = {}  # a file holds few stage words


class OpportunityImporter(_Importer):
    model = Opportunity
    fields = (
        TargetField("external_id", "Record id", ("Id", "Opportunity ID", "Opportunity Id", "Record ID", "Deal ID", "hs_object_id", "Record ID - Deal")),
        TargetField("account_external_id", "Account record id", ("AccountId", "Account ID", "Associated Company IDs", "Associated Company ID", "Company ID", "Associated Company IDs (Primary)"), distinctive=True),
        TargetField("account_name", "Account name", ("Account Name", "Account", "Associated Company", "Company Name", "Company")),
        TargetField("name", "Name", ("Name", "Opportunity Name", "Deal Name", "dealname"), required=True, distinctive=True),
        TargetField("stage", "Stage", ("StageName", "Stage", "Deal Stage", "dealstage", "Opportunity Stage"), required=True, distinctive=True),
        TargetField("amount", "Amount", ("Amount", "Deal Amount", "Opportunity Amount", "Total Price", "amount_in_home_currency")),
        TargetField("currency", "Currency", ("CurrencyIsoCode", "Opportunity Currency", "Currency", "Deal Currency Code", "deal_currency_code", "Amount Currency")),
        TargetField("probability", "Probability", ("Probability", "Probability (%)", "Deal probability", "hs_deal_stage_probability"), distinctive=True),
        TargetField("expected_close_date", "Close date", ("CloseDate", "Close Date", "closedate", "Expected Close Date"), required=True, distinctive=True),
        TargetField("type", "Type", ("Type", "Opportunity Type", "Deal Type", "dealtype")),
        TargetField("forecast_category", "Forecast category", ("ForecastCategoryName", "Forecast Category", "ForecastCategory", "hs_manual_forecast_category"), distinctive=True),
        TargetField("is_won", "Won", ("IsWon", "Won")),
        TargetField("is_closed", "Closed", ("IsClosed", "Closed")),
        TargetField("owner", "Owner", ("Owner Email", "Opportunity Owner Email", "Opportunity Owner", "Deal owner", "Owner", "OwnerId", "HubSpot Owner", "hubspot_owner_id")),
        TargetField("next_step", "Next step", ("NextStep", "Next Step", "hs_next_step")),
        TargetField("lost_reason", "Lost reason", ("Closed Lost Reason", "Lost Reason", "Loss Reason", "Loss_Reason__c", "Reason Lost", "closed_lost_reason")),
        TargetField("description", "Description", ("Description", "Deal Description", "Opportunity Description")),
        TargetField("pipeline", "Pipeline", ("Pipeline",), distinctive=True),
    )
    parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
        ("external_id", _text),
        ("name", _text),
        ("amount", memoised(partial(parse_decimal, max_digits=16))),
        ("currency", memoised(parse_currency)),
        ("probability", memoised(parse_probability)),
        ("expected_close_date", memoised(parse_date)),
        ("type", memoised(_words(TYPE_WORDS, "opportunity type (New Business, Existing Customer - Upgrade, Renewal…)"))),
        ("forecast_category", memoised(_words(FORECAST_WORDS, "forecast category (Pipeline, Best Case, Commit, Closed, Omitted)"))),
        ("is_won", _yes_no),
        ("is_closed", _yes_no),
        ("next_step", _text),
        ("lost_reason", _text),
        ("description", _text),
    )

    def prepare(self, context: ImportContext) -> None:
        context.labels = {target.name: target.label for target in self.fields}
        context.session = opportunity_import_session(actor=context.actor, source=context.source)
        context.owners_by_key = load_owners()
        if "account_external_id" not in context.mapping and "account_name" not in context.mapping:
            raise FileRejected("The file has no account column (AccountId, Associated Company IDs or Account Name).")

    def clean(self, context: ImportContext, values: dict[str, str], row_number: int) -> tuple[Any, RowErrors]:
        result, errors = self.parse_cells(context, values)
        is_won, is_closed = result.pop("is_won", None), result.pop("is_closed", None)
        if is_won and is_closed is False:
            errors.append((context.mapping["is_won"], "the opportunity is won but not closed (IsClosed is false)"))
        if errors:
            return None, errors
        salesforce = context.source == "salesforce"
        stage_text = self._cell(values, "stage").strip()
        stage_names, stage_outcome = self._stage_names(stage_text)
        outcome = self._outcome(is_won, is_closed, "is_won" in context.mapping) or stage_outcome
        close_date = result.get("expected_close_date")
        # HubSpot lists several associated companies separated by ";": the first is primary.
        first_account = (values.get("account_external_id") or "").split(";", 1)[0].strip()
        account_ids: tuple[str, ...] = (first_account,) if first_account else ()
        if salesforce and first_account:
            account_ids = salesforce_id_forms(first_account)
        account_name = self._cell(values, "account_name").strip()
        external_id = result.pop("external_id", "") or ""
        if salesforce:
            external_id = salesforce_id_18(external_id)
        if not external_id:
            external_id = self._report_id(account_ids[0] if account_ids else account_name, result.get("name") or "")
        if result.get("currency") is None:
            result.pop("currency", None)
            code = _CURRENCY_IN_AMOUNT.search(self._cell(values, "amount"))
            if code:  # report exports write "EUR 12,000.00"
                result["currency"] = code.group(1)
        for name in ("amount", "probability", "forecast_category", "type", "expected_close_date"):
            if result.get(name) is None:
                result.pop(name, None)
        if "owner" in context.mapping:
            owner = self._owner(context, self._cell(values, "owner"), row_number)
            if owner is not None:
                result["owner"] = owner
        return OpportunityImportRow(
            row=row_number, external_id=external_id, data=result, stage_names=stage_names, outcome=outcome,
            closed_on=close_date if outcome in (StageOutcome.WON, StageOutcome.LOST) else None,
            account_external_ids=account_ids, account_name=account_name,
        ), []

    @staticmethod
    def _stage_names(text: str) -> tuple[tuple[str, ...], str]:
        """The names to try for a stage cell, and the outcome its words imply: the text,
        without a trailing "(pipeline)", then the Tandem default stage it stands for."""
        found = _STAGE_NAMES.get(text)
        if found is None:
            found = OpportunityImporter._stage_names_of(text)
            if len(_STAGE_NAMES) < 10_000:
                _STAGE_NAMES[text] = found
        return found

    @staticmethod
    def _stage_names_of(text: str) -> tuple[tuple[str, ...], str]:
        names = [text]
        bare = re.sub(r"\s*\([^)]*\)$", "", text)
        names.append(bare)
        default, outcome = STAGE_WORDS.get(normalise_header(bare), ("", ""))
        names.append(default)
        return tuple(dict.fromkeys(name for name in names if name)), outcome

    @staticmethod
    def _outcome(is_won: bool | None, is_closed: bool | None, has_won_column: bool) -> str:
        if is_won:
            return StageOutcome.WON
        if is_closed is False:
            return StageOutcome.OPEN
        if is_closed and has_won_column:
            return StageOutcome.LOST
        return ""

    @staticmethod
    def _report_id(account: str, name: str) -> str:
        """A stable record id for an exported row without one: its account and name."""
        digest = hashlib.sha256(f"{account.strip().lower()}\x1f{name.strip().lower()}".encode()).hexdigest()
        return f"rpt-{digest[:32]}"

    @staticmethod
    def _owner(context: ImportContext, raw: str, row_number: int) -> Any:
        """The owner named in the file; an unknown one is a warning, and the opportunity
        then gets ``opportunity_create``'s default owner."""
        key = raw.strip().lower()
        if key in context.owners_by_key:
            return context.owners_by_key[key]
        if key:
            actor = context.actor
            fallback = actor is not None and Role.ACCOUNT_MANAGER in actor.roles
            context.warnings.append({"row": row_number, "column": context.column("owner"),
                                     "message": f"owner {raw.strip()!r} is not an account manager here; "
                                                + ("assigned to you" if fallback else "given to the account's owner")})
        return None

    def _service(self, context: ImportContext, rows: Sequence[Any], dry_run: bool) -> Any:
        return opportunities_import(actor=context.actor, rows=rows, session=context.session,  # type: ignore[arg-type]
                                    dry_run=dry_run)


OPPORTUNITY_IMPORTERS: dict[str, _Importer] = {"opportunities": OpportunityImporter()}
