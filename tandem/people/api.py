"""The people API: ``/me``, ``/users``, ``/teams`` (mounted under ``/api/v1/``).

Each endpoint parses its input (``tandem.people.schemas``), calls the people selectors
and services, and renders; permissions, validation and history live in those. Reads
are scoped (an object the caller may not see is 404), writes are permission-checked
(403) and version-checked (409). Authentication and the error shape come from
``tandem.core.api`` through ``config/api.py``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    SELF_ERRORS,
    UPDATE_ERRORS,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
    resolve_reference,
)
from tandem.people import selectors, services
from tandem.people.models import Team, User
from tandem.people.schemas import (
    TeamCreateIn,
    TeamListQuery,
    TeamOut,
    TeamPage,
    TeamUpdateIn,
    UserCreateIn,
    UserListQuery,
    UserOut,
    UserPage,
    UserUpdateIn,
    VersionQuery,
    team_out,
    user_out,
    working_days_mask,
)

router = Router(tags=["people"])

# Body fields that name another object, and the model field a service reports them as.
USER_REFERENCES = {"team": "team_id"}
TEAM_REFERENCES = {"lead": "lead_id"}


def _team_reference(actor: Any, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    return resolve_reference("team_id", lambda: selectors.team_get(actor=actor, team_id=team_id))


def _lead_reference(actor: Any, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    return resolve_reference("lead_id", lambda: selectors.user_get(actor=actor, user_id=user_id))


# --- Me --------------------------------------------------------------------------------


@router.get("/me", response={200: UserOut, **error_responses(SELF_ERRORS)})
def get_me(request: HttpRequest) -> dict[str, Any]:
    """The caller: account, roles, team, capacity and their own cost rate."""
    actor = current_user(request)
    return user_out(selectors.user_get(actor=actor, user_id=actor.pk), actor=actor)


# --- Users -----------------------------------------------------------------------------


@router.get("/users", response={200: UserPage, **error_responses(LIST_ERRORS)})
def list_users(request: HttpRequest, filters: Query[UserListQuery]) -> dict[str, Any]:
    """Users the caller may see (disabled accounts only for admins and executives),
    filtered and sorted, one page at a time."""
    actor = current_user(request)
    queryset = selectors.user_list(
        actor=actor,
        filters=selectors.UserFilters(
            search=filters.search,
            role=filters.role or "",
            team_id=filters.team_id,
            is_active=filters.is_active,
            sort=filters.sort,
        ),
    )
    users, meta = paginate(queryset, filters)
    return {**meta, "items": [user_out(user, actor=actor) for user in users]}


@router.get("/users/{user_id}", response={200: UserOut, **error_responses(DETAIL_ERRORS)})
def get_user(request: HttpRequest, user_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    return user_out(selectors.user_get(actor=actor, user_id=user_id), actor=actor)


@router.post("/users", response={201: UserOut, **error_responses(CREATE_ERRORS)})
def create_user(request: HttpRequest, payload: UserCreateIn) -> Status[dict[str, Any]]:
    """Create a user with their profile and roles (admins only)."""
    actor = current_user(request)
    team = _team_reference(actor, payload.team_id)
    # A plain ValidationError from user_create can only come from the password validators.
    with renamed_fields(USER_REFERENCES, non_field_errors="password"):
        user = services.user_create(
            actor=actor,
            email=payload.email,
            full_name=payload.full_name,
            password=payload.password,
            roles=payload.roles,
            time_zone=payload.time_zone,
            title=payload.title,
            team=team,
            weekly_capacity_hours=payload.weekly_capacity_hours,
            working_days=working_days_mask(payload.working_days),
            cost_rate=payload.cost_rate,
            bill_rate=payload.bill_rate,
        )
    return Status(201, user_out(selectors.user_get(actor=actor, user_id=user.pk), actor=actor))


@router.patch("/users/{user_id}", response={200: UserOut, **error_responses(UPDATE_ERRORS)})
def update_user(
    request: HttpRequest, payload: UserUpdateIn, user_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change a user (admins only). Send the ``version`` you read and only the fields
    to change; if someone changed the user since, nothing is written and the answer is
    409 with ``current_version``."""
    actor = current_user(request)
    user = selectors.user_get(actor=actor, user_id=user_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    roles = changes.pop("roles", None)
    if "team_id" in changes:
        changes["team"] = _team_reference(actor, changes.pop("team_id"))
    if "working_days" in changes:
        changes["working_days"] = working_days_mask(changes["working_days"])
    with renamed_fields(USER_REFERENCES):
        services.user_update(
            actor=actor, user=user, data=changes, expected_version=expected_version, roles=roles
        )
    return user_out(selectors.user_get(actor=actor, user_id=user.pk), actor=actor)


# --- Teams -----------------------------------------------------------------------------


@router.get("/teams", response={200: TeamPage, **error_responses(LIST_ERRORS)})
def list_teams(request: HttpRequest, filters: Query[TeamListQuery]) -> dict[str, Any]:
    actor = current_user(request)
    teams, meta = paginate(selectors.team_list(actor=actor, search=filters.search), filters)
    return {**meta, "items": [team_out(team, actor=actor) for team in teams]}


@router.get("/teams/{team_id}", response={200: TeamOut, **error_responses(DETAIL_ERRORS)})
def get_team(request: HttpRequest, team_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    return team_out(selectors.team_detail(actor=actor, team_id=team_id), actor=actor)


@router.post("/teams", response={201: TeamOut, **error_responses(CREATE_ERRORS)})
def create_team(request: HttpRequest, payload: TeamCreateIn) -> Status[dict[str, Any]]:
    """Create a team (admins only)."""
    actor = current_user(request)
    lead = _lead_reference(actor, payload.lead_id)
    with renamed_fields(TEAM_REFERENCES):
        team = services.team_create(
            actor=actor, name=payload.name, description=payload.description, lead=lead
        )
    return Status(201, team_out(selectors.team_detail(actor=actor, team_id=team.pk), actor=actor))


@router.patch("/teams/{team_id}", response={200: TeamOut, **error_responses(UPDATE_ERRORS)})
def update_team(
    request: HttpRequest, payload: TeamUpdateIn, team_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change a team (admins only), checked against the ``version`` you read (409)."""
    actor = current_user(request)
    team = selectors.team_get(actor=actor, team_id=team_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    if "lead_id" in changes:
        changes["lead"] = _lead_reference(actor, changes.pop("lead_id"))
    with renamed_fields(TEAM_REFERENCES):
        services.team_update(actor=actor, team=team, data=changes, expected_version=expected_version)
    return team_out(selectors.team_detail(actor=actor, team_id=team.pk), actor=actor)


@router.delete("/teams/{team_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_team(
    request: HttpRequest, query: Query[VersionQuery], team_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    """Delete a team (admins only); its members keep their accounts and lose the team.
    With ``?version=`` the delete is refused (409) if the team changed since."""
    actor = current_user(request)
    team = selectors.team_get(actor=actor, team_id=team_id)
    services.team_delete(actor=actor, team=team, expected_version=query.version)
    return Status(204, None)
