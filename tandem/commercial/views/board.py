"""The pipeline board: a column per stage (open stages in order, then won and lost)
with its count and base-currency totals, and the opportunities as cards.

Moving a card is the edit: a POST to ``commercial:opportunity_move`` with the ``stage``
and the ``version`` the card was read at, from a drag and drop (``tandem/board-dnd.js``) or
the "Move to" select on each card (keyboard, no script). The move is checked by the
service (permission: 403; stale version: 409 with the board reloaded and a message);
moving to a lost stage asks why first. The board takes the list's filters.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tandem.commercial import services
from tandem.commercial.models import StageOutcome
from tandem.commercial.selectors import opportunities as selectors
from tandem.commercial.views.opportunities import (
    ME,
    OpportunityFilterForm,
    filters_from,
    owner_options,
)
from tandem.commercial.views.opportunity_forms import MoveForm
from tandem.core.errors import ConflictError
from tandem.core.lists import normalise_query
from tandem.core.permissions import has_role, require_change, sees_everything
from tandem.core.roles import Role
from tandem.core.web import wants_partial

BOARD_TEMPLATE = "commercial/opportunities/board.html"


def _board_query(actor: Any, query: QueryDict) -> QueryDict:
    """The request's filters; an account manager's board opens on their own deals."""
    if query:
        return query
    if has_role(actor, Role.ACCOUNT_MANAGER) and not sees_everything(actor):
        return QueryDict(f"owner={ME}")
    return query


def board_context(request: HttpRequest, query: QueryDict, **extra: Any) -> dict[str, Any]:
    actor = request.user
    stages = list(selectors.stage_list(actor=actor))
    form = OpportunityFilterForm(query or None, stages=stages, owners=owner_options(actor))
    form.fields["per_page"].widget = forms.HiddenInput()  # the board shows every column's first cards
    values = form.values()
    filters = filters_from(actor, values)
    context: dict[str, Any] = {
        "filter_form": form, "current_query": normalise_query(query),
        "columns": selectors.board_columns(actor=actor, filters=filters),
    }
    context.update(move_stages=stages, list_url=reverse("commercial:opportunity_list"), **extra)
    return context


@login_required
@require_GET
def pipeline_board(request: HttpRequest) -> HttpResponse:
    query = _board_query(request.user, request.GET)
    template = f"{BOARD_TEMPLATE}#board" if wants_partial(request) else BOARD_TEMPLATE
    return render(request, template, board_context(request, query))


def _filters_of(request: HttpRequest) -> QueryDict:
    return QueryDict(request.POST.get("filters", ""))


@login_required
@require_POST
def opportunity_move(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """Move one opportunity to ``stage`` (checked against ``version``)."""
    actor = request.user
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    require_change(actor, opportunity)  # refused before the body is read: a 403 says nothing about the stages
    form = MoveForm(request.POST)
    query = _filters_of(request)
    back = f"{reverse('commercial:pipeline_board')}?{query.urlencode()}" if query else reverse("commercial:pipeline_board")
    if request.POST.get("return") == "detail":  # the stage picker of the record page
        back = reverse("commercial:opportunity_detail", kwargs={"opportunity_id": opportunity.pk})
    if not form.is_valid():
        return HttpResponse("Choose a stage to move the opportunity to.", status=422)
    stage = form.cleaned_data["stage"]
    reason = form.cleaned_data["lost_reason"].strip()
    if stage.outcome == StageOutcome.LOST and not reason:
        context = {"opportunity": opportunity, "stage": stage, "version": form.cleaned_data["version"], "filters": query.urlencode()}
        if wants_partial(request):
            response = render(request, "commercial/opportunities/_lose_prompt.html", context)
            response["HX-Retarget"] = f"#opportunity-card-{opportunity.pk}"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "commercial/opportunities/board_lose.html", context)
    try:
        services.opportunity_move(
            actor=actor, opportunity=opportunity, stage=stage, expected_version=form.cleaned_data["version"],
            lost_reason=reason,
        )
    except ConflictError:
        message = f"{opportunity.name} was changed by someone else since you loaded the board: the board now shows the latest. Move it again if you still want to."
        if wants_partial(request):
            return render(request, f"{BOARD_TEMPLATE}#board", board_context(request, query, conflict=message), status=409)
        messages.error(request, message)
        return redirect(back)
    except ValidationError as error:
        message = " ".join(error.messages)
        if wants_partial(request):
            return render(request, f"{BOARD_TEMPLATE}#board", board_context(request, query, conflict=message), status=409)
        messages.error(request, message)
        return redirect(back)
    moved = f"{opportunity.name} moved to {stage.name}."
    if wants_partial(request):
        return render(request, f"{BOARD_TEMPLATE}#board", board_context(request, query, moved=moved))
    messages.success(request, moved)
    return redirect(back)

