"""The opportunity record page (header, lines edited in place, win / lose, quotes,
history) and its create and edit pages.

Each view reads through the pipeline selectors and writes through one service; a
version conflict is a 409 with the form again and a message; a refusal (403) or a
record the user may not see (404) comes from the services and selectors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients.models import Account
from tandem.clients.policies import account_edit_q
from tandem.commercial import services
from tandem.commercial.models import Opportunity, OpportunityStatus, Product, StageOutcome
from tandem.commercial.selectors import opportunities as selectors
from tandem.commercial.views.opportunity_forms import LineForm, LoseForm, OpportunityForm
from tandem.core.history import history_rows
from tandem.core.htmx import is_htmx
from tandem.core.permissions import is_admin, policy_for, require_change, require_create, scoped
from tandem.core.roles import Role
from tandem.core.web import form_save, wants_partial

GET_POST = ["GET", "POST"]
QUOTES_SECTION = "commercial/quotes/_opportunity_quotes.html"
CONTRACT_SECTION = "commercial/contracts/_from_opportunity.html"


def _owners(actor: Any) -> QuerySet[Any]:
    from tandem.people import selectors as people_selectors

    return people_selectors.user_list(
        actor=actor, filters=people_selectors.UserFilters(role=Role.ACCOUNT_MANAGER, is_active=True)
    ).prefetch_related(None).select_related(None)


def _products() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).order_by("name", "id")


def _changeable_accounts(actor: Any) -> QuerySet[Account]:
    queryset = scoped(actor, Account)
    if not is_admin(actor):
        queryset = queryset.filter(account_edit_q(actor))
    return queryset.order_by("name", "id")


def _detail_context(request: HttpRequest, opportunity: Opportunity, **extra: Any) -> dict[str, Any]:
    actor = request.user
    can_change = selectors.opportunity_can_change(actor=actor, opportunity=opportunity)
    stages = list(selectors.stage_list(actor=actor))
    return {
        "opportunity": opportunity,
        "account": opportunity.account,
        "lines": list(selectors.opportunity_lines(opportunity=opportunity)),
        "line_form": LineForm(products=_products(), opportunity=opportunity, auto_id="new_line_%s") if can_change else None,
        "can_change": can_change,
        "can_delete": can_change and policy_for(Opportunity).can_delete(actor, opportunity),
        "open_stages": [stage for stage in stages if stage.outcome == StageOutcome.OPEN],
        "weighted": opportunity.amount * opportunity.probability / 100,
        "history": history_rows(opportunity, viewer=actor),
        "quotes_section": QUOTES_SECTION,
        "contract_section": CONTRACT_SECTION,
        **extra,
    }


@login_required
@require_GET
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, opportunity_id=opportunity_id)
    return render(request, "commercial/opportunities/opportunity_detail.html", _detail_context(request, opportunity))


@login_required
@require_http_methods(GET_POST)
def opportunity_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, Opportunity)
    accounts = _changeable_accounts(actor)
    initial: dict[str, Any] = {"type": "new", "pricing_strategy": "fixed_fee", "currency": "EUR"}
    account_id = request.GET.get("account", "")
    if account_id.isdigit():
        account = accounts.filter(pk=int(account_id)).first()
        if account is not None:
            initial.update(account=account, currency=account.currency)
    stages = selectors.stage_list(actor=actor).filter(outcome=StageOutcome.OPEN)
    form = OpportunityForm(request.POST or None, initial=initial, accounts=accounts, owners=_owners(actor), stages=stages)

    def write() -> Opportunity:
        data = form.service_data(editing=False)
        return services.opportunity_create(
            actor=actor, account=form.cleaned_data["account"], data=data, stage=form.cleaned_data.get("stage")
        )

    result = form_save(form, write) if request.method == "POST" else None
    if result is not None and result.saved:
        messages.success(request, f"{result.value.name} has been added to the pipeline.")
        return redirect("commercial:opportunity_detail", opportunity_id=result.value.pk)
    context = {"form": form, "title": "New opportunity", "cancel_url": request.GET.get("next", "")}
    return render(request, "commercial/opportunities/opportunity_form.html", context, status=result.status if result else 200)


@login_required
@require_http_methods(GET_POST)
def opportunity_edit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    actor = request.user
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    require_change(actor, opportunity)
    initial = {name: getattr(opportunity, name) for name in (
        "name", "type", "amount", "currency", "expected_close_date", "owner", "next_step", "probability",
        "forecast_category", "pricing_strategy", "description", "version",
    )}
    form = OpportunityForm(
        request.POST or None, initial=initial, owners=_owners(actor), editing=True,
        amount_locked=opportunity.amount_from_lines,
    )
    if opportunity.status != OpportunityStatus.OPEN:
        form.fields["probability"].disabled = form.fields["forecast_category"].disabled = True

    def write() -> Opportunity:
        return services.opportunity_update(
            actor=actor, opportunity=opportunity, data=form.service_data(editing=True),
            expected_version=form.cleaned_data["version"],
        )

    result = form_save(form, write) if request.method == "POST" else None
    if result is not None and result.saved:
        messages.success(request, "Changes saved.")
        return redirect("commercial:opportunity_detail", opportunity_id=opportunity.pk)
    context = {"form": form, "title": f"Edit {opportunity.name}", "opportunity": opportunity}
    return render(request, "commercial/opportunities/opportunity_form.html", context, status=result.status if result else 200)


@login_required
@require_POST
def opportunity_win(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    actor = request.user
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    version = request.POST.get("version", "")
    services.opportunity_mark_won(
        actor=actor, opportunity=opportunity, expected_version=int(version) if version.isdigit() else None
    )
    messages.success(request, f"{opportunity.name} is won.")
    return redirect("commercial:opportunity_detail", opportunity_id=opportunity.pk)


@login_required
@require_http_methods(GET_POST)
def opportunity_lose(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """Ask why, then move to the lost stage."""
    actor = request.user
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    require_change(actor, opportunity)
    form = LoseForm(request.POST or None, initial={"version": opportunity.version}, editing=True)

    def write() -> Opportunity:
        return services.opportunity_mark_lost(
            actor=actor, opportunity=opportunity, lost_reason=form.cleaned_data["lost_reason"],
            expected_version=form.cleaned_data["version"],
        )

    result = form_save(form, write) if request.method == "POST" else None
    if result is not None and result.saved:
        messages.success(request, f"{opportunity.name} is marked lost.")
        return redirect("commercial:opportunity_detail", opportunity_id=opportunity.pk)
    context = {"form": form, "title": f"Mark {opportunity.name} lost", "opportunity": opportunity}
    return render(request, "commercial/opportunities/opportunity_lose.html", context, status=result.status if result else 200)


@login_required
@require_POST
def opportunity_delete(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    actor = request.user
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    services.opportunity_delete(actor=actor, opportunity=opportunity)
    messages.success(request, f"{opportunity.name} has been deleted.")
    return redirect("commercial:opportunity_list")


# --- Lines, edited in place (HTMX) ---------------------------------------------------------


def _lines_response(request: HttpRequest, opportunity_id: int, *, status: int = 200, **extra: Any) -> HttpResponse:
    opportunity = selectors.opportunity_get(actor=request.user, opportunity_id=opportunity_id)
    if not wants_partial(request) and status == 200:
        return redirect("commercial:opportunity_detail", opportunity_id=opportunity.pk)
    context = _detail_context(request, opportunity, **extra)
    template = "commercial/opportunities/_lines.html" if wants_partial(request) else "commercial/opportunities/opportunity_detail.html"
    return render(request, template, {**context, "oob": True}, status=status)


@login_required
@require_POST
def opportunity_line_create(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    actor = request.user
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    require_change(actor, opportunity)
    form = LineForm(request.POST, products=_products(), opportunity=opportunity, auto_id="new_line_%s")
    result = form_save(form, lambda: services.opportunity_line_create(actor=actor, opportunity=opportunity, data=form.service_data()))
    if result.saved:
        return _lines_response(request, opportunity.pk)
    return _lines_response(request, opportunity.pk, status=422, line_form=form)


@login_required
@require_http_methods(GET_POST)
def opportunity_line_edit(request: HttpRequest, opportunity_line_id: int) -> HttpResponse:
    actor = request.user
    line = selectors.opportunity_line_get(actor=actor, opportunity_line_id=opportunity_line_id)
    require_change(actor, line)
    if request.method == "GET" and not is_htmx(request):
        # The edit row lives inside the opportunity page (opened in place); a plain visit
        # lands on that page, at its lines.
        return redirect(reverse("commercial:opportunity_detail", kwargs={"opportunity_id": line.opportunity_id}) + "#opportunity-lines")
    initial = {name: getattr(line, name) for name in ("product", "description", "quantity", "unit_price", "discount_percent", "version")}
    form = LineForm(request.POST or None, initial=initial, products=_products(), opportunity=line.opportunity, editing=True, auto_id=f"line_{line.pk}_%s")
    if request.method == "POST":
        result = form_save(form, lambda: services.opportunity_line_update(
            actor=actor, line=line, data=form.service_data(), expected_version=form.cleaned_data["version"]
        ))
        if result.saved:
            return _lines_response(request, line.opportunity_id)
        status = result.status if result.status != 200 else 422
    else:
        status = 200
    return render(request, "commercial/opportunities/_line_form_row.html", {"form": form, "line": line}, status=status)


@login_required
@require_POST
def opportunity_line_delete(request: HttpRequest, opportunity_line_id: int) -> HttpResponse:
    actor = request.user
    line = selectors.opportunity_line_get(actor=actor, opportunity_line_id=opportunity_line_id)
    services.opportunity_line_delete(actor=actor, line=line)
    return _lines_response(request, line.opportunity_id)
