"""R3, field-level: costs and margins reach only those who may see them.

The authorization matrix's world (``tests/authz.py``: North Star of Nora, another team;
Delivery Co of the account manager; Mel's Legacy owned by the member, no account
manager) gets figures no other record has: this month each account has 10,000.00 EUR of
revenue and one expense of a distinctive amount, so its margin this year is distinctive
too; the catalog's product gets a distinctive unit cost.

Then, for each role, **every** GET route the matrix discovers (pages and API, with
every object of the route's model the role may see, list pages also as CSV exports) and
the global search are read, and a figure the role may not see
(:func:`tandem.commercial.policies.may_see_costs`) must appear in no answer, in any
number format. Members, project managers and other account managers see none of an
account's costs; executives and admins see all; the owning account manager sees their
account's. So that the check is not vacuous, each figure the role *may* see must appear
in some answer (a product's unit cost only once a page shows the catalog).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from tandem.commercial.models import Product
from tandem.commercial.policies import may_see_costs
from tandem.core.permissions import model_for_url_kwarg, policy_for
from tandem.core.roles import Role
from tests.authz import POOLS, Route, World, all_routes, build_world
from tests.commercial.factories import make_expense, make_revenue
from tests.factories import make_role_users

pytestmark = pytest.mark.django_db

ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER]
REVENUE = Decimal("10000.00")
EXPENSES = {"delivery": Decimal("7777.31"), "legacy": Decimal("6666.42"), "north": Decimal("5555.53")}
UNIT_COST = Decimal("4321.87")
OBJECTS_PER_ROUTE = 3


def spellings(amount: Decimal) -> set[str]:
    """The ways a page or an answer may write ``amount``."""
    plain = f"{amount:.2f}"
    return {plain, f"{amount:,.2f}", f"{amount:,.2f}".replace(",", "\u202f"), f"{amount:,.2f}".replace(",", "\xa0")}


@pytest.fixture(scope="module")
def shared_world(build_for_module: Any) -> World:
    """The organisation with its figures, built once for the module."""
    return build_for_module(build_world_with_figures)


@pytest.fixture
def world(shared_world: World, db: None, settings: Any) -> World:
    settings.TANDEM_API_THROTTLE_RATE = None
    return shared_world


def build_world_with_figures() -> World:
    world = build_world(make_role_users())
    today = timezone.localdate()
    for key, account in world.extra["accounts"].items():
        make_revenue(account=account, month=today.replace(day=1), amount=REVENUE, currency="EUR", kind="one_off")
        make_expense(account=account, date=today, amount=EXPENSES[key], currency="EUR", description=f"{key} kit")
    Product.objects.filter(pk=world.extra["catalog"]["product"].pk).update(unit_cost=UNIT_COST)
    return world


def figures(world: World) -> dict[str, tuple[Any, set[str]]]:
    """Each restricted figure: (the account it belongs to, or None for the catalog; its spellings)."""
    found: dict[str, tuple[Any, set[str]]] = {"unit cost": (None, spellings(UNIT_COST))}
    for key, account in world.extra["accounts"].items():
        # The account's cost may show alone or inside this year's costs; the margin too.
        found[f"{key} cost"] = (account, spellings(EXPENSES[key]))
        found[f"{key} margin"] = (account, spellings(REVENUE - EXPENSES[key]))
    return found


def _objects(model: Any, actor: Any, world: World) -> list[Any]:
    policy = policy_for(model)
    return [obj for obj in POOLS[model._meta.label](world) if policy.can_view(actor, obj)][:OBJECTS_PER_ROUTE]


def urls_for(route: Route, actor: Any, world: World) -> Iterator[str]:
    """The route's URLs with objects the actor may see (the first kwarg varies)."""
    if not route.kwargs:
        yield route.url({})
        return
    choices = []
    for kwarg in route.kwargs:
        model = model_for_url_kwarg(kwarg)
        if model is None or model._meta.label not in POOLS:
            return
        objects = _objects(model, actor, world)
        if not objects:
            return
        choices.append((kwarg, objects))
    first_kwarg, first_objects = choices[0]
    rest = {kwarg: objects[0].pk for kwarg, objects in choices[1:]}
    for obj in first_objects:
        yield route.url({**rest, first_kwarg: obj.pk})


def _is_list(url: str) -> bool:
    try:
        return hasattr(resolve(url).func, "list_class")
    except Resolver404:
        return False


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def crawl(client: Client, actor: Any, world: World) -> Iterator[tuple[str, str]]:
    """(url, body) of every GET the role may make that can show data."""
    for route in all_routes():
        if route.kind == "api" and "GET" not in dict(route.operations):
            continue
        for url in urls_for(route, actor, world):
            response = client.get(url)
            if response.status_code != 200:
                continue
            yield url, body_of(response)
            if route.kind == "page" and _is_list(url):
                export = client.get(url + "?format=csv")
                if export.status_code == 200:
                    yield url + "?format=csv", body_of(export)
    for term in ("Advisory", "North", "Delivery", "Legacy", "kit"):
        for url in (f"/search/?q={term}", f"/api/v1/search?q={term}"):
            response = client.get(url)
            if response.status_code == 200:
                yield url, body_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_costs_and_margins_reach_only_those_who_may_see_them(role: str, world: World) -> None:
    actor = world.users[role]
    client = Client()
    client.force_login(actor)
    restricted = figures(world)
    allowed = {name for name, (account, _) in restricted.items() if may_see_costs(actor, account)}
    seen: set[str] = set()
    leaks = []
    for url, body in crawl(client, actor, world):
        for name, (_account, texts) in restricted.items():
            if any(text in body for text in texts):
                if name in allowed:
                    seen.add(name)
                else:
                    leaks.append(f"LEAK? {name} in GET {url} as {role}")
    assert leaks == [], "\n".join(leaks)
    expected = {name for name in allowed if name != "unit cost"}
    if any(route.key == "commercial:product_list" for route in all_routes()):
        expected |= {"unit cost"} & allowed
    assert sorted(expected - seen) == [], f"{role} should see these somewhere and did not"


def test_the_roles_are_what_the_docstring_says(world: World) -> None:
    accounts = world.extra["accounts"]
    who = {role: {key for key, account in accounts.items() if may_see_costs(world.users[role], account)} for role in ROLES}
    assert who == {
        Role.ADMIN: {"delivery", "legacy", "north"},
        Role.EXECUTIVE: {"delivery", "legacy", "north"},
        Role.ACCOUNT_MANAGER: {"delivery"},  # not Mel's Legacy of their team, not North Star
        Role.PROJECT_MANAGER: set(),
        Role.MEMBER: set(),  # owns Mel's Legacy, but is no account manager
    }
    assert [may_see_costs(world.users[role]) for role in ROLES] == [True, True, True, False, False]
    assert dt.date.today()  # the figures are dated today: this year's margin holds them
