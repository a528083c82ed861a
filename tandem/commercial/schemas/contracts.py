"""Shapes of the contracts API: contracts with their negotiation rounds and billing
milestones, the lifecycle actions, won → contract → project request, project requests.
Amounts are decimal strings with two places, each with its currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from tandem.clients.schemas.bodies import OPTIONAL_VERSION, VERSION_FIELD, StrictIn
from tandem.clients.schemas.refs import AccountRef, UserRef, account_ref, decimal_text, user_ref
from tandem.clients.schemas.values import (
    Currency,
    Day,
    Moment,
    Money,
    ReferenceId,
    body_text,
    patch_text,
)
from tandem.commercial.models import (
    BillingMilestone,
    Contract,
    ContractKind,
    ContractStatus,
    NegotiationRound,
    Party,
    PricingStrategy,
    ProjectRequest,
    ProjectRequestStatus,
    RoundOutcome,
)
from tandem.core.api import PageMeta, PageParams, optional

ContractKindName = Literal["master", "sow", "retainer", "subscription", "support"]
ContractStatusName = Literal["draft", "negotiation", "active", "expired", "terminated"]
PricingName = Literal["fixed_fee", "time_and_materials", "retainer", "subscription"]
PartyName = Literal["us", "client"]
OutcomeName = Literal["pending", "countered", "accepted", "rejected"]
RequestStatusName = Literal["open", "accepted", "declined"]
ContractSort = Literal["start", "-start", "end", "-end"]

for _literal, _choices in (
    (ContractKindName, ContractKind.values), (ContractStatusName, ContractStatus.values),
    (PricingName, PricingStrategy.values), (PartyName, Party.values), (OutcomeName, RoundOutcome.values),
    (RequestStatusName, ProjectRequestStatus.values),
):
    assert set(_literal.__args__) == set(_choices), _literal  # type: ignore[attr-defined]


# --- In --------------------------------------------------------------------------------


class ContractCreateIn(StrictIn):
    """A new draft contract with ``account_id`` (numbered ``C-<start year>-NNNN``)."""

    account_id: ReferenceId
    title: str = body_text(200, required=True)
    kind: ContractKindName = "sow"
    pricing_strategy: PricingName = "fixed_fee"
    owner_id: ReferenceId | None = Field(default=None, description="Default: the account's manager.")
    value: Money = Field(default=Decimal(0))
    monthly_amount: Money = Field(default=Decimal(0))
    currency: Currency | None = Field(default=None, description="Default: the account's currency.")
    start_date: Day
    end_date: Day | None = None
    auto_renew: bool = False
    renewal_term_months: int = Field(default=12, ge=1, le=120)
    notice_days: int = Field(default=60, ge=0, le=3650)
    terms: str = body_text(20_000)


class ContractUpdateIn(StrictIn):
    """Changes to a contract's terms (not its status: use the lifecycle actions)."""

    version: int = VERSION_FIELD
    title: str = patch_text(200, required=True)
    kind: ContractKindName = optional()
    pricing_strategy: PricingName = optional()
    owner_id: ReferenceId | None = optional()
    value: Money = optional()
    monthly_amount: Money = optional()
    currency: Currency = optional()
    start_date: Day = optional()
    end_date: Day | None = optional()
    auto_renew: bool = optional()
    renewal_term_months: int = optional(ge=1, le=120)
    notice_days: int = optional(ge=0, le=3650)
    terms: str = patch_text(20_000)


class LifecycleActionIn(StrictIn):
    version: int | None = OPTIONAL_VERSION


class ActivateIn(StrictIn):
    signed_on: Day | None = Field(default=None, description="Default: today.")
    version: int | None = OPTIONAL_VERSION


class TerminateIn(StrictIn):
    reason: str = body_text(300, required=True)
    on: Day | None = Field(default=None, description="The last day; default today.")
    version: int | None = OPTIONAL_VERSION


class RoundCreateIn(StrictIn):
    """The next proposal; on a draft contract it opens the negotiation, and it counters
    the round still pending."""

    party: PartyName = "us"
    client_contact_name: str = body_text(200)
    proposed_at: Moment | None = Field(default=None, description="Default: now.")
    value: Money
    monthly_amount: Money = Field(default=Decimal(0))
    terms: str = body_text(20_000)
    note: str = body_text(10_000)


class RoundUpdateIn(StrictIn):
    """The answer to a round (``outcome``), or corrections while it is pending.
    Accepting the latest round sets the contract's value and monthly amount."""

    version: int = VERSION_FIELD
    outcome: OutcomeName = optional()
    note: str = patch_text(10_000)
    terms: str = patch_text(20_000)
    value: Money = optional()
    monthly_amount: Money = optional()
    client_contact_name: str = patch_text(200)


class MilestoneCreateIn(StrictIn):
    name: str = body_text(200, required=True)
    due_date: Day
    amount: Money


class MilestoneUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    name: str = patch_text(200, required=True)
    due_date: Day = optional()
    amount: Money = optional()


class BillIn(StrictIn):
    on: Day | None = Field(default=None, description="The billing day; default today. Revenue goes to its month.")
    version: int | None = OPTIONAL_VERSION


class ConvertIn(StrictIn):
    create_contract: bool = True
    create_project_request: bool = True


class ProjectRequestUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    name: str = patch_text(200, required=True)
    description: str = patch_text(20_000)
    requested_start: Day | None = optional()
    budget: Money = optional()


class ProjectRequestDeclineIn(StrictIn):
    """Decline a request still waiting for delivery; the reason is kept on it."""

    reason: str = body_text(300, required=True)
    version: int | None = OPTIONAL_VERSION


class ContractListQuery(PageParams):
    status: ContractStatusName | None = None
    owner_id: ReferenceId | None = None
    mine: bool = Field(default=False, description="Only contracts you own.")
    account_id: ReferenceId | None = None
    kind: ContractKindName | None = None
    ending_within: int | None = Field(
        default=None, ge=0, le=3660, description="Active contracts ending within this many days (past ends included)."
    )
    sort: ContractSort = "-start"


class ProjectRequestListQuery(PageParams):
    account_id: ReferenceId | None = None
    status: RequestStatusName | None = None


# --- Out -------------------------------------------------------------------------------


class RoundOut(BaseModel):
    id: int
    contract_id: int
    number: int
    party: PartyName
    proposed_by: UserRef | None
    client_contact_name: str
    proposed_at: dt.datetime
    value: str
    monthly_amount: str
    value_change: str | None = Field(description="Change of value against the previous round (null for the first).")
    terms: str
    outcome: OutcomeName
    note: str
    version: int


class MilestoneOut(BaseModel):
    id: int
    contract_id: int
    name: str
    due_date: dt.date
    amount: str
    currency: str
    billed_on: dt.date | None
    version: int


class ContractOut(BaseModel):
    id: int
    number: str
    title: str
    account: AccountRef
    opportunity_id: int | None
    kind: ContractKindName
    status: ContractStatusName
    pricing_strategy: PricingName
    owner: UserRef | None
    value: str
    monthly_amount: str
    currency: str
    start_date: dt.date
    end_date: dt.date | None
    signed_on: dt.date | None
    auto_renew: bool
    renewal_term_months: int
    notice_days: int
    terms: str
    terminated_on: dt.date | None
    termination_reason: str
    version: int


class ContractDetailOut(ContractOut):
    rounds: list[RoundOut]
    milestones: list[MilestoneOut]


class ContractPage(PageMeta):
    items: list[ContractOut]


class ProjectRequestOut(BaseModel):
    id: int
    account: AccountRef
    opportunity_id: int
    contract_id: int | None
    name: str
    description: str
    requested_start: dt.date | None
    budget: str
    currency: str
    pricing_strategy: PricingName
    status: RequestStatusName
    decline_reason: str
    version: int


class ProjectRequestPage(PageMeta):
    items: list[ProjectRequestOut]


class ConvertOut(BaseModel):
    contract: ContractOut | None
    project_request: ProjectRequestOut | None
    created_contract: bool
    created_project_request: bool


def contract_out(contract: Contract, *, actor: Any) -> dict[str, Any]:
    return {
        "id": contract.pk, "number": contract.number, "title": contract.title, "account": account_ref(contract.account),
        "opportunity_id": contract.opportunity_id, "kind": contract.kind, "status": contract.status,
        "pricing_strategy": contract.pricing_strategy, "owner": user_ref(contract.owner, actor=actor),
        "value": decimal_text(contract.value), "monthly_amount": decimal_text(contract.monthly_amount),
        "currency": contract.currency, "start_date": contract.start_date, "end_date": contract.end_date,
        "signed_on": contract.signed_on, "auto_renew": contract.auto_renew,
        "renewal_term_months": contract.renewal_term_months, "notice_days": contract.notice_days,
        "terms": contract.terms, "terminated_on": contract.terminated_on,
        "termination_reason": contract.termination_reason, "version": contract.version,
    }


def round_out(item: NegotiationRound, *, actor: Any, previous: Any = None) -> dict[str, Any]:
    return {
        "id": item.pk, "contract_id": item.contract_id, "number": item.number, "party": item.party,
        "proposed_by": user_ref(item.proposed_by, actor=actor), "client_contact_name": item.client_contact_name,
        "proposed_at": item.proposed_at, "value": decimal_text(item.value),
        "monthly_amount": decimal_text(item.monthly_amount),
        "value_change": None if previous is None else decimal_text(item.value - previous),
        "terms": item.terms, "outcome": item.outcome, "note": item.note, "version": item.version,
    }


def milestone_out(item: BillingMilestone, *, currency: str) -> dict[str, Any]:
    return {
        "id": item.pk, "contract_id": item.contract_id, "name": item.name, "due_date": item.due_date,
        "amount": decimal_text(item.amount), "currency": currency, "billed_on": item.billed_on, "version": item.version,
    }


def project_request_out(item: ProjectRequest) -> dict[str, Any]:
    return {
        "id": item.pk, "account": account_ref(item.account), "opportunity_id": item.opportunity_id,
        "contract_id": item.contract_id, "name": item.name, "description": item.description,
        "requested_start": item.requested_start, "budget": decimal_text(item.budget), "currency": item.currency,
        "pricing_strategy": item.pricing_strategy, "status": item.status, "decline_reason": item.decline_reason,
        "version": item.version,
    }
