"""Reads of contracts, their rounds and milestones, and project requests, scoped to
what the acting user may see (the account's rule, :mod:`tandem.commercial.policies`).

The contract list's filters (:class:`ContractFilters`) are the list page's, the API's
and the "Renewals due in 90 days" home card's, so their numbers agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.commercial.models import (
    BillingMilestone,
    Contract,
    ContractStatus,
    NegotiationRound,
    ProjectRequest,
)
from tandem.core.permissions import get_visible, scoped

#: Sort keys of the list → orderings (each served by an index of ``Contract``).
CONTRACT_SORTS: dict[str, tuple[str, ...]] = {
    "start": ("start_date", "id"),
    "-start": ("-start_date", "-id"),
    "end": ("end_date", "id"),
    "-end": ("-end_date", "-id"),
}


@dataclass(frozen=True)
class ContractFilters:
    status: str = ""
    owner_id: int | None = None
    account_id: int | None = None
    kind: str = ""
    ending_within: int | None = None  # days: active contracts ending by today + N (overdue ones too)
    search: str = ""
    sort: str = "-start"


def contract_list(*, actor: Any, filters: ContractFilters, for_count: bool = False) -> QuerySet[Contract]:
    """Contracts the actor may see matching ``filters``, sorted (with the account and
    owner; the ``for_count`` shape drops both)."""
    queryset = scoped(actor, Contract, for_count=for_count)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.ending_within is not None:
        horizon = timezone.localdate() + dt.timedelta(days=filters.ending_within)
        queryset = queryset.filter(status=ContractStatus.ACTIVE, end_date__isnull=False, end_date__lte=horizon)
    if filters.search:
        term = filters.search.strip()
        queryset = queryset.filter(Q(title__icontains=term) | Q(number__iexact=term) | Q(account__name__icontains=term))
    if for_count:
        return queryset.order_by()
    return queryset.select_related("account", "owner").order_by(*CONTRACT_SORTS.get(filters.sort, CONTRACT_SORTS["-start"]))


def renewals_due(*, actor: Any, owner_id: int | None, days: int = 90, for_count: bool = False) -> QuerySet[Contract]:
    """Active contracts ending within ``days`` (the home card's list: ``?status=active&ending_within=90&owner=…``)."""
    filters = ContractFilters(status=ContractStatus.ACTIVE, ending_within=days, owner_id=owner_id, sort="end")
    return contract_list(actor=actor, filters=filters, for_count=for_count)


def contract_get(*, actor: Any, contract_id: int) -> Contract:
    return get_visible(actor, Contract.objects.select_related("account", "owner", "opportunity"), contract_id)


def negotiation_round_list(*, actor: Any, contract: Contract) -> QuerySet[NegotiationRound]:
    return scoped(actor, NegotiationRound).filter(contract=contract).select_related("proposed_by").order_by("number")


def negotiation_round_get(*, actor: Any, negotiation_round_id: int) -> NegotiationRound:
    return get_visible(actor, NegotiationRound.objects.select_related("contract", "contract__account"), negotiation_round_id)


def billing_milestone_list(*, actor: Any, contract: Contract) -> QuerySet[BillingMilestone]:
    return scoped(actor, BillingMilestone).filter(contract=contract).order_by("due_date", "id")


def billing_milestone_get(*, actor: Any, billing_milestone_id: int) -> BillingMilestone:
    return get_visible(actor, BillingMilestone.objects.select_related("contract", "contract__account"), billing_milestone_id)


#: Sort keys of the project request list → orderings (``status, created_at`` indexed).
PROJECT_REQUEST_SORTS: dict[str, tuple[str, ...]] = {
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}


def project_request_list(
    *, actor: Any, account_id: int | None = None, contract_id: int | None = None, status: str = "", sort: str = "-created",
    for_count: bool = False,
) -> QuerySet[ProjectRequest]:
    """The project requests ``actor`` may see, newest first (``status`` narrows: "open"
    for those waiting for delivery). With ``for_count``, the policy's counting shape."""
    queryset = scoped(actor, ProjectRequest, for_count=for_count)
    if account_id is not None:
        queryset = queryset.filter(account_id=account_id)
    if contract_id is not None:
        queryset = queryset.filter(contract_id=contract_id)
    if status:
        queryset = queryset.filter(status=status)
    if for_count:
        return queryset
    ordering = PROJECT_REQUEST_SORTS.get(sort, PROJECT_REQUEST_SORTS["-created"])
    return queryset.select_related("account", "opportunity", "contract", "requested_by").order_by(*ordering)


def project_request_get(*, actor: Any, project_request_id: int) -> ProjectRequest:
    return get_visible(
        actor, ProjectRequest.objects.select_related("account", "opportunity", "contract", "requested_by"), project_request_id
    )
