"""Site-wide pages: the home page and the health check."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


@dataclass(frozen=True)
class QuickLink:
    label: str
    url_name: str
    description: str
    roles: tuple[str, ...] = ()  # empty: everyone


QUICK_LINKS = [
    QuickLink("People", "people:user_list", "Find colleagues, their team, capacity and time off."),
    QuickLink("Teams", "people:team_list", "Teams and who is in them."),
    QuickLink(
        "Organisation calendar", "people:calendar", "Business hours, working days and holidays."
    ),
    QuickLink(
        "Add a person",
        "people:user_create",
        "Create an account with roles, team and rates.",
        (Role.ADMIN,),
    ),
    QuickLink("Add a team", "people:team_create", "Group people under a lead.", (Role.ADMIN,)),
    QuickLink(
        "Edit the calendar",
        "people:calendar_edit",
        "Time zone, business hours and working days.",
        (Role.ADMIN,),
    ),
    QuickLink(
        "Django admin", "admin:index", "Low-level records and the audit trail.", (Role.ADMIN,)
    ),
    QuickLink("API tokens", "people:token_list", "Personal tokens for scripts using the REST API."),
    QuickLink("Change your password", "password_change", "Choose a new password for your account."),
]

ROLE_SUMMARIES = {
    Role.ADMIN: "You manage users, roles, teams, rates and the working calendar.",
    Role.EXECUTIVE: "You see every account, project and person, read-only.",
    Role.ACCOUNT_MANAGER: "You look after your client accounts and their relationships.",
    Role.PROJECT_MANAGER: "You deliver projects: plans, people and budgets.",
    Role.MEMBER: "You work on projects: your tasks, time and meetings.",
}


def _links_for(user: object) -> list[dict[str, str]]:
    links = []
    for link in QUICK_LINKS:
        if link.roles and not (has_role(user, *link.roles) or is_admin(user)):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        links.append({"label": link.label, "url": url, "description": link.description})
    return links


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Greets the user with their roles and the pages their roles use."""
    user = request.user
    held = [role for role in Role if role.value in user.roles]  # type: ignore[union-attr]
    context = {
        "roles": [{"label": role.label, "summary": ROLE_SUMMARIES[role]} for role in held],
        "links": _links_for(user),
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers (no authentication, no data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
