"""Bulk writes of opportunities for imports (STYLE rule 12).

``opportunities_import`` takes typed rows (the importer in
``tandem.integrations.importing.commercial`` reads files, maps columns and translates
the vendors' words; it decides nothing here) and applies exactly the rules of the
single-record services, by calling the same rule helpers:

* a new opportunity: ``_require_account_change``'s rule (an account the actor may change,
  with its message) and :func:`new_opportunity_fields` (cleaning, the default owner and
  currency, who may own an opportunity, the stage's status, probability, forecast
  category and closing date, explicit probability / forecast category only while open),
  then the closing date the file gives, as ``opportunity_create`` does;
* an existing one (same source and record id): ``require_change`` on it, the amount rule
  of ``opportunity_update`` (an amount kept from lines is not overwritten), the stage
  rules of ``opportunity_move``;
* both: the model's field validation (``full_clean``'s per-field checks, with Django's
  messages) and its amount constraint.

The stage is the active stage whose name matches one of the row's stage names (case
aside), else, for a row the file marks won or lost, the first active won / lost stage
(:func:`closing_stage`); a row whose stage is found nowhere is refused. A stage that
contradicts the file's won / lost flags is refused too.

Accounts are looked up only among those the actor may see (``core.permissions.scoped``),
by record id of the same source or else by exact name (case aside): a hidden account is
answered exactly like a missing one. An import never changes the owner or the account of
an existing opportunity (a reassignment goes through its own service).

How rows are written is the fast path every import shares
(:func:`tandem.core.imports.import_batch` and ``write_rows``: multi-row INSERT or COPY,
audit entries in bulk, search entries after commit), never which rows are allowed;
accounts are found as the contacts import finds them
(:func:`tandem.clients.services.imports.load_accounts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
from tandem.clients.services.imports import AccountImportSession, account_of_row, load_accounts
from tandem.commercial.models import Opportunity, Stage, StageOutcome
from tandem.commercial.services.opportunities import closing_stage, new_opportunity_fields
from tandem.core.imports import (
    ImportOutcome,
    ImportProblem,
    cached_values,
    field_errors,
    import_batch,
    plain_text_fields,
    problems_of,
)
from tandem.core.types import Actor

__all__ = ["OpportunityImportRow", "OpportunityImportSession", "opportunities_import", "opportunity_import_session"]

OPPORTUNITY_IMPORT_FIELDS = (
    "name", "type", "amount", "currency", "expected_close_date", "owner", "next_step", "forecast_category",
    "probability", "description", "lost_reason",
)
OPPORTUNITY_COMPARE_FIELDS = (
    "name", "type", "amount", "currency", "expected_close_date", "next_step", "forecast_category", "probability",
    "description", "lost_reason", "stage", "status", "closed_on",
)
_REQUIRED = {"name": "", "expected_close_date": None}


@dataclass(frozen=True)
class OpportunityImportRow:
    """One opportunity of a file. ``data`` holds :data:`OPPORTUNITY_IMPORT_FIELDS`
    values (an ``owner`` is a user; left out, the single-record default applies).
    ``stage_names`` are tried in order against the active stages' names; ``outcome`` is
    what the file says besides the stage (``won`` / ``lost`` / ``open``, "" unknown);
    ``closed_on`` the closing date of a won or lost row. The account by record id (same
    source: the forms it may have been imported under, tried in order) or else by name."""

    row: int
    external_id: str
    data: dict[str, Any]
    stage_names: tuple[str, ...] = ()
    outcome: str = ""
    closed_on: dt.date | None = None
    account_external_ids: tuple[str, ...] = ()
    account_name: str = ""


@dataclass
class _Stages:
    by_name: dict[str, Stage] = field(default_factory=dict)
    closing: dict[str, Stage | None] = field(default_factory=dict)
    names: str = ""
    # (stage names, outcome) of a row -> the stage found for them.
    found: dict[tuple[tuple[str, ...], str], Stage] = field(default_factory=dict)


@dataclass
class OpportunityImportSession(AccountImportSession):
    """An import session that also keeps the active stages, loaded once."""

    stages: _Stages | None = None
    # (field, type, value) that passed the field checks: most columns repeat a few
    # values (stages, currencies, dates), and a value valid once is valid again.
    valid_values: set[tuple[str, type, Any]] = field(default_factory=set)


def opportunity_import_session(*, actor: Any, source: str) -> OpportunityImportSession:
    return OpportunityImportSession(actor=actor, source=source)


def _stages(session: OpportunityImportSession) -> _Stages:
    """The active stages, loaded once per import session."""
    if session.stages is None:
        stages = _Stages()
        every = list(Stage.objects.order_by("-is_active", "order", "id"))
        for stage in every:  # an inactive stage is found too: the stage rules refuse it
            stages.by_name.setdefault(stage.name.lower(), stage)
        active = [stage for stage in every if stage.is_active]
        active.sort(key=lambda stage: (stage.order, stage.id))
        for outcome in (StageOutcome.WON, StageOutcome.LOST):
            stages.closing[outcome] = next((stage for stage in active if stage.outcome == outcome), None)
        stages.names = ", ".join(stage.name for stage in active)
        session.stages = stages
    return session.stages


def _stage_of(session: OpportunityImportSession, item: OpportunityImportRow) -> Stage:
    """The row's stage (see the module docstring). Raises ``ValidationError`` on ``stage``.
    A file repeats a few stage words: each (names, outcome) found is remembered."""
    key = (item.stage_names, item.outcome)
    stages = _stages(session)
    found = stages.found.get(key)
    if found is None:
        found = _find_stage(stages, item)
        if len(stages.found) < 10_000:
            stages.found[key] = found
    return found


def _find_stage(stages: _Stages, item: OpportunityImportRow) -> Stage:
    shown = next((name for name in item.stage_names if name), "")
    for name in item.stage_names:
        stage = stages.by_name.get(name.strip().lower()) if name else None
        if stage is not None:
            if item.outcome and item.outcome != stage.outcome:
                raise ValidationError(
                    {"stage": f"The stage {shown!r} is {stage.get_outcome_display().lower()} here but the file says {item.outcome}."}
                )
            return stage
    if item.outcome in (StageOutcome.WON, StageOutcome.LOST):
        found = stages.closing.get(item.outcome)
        if found is None:
            closing_stage(item.outcome)  # raises the single-record message
        assert found is not None
        return found
    if not shown:
        raise ValidationError({"stage": "Give the stage."})
    raise ValidationError({"stage": f"No stage named {shown!r}; the stages are {stages.names}."})


# --- Accounts ------------------------------------------------------------------------------


def _account_of(session: OpportunityImportSession, item: OpportunityImportRow) -> tuple[Account | None, ImportProblem | None]:
    """The row's account, or why not (``opportunity_create``'s refusal for an account
    the actor may see but not change)."""
    account, reference, problem = account_of_row(session, item.row, item.account_external_ids, item.account_name)
    if account is None:
        return None, problem
    if session.actor is not None:
        allowed = session.changeable.get(account.id)
        if allowed is None:
            allowed = session.changeable[account.id] = "" if may_change_account(session.actor, account) else "no"
        if allowed:
            return None, ImportProblem(item.row, reference, f"You may not add opportunities to {account}.")
    return account, None


# --- Values --------------------------------------------------------------------------------


_UNIQUE_TEXTS = frozenset({"name", "external_id", "next_step", "description", "lost_reason"})
_MEMO_LIMIT = 200_000


def _checked(values: dict[str, Any], session: OpportunityImportSession | None = None) -> None:
    """The model's field checks and its amount constraint, as ``full_clean`` gives them.
    With a session, a value that passed once is not checked again (the checks of one
    field depend on its value only; decimals are compared as written, since ``1.000``
    and ``1.00`` are equal but not equally valid), and a record's own texts (name, record
    id, next step…) that are within their length, or empty where blank is allowed, pass
    without a call (:func:`plain_text_fields`: what ``field_errors`` would answer)."""
    if session is None:
        errors = field_errors(Opportunity, values)
    else:
        memo = session.valid_values
        texts = plain_text_fields(Opportunity)
        pending: dict[str, Any] = {}
        fresh: list[tuple[str, type, Any]] = []
        for name, value in values.items():
            if name in _UNIQUE_TEXTS:
                text = texts.get(name)
                if text is not None and value.__class__ is str and (len(value) <= text[0] if value else text[1]):
                    continue
            else:
                key = (name, value.__class__, str(value) if isinstance(value, Decimal) else value)
                if key in memo:
                    continue
                fresh.append(key)
            pending[name] = value
        errors = field_errors(Opportunity, pending) if pending else {}
        if fresh:
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            memo.update(key for key in fresh if key[0] not in errors)
    amount = values.get("amount")
    if isinstance(amount, Decimal) and amount < 0 and "amount" not in errors:
        errors["amount"] = [_amount_message()]
    if errors:
        raise ValidationError(errors)


def _amount_message() -> str:
    constraint = next(c for c in Opportunity._meta.constraints if c.name == "opportunity_amount_positive")
    return str(constraint.get_violation_error_message())


def _new_values(session: OpportunityImportSession, item: OpportunityImportRow, account: Account) -> dict[str, Any]:
    """A new opportunity's complete row, by ``opportunity_create``'s rules."""
    if not item.external_id:
        raise ValidationError({"external_id": "Every imported record needs its record id."})
    stage = _stage_of(session, item)
    fields = new_opportunity_fields(actor=session.actor, account=account, data=item.data, stage=stage,
                                    closed_on=item.closed_on)
    owner = fields.pop("owner", None)
    del fields["account"]
    del fields["stage"]
    _checked({**_REQUIRED, **fields, "external_id": item.external_id}, session)
    # The keys in one order for every row (one picking plan for the write); ``id`` is
    # the primary key of each (``pk`` is a property call per row).
    fields["account_id"] = account.id
    fields["stage_id"] = stage.id
    fields["owner_id"] = owner.id if owner is not None else None
    fields["source"] = session.source
    fields["external_id"] = item.external_id
    fields["created_at"] = fields["updated_at"] = session.now
    return fields


def _changed_values(session: OpportunityImportSession, item: OpportunityImportRow, current: Opportunity) -> dict[str, Any]:
    """What the row sets on an existing opportunity, by ``opportunity_update`` /
    ``opportunity_move``'s rules (owner and account stay)."""
    stage = _stage_of(session, item)
    data = {k: v for k, v in item.data.items() if k != "owner"}
    data["owner"] = current.owner
    account = current.account
    fields = new_opportunity_fields(actor=session.actor, account=account, data=data, stage=stage)
    if fields["status"] != StageOutcome.OPEN:
        if item.closed_on is not None:
            fields["closed_on"] = item.closed_on
        elif current.stage_id == stage.pk and current.closed_on is not None:
            fields["closed_on"] = current.closed_on  # moving to the same stage keeps its date
    if stage.pk == current.stage_id:
        # Not a move: the stage's defaults do not replace what was set since (as
        # ``opportunity_update``); only the file's own values do.
        for name in ("probability", "forecast_category"):
            if name not in item.data:
                fields.pop(name, None)
    if current.amount_from_lines and "amount" in item.data and item.data["amount"] is not None \
            and Decimal(item.data["amount"]) != current.amount:
        raise ValidationError({"amount": "The amount is the sum of the lines; change the lines instead."})
    if current.amount_from_lines:
        fields.pop("amount", None)
    if "currency" not in item.data:
        fields.pop("currency", None)
    for name in ("owner", "account"):
        fields.pop(name, None)
    _checked({**{k: v for k, v in fields.items() if k != "stage"}, "external_id": item.external_id}, session)
    return fields


def _other_problems(session: OpportunityImportSession, item: OpportunityImportRow) -> list[ImportProblem]:
    """The problems of a row whose account was not found that do not hang on the account."""
    problems: list[ImportProblem] = []
    for check in (
        lambda: _stage_of(session, item),
        lambda: _checked({**_REQUIRED, **{k: v for k, v in item.data.items() if k != "owner"}}),
    ):
        try:
            check()
        except ValidationError as exc:
            problems.extend(problems_of(item.row, exc))
    return problems


# --- The service ---------------------------------------------------------------------------


def opportunities_import(
    *, actor: Actor, rows: Sequence[OpportunityImportRow], session: OpportunityImportSession | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Create or update (matched by source and record id) the opportunities of
    ``rows`` under the rules of ``opportunity_create`` / ``opportunity_update`` /
    ``opportunity_move``; refused rows are reported (per field), not written. With
    ``dry_run`` nothing is written and the counts are what would be."""
    session = session or opportunity_import_session(actor=actor, source="manual")
    load_accounts(session, ((item.account_external_ids, item.account_name) for item in rows))
    batch = import_batch(session, Opportunity, (item.external_id for item in rows), related="account__owner__person",
                         compare=OPPORTUNITY_COMPARE_FIELDS)
    for item in rows:
        # A row already checked as new in this import (the check pass before the write)
        # found its account then: the session's accounts and their permissions are what
        # they were, so only what hangs on the record id is looked at again.
        values = cached_values(session, item, item.row, True)
        if values is not None:
            current, refused = batch.record_of(item.row, item.external_id)
            if refused:
                continue
            if current is None:
                batch.add(None, values)
                continue
        account, problem = _account_of(session, item)
        if problem is not None:
            batch.outcome.problems.append(problem)
            batch.outcome.problems.extend(_other_problems(session, item))  # so a file is fixed in one go
            continue
        assert account is not None
        current, refused = batch.record_of(item.row, item.external_id)
        if refused:
            continue
        try:
            values = _new_values(session, item, account) if current is None else _changed_values(session, item, current)
        except ValidationError as exc:
            batch.refuse(item.row, exc)
            continue
        if current is None:  # a new row's values hang on nothing that a write changes
            session.cleaned[item.row] = (item, True, values)
        batch.add(current, values)
    if not dry_run:
        batch.write()
    return batch.outcome
