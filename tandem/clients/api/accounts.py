"""``/accounts``: the account, its lifecycle and history, its timeline, and its needs,
goals and challenges (``/accounts/{account_id}/items``, ``/account-items/{account_item_id}``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from pydantic import BaseModel, Field, model_validator

from tandem.clients import selectors, services
from tandem.clients.api.references import REFERENCE_FIELDS, user_reference
from tandem.clients.schemas import (
    AccountCreateIn,
    AccountItemCreateIn,
    AccountItemOut,
    AccountItemPage,
    AccountItemUpdateIn,
    AccountListQuery,
    AccountOut,
    AccountPage,
    AccountUpdateIn,
    LifecycleChangePage,
    LifecycleIn,
    ReferenceId,
    StrictIn,
    TimelineOut,
    TimelineQuery,
    VersionQuery,
    account_item_out,
    account_out,
    lifecycle_change_out,
    timeline_entry_out,
)
from tandem.clients.services.accounts import REASSIGN_MAX
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageParams,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
)

router = Router(tags=["accounts"])

# A write on something under an account: the account may be invisible (404), the body
# bad (400, 422), the action not allowed (403) or the record changed meanwhile (409).
CHILD_WRITE_ERRORS = UPDATE_ERRORS
LIFECYCLE_FIELDS = {**REFERENCE_FIELDS, "lifecycle": "status"}


def _account_id() -> Any:
    return Path(..., ge=1, le=MAX_ID)


@router.get("/accounts", response={200: AccountPage, **error_responses(LIST_ERRORS)})
def list_accounts(request: HttpRequest, filters: Query[AccountListQuery]) -> dict[str, Any]:
    """Accounts the caller may see: account managers their own and their team's,
    executives and admins all. ``search`` matches the name or the domain."""
    actor = current_user(request)
    queryset = selectors.account_list(
        actor=actor,
        filters=selectors.AccountFilters(
            search=filters.search,
            owner_id=filters.owner_id,
            tier=filters.tier or "",
            lifecycle=filters.lifecycle or "",
            industry=filters.industry,
            overdue_only=filters.overdue,
            sort=filters.sort,
        ),
    )
    accounts, meta = paginate(queryset, filters)
    return {**meta, "items": [account_out(account, actor=actor) for account in accounts]}


class AccountReassignIn(StrictIn):
    """The accounts to give to another account manager, and to whom. ``versions``, when
    sent, lists the version you read of each account (same order as ``account_ids``);
    a stale one answers 409 and nothing changes."""

    account_ids: list[ReferenceId] = Field(min_length=1, max_length=REASSIGN_MAX)
    owner_id: ReferenceId
    versions: list[ReferenceId] | None = Field(default=None, max_length=REASSIGN_MAX)

    @model_validator(mode="after")
    def versions_match_ids(self) -> AccountReassignIn:
        if self.versions is not None and len(self.versions) != len(self.account_ids):
            raise ValueError("versions must list one version per account id")
        return self


class AccountReassignOut(BaseModel):
    changed: int = Field(description="How many accounts changed hands (those already owned by the owner do not).")


@router.post("/accounts/reassign", response={200: AccountReassignOut, **error_responses(UPDATE_ERRORS)})
def reassign_accounts(request: HttpRequest, payload: AccountReassignIn) -> dict[str, Any]:
    """Give several accounts to one account manager, with the rules of a single update:
    each account must be one you may change, the owner one you may assign to; one
    transaction, audited per account. An id you may not see is answered as a missing
    one (422 on ``account_ids``), and an error names the account."""
    actor = current_user(request)
    owner = user_reference("owner_id", actor, payload.owner_id)
    versions = dict(zip(payload.account_ids, payload.versions, strict=True)) if payload.versions else None
    with renamed_fields(REFERENCE_FIELDS):
        changed = services.accounts_reassign(
            actor=actor, account_ids=payload.account_ids, owner=owner, expected_versions=versions
        )
    return {"changed": changed}


@router.get("/accounts/{account_id}", response={200: AccountOut, **error_responses(DETAIL_ERRORS)})
def get_account(request: HttpRequest, account_id: int = _account_id()) -> dict[str, Any]:
    actor = current_user(request)
    return account_out(selectors.account_get(actor=actor, account_id=account_id), actor=actor)


@router.post("/accounts", response={201: AccountOut, **error_responses(CREATE_ERRORS)})
def create_account(request: HttpRequest, payload: AccountCreateIn) -> Status[dict[str, Any]]:
    """Create an account (account managers and admins). An account manager may give it
    only to themself or a team-mate; without ``owner_id`` they own it."""
    actor = current_user(request)
    data = payload.model_dump(exclude={"owner_id", "lifecycle"})
    if payload.owner_id is not None:
        data["owner"] = user_reference("owner_id", actor, payload.owner_id)
    with renamed_fields(REFERENCE_FIELDS):
        account = services.account_create(actor=actor, data=data, lifecycle=payload.lifecycle)
    return Status(201, account_out(account, actor=actor))


@router.patch("/accounts/{account_id}", response={200: AccountOut, **error_responses(UPDATE_ERRORS)})
def update_account(
    request: HttpRequest, payload: AccountUpdateIn, account_id: int = _account_id()
) -> dict[str, Any]:
    """Change an account. Send the ``version`` you read and only the fields to change;
    if someone changed it since, nothing is written and the answer is 409."""
    actor = current_user(request)
    account = selectors.account_get(actor=actor, account_id=account_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    if "owner_id" in changes:
        changes["owner"] = user_reference("owner_id", actor, changes.pop("owner_id"))
    with renamed_fields(REFERENCE_FIELDS):
        account = services.account_update(
            actor=actor, account=account, data=changes, expected_version=expected_version
        )
    return account_out(account, actor=actor)


@router.delete("/accounts/{account_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_account(
    request: HttpRequest, query: Query[VersionQuery], account_id: int = _account_id()
) -> Status[None]:
    """Delete an account with its contacts, interactions, feedback and inquiries.
    With ``?version=`` the delete is refused (409) if the account changed since."""
    actor = current_user(request)
    account = selectors.account_get(actor=actor, account_id=account_id)
    services.account_delete(actor=actor, account=account, expected_version=query.version)
    return Status(204, None)


@router.post("/accounts/{account_id}/lifecycle", response={200: AccountOut, **error_responses(UPDATE_ERRORS)})
def set_account_lifecycle(
    request: HttpRequest, payload: LifecycleIn, account_id: int = _account_id()
) -> dict[str, Any]:
    """Move the account to ``prospect``, ``active`` or ``churned`` (allowed moves:
    prospect → active / churned, active → churned, churned → active / prospect). Every
    change is kept with its date and reason; the same status again changes nothing."""
    actor = current_user(request)
    account = selectors.account_get(actor=actor, account_id=account_id)
    with renamed_fields(LIFECYCLE_FIELDS):
        account = services.account_set_lifecycle(
            actor=actor, account=account, lifecycle=payload.status, at=payload.at,
            reason=payload.reason, expected_version=payload.version,
        )
    return account_out(account, actor=actor)


@router.get(
    "/accounts/{account_id}/lifecycle-history",
    response={200: LifecycleChangePage, **error_responses(DETAIL_ERRORS)},
)
def list_account_lifecycle_history(
    request: HttpRequest, filters: Query[PageParams], account_id: int = _account_id()
) -> dict[str, Any]:
    """Every lifecycle change of the account, oldest first."""
    actor = current_user(request)
    account = selectors.account_get(actor=actor, account_id=account_id)
    changes, meta = paginate(selectors.account_status_history(account=account), filters)
    return {**meta, "items": [lifecycle_change_out(change, actor=actor) for change in changes]}


@router.get("/accounts/{account_id}/timeline", response={200: TimelineOut, **error_responses(DETAIL_ERRORS)})
def get_account_timeline(
    request: HttpRequest, filters: Query[TimelineQuery], account_id: int = _account_id()
) -> dict[str, Any]:
    """The account's history, newest first: interactions, feedback, inquiries and
    lifecycle changes (later: opportunities, contracts, projects, meetings, surveys)."""
    actor = current_user(request)
    account = selectors.account_get(actor=actor, account_id=account_id)
    entries = selectors.account_timeline(
        actor=actor, account=account, limit=filters.limit, kinds=set(filters.kind) or None
    )
    return {"items": [timeline_entry_out(entry) for entry in entries]}


# --- Needs, goals and challenges ---------------------------------------------------------


@router.get("/accounts/{account_id}/items", response={200: AccountItemPage, **error_responses(DETAIL_ERRORS)})
def list_account_items(
    request: HttpRequest, filters: Query[PageParams], account_id: int = _account_id()
) -> dict[str, Any]:
    """The account's business needs, goals and challenges (by kind, then status)."""
    actor = current_user(request)
    account = selectors.account_get(actor=actor, account_id=account_id)
    items, meta = paginate(selectors.account_items(account=account), filters)
    return {**meta, "items": [account_item_out(item) for item in items]}


@router.post(
    "/accounts/{account_id}/items", response={201: AccountItemOut, **error_responses(CHILD_WRITE_ERRORS)}
)
def create_account_item(
    request: HttpRequest, payload: AccountItemCreateIn, account_id: int = _account_id()
) -> Status[dict[str, Any]]:
    actor = current_user(request)
    account = selectors.account_get(actor=actor, account_id=account_id)
    item = services.account_item_create(actor=actor, account=account, data=payload.model_dump())
    return Status(201, account_item_out(item))


@router.patch(
    "/account-items/{account_item_id}", response={200: AccountItemOut, **error_responses(UPDATE_ERRORS)}
)
def update_account_item(
    request: HttpRequest, payload: AccountItemUpdateIn, account_item_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    actor = current_user(request)
    item = selectors.account_item_get(actor=actor, account_item_id=account_item_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    item = services.account_item_update(actor=actor, item=item, data=changes, expected_version=expected_version)
    return account_item_out(item)


@router.delete(
    "/account-items/{account_item_id}", response={204: None, **error_responses(DELETE_ERRORS)}
)
def delete_account_item(
    request: HttpRequest, query: Query[VersionQuery], account_item_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    """Delete a need, goal or challenge; with ``?version=`` the delete is refused (409)
    if it changed since."""
    actor = current_user(request)
    item = selectors.account_item_get(actor=actor, account_item_id=account_item_id)
    services.account_item_delete(actor=actor, item=item, expected_version=query.version)
    return Status(204, None)
