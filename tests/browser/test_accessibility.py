"""axe-core on every page: no serious or critical accessibility violation (QUALITY R10).

The walk reads the URL configuration, so a page that later work adds is checked the day
it lands, without editing this file. It visits, as the demo administrator:

* every route without parameters;
* every route whose only parameters follow the ``<model>_id`` convention
  (``tandem.core.permissions.url_kwarg_for``), filled with the first object of that
  model the administrator can see (the demo data provides them);

and the login page, logged out. A route is skipped, and listed in the output, when its
parameters are not object ids (``uidb64``/``token``, the Django admin's
``object_id``), when it answers 405 to GET (log out and other POST-only actions), when
it answers 403 to the administrator (Django admin pages the ``admin`` role may not use:
writes go through Tandem's own pages), or when it does not answer HTML (API JSON,
JavaScript catalogues).

Besides axe's findings, a page fails when it answers an error status, sends the browser
to the login page, or makes the browser report an error: an uncaught script error, a
Content-Security-Policy refusal, or a resource (script, style sheet, image) that fails
to load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import ConsoleMessage, Page, Response

from tandem.core.permissions import model_for_url_kwarg, scoped
from tandem.core.roles import Role
from tandem.people import services as people_services
from tandem.people.models import User
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = ("serious", "critical")
LOGGED_OUT_LABEL = "login (logged out)"

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
    page: Page, url: str, label: str, axe_source: str, report: WalkReport, problems: list[str]
) -> None:
    # Probe first with the context's own HTTP client (same cookies): Chromium turns an
    # empty error answer (a 405 to GET) into a navigation error, not a response.
    probe = page.context.request.get(url)
    if probe.status == 405:
        report.skipped.append(f"{label} {url}: answers 405 to GET")
        return
    if probe.status == 403:
        report.skipped.append(f"{label} {url}: answers 403 to the administrator")
        return
    content_type = probe.headers.get("content-type", "")
    if "text/html" not in content_type:
        report.skipped.append(f"{label} {url}: not HTML ({content_type or 'no content type'})")
        return
    problems.clear()
    response: Response | None = page.goto(url)
    if response is None:
        report.failures.append(f"{label} {url}: no response")
        return
    if response.status >= 400:
        report.failures.append(f"{label} {url}: HTTP {response.status}")
        return
    if label != LOGGED_OUT_LABEL and "/login/" in page.url and "/login/" not in url:
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
    for problem in problems:
        report.failures.append(f"{label} {url}: {problem}")


def _format(report: WalkReport) -> str:
    lines = [f"{len(report.failures)} problem(s) on {len(report.checked)} page(s) checked:"]
    lines += [f"  - {failure}" for failure in report.failures]
    lines.append(f"checked {len(report.checked)} page(s):")
    lines += [f"  - {page}" for page in report.checked]
    lines.append(f"skipped {len(report.skipped)} route(s):")
    lines += [f"  - {skip}" for skip in report.skipped]
    return "\n".join(lines)


def test_route_walk_finds_the_pages_it_must_check() -> None:
    names = {route.name for route in all_routes()}
    assert {"login", "home", "people:user_list", "admin:index"} <= names


def _watch_browser_problems(page: Page, problems: list[str]) -> None:
    """Collect, into ``problems``, what the browser reports as going wrong on a page."""

    def on_console(message: ConsoleMessage) -> None:
        # Failed loads are reported by on_response, with their URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"browser console: {message.text}")

    def on_response(response: Response) -> None:
        # Chromium asks for /favicon.ico on its own; the pages do not reference it.
        kind = response.request.resource_type
        if response.status >= 400 and kind != "document" and not response.url.endswith("/favicon.ico"):
            problems.append(f"{kind} {response.url}: HTTP {response.status}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught script error: {error}"))
    page.on("response", on_response)


def _commercial_records() -> None:
    """A contract (with a milestone and a round) and a won opportunity for the commercial
    pages, while the demo makes none (the commercial demo step makes them later)."""
    from tandem.clients.models import Account
    from tandem.commercial.models import Contract, Opportunity
    from tandem.commercial.services import opportunity_convert
    from tests.commercial.factories import (
                make_milestone,
        make_opportunity,
        make_round,
        seed_stages,
    )

    seed_stages()
    account = Account.objects.order_by("id").first()
    if account is None or Contract.objects.exists() or Opportunity.objects.exists():
        return
    won = make_opportunity(account=account, stage_name="Closed won")
    contract = opportunity_convert(actor=None, opportunity=won).contract  # with its project request
    make_milestone(contract=contract)
    make_round(contract=contract)


def _delivery_records() -> None:
    """A project with a small plan for the delivery pages, while the demo makes none."""
    from tandem.clients.models import Account
    from tandem.delivery.models import Project
    from tests.delivery.factories import make_dependency, make_project, make_task

    if Project.objects.exists():
        return
    project = make_project(account=Account.objects.order_by("id").first(), name="Accessibility walk")
    phase = make_task(project=project, name="Phase")
    first = make_task(project=project, parent=phase, name="First")
    make_dependency(first, make_task(project=project, name="Done", is_milestone=True, duration_minutes=0))


def test_no_serious_or_critical_violation_on_any_page(
    page: Page, demo_data: dict[str, str], axe_source: str, settings: Any, tmp_path: Any
) -> None:
    from tandem.core.notifications import notification_send
    from tandem.core.services_saved_views import saved_view_create
    from tandem.integrations.importing.runner import run_import
    from tandem.integrations.views import store_upload

    admin = User.objects.get(email=demo_data[Role.ADMIN])
    # Objects the demo data does not make (a real person's secrets), for their pages.
    people_services.token_create(actor=admin, user=admin, name="Accessibility walk")
    saved_view_create(actor=admin, list_key="accounts", name="Key accounts", query="tier=key", visibility="private")
    # A notification of the admin's own, for the notification pages.
    notification_send(
        recipient=admin, kind="walk", key="walk", title="Accessibility walk", url="/clients/attention/"
    )
    # An import checked and not yet run, its file kept: its page shows the mapping form.
    settings.MEDIA_ROOT = tmp_path / "media"
    sample = b"Id,Name,BillingCity,Website\n001A,Walk Ltd,Leeds,not a url\n"
    run_import(actor=admin, source="salesforce", data=sample, file_name="Account.csv", dry_run=True)
    store_upload(sample)
    _commercial_records()
    _delivery_records()
    problems: list[str] = []
    _watch_browser_problems(page, problems)
    report = WalkReport(checked=[], skipped=[], failures=[])

    _check_page(page, reverse("login"), LOGGED_OUT_LABEL, axe_source, report, problems)

    log_in(page, demo_data[Role.ADMIN])
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
        _check_page(page, url, route.name or "(unnamed)", axe_source, report, problems)

    print(_format(report))
    checked_names = {entry.split(" ", 1)[0] for entry in report.checked}
    assert {"login", "home", "people:user_list"} <= checked_names, _format(report)
    assert report.failures == [], _format(report)
