"""Who may see and change client records.

An account manager sees and edits the accounts they own and those owned by members of
their team; executives read everything; admins do everything. Project managers and
members will see the accounts of their projects, read-only, once projects exist
(delivery app). Records that belong to an account (contacts, interactions, follow-ups,
feedback, inquiries, needs / goals / challenges) follow their account; inquiry
assignees also see and answer the inquiries assigned to them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from tandem.clients.models import (
    Account,
    AccountItem,
    CadenceRule,
    Contact,
    Feedback,
    FollowUp,
    Inquiry,
    Interaction,
    SlaRule,
)
from tandem.core.permissions import (
    Policy,
    compiled_subquery,
    has_role,
    is_admin,
    kept_scope,
    register,
    sees_everything,
)
from tandem.core.roles import Role


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _team_id(user: Any) -> int | None:
    person = getattr(user, "person", None)
    return getattr(person, "team_id", None)


def account_access_q(user: Any, prefix: str = "") -> Q:
    """The accounts ``user`` may see, as a filter on ``<prefix>``-relative fields.

    Callers check :func:`sees_everything` first; this is the per-user part.
    """
    owner = f"{prefix}owner"
    condition = Q(**{owner: user.pk})
    team_id = _team_id(user)
    if team_id is not None and has_role(user, Role.ACCOUNT_MANAGER):
        condition |= Q(**{f"{owner}__person__team_id": team_id})
    return condition


def account_owner_ids(user: Any) -> Any:
    """The ids of the users whose accounts ``user`` may see (``user`` and, for an
    account manager, their team), as a subquery: the count shape of
    :func:`account_access_q` (see :meth:`tandem.core.permissions.Policy.count_scope`).
    Built once per process for the same user, team and role (every page's lists and
    counts share it; the subquery is SQL, read afresh by every query that uses it)."""
    team_id = _team_id(user)
    with_team = team_id is not None and has_role(user, Role.ACCOUNT_MANAGER)

    def build() -> Any:
        condition = Q(pk=user.pk)
        if with_team:
            condition |= Q(person__team_id=team_id)
        return compiled_subquery(get_user_model()._default_manager.filter(condition).values("pk"))

    return kept_scope(f"clients.account_owner_ids:{user.pk}:{team_id if with_team else ''}", build)


def account_edit_q(user: Any, prefix: str = "") -> Q:
    """The accounts ``user`` may change: account managers their own and their team's."""
    if not has_role(user, Role.ACCOUNT_MANAGER):
        return Q(pk__in=[])
    return account_access_q(user, prefix)


def may_change_account(user: Any, account: Account) -> bool:
    if is_admin(user):
        return True
    if not _active(user) or not has_role(user, Role.ACCOUNT_MANAGER):
        return False
    if account.owner_id == user.pk:
        return True
    team_id = _team_id(user)
    if team_id is None or account.owner_id is None:
        return False
    owner_person = getattr(account.owner, "person", None)
    return owner_person is not None and owner_person.team_id == team_id


@register(Account)
class AccountPolicy(Policy):
    restricted_fields = frozenset()

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(account_access_q(user))

    def count_scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user) or not _active(user):
            return self.scope(user, queryset)
        return queryset.filter(owner_id__in=account_owner_ids(user))

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.ACCOUNT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return may_change_account(user, obj)  # type: ignore[arg-type]


class AccountChildPolicy(Policy):
    """A record that belongs to one account (``obj.account``) follows its account."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(account_access_q(user, "account__"))

    def count_scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user) or not _active(user):
            return self.scope(user, queryset)
        return queryset.filter(self.count_q(user))

    def count_q(self, user: Any) -> Q:
        """:meth:`count_scope`'s filter for an active user who does not see everything."""
        return Q(account__owner_id__in=account_owner_ids(user))

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.ACCOUNT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return may_change_account(user, obj.account)  # type: ignore[attr-defined]


for _model in (AccountItem, Contact, Interaction, Feedback):
    register(_model)(type(f"{_model.__name__}Policy", (AccountChildPolicy,), {}))


@register(FollowUp)
class FollowUpPolicy(AccountChildPolicy):
    """Follow-ups follow their account; their owner also sees and closes their own."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(account_access_q(user, "account__") | Q(owner=user.pk))

    def count_q(self, user: Any) -> Q:
        return super().count_q(user) | Q(owner=user.pk)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return obj.owner_id == user.pk or super().can_change(user, obj)  # type: ignore[attr-defined]


@register(Inquiry)
class InquiryPolicy(AccountChildPolicy):
    """Inquiries follow their account; the assignee also sees and answers theirs."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(account_access_q(user, "account__") | Q(assignee=user.pk))

    def count_q(self, user: Any) -> Q:
        return super().count_q(user) | Q(assignee=user.pk)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return obj.assignee_id == user.pk or super().can_change(user, obj)  # type: ignore[attr-defined]


@register(CadenceRule)
class CadenceRulePolicy(Policy):
    """Service-level rules: everyone reads them, admins change them."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if _active(user) else queryset.none()


@register(SlaRule)
class SlaRulePolicy(CadenceRulePolicy):
    pass
