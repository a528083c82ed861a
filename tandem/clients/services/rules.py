"""Service-level rules: check-in cadence by tier and first-response SLA by tier and
priority. The formulas are the pure functions of :mod:`tandem.clients.rules` (with the
default tables, seeded by migration); this module reads the rule rows admins change
and applies the formulas to accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from tandem.clients import rules
from tandem.clients.models import Account, CadenceRule, SlaRule, Tier
from tandem.clients.rules import DEFAULT_CHECK_IN_DAYS, DEFAULT_SLA_HOURS  # noqa: F401 (the default tables, re-exported)
from tandem.core.permissions import require_change
from tandem.core.services import model_update
from tandem.core.types import Actor


def cadence_days_by_tier() -> dict[str, int]:
    """The check-in cadence of each tier: its ``CadenceRule`` row, else the default."""
    configured = dict(CadenceRule.objects.values_list("tier", "check_in_days"))
    return {tier: configured.get(tier, DEFAULT_CHECK_IN_DAYS[tier]) for tier in Tier.values}


def effective_check_in_days(account: Account, by_tier: dict[str, int] | None = None) -> int:
    """:func:`tandem.clients.rules.cadence_days` for ``account`` (reads the rules unless
    ``by_tier`` is given)."""
    table = by_tier if by_tier is not None or account.check_in_days else cadence_days_by_tier()
    return rules.cadence_days(tier=account.tier, override=account.check_in_days, by_tier=table)


def check_in_due(account: Account, by_tier: dict[str, int] | None = None) -> dt.datetime | None:
    """:func:`tandem.clients.rules.check_in_due` for ``account``: last contact (or the
    account's start) plus the cadence; none for a churned account."""
    return rules.check_in_due(
        lifecycle=account.lifecycle,
        last_contact_at=account.last_contact_at,
        stage_started_at=account.lifecycle_changed_at,
        created_at=account.created_at,
        cadence=effective_check_in_days(account, by_tier),
    )


def sla_hours_for(*, tier: str, priority: str) -> Decimal:
    """:func:`tandem.clients.rules.sla_hours` with the ``SlaRule`` row of the pair."""
    return rules.sla_hours(tier=tier, priority=priority, rules=SlaRule.objects.filter(tier=tier, priority=priority))


@transaction.atomic
def cadence_rule_update(*, actor: Actor, rule: CadenceRule, check_in_days: int, expected_version: int | None = None) -> CadenceRule:
    """Change a tier's cadence and re-date the check-ins of that tier's accounts that
    use the default."""
    require_change(actor, rule)
    if not 1 <= check_in_days <= 366:
        raise ValidationError({"check_in_days": "Between 1 and 366 days."})
    rule = model_update(actor=actor, instance=rule, data={"check_in_days": check_in_days}, expected_version=expected_version)
    _recompute_check_ins(Account.objects.filter(tier=rule.tier, check_in_days__isnull=True))
    return rule


@transaction.atomic
def sla_rule_update(*, actor: Actor, rule: SlaRule, response_hours: Decimal, expected_version: int | None = None) -> SlaRule:
    """Change a first-response target; inquiries already received keep theirs."""
    require_change(actor, rule)
    if response_hours <= 0:
        raise ValidationError({"response_hours": "Must be more than zero."})
    return model_update(actor=actor, instance=rule, data={"response_hours": response_hours}, expected_version=expected_version)


def _recompute_check_ins(queryset: models.QuerySet[Account], *, batch_size: int = 2000) -> int:
    """Re-date ``check_in_due_at`` for the accounts in ``queryset``; returns rows changed."""
    by_tier = cadence_days_by_tier()
    changed = 0
    batch: list[Account] = []
    fields = ["id", "tier", "check_in_days", "lifecycle", "last_contact_at", "lifecycle_changed_at", "created_at", "check_in_due_at"]
    for account in queryset.only(*fields).order_by("pk").iterator(chunk_size=batch_size):
        due = check_in_due(account, by_tier)
        if due != account.check_in_due_at:
            account.check_in_due_at = due
            batch.append(account)
        if len(batch) >= batch_size:
            changed += Account.objects.bulk_update(batch, ["check_in_due_at"])
            batch = []
    if batch:
        changed += Account.objects.bulk_update(batch, ["check_in_due_at"])
    return changed
