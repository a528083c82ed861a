"""axe-core on every page: no serious or critical accessibility violation (QUALITY R10).

The walk reads the URL configuration, so a page that later work adds is checked the day
it lands, without editing this file. It visits, as the demo administrator:

* every route without parameters;
* every route whose only parameters follow the ``<model>_id`` convention
  (``tandem.core.permissions.url_kwarg_for``), filled with the first object of that
  model the administrator can see (the demo data provides them);

and the login page, logged out. A route is skipped, and listed in the output, when its
parameters are not object ids (``uidb64``/``token``, the Django admin's
``object_id``), when it answers 405 to GET (log out and other POST-only actions), or
when it does not answer HTML (API JSON, JavaScript catalogues).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Page, Response

from tandem.core.permissions import model_for_url_kwarg, scoped
from tandem.core.roles import Role
from tandem.people.models import User
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = ("serious", "critical")

# Runs in the page once axe is loaded; returns the serious and critical violations
# with enough detail to find the element.
RUN_AXE = """
async (impacts) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map(
        (node) => node.target.join(" ") + " :: " + (node.failureSummary || "").replace(/\\s+/g, " ")
      ),
      count: violation.nodes.length,
    }));
}
"""


@dataclass(frozen=True)
class Route:
    """One URL pattern, flattened: its full regex, its name (``ns:name``) if any."""

    regex: str
    name: str | None
    kwargs: tuple[str, ...]
    route: str


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, regex.removesuffix("$"), inner)
            continue
        compiled = re.compile(regex)
        name = f"{namespace}{pattern.name}" if pattern.name else None
        yield Route(regex, name, tuple(compiled.groupindex), _readable(regex))


def _readable(regex: str) -> str:
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", regex)
    return "/" + text.replace("\\Z", "").replace("$", "").replace("\\", "")


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


@dataclass
class WalkReport:
    checked: list[str]
    skipped: list[str]
    failures: list[str]


def _first_visible(user: User, model: type[models.Model]) -> models.Model | None:
    return scoped(user, model).order_by("pk").first()


def _url_for(route: Route, user: User) -> tuple[str | None, str]:
    """The URL to visit for ``route``, or ``None`` and the reason it is skipped."""
    if route.name is None:
        if route.kwargs:
            return None, "unnamed route with parameters"
        return route.route, ""
    kwargs: dict[str, Any] = {}
    for kwarg in route.kwargs:
        model = model_for_url_kwarg(kwarg)
        if model is None:
            return None, f"parameter {kwarg!r} is not a <model>_id of a model with a Policy"
        obj = _first_visible(user, model)
        if obj is None:
            return "", f"no {model.__name__} in the demo data to fill {kwarg!r}"
        kwargs[kwarg] = obj.pk
    return reverse(route.name, kwargs=kwargs), ""


def _check_page(
    page: Page, url: str, label: str, axe_source: str, report: WalkReport, console: list[str]
) -> None:
    console.clear()
    response: Response | None = page.goto(url)
    if response is None:
        report.failures.append(f"{label} {url}: no response")
        return
    if response.status == 405:
        report.skipped.append(f"{label} {url}: answers 405 to GET")
        return
    content_type = response.headers.get("content-type", "")
    if "text/html" not in content_type:
        report.skipped.append(f"{label} {url}: not HTML ({content_type or 'no content type'})")
        return
    if response.status >= 400:
        report.failures.append(f"{label} {url}: HTTP {response.status}")
        return
    if label != "login (logged out)" and "/login/" in page.url and "/login/" not in url:
        report.failures.append(f"{label} {url}: redirected to the login page ({page.url})")
        return
    page.wait_for_load_state("load")
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
    report.checked.append(f"{label} {url}")
    for violation in violations:
        nodes = "\n      ".join(violation["nodes"])
        report.failures.append(
            f"{label} {url}: [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['count']} element(s))\n      {nodes}"
        )
    for message in console:
        report.failures.append(f"{label} {url}: browser console: {message}")


def _format(report: WalkReport) -> str:
    lines = [f"{len(report.failures)} problem(s) on {len(report.checked)} page(s) checked:"]
    lines += [f"  - {failure}" for failure in report.failures]
    lines.append(f"skipped {len(report.skipped)} route(s):")
    lines += [f"  - {skip}" for skip in report.skipped]
    return "\n".join(lines)


def test_route_walk_finds_the_pages_it_must_check() -> None:
    names = {route.name for route in all_routes()}
    assert {"login", "home", "people:user_list", "admin:index"} <= names


def test_no_serious_or_critical_violation_on_any_page(
    page: Page, demo_data: dict[str, str], axe_source: str
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(f"uncaught {error}"))
    report = WalkReport(checked=[], skipped=[], failures=[])

    _check_page(page, reverse("login"), "login (logged out)", axe_source, report, console)

    log_in(page, demo_data[Role.ADMIN])
    admin = User.objects.get(email=demo_data[Role.ADMIN])
    for route in sorted(all_routes(), key=lambda item: item.route):
        if route.name in {"login", "logout"}:
            continue  # the login page is checked logged out; logging out ends the walk
        url, reason = _url_for(route, admin)
        if url is None:
            report.skipped.append(f"{route.name or '(unnamed)'} {route.route}: {reason}")
            continue
        if reason:
            report.failures.append(f"{route.name} {route.route}: {reason}")
            continue
        _check_page(page, url, route.name or "(unnamed)", axe_source, report, console)

    print(_format(report))
    checked_names = {entry.split(" ", 1)[0] for entry in report.checked}
    assert {"login", "home", "people:user_list"} <= checked_names, _format(report)
    assert report.failures == [], _format(report)
