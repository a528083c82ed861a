"""Who may see and change commercial records.

- The catalog (products, price lists, rate cards), pipeline stages and exchange rates:
  every active user reads them (quotes and plans are priced from them); admins change
  them.
- Everything that belongs to an account (its pricing terms, negotiated prices,
  opportunities with their lines and quotes, contracts with their milestones and
  negotiation rounds, revenue, budgets, expenses, project requests) follows its account
  exactly as the client records do (:mod:`tandem.clients.policies`): an account manager
  sees and changes their own and their team's accounts, executives read everything,
  admins do everything. An opportunity's owner also sees and works it.
- Restricted (field-level): a product's unit cost, and every cost and margin figure of an
  account, only for admins, executives and the account's owner
  (:func:`may_see_costs`). Pages, API, exports and search hide them from everyone else.
  Expenses are costs: they follow :func:`may_see_costs` row by row (``ExpensePolicy``),
  so a team-mate account manager does not see them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.clients.models import Account
from tandem.clients.policies import account_access_q, account_owner_ids, may_change_account
from tandem.commercial.models import (
    AccountPrice,
    AccountPricing,
    BillingMilestone,
    Budget,
    Contract,
    ExchangeRate,
    Expense,
    NegotiationRound,
    Opportunity,
    OpportunityLine,
    PriceList,
    PriceListItem,
    Product,
    ProjectRequest,
    Quote,
    RateCard,
    RateCardLine,
    RevenueEntry,
    Stage,
)
from tandem.core.permissions import (
    Policy,
    has_role,
    is_admin,
    register,
    related_through,
    sees_everything,
)
from tandem.core.roles import Role


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def may_see_costs(user: Any, account: Account | None = None) -> bool:
    """Cost rates, unit costs and margins: admins, executives and, for one account, its
    owner while they are an account manager. Without an account (the catalog's unit
    costs, organisation-wide margins): admins, executives and account managers (who own
    accounts)."""
    if sees_everything(user):
        return True
    if not _active(user):
        return False
    if not has_role(user, Role.ACCOUNT_MANAGER):
        # An owner who is no account manager (the role was taken away) sees no costs.
        return False
    return account is None or account.owner_id == user.pk


class ReferenceDataPolicy(Policy):
    """Everyone active reads; admins change (the Policy defaults)."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if _active(user) else queryset.none()


@register(Product)
class ProductPolicy(ReferenceDataPolicy):
    restricted_fields = frozenset({"unit_cost"})

    def can_see_restricted(self, user: Any, obj: models.Model | None = None) -> bool:
        return may_see_costs(user)


_model: type[models.Model]
for _model in (PriceList, PriceListItem, RateCard, RateCardLine, ExchangeRate, Stage):
    register(_model)(type(f"{_model.__name__}Policy", (ReferenceDataPolicy,), {}))


class AccountRecordPolicy(Policy):
    """A record reached through ``account_path`` (``account__``, ``opportunity__account__``)
    follows that account."""

    account_path = "account__"

    def account_of(self, obj: models.Model) -> Any:
        return related_through(obj, self.account_path)

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(self.visible_q(user))

    def visible_q(self, user: Any) -> Q:
        return account_access_q(user, self.account_path)

    def count_scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user) or not _active(user):
            return self.scope(user, queryset)
        return queryset.filter(self.count_q(user))

    def count_q(self, user: Any) -> Q:
        return Q(**{f"{self.account_path}owner_id__in": account_owner_ids(user)})

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.ACCOUNT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return may_change_account(user, self.account_of(obj))

    def can_see_restricted(self, user: Any, obj: models.Model | None = None) -> bool:
        return may_see_costs(user, self.account_of(obj) if obj is not None else None)


for _model in (AccountPricing, AccountPrice, Contract, RevenueEntry, Budget):
    register(_model)(type(f"{_model.__name__}Policy", (AccountRecordPolicy,), {}))


@register(ProjectRequest)
class ProjectRequestPolicy(AccountRecordPolicy):
    """A project request follows its account; project managers also see every request
    (delivery's queue: they take requests up into projects). Changing one stays with
    those who may change its account; accepting it is delivery's (see
    :func:`tandem.commercial.services.project_request_accept`)."""

    def visible_q(self, user: Any) -> Q:
        if has_role(user, Role.PROJECT_MANAGER):
            return Q()
        return super().visible_q(user)

    def count_q(self, user: Any) -> Q:
        if has_role(user, Role.PROJECT_MANAGER):
            return Q()
        return super().count_q(user)


@register(Expense)
class ExpensePolicy(AccountRecordPolicy):
    """An expense is a cost: only those who may see its account's costs see it
    (:func:`may_see_costs`: admins, executives, the account's owner while an account
    manager); the owner records and changes them (admins too), executives read."""

    def visible_q(self, user: Any) -> Q:
        if not has_role(user, Role.ACCOUNT_MANAGER):
            return Q(pk__in=[])
        return Q(account__owner=user.pk)

    def count_q(self, user: Any) -> Q:
        return self.visible_q(user)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        account = self.account_of(obj)
        return is_admin(user) or (has_role(user, Role.ACCOUNT_MANAGER) and account.owner_id == user.pk)


@register(Opportunity)
class OpportunityPolicy(AccountRecordPolicy):
    """Opportunities follow their account; their owner also sees and works them."""

    def visible_q(self, user: Any) -> Q:
        return super().visible_q(user) | Q(owner=user.pk)

    def count_q(self, user: Any) -> Q:
        return super().count_q(user) | Q(owner=user.pk)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return (_active(user) and obj.owner_id == user.pk) or super().can_change(user, obj)  # type: ignore[attr-defined]


class OpportunityChildPolicy(AccountRecordPolicy):
    account_path = "opportunity__account__"

    def visible_q(self, user: Any) -> Q:
        return super().visible_q(user) | Q(opportunity__owner=user.pk)

    def count_q(self, user: Any) -> Q:
        return super().count_q(user) | Q(opportunity__owner=user.pk)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return (_active(user) and obj.opportunity.owner_id == user.pk) or super().can_change(user, obj)  # type: ignore[attr-defined]


for _model in (OpportunityLine, Quote):
    register(_model)(type(f"{_model.__name__}Policy", (OpportunityChildPolicy,), {}))


class ContractChildPolicy(AccountRecordPolicy):
    account_path = "contract__account__"


for _model in (BillingMilestone, NegotiationRound):
    register(_model)(type(f"{_model.__name__}Policy", (ContractChildPolicy,), {}))
