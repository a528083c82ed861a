"""The authorization matrix (R2): every page and API operation x every role x objects the
role must not reach.

Routes are discovered, not listed: every URL pattern of ``config.urls`` (the Django
admin and the API namespace aside) and every path of the API's OpenAPI schema. A route
naming an object uses the ``<snake_model>_id`` kwarg; the matrix finds its model
(``tandem.core.permissions.model_for_url_kwarg``), builds for each role an object the
role's Policy hides and one it shows but does not let change, and expects:

* hidden: 404 for every method (405 where the route does not serve the method), the
  same answer as for an id that does not exist, for pages also as an HTMX partial;
* visible, not changeable: GET works; every unsafe method 403 (or 405);
* denied requests change no row in any table, the audit trail included; and no request
  the matrix makes changes a row the role's policies do not allow (the safety net
  checks even requests that succeed).

A route without object kwargs must be listed in ``COLLECTION_RULES`` (which permission
governs its writes) or ``PUBLIC``; a kwarg that names no model, or a model without a
pool in ``tests/authz.py``, fails ``test_route_is_covered`` with a message saying what
to add. So a new route cannot land untested.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.test import Client

from tandem.core.permissions import is_admin, model_for_url_kwarg, policy_for
from tandem.core.roles import Role
from tests.authz import (
    POOLS,
    UNSAFE_METHODS,
    DbState,
    Route,
    Snapshots,
    World,
    all_routes,
    api_body,
    api_body_fk_is_list,
    api_body_fk_properties,
    api_body_required,
    build_world,
    change_count,
    db_state,
    diff_tables,
    fk_model,
    orm_db_state,
    page_form_data,
    targets_for,
    unauthorised_changes,
)
from tests.factories import make_role_users

pytestmark = pytest.mark.django_db

ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER]
MISSING_ID = 987_654_321

# Reachable without logging in. Each entry says why it is safe to be public.
PUBLIC: dict[str, str] = {
    "login": "the log-in page",
    "logout": "POST only; ends the current session, if any",
    "password_reset": "asks for an e-mail; answers the same whether or not it exists",
    "password_reset_done": "a static 'check your e-mail' page",
    "password_reset_confirm": "guarded by the signed one-time token in its URL",
    "password_reset_complete": "a static 'password changed' page",
    "healthz": "load-balancer probe: database check, no data",
    "calendar_feed": "guarded by the secret token in its URL (stored hashed, revocable; 404 otherwise)",
}
# The API schema and docs describe the API and hold no data (see config/api.py).
PUBLIC_API_PAGES = ("/api/v1/openapi.json", "/api/v1/docs")

READ = "read"  # serves reads only: every unsafe method must change nothing
SELF = "self"  # acts on the signed-in user's own account, allowed to every role
CREATE = "create"  # unsafe methods create a record: the model's can_create governs them
CHANGE = "change"  # edits the one row of a singleton model: its can_change governs them
ADMIN = "admin"  # serves reads to administrators only (403 for the other roles)
# A page everyone reads whose unsafe methods create a record (the model's can_create
# governs them): the catalog's settings lists, with their "New …" form for admins.
READ_CREATE = "read_create"

# Routes without object kwargs and the permission that governs their unsafe methods.
COLLECTION_RULES: dict[str, tuple[str, str | None]] = {
    # Meetings and calendar feeds (issue 10): lists read through scoped selectors.
    "governance:meeting_list": (READ, None),
    "governance:meeting_create": (CREATE, "governance.Meeting"),
    "governance:my_action_items": (READ, None),
    "integrations:calendar_feeds": (CREATE, "integrations.CalendarFeed"),
    "/api/v1/meetings": (CREATE, "governance.Meeting"),
    "/api/v1/meeting-series": (CREATE, "governance.MeetingSeries"),
    "/api/v1/calendar-feeds": (CREATE, "integrations.CalendarFeed"),
    "home": (READ, None),
    "password_change": (SELF, None),
    "people:user_list": (READ, None),
    "people:user_create": (CREATE, "people.User"),
    "people:team_list": (READ, None),
    "people:team_create": (CREATE, "people.Team"),
    "people:calendar": (READ, None),
    "people:calendar_edit": (CHANGE, "people.OrganisationCalendar"),
    "people:holiday_create": (CREATE, "people.Holiday"),
    "people:token_list": (READ, None),
    "people:token_create": (CREATE, "people.AccessToken"),
    "people:sign_in_activity": (ADMIN, None),
    "/api/v1/me": (READ, None),
    "/api/v1/users": (CREATE, "people.User"),
    "/api/v1/teams": (CREATE, "people.Team"),
    # Clients: lists (each also exports with ?format=csv / xlsx) read through the scoped
    # selectors, so every role may open them and sees only its rows.
    "clients:account_list": (READ, None),
    "clients:contact_list": (READ, None),
    "clients:interaction_list": (READ, None),
    "clients:inquiry_queue": (READ, None),
    "clients:attention": (READ, None),
    "clients:follow_up_list": (READ, None),
    "clients:account_create": (CREATE, "clients.Account"),
    # Bulk reassign: only those who may own accounts act; each account is then checked.
    "clients:account_reassign": (CREATE, "clients.Account"),
    "/api/v1/accounts/reassign": (CREATE, "clients.Account"),
    # Service levels: every role reads the rules; their edits are object routes (admins only).
    "clients:service_levels": (READ, None),
    "/api/v1/accounts": (CREATE, "clients.Account"),
    "/api/v1/contacts": (CREATE, "clients.Contact"),
    "/api/v1/interactions": (CREATE, "clients.Interaction"),
    "/api/v1/follow-ups": (READ, None),
    "/api/v1/feedback": (CREATE, "clients.Feedback"),
    "/api/v1/inquiries": (CREATE, "clients.Inquiry"),
    # The top bar: global search (scoped per type) and the user's own notifications.
    "core:search": (READ, None),
    "core:notifications": (READ, None),
    "core:notification_read_all": (SELF, None),
    "core:saved_view_create": (CREATE, "core.SavedView"),
    # Imports: only those who may import open these pages (403 for the others).
    "integrations:import_list": (CREATE, "integrations.ImportJob"),
    "integrations:import_create": (CREATE, "integrations.ImportJob"),
    # Catalog, pricing, currencies: everyone reads the catalog, rate cards and rates;
    # administrators change them (the models' can_create).
    "/api/v1/products": (CREATE, "commercial.Product"),
    "/api/v1/price-lists": (CREATE, "commercial.PriceList"),
    "/api/v1/rate-cards": (CREATE, "commercial.RateCard"),
    "/api/v1/exchange-rates": (CREATE, "commercial.ExchangeRate"),
    "commercial:product_list": (READ, None),
    "commercial:product_create": (CREATE, "commercial.Product"),
    "commercial:price_list_list": (READ_CREATE, "commercial.PriceList"),
    "commercial:rate_card_list": (READ_CREATE, "commercial.RateCard"),
    "commercial:exchange_rates": (READ_CREATE, "commercial.ExchangeRate"),
    # Quotes: the list reads through the scoped selector; a quote is made by those who
    # may create quotes, from an opportunity they may change (the service checks it).
    "commercial:quote_list": (READ, None),
    "/api/v1/quotes": (CREATE, "commercial.Quote"),
    # forecast slice: the revenue and budget lists and the forecast read through scoped
    # selectors (every role opens them and sees only its rows); recording revenue or a
    # budget is for those who may create them (each account then checked by the service).
    "commercial:revenue_list": (READ, None),
    "commercial:revenue_create": (CREATE, "commercial.RevenueEntry"),
    "commercial:budget_list": (READ, None),
    "commercial:forecast": (READ, None),
    "/api/v1/revenue": (CREATE, "commercial.RevenueEntry"),
    "/api/v1/budgets": (CREATE, "commercial.Budget"),
    "/api/v1/forecast": (READ, None),
    # profit: profitability reads through the scoped selectors (costs only where allowed;
    # R3, field by field over every GET route and export: tests/commercial/test_restricted_fields.py);
    # expenses are costs, listed to those who may see them; recording one is the account
    # owner's (the service checks the account).
    "commercial:profitability": (READ, None),
    "commercial:expense_list": (READ, None),
    "/api/v1/profitability": (READ, None),
    "/api/v1/expenses": (CREATE, "commercial.Expense"),
    # Pipeline: the list and the board read through the scoped selectors (every role opens
    # them and sees its rows); creating needs Opportunity.can_create; stages are admins'.
    "commercial:opportunity_list": (READ, None),
    "commercial:pipeline_board": (READ, None),
    "commercial:opportunity_create": (CREATE, "commercial.Opportunity"),
    "commercial:stage_settings": (ADMIN, None),
    "commercial:stage_add": (CREATE, "commercial.Stage"),
    "/api/v1/opportunities": (CREATE, "commercial.Opportunity"),
    "/api/v1/stages": (READ, None),
    # --- contracts (contracts slice): the list reads through the scoped selector; a new
    # contract needs the right to create one (the service then checks the account).
    "commercial:contract_list": (READ, None),
    "commercial:contract_create": (CREATE, "commercial.Contract"),
    "/api/v1/contracts": (CREATE, "commercial.Contract"),
    "/api/v1/project-requests": (READ, None),
    # Project requests under Sales: the list reads through the scoped selector (each
    # request's page and its Decline are object routes).
    "commercial:project_request_list": (READ, None),
    # --- delivery: the project list reads through the scoped selector; a new project
    # needs the right to create one (project managers and admins).
    "/api/v1/projects": (CREATE, "delivery.Project"),
    # --- delivery pages: the project list and "My tasks" read through the scoped
    # selectors (every role opens them and sees only its rows).
    "delivery:project_list": (READ, None),
    "delivery:my_tasks": (READ, None),
    # --- time: everyone records their own (the services check they work on the
    # project); a week's submit acts on the user's own entries; approvals list the
    # submitted time of the projects one manages, and deciding needs a project manager.
    "delivery:timesheet": (READ, None),
    "delivery:timesheet_cell": (CREATE, "delivery.TimeEntry"),
    "delivery:timesheet_line": (CREATE, "delivery.TimeEntry"),
    "delivery:timesheet_submit": (SELF, None),
    "delivery:approvals": (READ, None),
    "delivery:approvals_decide": (CREATE, "delivery.Project"),
    "/api/v1/time-entries": (CREATE, "delivery.TimeEntry"),
    "/api/v1/time-entries/submit": (SELF, None),
    "/api/v1/time-entries/approve": (CREATE, "delivery.Project"),
    "/api/v1/time-entries/return": (CREATE, "delivery.Project"),
    # A new project (blank or from a template): those who may create projects.
    "delivery:project_create": (CREATE, "delivery.Project"),
    # --- resources: the capacity grid, a cell's allocations and /capacity read through
    # the capacity selector (planners see everyone, anyone else themselves); allocations
    # are written under a project (object routes).
    "delivery:capacity": (READ, None),
    "delivery:allocation_list": (READ, None),
    "/api/v1/capacity": (READ, None),
    # --- governance risks: the organisation-wide risk list reads through the scoped selector.
    "governance:risk_list": (READ, None),
    "/api/v1/risks": (READ, None),
    # Status reports (governance): the portfolio reads only.
    "governance:report_list": (READ, None),
    "/api/v1/status-reports": (READ, None),
    # --- governance comments: posting names the record in the body (whoever sees a record
    # may comment on it without changing it); the service checks the record is visible.
    "governance:comment_post": (CREATE, "governance.Comment"),
    "/api/v1/comments": (CREATE, "governance.Comment"),
    # --- outbound webhooks and chat channels (issue 10): webhooks are administrators'
    # (the models' can_create); chat channels are listed for everyone who sees them and
    # added by admins and project managers (the service then checks the project / team).
    "integrations:webhook_endpoint_list": (CREATE, "integrations.WebhookEndpoint"),
    "integrations:outbound_failures": (ADMIN, None),
    "integrations:chat_channel_list": (READ_CREATE, "integrations.ChatChannel"),
    "/api/v1/webhooks": (CREATE, "integrations.WebhookEndpoint"),
    "/api/v1/event-types": (READ, None),
    "/api/v1/chat-channels": (CREATE, "integrations.ChatChannel"),
    # --- RACI: "My responsibilities" reads the user's own letters through the scoped rows.
    "governance:my_responsibilities": (READ, None),
    "/api/v1/me/responsibilities": (READ, None),
}

# Collection pages that only act (POST) and show nothing: GET answers 405.
POST_ONLY: dict[str, str] = {
    "core:notification_read_all": "marks the user's own notifications read; the list is core:notifications",
    "core:saved_view_create": "saves the list's current view; the views show on the list page",
    "clients:account_reassign": "reassigns the accounts selected on the account list",
    "commercial:stage_add": "adds a stage from the stage settings page",
    "delivery:timesheet_cell": "saves one cell of the timesheet page",
    "delivery:timesheet_line": "switches a line's billable flag on the timesheet page",
    "delivery:timesheet_submit": "submits the week shown on the timesheet page",
    "delivery:approvals_decide": "approves or returns the time chosen on the approvals page",
    "governance:comment_post": "posts a comment from a record's discussion thread",
}

# Object routes where acting on one's own record follows a rule other than the named
# model's can_change, so the role's own read-only record is not expected to be refused.
SELF_SERVICE: dict[str, str] = {
    "people:time_off_create": "people record their own time off under their own user page",
}

# Object routes that serve an HTMX partial: a plain GET of a visible object redirects to
# the object's full page (302), the partial itself is checked with an HTMX GET.
PARTIAL_ONLY: dict[str, str] = {
    "clients:account_timeline": "the timeline block of the account page; a plain GET goes to that page",
    "delivery:plan_section": "the plan section of the project page; a plain GET goes to that page",
}

ROUTES = all_routes()
OBJECT_ROUTES = [route for route in ROUTES if route.kwargs and route.key not in PUBLIC]
COLLECTION_ROUTES = [route for route in ROUTES if not route.kwargs and route.key not in PUBLIC]


def route_id(route: Route) -> str:
    return route.template


@pytest.fixture(scope="module")
def shared_world(build_for_module: Any) -> World:
    """The organisation, built once for the module (each test's writes are rolled back)."""
    return build_for_module(lambda: build_world(make_role_users()))


@pytest.fixture
def world(shared_world: World, db: None, settings: Any) -> World:
    settings.TANDEM_API_THROTTLE_RATE = None
    return shared_world


def client_for(route: Route, world: World, role: str, *, read_only_token: bool = False) -> Client:
    """Pages: the role's session. API: the role's bearer token (read-write by default)."""
    if route.kind == "api":
        secret = (world.read_tokens if read_only_token else world.tokens)[role]
        return Client(headers={"authorization": f"Bearer {secret}"})
    client = Client()
    client.force_login(world.users[role])
    return client


def send(
    client: Client, route: Route, method: str, url: str, *, body: Any = None, htmx: bool = False
) -> HttpResponse:
    headers = {"HX-Request": "true"} if htmx else {}
    if route.kind == "api":
        payload = json.dumps(body if body is not None else {})
        return client.generic(
            method, url, payload, content_type="application/json", headers=headers
        )
    if method == "GET":
        return client.get(url, headers=headers)
    if method == "POST":
        return client.post(url, body or {}, headers=headers)
    from urllib.parse import urlencode

    return client.generic(
        method,
        url,
        urlencode(body or {}, doseq=True),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def visible_reference(model: type[Any], actor: Any, world: World) -> Any:
    """An object of ``model`` the actor may see (for foreign keys in bodies), or None."""
    policy = policy_for(model)
    for obj in POOLS[model._meta.label](world):
        if policy.can_view(actor, obj):
            return obj
    return None


def body_for(route: Route, method: str, actor: Any, world: World, version: int) -> Any:
    """A full, well-formed body: each reference names an object the actor sees. Where
    the actor sees none, an optional reference is left empty and a required one names
    ``MISSING_ID`` (see :func:`unseen_required_references`)."""
    if route.kind == "page":
        return page_form_data(version)
    refs: dict[str, Any] = {"version": version}
    required = api_body_required(route, method)
    for name in api_body_fk_properties(route, method):
        reference = visible_reference(fk_model(name), actor, world)  # type: ignore[arg-type]
        is_list = api_body_fk_is_list(route, method, name)
        if reference is not None:
            refs[name] = [reference.pk] if is_list else reference.pk
        elif is_list:
            refs[name] = []
        else:
            refs[name] = MISSING_ID if name in required else None
    return api_body(route, method, refs)


def unseen_required_references(route: Route, method: str, actor: Any, world: World) -> list[str]:
    """Required body references for which the actor sees no object at all (a project
    manager and ``account_id``): no body the actor can send is valid, so the API may
    refuse it as invalid (422 on that field) before it asks who is writing."""
    if route.kind != "api":
        return []
    required = api_body_required(route, method)
    return [
        name
        for name in api_body_fk_properties(route, method)
        if name in required
        and not api_body_fk_is_list(route, method, name)
        and visible_reference(fk_model(name), actor, world) is None  # type: ignore[arg-type]
    ]


class Outcomes:
    """Collects every violation of one route x role, so one run reports them all."""

    def __init__(self, route: Route, role: str) -> None:
        self.route, self.role, self.failures = route, role, []
        self.snapshots = Snapshots()

    def check(
        self,
        client: Client,
        method: str,
        url: str,
        *,
        expected: set[int],
        unchanged: bool,
        body: Any = None,
        htmx: bool = False,
        note: str = "",
        actor: Any,
    ) -> int:
        before = self.snapshots.now()
        response = send(client, self.route, method, url, body=body, htmx=htmx)
        after = self.snapshots.now()
        label = f"LEAK? {method} {url}{' (HTMX)' if htmx else ''} as {self.role}{note}"
        if response.status_code not in expected:
            self.failures.append(
                f"{label}: expected {sorted(expected)}, got {response.status_code}"
            )
        changed = diff_tables(before, after)
        if unchanged and changed:
            self.failures.append(f"{label}: rows changed in {', '.join(changed)}")
        forbidden = unauthorised_changes(actor, before, after)
        if forbidden:
            self.failures.append(f"{label}: changes the role may not make: {', '.join(forbidden)}")
        return response.status_code

    def assert_none(self) -> None:
        assert not self.failures, "\n".join(self.failures)


# --- The row snapshots the matrix compares ---------------------------------------------------


def test_db_state_reads_every_row_as_the_orm_does(world: World) -> None:
    """``db_state`` (compiled once, read through the cursor) equals the ORM's
    ``values_list`` of every tracked table, converted values included, and sees a change;
    ``Snapshots`` reads it again only after ``change_count`` moved."""
    from tandem.clients.models import Account

    snapshots = Snapshots()
    before = snapshots.now()
    assert before.rows == orm_db_state().rows
    assert sum(map(len, before.rows.values())) > 100  # the organisation is in it
    count = change_count()
    assert snapshots.now() is before  # nothing changed: not read again
    account = world.extra["accounts"]["north"]
    Account.objects.filter(pk=account.pk).update(name="North Star renamed")
    assert change_count() == count + 1  # type: ignore[operator]
    after = snapshots.now()
    assert after is not before
    assert after.rows == db_state().rows == orm_db_state().rows
    assert diff_tables(before, after) == ["clients_account (3 -> 3 rows)"]
    assert after.instance(Account, account.pk).name == "North Star renamed"  # type: ignore[union-attr]
    # A change made and undone is still counted: the snapshot is read again, unchanged.
    Account.objects.filter(pk=account.pk).update(name=account.name)
    assert change_count() == count + 2  # type: ignore[operator]
    assert diff_tables(before, snapshots.now()) == []


# --- Every route is covered -----------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_route_is_covered(route: Route) -> None:
    if route.key in PUBLIC:
        return
    if not route.kwargs:
        assert route.key in COLLECTION_RULES, (
            f"{route.template} ({route.key}) names no object and is not in COLLECTION_RULES: "
            "add it to COLLECTION_RULES in tests/test_authorization_matrix.py with the "
            "permission that governs its writes (or to PUBLIC, with the reason it is public)."
        )
        _rule, label = COLLECTION_RULES[route.key]
        if label is not None:
            assert label in POOLS, f"{label} has no pool in tests/authz.py POOLS"
        return
    for kwarg in route.kwargs:
        model = model_for_url_kwarg(kwarg)
        assert model is not None, (
            f"{route.template}: the URL kwarg {kwarg!r} names no model with a Policy. Name "
            "object kwargs <snake_case_model>_id (tandem.core.permissions.url_kwarg_for) and "
            "register the model's Policy, or extend the authorization matrix."
        )
        assert model._meta.label in POOLS, (
            f"{route.template}: {model._meta.label} has no pool in tests/authz.py: add one to "
            "POOLS (and its objects to build_world) so the matrix can test this route."
        )


def test_rule_tables_name_existing_routes() -> None:
    keys = {route.key for route in ROUTES}
    assert sorted(set(PUBLIC) - keys) == []
    assert sorted(set(COLLECTION_RULES) - keys) == []
    assert sorted(set(SELF_SERVICE) - keys) == []
    assert sorted(set(PARTIAL_ONLY) - keys) == []
    assert sorted(set(POST_ONLY) - keys) == []
    assert OBJECT_ROUTES and COLLECTION_ROUTES


# --- Object routes ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=route_id)
def test_object_route(route: Route, role: str, world: World) -> None:
    actor = world.users[role]
    client = client_for(route, world, role)
    outcomes = Outcomes(route, role)
    for kwarg in route.kwargs:
        model = model_for_url_kwarg(kwarg)
        if model is None or model._meta.label not in POOLS:
            pytest.fail(f"{route.template}: see test_route_is_covered ({kwarg!r})")
        targets = targets_for(model, actor, world)
        values = {
            other: _reachable_pk(model_for_url_kwarg(other), actor, world)
            for other in route.kwargs
            if other != kwarg
        }
        if targets.hidden is not None:
            hidden_url = route.url({**values, kwarg: targets.hidden.pk})
            missing_url = route.url({**values, kwarg: MISSING_ID})
            version = getattr(targets.hidden, "version", 1)
            for method in route.methods:
                # Pages also as HTMX partials (the same view, another template).
                partial = route.kind == "page" and method in ("GET", "POST")
                for htmx in (False, True) if partial else (False,):
                    body = body_for(route, method, actor, world, version)
                    missing = send(client, route, method, missing_url, body=body, htmx=htmx)
                    expected = {404, 405} & {missing.status_code} or {404, 405}
                    outcomes.check(
                        client, method, hidden_url, expected=expected, unchanged=True,
                        body=body, htmx=htmx, actor=actor,
                        note=f" ({model.__name__} {targets.hidden.pk} hidden; a missing id answers {missing.status_code})",
                    )  # fmt: skip
        # A route nested under an object the role sees none of (a project manager and
        # /accounts/{account_id}/prices/{product_id}) answers 404 whatever the other kwarg.
        unreachable = {404} if MISSING_ID in values.values() else set()
        read_only = [targets.read_only]
        if route.key not in SELF_SERVICE:
            read_only.append(targets.own_read_only)
        for obj in filter(None, read_only):
            url = route.url({**values, kwarg: obj.pk})
            version = getattr(obj, "version", 1)
            note = f" ({model.__name__} {obj.pk} visible, not changeable)"
            if route.kind == "page" or "GET" in dict(route.operations):
                # Seen, so never 404; an edit form may refuse with 403 already on GET.
                partial_only = route.key in PARTIAL_ONLY
                outcomes.check(
                    client,
                    "GET",
                    url,
                    expected={200, 403, 405} | ({302} if partial_only else set()) | unreachable,
                    unchanged=True,
                    actor=actor,
                    note=note,
                )
                if partial_only:
                    outcomes.check(
                        client, "GET", url, expected={200, 403}, unchanged=True, htmx=True,
                        actor=actor, note=note,
                    )  # fmt: skip
            for method in UNSAFE_METHODS:
                body = body_for(route, method, actor, world, version)
                outcomes.check(
                    client, method, url, expected={403, 405} | unreachable, unchanged=True, body=body,
                    actor=actor, note=note,
                )  # fmt: skip
    outcomes.assert_none()


def _reachable_pk(model: Any, actor: Any, world: World) -> Any:
    """For routes with several object kwargs: an object of the other kwargs' models that
    the actor may change (else see), so the kwarg under test decides the answer."""
    if model is None:
        return MISSING_ID
    policy = policy_for(model)
    pool = POOLS[model._meta.label](world)
    for obj in pool:
        if policy.can_view(actor, obj) and policy.can_change(actor, obj):
            return obj.pk
    for obj in pool:
        if policy.can_view(actor, obj):
            return obj.pk
    return MISSING_ID


# --- Routes without object kwargs ----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", COLLECTION_ROUTES, ids=route_id)
def test_collection_route(route: Route, role: str, world: World) -> None:
    actor = world.users[role]
    if route.key not in COLLECTION_RULES:
        pytest.fail(f"{route.template}: see test_route_is_covered")
    rule, label = COLLECTION_RULES[route.key]
    model = apps.get_model(label) if label else None
    allowed = True
    if rule in (CREATE, READ_CREATE):
        allowed = policy_for(model).can_create(actor)  # type: ignore[arg-type]
    elif rule == CHANGE:
        singleton = model._base_manager.first()  # type: ignore[union-attr]
        allowed = singleton is not None and policy_for(model).can_change(actor, singleton)  # type: ignore[arg-type]
    elif rule == ADMIN:
        allowed = is_admin(actor)
    client = client_for(route, world, role)
    outcomes = Outcomes(route, role)
    url = route.url({})
    if route.key in POST_ONLY:
        get_expected = {405}
    elif route.kind == "page":
        get_expected = {200} if allowed or rule in (READ, READ_CREATE) else {403}
    else:
        get_expected = {200} if "GET" in dict(route.operations) else {405}
    outcomes.check(client, "GET", url, expected=get_expected, unchanged=True, actor=actor)
    singleton_version = getattr(model._base_manager.first(), "version", 1) if rule == CHANGE else 1  # type: ignore[union-attr]
    for method in UNSAFE_METHODS:
        body = body_for(route, method, actor, world, singleton_version)
        if rule in (READ, ADMIN) or not allowed:
            unseen = unseen_required_references(route, method, actor, world)
            outcomes.check(
                client, method, url, expected={403, 405} | ({422} if unseen else set()),
                unchanged=True, body=body, actor=actor,
                note=f" (sees no object for {', '.join(unseen)})" if unseen else "",
            )  # fmt: skip
        else:
            # Allowed: whatever it answers, it may only change what the policies allow.
            outcomes.check(
                client, method, url, expected=set(range(200, 500)), unchanged=False, body=body,
                actor=actor,
            )  # fmt: skip
    outcomes.assert_none()


# --- Foreign keys swapped in bodies ------------------------------------------------------------


FK_BODY_OPERATIONS = [
    (route, method)
    for route in ROUTES
    if route.kind == "api"
    for method, _ in route.operations
    if api_body_fk_properties(route, method)
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("route", "method"),
    FK_BODY_OPERATIONS,
    ids=[f"{m} {r.template}" for r, m in FK_BODY_OPERATIONS],
)
def test_foreign_keys_to_hidden_objects_are_refused(
    route: Route, method: str, role: str, world: World
) -> None:
    """A body naming an object the role may not see (``team_id``, ``lead_id``) is refused
    like a missing one (404 or 422; 403 where the role may not write at all) and changes
    nothing, whatever object the path names."""
    actor = world.users[role]
    client = client_for(route, world, role)
    outcomes = Outcomes(route, role)
    values = {
        kwarg: _reachable_pk(model_for_url_kwarg(kwarg), actor, world) for kwarg in route.kwargs
    }
    url = route.url(values)
    version = 1
    for kwarg in route.kwargs:
        model = model_for_url_kwarg(kwarg)
        if model is not None:
            version = getattr(model._base_manager.filter(pk=values[kwarg]).first(), "version", 1)
    tested = 0
    for name in api_body_fk_properties(route, method):
        target = targets_for(fk_model(name), actor, world).hidden  # type: ignore[arg-type]
        if target is None:
            continue  # the role sees every object of that model
        tested += 1
        body = body_for(route, method, actor, world, version)
        body[name] = [target.pk] if api_body_fk_is_list(route, method, name) else target.pk
        outcomes.check(
            client, method, url, expected={403, 404, 422}, unchanged=True, body=body, actor=actor,
            note=f" ({name}={target.pk}, hidden from the role)",
        )  # fmt: skip
    outcomes.assert_none()
    if not tested:
        pytest.skip(f"{role} sees every object these foreign keys can name")


# --- Read-only tokens --------------------------------------------------------------------------


API_WRITES = [
    (route, method)
    for route in ROUTES
    if route.kind == "api"
    for method, _ in route.operations
    if method in UNSAFE_METHODS
]


@pytest.mark.parametrize(
    ("route", "method"), API_WRITES, ids=[f"{m} {r.template}" for r, m in API_WRITES]
)
def test_read_only_token_cannot_write(route: Route, method: str, world: World) -> None:
    """Even an administrator's ``read`` token is refused every write (403), unchanged."""
    actor = world.users[Role.ADMIN]
    client = client_for(route, world, Role.ADMIN, read_only_token=True)
    outcomes = Outcomes(route, "admin with a read token")
    values = {
        kwarg: _reachable_pk(model_for_url_kwarg(kwarg), actor, world) for kwarg in route.kwargs
    }
    body = body_for(route, method, actor, world, 1)
    outcomes.check(
        client, method, route.url(values), expected={403}, unchanged=True, body=body, actor=actor
    )
    outcomes.assert_none()


# --- Anonymous visitors ------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_anonymous_is_sent_to_log_in(route: Route, world: World) -> None:
    """Pages redirect to the log-in page, the API answers 401; nothing changes."""
    if route.key in PUBLIC:
        pytest.skip(PUBLIC[route.key])
    values = {
        kwarg: _reachable_pk(model_for_url_kwarg(kwarg), world.users[Role.ADMIN], world)
        for kwarg in route.kwargs
    }
    url = route.url(values)
    client = Client()
    failures = []
    for method in route.methods:
        before: DbState = db_state()
        response = send(client, route, method, url, body={} if route.kind == "api" else None)
        changed = diff_tables(before, db_state())
        if route.kind == "api":
            ok = response.status_code in (
                {401, 405} if method not in dict(route.operations) else {401}
            )
        else:
            ok = response.status_code == 302 and response["Location"].startswith("/login/")
            ok = ok or (response.status_code == 405 and method != "GET")
        if not ok:
            failures.append(f"LEAK? anonymous {method} {url}: got {response.status_code}")
        if changed:
            failures.append(f"LEAK? anonymous {method} {url}: rows changed in {', '.join(changed)}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("url", PUBLIC_API_PAGES)
def test_api_schema_and_docs_are_public(url: str) -> None:
    assert Client().get(url).status_code == 200


def test_public_pages_answer_anonymous_visitors(db: None) -> None:
    client = Client()
    for name in (
        "/login/",
        "/password-reset/",
        "/password-reset/sent/",
        "/password-reset/complete/",
        "/healthz",
    ):
        assert client.get(name).status_code == 200, name


# --- The Django admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_admins(role: str, world: World) -> None:
    client = Client()
    client.force_login(world.users[role])
    paths = [
        "/admin/",
        "/admin/people/user/",
        f"/admin/people/user/{world.extra['stan'].pk}/change/",
    ]
    for path in paths:
        before = db_state()
        response = client.get(path)
        assert diff_tables(before, db_state()) == []
        if role == Role.ADMIN:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 302, f"LEAK? {path} as {role}: {response.status_code}"
            assert response["Location"].startswith("/admin/login/"), path
    before = db_state()
    response = client.post(f"/admin/people/user/{world.extra['stan'].pk}/delete/", {"post": "yes"})
    if role != Role.ADMIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert diff_tables(before, db_state()) == []


def test_anonymous_admin_is_sent_to_admin_log_in(db: None) -> None:
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- References to records of another account --------------------------------------------------


def _cross_account_cases(world: World) -> list[tuple[str, str, dict[str, Any], str, Any, Any]]:
    """(method, path, body, swapped field, the reference of the same account, the one of
    another account the caller also sees): "Delivery Co" against "Mel's Legacy"."""
    from tandem.clients.models import Feedback, Interaction

    delivery = world.extra["accounts"]["delivery"]
    own_contact, other_contact = world.extra["delivery_contact"], world.extra["legacy_contact"]
    own_inquiry, other_inquiry = world.extra["delivery_inquiry"], world.extra["legacy_inquiry"]
    interaction = Interaction.objects.filter(account=delivery).get()
    feedback = Feedback.objects.filter(account=delivery).get()
    call = {"account_id": delivery.pk, "kind": "call", "subject": "Matrix call"}
    return [
        ("POST", "/api/v1/interactions", call, "contact_ids", [own_contact.pk], [other_contact.pk]),
        ("POST", "/api/v1/interactions", call, "inquiry_id", own_inquiry.pk, other_inquiry.pk),
        (
            "PATCH", f"/api/v1/interactions/{interaction.pk}", {"version": interaction.version},
            "contact_ids", [own_contact.pk], [other_contact.pk],
        ),
        (
            "POST", "/api/v1/feedback",
            {"account_id": delivery.pk, "sentiment": "positive", "text": "Matrix"},
            "contact_id", own_contact.pk, other_contact.pk,
        ),
        (
            "PATCH", f"/api/v1/feedback/{feedback.pk}", {"version": feedback.version},
            "contact_id", own_contact.pk, other_contact.pk,
        ),
        (
            "POST", "/api/v1/inquiries", {"account_id": delivery.pk, "subject": "Matrix"},
            "contact_id", own_contact.pk, other_contact.pk,
        ),
        (
            "POST", f"/api/v1/inquiries/{own_inquiry.pk}/respond", {"summary": "Matrix"},
            "contact_ids", [own_contact.pk], [other_contact.pk],
        ),
    ]  # fmt: skip


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ACCOUNT_MANAGER])
def test_references_to_another_accounts_records_are_refused(role: str, world: World) -> None:
    """A contact or inquiry the caller may see, but of another account than the record
    being written, is a 422 on that body field and changes nothing; the same body with
    the account's own record is accepted (so the refusal is the swap's doing)."""
    client = Client(headers={"authorization": f"Bearer {world.tokens[role]}"})
    failures = []
    for method, path, body, name, own, other in _cross_account_cases(world):
        before = db_state()
        response = client.generic(
            method, path, json.dumps({**body, name: other}), content_type="application/json"
        )
        fields = (
            response.json().get("error", {}).get("fields", {})
            if response.status_code == 422
            else {}
        )
        if response.status_code != 422 or list(fields) != [name]:
            failures.append(
                f"LEAK? {method} {path} {name}={other} as {role}: {response.status_code} {fields}"
            )
        if diff_tables(before, db_state()):
            failures.append(f"LEAK? {method} {path} {name}={other} as {role}: rows changed")
        control = client.generic(
            method, path, json.dumps({**body, name: own}), content_type="application/json"
        )
        if control.status_code not in (200, 201):
            failures.append(
                f"control {method} {path} {name}={own} as {role}: {control.status_code} {control.content[:300]!r}"
            )
        if method == "PATCH":
            body["version"] += 1
    assert not failures, "\n".join(failures)


# --- An inquiry's assignee answers it, and does nothing else on its account -----------------


def _changes(before: DbState, after: DbState) -> dict[str, dict[Any, set[str] | str]]:
    """Per table (by-products aside): row pk -> "inserted", "deleted" or the changed columns."""
    from tests.authz import BYPRODUCT_TABLES

    changes: dict[str, dict[Any, set[str] | str]] = {}
    for table in set(before.rows) | set(after.rows):
        if table in BYPRODUCT_TABLES:
            continue
        old, new = before.rows.get(table, {}), after.rows.get(table, {})
        model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
        columns = ["pk", *[f.attname for f in model._meta.concrete_fields if f.attname not in ("last_used_at", "last_login")]]
        for pk in set(old) | set(new):
            if old.get(pk) == new.get(pk):
                continue
            if pk not in old:
                what: set[str] | str = "inserted"
            elif pk not in new:
                what = "deleted"
            else:
                what = {c for c, a, b in zip(columns, old[pk], new[pk], strict=True) if a != b}
            changes.setdefault(table, {})[pk] = what
    return changes


@pytest.mark.parametrize("kind", ["page", "api"])
def test_inquiry_assignee_may_respond_without_access_to_the_account(kind: str, world: World) -> None:
    """The member is the assignee of an inquiry of "North Star", an account they cannot
    see: they may answer it (an outbound interaction recorded on their behalf, the
    inquiry's first response, the account's last contact), and the safety net agrees."""
    from django.utils import timezone

    from tandem.clients.models import Interaction

    member = world.users[Role.MEMBER]
    inquiry = world.extra["member_inquiry"]
    north = world.extra["accounts"]["north"]
    client = Client()
    if kind == "api":
        client = Client(headers={"authorization": f"Bearer {world.tokens[Role.MEMBER]}"})
        url, body = f"/api/v1/inquiries/{inquiry.pk}/respond", json.dumps({"summary": "On it"})
        before = db_state()
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200, response.content
    else:
        client.force_login(member)
        before = db_state()
        response = client.post(
            f"/clients/inquiries/{inquiry.pk}/respond/",
            {"kind": "call", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "subject": "Called back",
             "summary": "", "next_steps": ""},
        )
        assert response.status_code == 302, response.content
    after = db_state()
    answer = Interaction.objects.get(inquiry=inquiry)
    assert (answer.account_id, answer.direction, answer.logged_by_id) == (north.pk, "outbound", member.pk)
    assert _changes(before, after) == {
        "clients_interaction": {answer.pk: "inserted"},
        "clients_inquiry": {inquiry.pk: {"first_response_at", "response_business_hours", "response_calendar_hours",
                                         "status", "version", "updated_at"}},
        "clients_account": {north.pk: {"last_contact_at", "check_in_due_at"}},
    }  # fmt: skip
    assert unauthorised_changes(member, before, after) == []


def test_a_member_answers_only_inquiries_assigned_to_them(world: World) -> None:
    """Not an inquiry of an account they see but cannot change, not one assigned to
    someone else; and no interaction of their own on the account of their inquiry, even
    linked to it. Each refusal changes nothing."""
    member = world.users[Role.MEMBER]
    own = world.extra["member_inquiry"]
    legacy = world.extra["accounts"]["legacy"]  # Mel owns it without being an account manager
    north = world.extra["accounts"]["north"]
    page = Client()
    page.force_login(member)
    api = Client(headers={"authorization": f"Bearer {world.tokens[Role.MEMBER]}"})
    respond = {"kind": "call", "occurred_at": "2031-01-06T10:00", "subject": "x", "summary": "", "next_steps": ""}
    call = {"kind": "call", "subject": "Matrix", "direction": "outbound", "inquiry_id": own.pk}
    cases = [
        (page, f"/clients/inquiries/{world.extra['legacy_inquiry'].pk}/respond/", respond, None, 403),
        (page, f"/clients/inquiries/{world.extra['pm_inquiry'].pk}/respond/", respond, None, 404),
        (api, f"/api/v1/inquiries/{world.extra['legacy_inquiry'].pk}/respond", {"summary": "x"}, "json", 403),
        (api, f"/api/v1/inquiries/{world.extra['pm_inquiry'].pk}/respond", {"summary": "x"}, "json", 404),
        (page, f"/clients/accounts/{north.pk}/interactions/new/", {**respond, "direction": "outbound"}, None, 404),
        (page, f"/clients/accounts/{legacy.pk}/interactions/new/", {**respond, "direction": "outbound"}, None, 403),
        (api, "/api/v1/interactions", {**call, "account_id": north.pk}, "json", 422),
        (api, "/api/v1/interactions", {**call, "account_id": legacy.pk}, "json", 403),
    ]
    failures = []
    for client, url, body, encoding, expected in cases:
        before = db_state()
        if encoding == "json":
            response = client.post(url, json.dumps(body), content_type="application/json")
        else:
            response = client.post(url, body)
        if response.status_code != expected:
            failures.append(f"LEAK? POST {url} as member: expected {expected}, got {response.status_code}")
        changed = diff_tables(before, db_state())
        if changed:
            failures.append(f"LEAK? POST {url} as member: rows changed in {', '.join(changed)}")
    assert not failures, "\n".join(failures)
