"""Helpers shared by the security tests: route discovery, request bodies, the
organisation the authorization matrix runs against, and "nothing changed" checks
(``db_state`` / ``diff_tables``) used by the matrix and the service tests."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from tandem.core.permissions import model_for_url_kwarg, policy_for

# --- What "nothing changed" looks at --------------------------------------------------------

# Tables a request may legitimately touch without changing business data.
UNTRACKED_TABLES = frozenset({"django_session", "django_migrations", "django_content_type"})
# Tables that record that something happened (the audit trail, failed log-ins, queued
# tasks, the admin's log) rather than business data: "nothing changed" includes them,
# the check of which changes a role may make leaves them out.
BYPRODUCT_TABLES = frozenset(
    {
        "core_auditentry",
        "people_loginattempt",
        "django_tasks_database_dbtaskresult",
        "django_admin_log",
    }
)
# Columns that record reads, not changes (a token's last use, a user's last log-in).
UNTRACKED_COLUMNS = frozenset({"last_used_at", "last_login"})


# --- Route discovery ---------------------------------------------------------------------

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
API_PARAMETER = re.compile(r"{(?P<name>[^}]+)}")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PAGE_METHODS = ("GET", *UNSAFE_METHODS)
# Namespaces the page walk leaves to other checks: the Django admin (its own login and
# staff check, see test_admin_site_is_for_admins) and the API (walked through its
# OpenAPI schema, which names every operation and its body).
SKIPPED_NAMESPACES = frozenset({"admin", "api"})


@dataclass(frozen=True)
class Route:
    """One page URL pattern or one API path (with the operations the schema declares)."""

    kind: str  # "page" or "api"
    key: str  # the URL name ("people:user_detail") or the API path template
    template: str  # "/people/users/<int:user_id>/" or "/api/v1/users/{user_id}"
    kwargs: tuple[str, ...]
    operations: tuple[tuple[str, str | None], ...] = ()  # API: (method, body schema ref)

    @property
    def id(self) -> str:
        return self.template

    @property
    def methods(self) -> tuple[str, ...]:
        """Methods to try: every method for pages (the view's own checks must refuse
        what it does not serve); for the API the declared ones plus every unsafe one."""
        if self.kind == "page":
            return PAGE_METHODS
        declared = [method for method, _ in self.operations]
        return tuple(dict.fromkeys([*declared, *UNSAFE_METHODS]))

    def body_schema(self, method: str) -> str | None:
        return dict(self.operations).get(method)

    def url(self, values: dict[str, Any]) -> str:
        if self.kind == "page":
            return PARAMETER.sub(lambda match: str(values[match.group("name")]), self.template)
        return API_PARAMETER.sub(lambda match: str(values[match.group("name")]), self.template)


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> list[Route]:
    routes: list[Route] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            child_namespace = pattern.namespace or namespace
            if child_namespace in SKIPPED_NAMESPACES:
                continue
            full_namespace = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else child_namespace
            )
            routes += _walk(pattern.url_patterns, prefix + str(pattern.pattern), full_namespace)
        elif isinstance(pattern, URLPattern):
            template = "/" + prefix + str(pattern.pattern)
            name = (
                f"{namespace}:{pattern.name}"
                if namespace and pattern.name
                else (pattern.name or template)
            )
            kwargs = tuple(match.group("name") for match in PARAMETER.finditer(template))
            routes.append(Route(kind="page", key=name, template=template, kwargs=kwargs))
    return routes


def page_routes() -> list[Route]:
    """Every URL pattern of ``config.urls`` outside the admin and the API."""
    return _walk(get_resolver().url_patterns, "", None)


@functools.cache
def api_schema() -> dict[str, Any]:
    """The API's OpenAPI schema, built once per process: django-ninja builds it anew on
    every call (a second or more: a JSON schema per operation), and the matrix asks for
    it for every body it writes. The routes do not change while the tests run. Read it,
    never change it (callers share the one dict)."""
    from config.api import api

    return api.get_openapi_schema()


def api_routes() -> list[Route]:
    """Every path of the OpenAPI schema, with its operations and their bodies."""
    routes = []
    for template, operations in api_schema()["paths"].items():
        declared = []
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            declared.append((method.upper(), body.get("schema", {}).get("$ref")))
        kwargs = tuple(match.group("name") for match in API_PARAMETER.finditer(template))
        routes.append(
            Route(
                kind="api",
                key=template,
                template=template,
                kwargs=kwargs,
                operations=tuple(declared),
            )
        )
    return routes


def all_routes() -> list[Route]:
    return page_routes() + api_routes()


# --- Request bodies ----------------------------------------------------------------------

# Body properties naming another object whose name does not follow ``<model>_id``
# (a list property such as ``contact_ids`` names several objects of one model).
FK_ALIASES: dict[str, str] = {
    "lead_id": "user_id",
    "owner_id": "user_id",
    "assignee_id": "user_id",
    "user_ids": "user_id",
    "contact_ids": "contact_id",
    # delivery: people and tasks named in project, task and dependency bodies
    "manager_id": "user_id",
    "assignee_ids": "user_id",
    "parent_id": "task_id",
    "predecessor_id": "task_id",
    "successor_id": "task_id",
}


def fk_model(property_name: str) -> type[models.Model] | None:
    """The model a body property refers to (``team_id`` → Team, ``lead_id`` → User)."""
    return model_for_url_kwarg(FK_ALIASES.get(property_name, property_name))


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example_value(
    name: str, schema: dict[str, Any], components: dict[str, Any], refs: dict[str, Any]
) -> Any:
    """A plausible value for one body property. Values a leaky endpoint would be glad to
    accept (``roles`` asks for admin, ``is_active`` disables) make any leak visible."""
    schema = _resolve(schema, components)
    if name in refs:
        return refs[name]
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        return example_value(name, options[0], components, refs) if options else None
    if "enum" in schema:
        return "admin" if "admin" in schema["enum"] else schema["enum"][0]
    kind = schema.get("type")
    if kind == "array":
        return [example_value(name, schema.get("items", {}), components, refs)]
    if kind == "object":
        return {
            key: example_value(key, value, components, refs)
            for key, value in schema.get("properties", {}).items()
        }
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    fmt = schema.get("format", "")
    # Dates and times first: their schema also has a pattern (the year range), which a
    # bare date would match for a date-time too.
    if fmt == "date":
        return "2031-01-06"
    if fmt == "date-time":
        return "2031-01-06T10:00:00Z"
    if "pattern" in schema or "maxLength" in schema:
        fitting = [
            candidate
            for candidate in _string_candidates(name)
            if re.search(schema.get("pattern", ""), candidate)
            and schema.get("minLength", 0) <= len(candidate) <= schema.get("maxLength", 10**6)
        ]
        if fitting:
            return fitting[0]
    if "email" in name:
        return "matrix@example.test"
    if name == "time_zone":
        return "UTC"
    if "password" in name:
        return "a-long-matrix-password-9"
    return "Matrix"


def _string_candidates(name: str) -> list[str]:
    preferred = {"time_zone": "UTC", "currency": "EUR"}
    candidates = [
        preferred.get(name, ""),
        "Matrix",
        "EUR",
        "40",
        "2031-01-06",
        "matrix@example.test",
    ]
    if "email" in name:
        candidates.insert(0, "matrix@example.test")
    if "password" in name:
        candidates.insert(0, "a-long-matrix-password-9")
    return [candidate for candidate in candidates if candidate]


def api_body(route: Route, method: str, refs: dict[str, Any]) -> dict[str, Any] | None:
    """A full example body for one operation; ``refs`` fixes some properties (version,
    foreign keys)."""
    ref = route.body_schema(method)
    if ref is None:
        return None
    schema = api_schema()
    components = schema["components"]["schemas"]
    return example_value("", {"$ref": ref}, components, refs)


def api_body_fk_properties(route: Route, method: str) -> list[str]:
    ref = route.body_schema(method)
    if ref is None:
        return []
    components = api_schema()["components"]["schemas"]
    properties = _resolve({"$ref": ref}, components).get("properties", {})
    return [name for name in properties if fk_model(name) is not None]


def api_body_required(route: Route, method: str) -> frozenset[str]:
    """The body properties the schema requires."""
    ref = route.body_schema(method)
    if ref is None:
        return frozenset()
    components = api_schema()["components"]["schemas"]
    return frozenset(_resolve({"$ref": ref}, components).get("required", []))


def api_body_fk_is_list(route: Route, method: str, name: str) -> bool:
    """True when the body property holds a list of ids (``contact_ids``)."""
    ref = route.body_schema(method)
    if ref is None:
        return False
    components = api_schema()["components"]["schemas"]
    schema = _resolve({"$ref": ref}, components).get("properties", {}).get(name, {})
    schema = _resolve(schema, components)
    options = schema.get("anyOf", [schema])
    return any(_resolve(option, components).get("type") == "array" for option in options)


def page_form_data(version: int) -> dict[str, Any]:
    """One POST body for every page: plausible values for the fields people pages use."""
    return {
        "name": "Matrix",
        "full_name": "Matrix",
        "email": "matrix@example.test",
        "description": "matrix",
        "title": "matrix",
        "version": version,
        "date": "2031-01-06",
        "start_date": "2031-01-06",
        "end_date": "2031-01-07",
        "kind": "vacation",
        "scope": "read_write",
        "time_zone": "UTC",
        "roles": ["admin"],
        "is_active": "",
        "weekly_capacity_hours": "40",
        "working_days": ["0", "1"],
        "day_start": "08:00",
        "day_end": "18:00",
        "locale": "en-gb",
        "currency": "EUR",
        "cost_rate": "1",
        "bill_rate": "1",
        "password": "a-long-matrix-password-9",
        "new_password1": "a-long-matrix-password-9",
        "new_password2": "a-long-matrix-password-9",
    }


# --- The organisation the matrix runs against ----------------------------------------------


@dataclass
class World:
    """The role users plus the objects the matrix classifies through the policies."""

    users: dict[str, Any]
    tokens: dict[str, str] = field(default_factory=dict)  # role -> read-write secret
    read_tokens: dict[str, str] = field(default_factory=dict)  # role -> read-only secret
    extra: dict[str, Any] = field(default_factory=dict)


def build_world(users_by_role: dict[str, Any]) -> World:
    """Role users (AM, PM, member in "Delivery"), team "Ops" led by the project manager
    with Olly in it, Stan in no team, Gus disabled; time off for the member, Olly and
    Stan; a token per role and one of Stan's; a holiday."""
    from tandem.core.roles import Role
    from tandem.people import services
    from tandem.people.models import User
    from tandem.people.selectors import calendar_get
    from tests.factories import make_team, make_user

    world = World(users=users_by_role)
    pm = users_by_role[Role.PROJECT_MANAGER]
    ops = make_team(name="Ops", lead=pm)
    olly = make_user(email="olly@example.test", full_name="Olly Ops", team=ops)
    stan = make_user(email="stan@example.test", full_name="Stan Solo")
    gus = make_user(email="gus@example.test", full_name="Gus Gone")
    User.objects.filter(pk=gus.pk).update(is_active=False)
    for owner in (users_by_role[Role.MEMBER], olly, stan, users_by_role[Role.ADMIN]):
        services.time_off_create(
            actor=owner,
            person=owner.person,
            start_date=dt.date(2030, 7, 1),
            end_date=dt.date(2030, 7, 4),
        )
    for role, owner in users_by_role.items():
        _, world.tokens[role] = services.token_create(
            actor=owner, user=owner, name="matrix", scope="read_write"
        )
        _, world.read_tokens[role] = services.token_create(
            actor=owner, user=owner, name="matrix read"
        )
    services.token_create(actor=stan, user=stan, name="stan's script")
    services.holiday_create(
        actor=None, calendar=calendar_get(), date=dt.date(2030, 12, 25), name="Christmas"
    )
    world.extra = {"ops": ops, "olly": olly, "stan": stan, "gus": gus}
    build_records(world)
    return world


def build_records(world: World) -> None:
    """The records of the apps beyond people (clients, import jobs, notifications) for
    the role users of ``world`` (``world.extra["stan"]``, a user in no team, is needed)."""
    from tests.clients.factories import seed_service_rules
    from tests.commercial.factories import seed_stages

    seed_service_rules()
    seed_stages()
    _build_clients(world)
    _build_commercial(world)
    _build_delivery(world)
    _build_governance(world)
    _build_imports(world)
    _build_notifications(world)
    _build_saved_views(world)


def _build_clients(world: World) -> None:
    """Three accounts, each with one record of every kind that belongs to an account.

    Built in this order so the first object of each model the matrix finds hidden is
    the one of another team (pools are ordered by id):

    * "North Star": owned by Nora, account manager of team "North". Hidden from the
      account manager, the project manager and the member; read-only for the
      executive. One inquiry and one follow-up of it are the member's (assigned to /
      owned by them: visible and changeable), one inquiry is the project manager's.
    * "Delivery Co": owned by the account manager (team "Delivery"): theirs to change.
    * "Mel's Legacy": owned by the member, who is no account manager (an owner whose
      role changed): the member sees it and its records but may not change them; the
      account manager, same team, changes them.
    """
    import datetime as dt

    from tandem.clients import services as clients
    from tandem.clients.models import Account
    from tandem.core.roles import Role
    from tests.factories import make_team, make_user

    admin = world.users[Role.ADMIN]  # services record who acted; some refuse "nobody"
    am = world.users[Role.ACCOUNT_MANAGER]
    pm = world.users[Role.PROJECT_MANAGER]
    member = world.users[Role.MEMBER]
    north = make_team(name="North")
    nora = make_user(
        role=Role.ACCOUNT_MANAGER, email="nora@example.test", full_name="Nora North", team=north
    )
    world.extra.update(north=north, nora=nora)
    accounts = {}
    for key, name, owner in (
        ("north", "North Star", nora),
        ("delivery", "Delivery Co", am),
        ("legacy", "Mel's Legacy", member),
    ):
        account = clients.account_create(
            actor=admin,
            data={"name": name, "tier": "key", "owner": nora if owner is member else owner},
            lifecycle="active",
        )
        if owner is member:
            # Services give accounts only to account managers; this one was Mel's while
            # Mel was one (the role was taken away since, the accounts stayed).
            Account.objects.filter(pk=account.pk).update(owner=member)
            account.refresh_from_db()
        accounts[key] = account
        clients.account_item_create(
            actor=admin, account=account, data={"kind": "need", "title": f"{name} need"}
        )
        contact = clients.contact_create(
            actor=admin,
            account=account,
            data={
                "first_name": "Cy",
                "last_name": f"{name} contact",
                "email": f"{key}@client.test",
            },
        )
        inquiry = clients.inquiry_create(
            actor=admin,
            account=account,
            subject=f"{name} question",
            contact=contact,
            assignee=nora if key == "north" else am,
        )
        clients.interaction_create(
            actor=admin,
            account=account,
            data={"kind": "call", "subject": f"{name} call", "next_steps": "Send the offer"},
            contacts=[contact],
            follow_up_due=dt.date(2031, 1, 6),
            follow_up_owner=owner if Role.ACCOUNT_MANAGER in owner.roles else am,
        )
        clients.feedback_create(
            actor=admin,
            account=account,
            data={"sentiment": "positive", "text": f"{name} is happy"},
            contact=contact,
        )
        world.extra[f"{key}_contact"] = contact
        world.extra[f"{key}_inquiry"] = inquiry
    # Records of North Star that are the member's and the project manager's own.
    world.extra["member_inquiry"] = clients.inquiry_create(
        actor=admin, account=accounts["north"], subject="Assigned to Mel", assignee=member
    )
    world.extra["pm_inquiry"] = clients.inquiry_create(
        actor=admin, account=accounts["north"], subject="Assigned to Pam", assignee=pm
    )
    world.extra["member_follow_up"] = clients.follow_up_create(
        actor=admin,
        account=accounts["north"],
        owner=member,
        due_date=dt.date(2031, 1, 7),
        description="Mel calls back",
    )
    world.extra["accounts"] = accounts


def _build_commercial(world: World) -> None:
    """The catalog and one record of every commercial kind for each account of
    :func:`_build_clients` (so North Star's are hidden from the account manager)."""
    from tests.commercial.factories import build_account_records, build_reference_data

    reference = build_reference_data()
    world.extra["commercial"] = {
        key: build_account_records(account, product=reference["product"])
        for key, account in world.extra["accounts"].items()
    }
    world.extra["catalog"] = reference


def _build_delivery(world: World) -> None:
    """Projects built so each role meets one it may not see and one it sees but may not
    change (pools are ordered by id):

    * "North rollout" for North Star, managed by Nora's project manager Pete: hidden
      from the account manager, the project manager and the member;
    * "Delivery build" for Delivery Co (the account manager's account), managed by the
      project manager, with the member on its team: the project manager's to change;
      the account manager and the member read it;
    * "Internal tools" (no account), managed by Pete, with the member on its team.

    Each has a two-task plan with a dependency, an objective, a deliverable, a baseline,
    an allocation and an expense; the member logs time on the first two.
    """
    from decimal import Decimal

    from tandem.core.roles import Role
    from tandem.core.services import model_create
    from tandem.delivery import services as delivery
    from tandem.delivery.models import (
        Allocation,
        Baseline,
        BaselineTask,
        Calendar,
        CalendarException,
        Deliverable,
        Objective,
        ProjectExpense,
        TimeEntry,
    )
    from tests.factories import make_user

    pm = world.users[Role.PROJECT_MANAGER]
    member = world.users[Role.MEMBER]
    pete = make_user(email="pete@example.test", full_name="Pete Planner", role=Role.PROJECT_MANAGER)
    accounts = world.extra["accounts"]
    projects = {}
    for key, name, manager, account in (
        ("north", "North rollout", pete, accounts["north"]),
        ("delivery", "Delivery build", pm, accounts["delivery"]),
        ("internal", "Internal tools", pete, None),
    ):
        project = delivery.project_create(actor=None, data={
            "code": f"M-{key.upper()}", "name": name, "manager": manager, "account": account,
            "start_date": dt.date(2031, 1, 6)})
        if key != "north":
            delivery.project_member_add(actor=None, project=project, user=member, role="Developer")
        first = delivery.task_create(actor=None, project=project, data={"name": f"{name} design", "duration_minutes": 960})
        second = delivery.task_create(actor=None, project=project, data={"name": f"{name} build", "duration_minutes": 480})
        delivery.dependency_create(actor=None, predecessor=first, successor=second)
        delivery.task_assign(actor=None, task=second, user=member)
        model_create(actor=None, model=Objective, data={"project": project, "title": f"{name} goal", "target_value": Decimal("10")})
        model_create(actor=None, model=Deliverable, data={"project": project, "name": f"{name} handover"})
        baseline = model_create(actor=None, model=Baseline, data={"project": project, "name": "Signed"})
        BaselineTask.objects.create(baseline=baseline, task=first, duration_minutes=960, work_minutes=960)
        model_create(actor=None, model=Allocation, data={
            "project": project, "user": member, "start_date": dt.date(2031, 1, 6), "end_date": dt.date(2031, 3, 28),
            "hours_per_week": Decimal("16")})
        model_create(actor=None, model=ProjectExpense, data={
            "project": project, "date": dt.date(2031, 1, 8), "description": f"{name} travel", "amount": Decimal("120")})
        if key != "north":
            model_create(actor=None, model=TimeEntry, data={
                "project": project, "user": member, "task": first, "date": dt.date(2031, 1, 6), "hours": Decimal("6")})
        projects[key] = project
    calendar = model_create(actor=None, model=Calendar, data={"name": "Four-day week"})
    model_create(actor=None, model=CalendarException, data={"calendar": calendar, "date": dt.date(2031, 5, 1),
                                                             "name": "Closed"})
    world.extra["projects"] = projects


def _build_governance(world: World) -> None:
    """Governance and outbound records for each project of :func:`_build_delivery` (so
    each role meets one hidden, one readable and one of its own), plus account-only
    ones for North Star (hidden from the account manager) and Delivery Co (theirs).
    Written with ``model_create``: the matrix needs rows, not the services' rules."""
    from tandem.core.roles import Role
    from tandem.core.services import model_create
    from tandem.governance.models import (
        ActionItem,
        Comment,
        Meeting,
        MeetingSeries,
        RaciCell,
        RaciRow,
        Risk,
        RiskExposure,
        Stakeholder,
        StatusReport,
        SwotAnalysis,
        SwotItem,
    )
    from tandem.integrations.models import (
        CalendarFeed,
        ChatChannel,
        OutboundAttempt,
        OutboundMessage,
        WebhookEndpoint,
    )

    member = world.users[Role.MEMBER]
    accounts = world.extra["accounts"]
    start = dt.datetime(2031, 1, 13, 9, 0, tzinfo=dt.UTC)
    for key, project in world.extra["projects"].items():
        manager = project.manager
        task = project.tasks.order_by("pk").first()
        deliverable = project.deliverables.first()
        model_create(actor=None, model=StatusReport, data={
            "project": project, "period_start": dt.date(2031, 1, 6), "period_end": dt.date(2031, 1, 10),
            "author": manager, "accomplishments": f"{project.name} design under way"})
        model_create(actor=None, model=Stakeholder, data={"project": project, "user": member, "role": "Developer"})
        row = model_create(actor=None, model=RaciRow, data={"project": project, "kind": "task", "task": task})
        model_create(actor=None, model=RaciRow, data={
            "project": project, "kind": "deliverable", "deliverable": deliverable, "position": 1})
        RaciCell.objects.create(row=row, user=manager, letter="A")
        RaciCell.objects.create(row=row, user=member, letter="R")
        risk = model_create(actor=None, model=Risk, data={
            "project": project, "title": f"{project.name} supplier late", "probability": 3, "impact": 4,
            "owner": manager, "contingency_plan": "Call the backup supplier"})
        RiskExposure.objects.create(project=project, day=dt.date(2031, 1, 6), exposure=12, open_risks=1)
        swot = model_create(actor=None, model=SwotAnalysis, data={"project": project, "title": f"{project.name} SWOT"})
        model_create(actor=None, model=SwotItem, data={"analysis": swot, "quadrant": "threat", "text": "New rules"})
        series = model_create(actor=None, model=MeetingSeries, data={
            "project": project, "account": project.account, "title": f"{project.name} weekly",
            "rrule": "FREQ=WEEKLY;BYDAY=MO", "first_starts_at": start, "organizer": manager})
        meeting = model_create(actor=None, model=Meeting, data={
            "series": series, "recurrence_id": start, "project": project, "account": project.account,
            "title": f"{project.name} weekly", "starts_at": start, "ends_at": start + dt.timedelta(minutes=30),
            "organizer": manager})
        model_create(actor=None, model=ActionItem, data={
            "meeting": meeting, "description": "Send the minutes", "owner": manager, "due_date": dt.date(2031, 1, 14)})
        model_create(actor=None, model=Comment, data={"project": project, "author": manager, "body": "Kickoff done"})
        model_create(actor=None, model=Comment, data={"risk": risk, "author": manager, "body": "Watching it"})
        model_create(actor=None, model=ChatChannel, data={
            "kind": "slack", "name": f"#{key}", "url": f"http://127.0.0.1:9/{key}", "project": project,
            "created_by": manager})
        CalendarFeed.objects.create(owner=manager, project=project, token_hash=f"{key:0<64}"[:64], token_hint=key[:4])
    for key in ("north", "delivery"):
        account = accounts[key]
        model_create(actor=None, model=Risk, data={
            "account": account, "title": f"{account.name} sponsor leaving", "probability": 2, "impact": 5,
            "category": "client"})
        model_create(actor=None, model=SwotAnalysis, data={"account": account, "title": f"{account.name} review"})
        model_create(actor=None, model=Meeting, data={
            "account": account, "kind": "qbr", "title": f"{account.name} QBR", "starts_at": start,
            "ends_at": start + dt.timedelta(hours=1), "organizer": account.owner})
    CalendarFeed.objects.create(owner=member, token_hash="m" * 64, token_hint="mmmm")
    admin = world.users[Role.ADMIN]
    endpoint = model_create(actor=None, model=WebhookEndpoint, data={
        "url": "http://127.0.0.1:9/hook", "secret": "whsec_" + "A" * 32, "owner": admin})
    message = OutboundMessage.objects.create(
        message_id="msg_matrix", endpoint=endpoint, event_type="risk.raised", body="{}", status="failed", attempts=1)
    OutboundAttempt.objects.create(message=message, number=1, at=start, status_code=500)


def _build_imports(world: World) -> None:
    """Import jobs of Nora (hidden from the account manager), of the account manager and
    of the admin (dry runs, as the import page leaves them)."""
    from tandem.core.roles import Role
    from tandem.integrations.models import ImportJob, ImportStatus

    for owner in (world.extra["nora"], world.users[Role.ACCOUNT_MANAGER], world.users[Role.ADMIN]):
        ImportJob.objects.create(
            created_by=owner,
            source="salesforce",
            object="accounts",
            file_name="Account.csv",
            file_sha256="0" * 64,
            dry_run=True,
            status=ImportStatus.VALIDATED,
            mapping={"external_id": "Id", "name": "Name"},
            total_rows=1,
            created_count=1,
        )


def _build_notifications(world: World) -> None:
    """One notification for each role user and one for Stan: everyone's own is theirs to
    mark read, nobody else's is visible."""
    from tandem.core.notifications import notification_send

    for owner in [*world.users.values(), world.extra["stan"]]:
        notification_send(
            recipient=owner, kind="matrix", key="matrix", title="Matrix", url="/clients/attention/"
        )


def _build_saved_views(world: World) -> None:
    """Stan's private view (only he and admins see it) and the member's view shared with
    their team (the other role users of that team see it, may not change it)."""
    from tandem.core.roles import Role
    from tandem.core.services_saved_views import saved_view_create

    saved_view_create(actor=world.extra["stan"], list_key="accounts", name="Stan's", query="tier=key", visibility="private")
    saved_view_create(
        actor=world.users[Role.MEMBER], list_key="accounts", name="Team's", query="overdue=on", visibility="team"
    )


# Every model a route can name needs a pool: the objects the matrix sorts, per role and
# through the model's Policy, into "must not see" and "may see but not change". A new
# model reached by a route must add its pool here (and objects to build_world).
def _all(model_label: str) -> Callable[[World], list[models.Model]]:
    def pool(world: World) -> list[models.Model]:
        from django.apps import apps

        return list(apps.get_model(model_label)._base_manager.order_by("pk"))

    return pool


POOLS: dict[str, Callable[[World], list[models.Model]]] = {
    "people.User": _all("people.User"),
    "people.Person": _all("people.Person"),
    "people.Team": _all("people.Team"),
    "people.TimeOff": _all("people.TimeOff"),
    "people.OrganisationCalendar": _all("people.OrganisationCalendar"),
    "people.Holiday": _all("people.Holiday"),
    "people.AccessToken": _all("people.AccessToken"),
    "clients.Account": _all("clients.Account"),
    "clients.AccountItem": _all("clients.AccountItem"),
    "clients.Contact": _all("clients.Contact"),
    "clients.Interaction": _all("clients.Interaction"),
    "clients.FollowUp": _all("clients.FollowUp"),
    "clients.Feedback": _all("clients.Feedback"),
    "clients.Inquiry": _all("clients.Inquiry"),
    "clients.CadenceRule": _all("clients.CadenceRule"),
    "clients.SlaRule": _all("clients.SlaRule"),
    **{
        f"commercial.{name}": _all(f"commercial.{name}")
        for name in (
            "Product", "PriceList", "PriceListItem", "RateCard", "RateCardLine", "ExchangeRate", "Stage",
            "AccountPricing", "AccountPrice", "Opportunity", "OpportunityLine", "Quote", "Contract",
            "BillingMilestone", "NegotiationRound", "RevenueEntry", "Budget", "Expense", "ProjectRequest",
        )
    },
    **{
        f"delivery.{name}": _all(f"delivery.{name}")
        for name in (
            "Project", "ProjectMember", "Objective", "Deliverable", "Task", "TaskAssignment", "Dependency",
            "Baseline", "Calendar", "CalendarException", "Allocation", "TimeEntry", "ProjectExpense",
        )
    },
    **{
        f"governance.{name}": _all(f"governance.{name}")
        for name in (
            "StatusReport", "Meeting", "MeetingSeries", "ActionItem", "Risk", "RiskExposure", "SwotAnalysis",
            "SwotItem", "Stakeholder", "RaciRow", "RaciCell", "Comment",
        )
    },
    "integrations.ImportJob": _all("integrations.ImportJob"),
    **{
        f"integrations.{name}": _all(f"integrations.{name}")
        for name in ("WebhookEndpoint", "ChatChannel", "OutboundMessage", "OutboundAttempt", "CalendarFeed")
    },
    "core.Notification": _all("core.Notification"),
    "core.SavedView": _all("core.SavedView"),
}


def is_own(actor: Any, obj: models.Model) -> bool:
    """The actor's own account, or a record that belongs to it (profile, time off, token)."""
    if obj.pk == actor.pk and type(obj) is type(actor):
        return True
    if getattr(obj, "user_id", None) == actor.pk:
        return True
    person = getattr(obj, "person", None)
    return getattr(person, "user_id", None) == actor.pk


@dataclass(frozen=True)
class Targets:
    hidden: models.Model | None  # the actor may not see it
    read_only: models.Model | None  # may see, may not change; someone else's
    own_read_only: models.Model | None  # may see, may not change; the actor's own


def targets_for(model: type[models.Model], actor: Any, world: World) -> Targets:
    pool = POOLS.get(model._meta.label)
    if pool is None:
        raise LookupError(model._meta.label)
    policy = policy_for(model)
    hidden = read_only = own_read_only = None
    for obj in pool(world):
        visible = policy.can_view(actor, obj)
        if not visible:
            hidden = hidden or obj
        elif not policy.can_change(actor, obj):
            if is_own(actor, obj):
                own_read_only = own_read_only or obj
            else:
                read_only = read_only or obj
    return Targets(hidden=hidden, read_only=read_only, own_read_only=own_read_only)


# --- Rows: "nothing changed" and "only what the policies allow changed" --------------------


@dataclass
class DbState:
    """Every row of every tracked table: ``{table: {pk: (pk, *columns)}}``."""

    rows: dict[str, dict[Any, tuple[Any, ...]]]

    def instance(self, model: type[models.Model], pk: Any) -> models.Model | None:
        """The row as it was, as a model instance (to ask its Policy about it)."""
        row = self.rows.get(model._meta.db_table, {}).get(pk)
        if row is None:
            return None
        return model(**dict(zip(_columns(model), row[1:], strict=True)))


@functools.cache
def _tracked_models() -> tuple[type[models.Model], ...]:
    from django.apps import apps

    return tuple(
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table not in UNTRACKED_TABLES
        and not model._meta.proxy
        and model._meta.managed
    )


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in UNTRACKED_COLUMNS]


@dataclass(frozen=True)
class _TableRead:
    """One table's ``values_list("pk", *columns)``, compiled once: its SQL and the
    converters the ORM applies to each row (decimals, dates, JSON...)."""

    table: str
    sql: str
    params: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]

    def rows(self, connection: Any) -> dict[Any, tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            fetched: Any = cursor.fetchall()
        if self.converters:
            fetched = self.compiler.apply_converters(fetched, self.converters)
        return {row[0]: tuple(row) for row in fetched}


@functools.cache
def _table_reads(connection: Any) -> tuple[_TableRead, ...]:
    """The reads of :func:`db_state` for one connection. Compiling ~60 querysets took
    most of a matrix test's time (two snapshots per request); the SQL does not change."""
    reads = []
    for model in _tracked_models():
        query = model._base_manager.order_by().values_list("pk", *_columns(model)).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        assert not compiler.has_composite_fields(fields), model  # rows are plain tuples
        reads.append(
            _TableRead(model._meta.db_table, sql, tuple(params), compiler, compiler.get_converters(fields))
        )
    return tuple(reads)


def change_count(using: str = "default") -> int | None:
    """How many rows INSERT, UPDATE and DELETE statements have touched so far: on SQLite
    since the connection opened (``total_changes``), on PostgreSQL in the current
    transaction (``pg_stat_xact_user_tables``, the untracked tables left out); None on
    another database. The count only grows (a rolled-back change stays counted), so the
    same count before and after a request means it changed no row and the snapshot
    before it still holds (:class:`Snapshots`)."""
    from django.db import connections

    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return int(connection.connection.total_changes)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables WHERE NOT (relname = ANY(%s))",
                [sorted(UNTRACKED_TABLES)],
            )
            return int(cursor.fetchone()[0])
    return None


class Snapshots:
    """:func:`db_state` read again only when :func:`change_count` says a row changed
    since the last read: a run of refused requests reads every table once, not twice
    per request."""

    def __init__(self, using: str = "default") -> None:
        self.using = using
        self._last: tuple[int, DbState] | None = None

    def now(self) -> DbState:
        count = change_count(self.using)
        if count is None:
            return db_state(self.using)
        if self._last is None or self._last[0] != count:
            self._last = (count, db_state(self.using))
        return self._last[1]


def db_state(using: str = "default") -> DbState:
    """Every row of every tracked table, as ``values_list("pk", *columns)`` reads them
    (``orm_db_state`` is the plain version; a test holds them equal)."""
    from django.db import connections

    connection = connections[using]
    return DbState(rows={read.table: read.rows(connection) for read in _table_reads(connection)})


def orm_db_state() -> DbState:
    """:func:`db_state` through the ORM, one queryset per table (slow: the reference)."""
    return DbState(
        rows={
            model._meta.db_table: {
                row[0]: row for row in model._base_manager.values_list("pk", *_columns(model))
            }
            for model in _tracked_models()
        }
    )


def diff_tables(before: DbState, after: DbState) -> list[str]:
    """Tables whose rows differ, with their row counts: empty when nothing changed."""
    return [
        f"{table} ({len(before.rows.get(table, {}))} -> {len(after.rows.get(table, {}))} rows)"
        for table in sorted(set(before.rows) | set(after.rows))
        if before.rows.get(table) != after.rows.get(table)
    ]


# Account columns an inquiry's response moves (the last contact and the next check-in).
RESPONSE_ACCOUNT_COLUMNS = frozenset({"last_contact_at", "check_in_due_at"})


def inquiry_responses(actor: Any, before: DbState, after: DbState) -> dict[Any, int]:
    """Interactions inserted as answers to an inquiry the actor may change (its
    assignee included): ``{interaction pk: account pk}``.

    The rule (docs/clients.md, "Who sees what"): an inquiry's assignee may answer it
    even without access to its account; ``inquiry_respond`` then records the outbound
    response interaction on their behalf, and moves the account's last contact and
    check-in. It is the only interaction such an assignee may create there."""
    from tandem.clients.models import Direction, Inquiry, Interaction

    table = Interaction._meta.db_table
    old, new = before.rows.get(table, {}), after.rows.get(table, {})
    columns = ["pk", *_columns(Interaction)]
    answers = {}
    for pk in set(new) - set(old):
        row = dict(zip(columns, new[pk], strict=True))
        inquiry = before.instance(Inquiry, row["inquiry_id"]) if row["inquiry_id"] else None
        if (
            inquiry is not None
            and row["direction"] == Direction.OUTBOUND
            and row["account_id"] == inquiry.account_id
            and policy_for(Inquiry).can_change(actor, inquiry)
        ):
            answers[pk] = row["account_id"]
    return answers


def _changed_columns(model: type[models.Model], old: tuple[Any, ...], new: tuple[Any, ...]) -> set[str]:
    columns = ["pk", *_columns(model)]
    return {name for name, a, b in zip(columns, old, new, strict=True) if a != b}


def unauthorised_changes(actor: Any, before: DbState, after: DbState) -> list[str]:
    """Row changes the actor's policies do not allow, judged on the rows as they were
    before. A table without a Policy (role assignments, many-to-many links) answers to
    the model it points to: changing a user's roles needs ``can_change`` on that user.
    By-product tables (``BYPRODUCT_TABLES``) are left out. The one write beyond the
    policies allowed by rule is an inquiry's response by its assignee (see
    :func:`inquiry_responses`)."""
    from tandem.clients.models import Account, Interaction

    problems: list[str] = []
    responses = inquiry_responses(actor, before, after)
    for model in _tracked_models():
        table = model._meta.db_table
        old, new = before.rows.get(table, {}), after.rows.get(table, {})
        if old == new or table in BYPRODUCT_TABLES:
            continue
        columns = ["pk", *_columns(model)]
        policy: Any = policy_for(model) if _has_policy(model) else None
        owner_field = None
        if policy is None:
            owner_field = next(
                (
                    f
                    for f in model._meta.concrete_fields
                    if f.is_relation
                    and f.related_model is not None
                    and _has_policy(f.related_model)
                ),
                None,
            )
            if owner_field is None:
                continue
        for pk in set(old) | set(new):
            if old.get(pk) == new.get(pk):
                continue
            what = "inserted" if pk not in old else "deleted" if pk not in new else "changed"
            if policy is not None:
                if what == "inserted":
                    allowed = policy.can_create(actor)
                else:
                    obj = before.instance(model, pk)
                    allowed = (policy.can_delete if what == "deleted" else policy.can_change)(
                        actor, obj
                    )
            else:
                assert owner_field is not None
                owner_model: Any = owner_field.related_model
                row = new.get(pk) or old[pk]
                owner_pk = row[columns.index(owner_field.attname)]
                owner = before.instance(owner_model, owner_pk)
                # A link to an owner created by this same request is judged with the owner.
                allowed = owner is None or policy_for(owner_model).can_change(actor, owner)
            if not allowed and model is Interaction and what == "inserted":
                allowed = pk in responses
            if not allowed and model is Account and what == "changed":
                allowed = pk in responses.values() and _changed_columns(
                    model, old[pk], new[pk]
                ) <= RESPONSE_ACCOUNT_COLUMNS
            if not allowed:
                problems.append(f"{table} row {pk} {what}")
    return sorted(problems)


def _has_policy(model: Any) -> bool:
    try:
        policy_for(model)
    except LookupError:
        return False
    return True
