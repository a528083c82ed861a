"""Daily jobs of the commercial app (run by ``tandem worker``, see
:mod:`tandem.core.schedule`). Each is idempotent: a second run the same day writes
nothing, because the database refuses the duplicate, not because the job remembers.

* :func:`renewals_open_due` (06:00): every active contract with an end date whose
  renewal window has opened — ``end_date − notice_days − RENEWAL_LEAD_DAYS ≤ today``,
  auto-renewing or not — and no renewal opportunity gets one
  (``opportunity_create(type="renewal", renews_contract=…)``); the unique constraint
  ``opportunity_one_renewal_per_contract`` keeps it to one per contract.
* :func:`contracts_expire_ended` (00:30): an active contract past its end date expires,
  or, when it auto-renews, runs on for its renewal term (until the end date is today or
  later).
* :func:`revenue_recognise_recurring` (01:00): this month's recurring revenue entry of
  every active contract with a monthly amount (unique per contract and month).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone

from tandem.commercial.models import Contract, ContractStatus, OpportunityType
from tandem.commercial.services.contracts import (
    contract_auto_renew,
    contract_expire,
    renewal_name,
    revenue_recurring_generate,
)
from tandem.commercial.services.opportunities import opportunity_create
from tandem.core.roles import Role
from tandem.core.schedule import daily

logger = logging.getLogger("tandem.commercial.jobs")

#: Days before the notice deadline that the renewal opportunity opens.
RENEWAL_LEAD_DAYS = 30


def renewal_opens_on(contract: Contract) -> dt.date | None:
    """The day the contract's renewal opportunity is due: its end date less its notice
    period less :data:`RENEWAL_LEAD_DAYS` (``None`` without an end date)."""
    if contract.end_date is None:
        return None
    return contract.end_date - dt.timedelta(days=contract.notice_days + RENEWAL_LEAD_DAYS)


def _renewal_candidates(today: dt.date) -> list[Contract]:
    """Active contracts with an end date, no renewal opportunity, and their window open."""
    active = Contract.objects.filter(status=ContractStatus.ACTIVE, end_date__isnull=False).exclude(
        renewal_opportunities__type=OpportunityType.RENEWAL
    )
    longest_notice = active.aggregate(longest=Max("notice_days"))["longest"] or 0
    horizon = today + dt.timedelta(days=longest_notice + RENEWAL_LEAD_DAYS)
    rows = active.filter(end_date__lte=horizon).select_related("account", "owner").order_by("end_date", "id")
    return [contract for contract in rows if (opens := renewal_opens_on(contract)) is not None and opens <= today]


def _renewal_data(contract: Contract, today: dt.date) -> dict[str, object]:
    assert contract.end_date is not None
    amount = (
        contract.monthly_amount * contract.renewal_term_months if contract.monthly_amount > 0 else contract.value
    )
    owner = contract.owner
    data: dict[str, object] = {
        "name": renewal_name(contract.title), "type": OpportunityType.RENEWAL, "renews_contract": contract,
        "amount": Decimal(amount), "currency": contract.currency, "pricing_strategy": contract.pricing_strategy,
        "expected_close_date": max(today, contract.end_date - dt.timedelta(days=contract.notice_days)),
        "next_step": f"Agree the renewal before the notice deadline ({contract.notice_days} days before {contract.end_date:%-d %b %Y}).",
    }
    if owner is not None and owner.is_active and (Role.ACCOUNT_MANAGER in owner.roles or Role.ADMIN in owner.roles):
        data["owner"] = owner
    return data


def open_due_renewals(*, today: dt.date | None = None) -> int:
    """What :func:`renewals_open_due` does; returns how many opportunities it opened."""
    today = today or timezone.localdate()
    created = 0
    for contract in _renewal_candidates(today):
        try:
            with transaction.atomic():
                opportunity_create(actor=None, account=contract.account, data=_renewal_data(contract, today))
        except IntegrityError:  # a concurrent run opened it: one renewal per contract
            continue
        except ValidationError as error:  # e.g. no open stage configured: log, go on
            logger.warning("renewal of %s not opened: %s", contract.number, error.messages)
            continue
        created += 1
    return created


def expire_ended(*, today: dt.date | None = None) -> dict[str, int]:
    """What :func:`contracts_expire_ended` does: ``{"expired": n, "renewed": m}``."""
    today = today or timezone.localdate()
    counts = {"expired": 0, "renewed": 0}
    ended = Contract.objects.filter(status=ContractStatus.ACTIVE, end_date__lt=today).order_by("end_date", "id")
    for contract in ended.iterator(chunk_size=500):
        with transaction.atomic():
            if contract.auto_renew and contract.renewal_term_months > 0:
                contract_auto_renew(actor=None, contract=contract, today=today)
                counts["renewed"] += 1
            else:
                contract_expire(actor=None, contract=contract, today=today)
                counts["expired"] += 1
    return counts


@daily(at="06:00")
@task()
def renewals_open_due() -> int:
    """Daily: open the renewal opportunity of every contract whose renewal window opened."""
    return open_due_renewals()


@daily(at="00:30")
@task()
def contracts_expire_ended() -> dict[str, int]:
    """Daily: expire (or auto-renew) active contracts past their end date."""
    return expire_ended()


@daily(at="01:00")
@task()
def revenue_recognise_recurring(month: str | None = None) -> int:
    """Daily: this month's recurring revenue of active contracts (``month`` as
    ``YYYY-MM-DD`` to fill another month)."""
    day = dt.date.fromisoformat(month) if month else timezone.localdate()
    return revenue_recurring_generate(actor=None, month=day)
