"""Writing the forecast's sums again from the records: the one write to
``ForecastMonthSum`` and ``ContractedSum`` outside the database's own triggers, for an
operator who suspects them (``tandem manage forecast_sums --rebuild``; e.g. after rows
were loaded with triggers switched off). The triggers keep them otherwise."""

from __future__ import annotations

from django.db import connection, transaction

from tandem.commercial.models import ContractedSum, ForecastMonthSum
from tandem.commercial.selectors.forecast import forecast_sums_recomputed
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import is_admin
from tandem.core.types import SystemActor


def forecast_sums_rebuild(*, actor: SystemActor) -> tuple[int, int]:
    """Replace both tables by what the records give, in one transaction that locks out
    other writers on SQLite (and, on PostgreSQL, holds the tables exclusively), so no
    write lands between the reading and the writing. Only the system (``actor=None``)
    or an admin. Returns the rows written: (month sums, contracted sums)."""
    if actor is not None and not is_admin(actor):
        raise PermissionDeniedError("Only an administrator may rebuild the forecast's sums.", code="permission_denied")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "LOCK TABLE commercial_opportunity, commercial_contract, commercial_billingmilestone IN SHARE MODE"
                )
        months, contracted = forecast_sums_recomputed()
        ForecastMonthSum.objects.all().delete()
        ContractedSum.objects.all().delete()
        ForecastMonthSum.objects.bulk_create(
            ForecastMonthSum(kind=kind, month=month, currency=currency, category=category, amount_cents=amount,
                             weighted_cents=weighted, entries=entries)
            for kind, month, currency, category, amount, weighted, entries in sorted(months)
        )
        ContractedSum.objects.bulk_create(
            ContractedSum(first_month=first, last_month=last, currency=currency, monthly_cents=cents, entries=entries)
            for first, last, currency, cents, entries in sorted(contracted)
        )
    return len(months), len(contracted)
