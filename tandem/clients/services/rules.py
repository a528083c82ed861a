"""Service-level rules: check-in cadence by tier and first-response SLA by tier and
priority. Defaults live here and are seeded by migration; admins change the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.clients.models import Account, CadenceRule, Lifecycle, Priority, SlaRule, Tier
from tandem.core.permissions import require_change
from tandem.core.services import model_update

DEFAULT_CHECK_IN_DAYS: dict[str, int] = {
    Tier.STRATEGIC: 14,
    Tier.KEY: 30,
    Tier.STANDARD: 60,
    Tier.LONG_TAIL: 90,
}

# Business hours to first response, by tier then priority.
DEFAULT_SLA_HOURS: dict[str, dict[str, Decimal]] = {
    Tier.STRATEGIC: {Priority.URGENT: Decimal(2), Priority.HIGH: Decimal(4), Priority.NORMAL: Decimal(8), Priority.LOW: Decimal(16)},
    Tier.KEY: {Priority.URGENT: Decimal(4), Priority.HIGH: Decimal(8), Priority.NORMAL: Decimal(16), Priority.LOW: Decimal(24)},
    Tier.STANDARD: {Priority.URGENT: Decimal(4), Priority.HIGH: Decimal(8), Priority.NORMAL: Decimal(24), Priority.LOW: Decimal(40)},
    Tier.LONG_TAIL: {Priority.URGENT: Decimal(8), Priority.HIGH: Decimal(16), Priority.NORMAL: Decimal(40), Priority.LOW: Decimal(80)},
}


def cadence_days_by_tier() -> dict[str, int]:
    configured = dict(CadenceRule.objects.values_list("tier", "check_in_days"))
    return {tier: configured.get(tier, DEFAULT_CHECK_IN_DAYS[tier]) for tier in Tier.values}


def effective_check_in_days(account: Account, by_tier: dict[str, int] | None = None) -> int:
    if account.check_in_days:
        return account.check_in_days
    table = by_tier if by_tier is not None else cadence_days_by_tier()
    return table.get(account.tier, DEFAULT_CHECK_IN_DAYS[Tier.STANDARD])


def check_in_due(account: Account, by_tier: dict[str, int] | None = None) -> dt.datetime | None:
    """When the next contact is due: last contact (or the account's start) plus the
    cadence. Churned accounts have no check-in due."""
    if account.lifecycle == Lifecycle.CHURNED:
        return None
    start = account.last_contact_at or account.lifecycle_changed_at or account.created_at
    if start is None:
        return None
    return start + dt.timedelta(days=effective_check_in_days(account, by_tier))


def sla_hours_for(*, tier: str, priority: str) -> Decimal:
    rule = SlaRule.objects.filter(tier=tier, priority=priority).values_list("response_hours", flat=True).first()
    if rule is not None:
        return rule
    return DEFAULT_SLA_HOURS[tier][priority]


@transaction.atomic
def cadence_rule_update(*, actor: Any, rule: CadenceRule, check_in_days: int, expected_version: int | None = None) -> CadenceRule:
    """Change a tier's cadence and re-date the check-ins of that tier's accounts that
    use the default."""
    require_change(actor, rule)
    if not 1 <= check_in_days <= 366:
        raise ValidationError({"check_in_days": "Between 1 and 366 days."})
    rule = model_update(actor=actor, instance=rule, data={"check_in_days": check_in_days}, expected_version=expected_version)
    from tandem.clients.services.accounts import accounts_recompute_check_in

    accounts_recompute_check_in(Account.objects.filter(tier=rule.tier, check_in_days__isnull=True))
    return rule


@transaction.atomic
def sla_rule_update(*, actor: Any, rule: SlaRule, response_hours: Decimal, expected_version: int | None = None) -> SlaRule:
    """Change a first-response target; inquiries already received keep theirs."""
    require_change(actor, rule)
    if response_hours <= 0:
        raise ValidationError({"response_hours": "Must be more than zero."})
    return model_update(actor=actor, instance=rule, data={"response_hours": response_hours}, expected_version=expected_version)
