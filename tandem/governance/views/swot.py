"""SWOT pages: an analysis's four quadrants (add, edit in place, move up / down, delete
an item; HTMX swaps the quadrant, and the same forms work without JavaScript), "Make it
a risk" on a weakness or threat, "Make it an opportunity" on an opportunity, and the
printable 2 × 2 view. Every write calls one service of
:mod:`tandem.governance.services.swot`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tandem.clients.selectors import account_get
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.permissions import policy_for, require_change
from tandem.delivery import selectors as delivery_selectors
from tandem.governance.models import SwotAnalysis, SwotQuadrant
from tandem.governance.selectors.risks import swot_get, swot_item_get
from tandem.governance.services import swot as services

QUADRANT_HINTS = {
    SwotQuadrant.STRENGTH: "What goes well and can be relied on.",
    SwotQuadrant.WEAKNESS: "What holds the work back; each can become a risk.",
    SwotQuadrant.OPPORTUNITY: "What could be gained; each can become a sales opportunity.",
    SwotQuadrant.THREAT: "What outside could hurt; each can become a risk.",
}


def _quadrants(analysis: SwotAnalysis) -> list[dict[str, Any]]:
    items = list(analysis.items.all())
    return [{"key": key, "label": label, "hint": QUADRANT_HINTS[SwotQuadrant(key)],
             "items": [item for item in items if item.quadrant == key]}
            for key, label in SwotQuadrant.choices]


def _detail_url(analysis_id: int) -> str:
    return reverse("governance:swot_detail", kwargs={"swot_analysis_id": analysis_id})


def _subject(analysis: SwotAnalysis) -> tuple[str, str]:
    if analysis.project is not None:
        return (f"{analysis.project.code} {analysis.project.name}",
                reverse("governance:project_risks", kwargs={"project_id": analysis.project_id}))
    assert analysis.account is not None  # an analysis without a project has an account (constraint)
    return analysis.account.name, reverse("clients:account_detail", kwargs={"account_id": analysis.account_id})


@login_required
@require_GET
def swot_detail(request: HttpRequest, swot_analysis_id: int) -> HttpResponse:
    analysis = swot_get(actor=request.user, swot_analysis_id=swot_analysis_id)
    subject, subject_url = _subject(analysis)
    return render(request, "governance/swot/swot_detail.html", {
        "analysis": analysis, "quadrants": _quadrants(analysis), "subject": subject, "subject_url": subject_url,
        "can_change": policy_for(analysis).can_change(request.user, analysis),
        "editing": request.GET.get("edit", ""),
    })


@login_required
@require_GET
def swot_print(request: HttpRequest, swot_analysis_id: int) -> HttpResponse:
    analysis = swot_get(actor=request.user, swot_analysis_id=swot_analysis_id)
    subject, _url = _subject(analysis)
    return render(request, "governance/swot/swot_print.html",
                  {"analysis": analysis, "quadrants": _quadrants(analysis), "subject": subject})


def _write(request: HttpRequest, analysis_id: int, write: Callable[[], Any], anchor: str = "") -> HttpResponse:
    """Run the service; a refusal becomes a message on the analysis's page."""
    try:
        write()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except ConflictError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(_detail_url(analysis_id) + anchor)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
@require_POST
def swot_item_add(request: HttpRequest, swot_analysis_id: int) -> HttpResponse:
    analysis = swot_get(actor=request.user, swot_analysis_id=swot_analysis_id)
    require_change(request.user, analysis)
    quadrant = request.POST.get("quadrant", "")
    return _write(request, analysis.pk, lambda: services.swot_item_create(
        actor=request.user, analysis=analysis, quadrant=quadrant, text=request.POST.get("text", "")),
        f"#quadrant-{quadrant}")


@login_required
@require_POST
def swot_item_edit(request: HttpRequest, swot_item_id: int) -> HttpResponse:
    item = swot_item_get(actor=request.user, swot_item_id=swot_item_id)
    require_change(request.user, item)
    return _write(request, item.analysis_id, lambda: services.swot_item_update(
        actor=request.user, item=item, text=request.POST.get("text", ""), expected_version=_version(request)),
        f"#quadrant-{item.quadrant}")


@login_required
@require_POST
def swot_item_move(request: HttpRequest, swot_item_id: int) -> HttpResponse:
    item = swot_item_get(actor=request.user, swot_item_id=swot_item_id)
    require_change(request.user, item)
    return _write(request, item.analysis_id, lambda: services.swot_item_move(
        actor=request.user, item=item, direction=request.POST.get("direction", ""),
        expected_version=_version(request)), f"#quadrant-{item.quadrant}")


@login_required
@require_POST
def swot_item_delete(request: HttpRequest, swot_item_id: int) -> HttpResponse:
    item = swot_item_get(actor=request.user, swot_item_id=swot_item_id)
    require_change(request.user, item)
    return _write(request, item.analysis_id, lambda: services.swot_item_delete(
        actor=request.user, item=item, expected_version=_version(request)), f"#quadrant-{item.quadrant}")


@login_required
@require_POST
def swot_item_risk(request: HttpRequest, swot_item_id: int) -> HttpResponse:
    """Make the weakness or threat a risk, then open the risk for editing."""
    item = swot_item_get(actor=request.user, swot_item_id=swot_item_id)
    require_change(request.user, item)
    try:
        risk = services.swot_item_to_risk(actor=request.user, item=item)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return HttpResponseRedirect(_detail_url(item.analysis_id))
    return HttpResponseRedirect(reverse("governance:risk_detail", kwargs={"risk_id": risk.pk}) + "?edit=1#edit-risk")


@login_required
@require_POST
def swot_item_opportunity(request: HttpRequest, swot_item_id: int) -> HttpResponse:
    item = swot_item_get(actor=request.user, swot_item_id=swot_item_id)
    require_change(request.user, item)
    return _write(request, item.analysis_id, lambda: services.swot_item_to_opportunity(actor=request.user, item=item),
                  "#quadrant-opportunity")


@login_required
@require_POST
def swot_analysis_delete(request: HttpRequest, swot_analysis_id: int) -> HttpResponse:
    analysis = swot_get(actor=request.user, swot_analysis_id=swot_analysis_id)
    require_change(request.user, analysis)
    _subject_name, url = _subject(analysis)
    services.swot_analysis_delete(actor=request.user, analysis=analysis, expected_version=_version(request))
    return HttpResponseRedirect(url)


def _create(request: HttpRequest, **subject: Any) -> HttpResponse:
    if not policy_for(SwotAnalysis).can_change(request.user, SwotAnalysis(**subject)):
        raise PermissionDeniedError("Only the project's manager or the account's managers start its analyses.")
    try:
        analysis = services.swot_analysis_create(actor=request.user, data={"title": request.POST.get("title", "")},
                                                 **subject)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        if "project" in subject:
            return HttpResponseRedirect(reverse("governance:project_risks", kwargs={"project_id": subject["project"].pk}))
        return HttpResponseRedirect(reverse("clients:account_detail", kwargs={"account_id": subject["account"].pk}))
    return HttpResponseRedirect(_detail_url(analysis.pk))


@login_required
@require_POST
def project_swot_create(request: HttpRequest, project_id: int) -> HttpResponse:
    return _create(request, project=delivery_selectors.project_page_get(actor=request.user, project_id=project_id))


@login_required
@require_POST
def account_swot_create(request: HttpRequest, account_id: int) -> HttpResponse:
    return _create(request, account=account_get(actor=request.user, account_id=account_id))
