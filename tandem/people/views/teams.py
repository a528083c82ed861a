"""Team pages: a team with its members, adding, editing and deleting teams."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import ConflictError
from tandem.core.history import history_rows
from tandem.core.pagination import paginate
from tandem.core.permissions import (
    policy_for,
    require_change,
    require_create,
)
from tandem.core.web import form_add_errors, form_save
from tandem.people import selectors, services
from tandem.people.forms import (
    TeamForm,
)
from tandem.people.models import (
    Team,
)
from tandem.people.views.common import GET_POST, int_or_none, pagination_context


@login_required
@require_GET
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, team_id=team_id)
    page = paginate(selectors.team_members(actor=actor, team=team), request.GET.get("page"), None)
    context = {
        "team": team,
        "can_edit": policy_for(Team).can_change(actor, team),
        "can_delete": policy_for(Team).can_delete(actor, team),
        "history": history_rows(team, viewer=actor),
        **pagination_context(page, {}),
    }
    return render(request, "people/team_detail.html", context)


def _team_leads(actor: Any) -> Any:
    return selectors.user_list(actor=actor, filters=selectors.UserFilters(is_active=True))


@login_required
@require_http_methods(GET_POST)
def team_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, Team)
    form = TeamForm(request.POST or None, leads=_team_leads(actor))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                actor=actor,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                lead=form.cleaned_data["lead"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Team {team.name} has been created.")
            return redirect("people:team_detail", team_id=team.pk)
    return render(request, "people/team_form.html", {"form": form, "editing": None})


@login_required
@require_http_methods(GET_POST)
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, team_id=team_id)
    require_change(actor, team)
    if request.method == "GET":
        initial = {
            "name": team.name,
            "description": team.description,
            "lead": team.lead_id,
            "version": team.version,
        }
        form = TeamForm(initial=initial, leads=_team_leads(actor))
        return render(request, "people/team_form.html", {"form": form, "editing": team})
    form = TeamForm(request.POST, leads=_team_leads(actor))
    form.fields["version"].required = True
    result = form_save(
        form,
        lambda: services.team_update(
            actor=actor,
            team=team,
            data={key: form.cleaned_data[key] for key in ("name", "description", "lead")},
            expected_version=form.cleaned_data["version"],
        ),
    )
    if result.saved:
        messages.success(request, f"Changes to team {team.name} have been saved.")
        return redirect("people:team_detail", team_id=team.pk)
    context = {"form": form, "editing": team, "conflict": result.conflict}
    return render(request, "people/team_form.html", context, status=result.status)


@login_required
@require_POST
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, team_id=team_id)
    version = int_or_none(request.POST.get("version"))
    name = team.name
    try:
        services.team_delete(actor=actor, team=team, expected_version=version)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("people:team_detail", team_id=team_id)
    messages.success(request, f"Team {name} has been deleted; its members now have no team.")
    return redirect("people:team_list")
