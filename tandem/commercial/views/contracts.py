"""Contract pages: the record (header, negotiation history, milestones added, edited
and removed in place with HTMX, lifecycle actions, the project requests it came with,
history), create and edit; the POST actions behind the record's buttons; the
won opportunity's "Create the contract and the project request"; the project requests
shown on an account. Each view parses, calls one service or selector, and renders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients.models import Account
from tandem.clients.views.common import owner_choices
from tandem.commercial import services
from tandem.commercial.contract_forms import (
    ActivateForm,
    BillForm,
    ContractForm,
    MilestoneEditForm,
    MilestoneForm,
    RoundForm,
    RoundOutcomeForm,
    TerminateForm,
)
from tandem.commercial.models import Contract, ContractStatus, Opportunity, RoundOutcome
from tandem.commercial.selectors import contracts as selectors
from tandem.commercial.services.contracts import round_history
from tandem.commercial.tasks import renewal_opens_on
from tandem.commercial.views.contract_list import STATUS_BADGES
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.history import history_rows
from tandem.core.htmx import is_htmx
from tandem.core.permissions import get_visible, policy_for, require_change, scoped
from tandem.core.web import form_save, wants_partial

GET_POST = ["GET", "POST"]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _detail(contract_id: int, anchor: str = "") -> HttpResponse:
    response = redirect("commercial:contract_detail", contract_id=contract_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _act(request: HttpRequest, contract_id: int, write: Callable[[], Any], done: str, anchor: str = "") -> HttpResponse:
    """Run a record action; a refusal or a stale version comes back as a message."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _detail(contract_id, anchor)


# --- The record --------------------------------------------------------------------------


def _milestones_context(actor: Any, contract: Contract, **extra: Any) -> dict[str, Any]:
    """What the milestones section (``commercial/contracts/_milestones.html``) shows; the
    record page's context starts from it."""
    milestones = list(selectors.billing_milestone_list(actor=actor, contract=contract))
    return {
        "contract": contract,
        "account": contract.account,
        "can_change": policy_for(Contract).can_change(actor, contract),
        "is_active": contract.status == ContractStatus.ACTIVE,
        "is_closed": contract.status in (ContractStatus.EXPIRED, ContractStatus.TERMINATED),
        "milestones": milestones,
        "milestones_total": sum((item.amount for item in milestones), start=contract.value * 0),
        "milestones_billed": sum((item.amount for item in milestones if item.billed_on), start=contract.value * 0),
        "milestone_form": MilestoneForm(auto_id="new_milestone_%s"),
        "today": timezone.localdate(),
        **extra,
    }


@login_required
@require_GET
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    actor = request.user
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    rounds = list(selectors.negotiation_round_list(actor=actor, contract=contract))
    today = timezone.localdate()
    context = {
        **_milestones_context(actor, contract),
        "status_badge": STATUS_BADGES.get(contract.status, "secondary"),
        "is_open": contract.status in (ContractStatus.DRAFT, ContractStatus.NEGOTIATION),
        "rounds": round_history(rounds),
        "pending_round": next((item for item in rounds if item.outcome == RoundOutcome.PENDING), None),
        "project_requests": list(selectors.project_request_list(actor=actor, contract_id=contract.pk)),
        "renewal_opens_on": renewal_opens_on(contract),
        "notice_by": contract.end_date - dt.timedelta(days=contract.notice_days) if contract.end_date else None,
        "renewals": list(contract.renewal_opportunities.order_by("-id")[:3]),
        "round_form": RoundForm(initial={"value": contract.value, "monthly_amount": contract.monthly_amount}),
        "activate_form": ActivateForm(initial={"signed_on": today, "version": contract.version}),
        "terminate_form": TerminateForm(initial={"on": today, "version": contract.version}),
        "today": today,
        "history": history_rows(contract, viewer=actor),
    }
    return render(request, "commercial/contracts/contract_detail.html", context)


@login_required
@require_http_methods(GET_POST)
def contract_create(request: HttpRequest) -> HttpResponse:
    """A new draft contract for the account of ``?account=`` (or one chosen)."""
    actor = request.user
    if not policy_for(Contract).can_create(actor):
        raise PermissionDeniedError("You may not add contracts.")
    accounts = scoped(actor, Account).order_by("name", "id").only("id", "name", "currency")
    account_id = _int(request.POST.get("account") or request.GET.get("account"))
    account = accounts.filter(pk=account_id).first() if account_id else None
    initial = {"currency": account.currency if account else "EUR", "start_date": timezone.localdate()}
    form = ContractForm(request.POST or None, initial=initial, owners=owner_choices(actor))
    if request.method == "POST":
        if account is None:
            form.is_valid()
            form.add_error(None, "Choose the account the contract is with.")
        else:
            result = form_save(form, lambda: services.contract_create(actor=actor, account=account, data=form.service_data()))
            if result.saved:
                messages.success(request, f"Contract {result.value.number} has been created as a draft.")
                return redirect("commercial:contract_detail", contract_id=result.value.pk)
    context = {"form": form, "account": account, "accounts": accounts[:500] if account is None else [], "editing": None}
    return render(request, "commercial/contracts/contract_form.html", context)


@login_required
@require_http_methods(GET_POST)
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    actor = request.user
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    require_change(actor, contract)
    if request.method == "GET":
        form = ContractForm(initial=ContractForm.initial_for(contract), editing=True, owners=owner_choices(actor))
        return render(request, "commercial/contracts/contract_form.html", {"form": form, "account": contract.account, "editing": contract})
    form = ContractForm(request.POST, editing=True, owners=owner_choices(actor))
    result = form_save(form, lambda: services.contract_update(
        actor=actor, contract=contract, data=form.service_data(), expected_version=form.cleaned_data["version"]
    ))
    if result.saved:
        messages.success(request, f"Changes to {contract.number} have been saved.")
        return redirect("commercial:contract_detail", contract_id=contract.pk)
    context = {"form": form, "account": contract.account, "editing": contract, "conflict": result.conflict}
    return render(request, "commercial/contracts/contract_form.html", context, status=result.status)


# --- Lifecycle ---------------------------------------------------------------------------


def _changeable(request: HttpRequest, contract_id: int) -> Contract:
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    require_change(request.user, contract)
    return contract


@login_required
@require_POST
def contract_negotiate(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    version = _int(request.POST.get("version"))
    return _act(request, contract_id, lambda: services.contract_start_negotiation(
        actor=request.user, contract=contract, expected_version=version), "The negotiation has started.")


@login_required
@require_POST
def contract_activate(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = ActivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date the contract was signed.")
        return _detail(contract_id)
    return _act(request, contract_id, lambda: services.contract_activate(
        actor=request.user, contract=contract, signed_on=form.cleaned_data["signed_on"],
        expected_version=form.cleaned_data["version"]), "Signed: the contract is active.")


@login_required
@require_POST
def contract_expire(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    version = _int(request.POST.get("version"))
    return _act(request, contract_id, lambda: services.contract_expire(
        actor=request.user, contract=contract, expected_version=version), "The contract has expired.")


@login_required
@require_POST
def contract_terminate(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = TerminateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the contract ends early and from which day.")
        return _detail(contract_id)
    return _act(request, contract_id, lambda: services.contract_terminate(
        actor=request.user, contract=contract, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"],
        expected_version=form.cleaned_data["version"]), "The contract has been terminated.")


# --- Negotiation rounds and milestones ---------------------------------------------------------


@login_required
@require_POST
def negotiation_round_create(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The proposal was not recorded: " + " ".join(str(m) for e in form.errors.values() for m in e))
        return _detail(contract_id, "negotiation")
    return _act(request, contract_id, lambda: services.negotiation_round_create(
        actor=request.user, contract=contract, data=form.service_data()), "The proposal has been recorded.", "negotiation")


@login_required
@require_POST
def negotiation_round_answer(request: HttpRequest, negotiation_round_id: int) -> HttpResponse:
    negotiation_round = selectors.negotiation_round_get(actor=request.user, negotiation_round_id=negotiation_round_id)
    require_change(request.user, negotiation_round)
    contract_id = negotiation_round.contract_id
    form = RoundOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the answer to the proposal.")
        return _detail(contract_id, "negotiation")
    data = {"outcome": form.cleaned_data["outcome"]}
    if form.cleaned_data["note"]:
        data["note"] = form.cleaned_data["note"]
    return _act(request, contract_id, lambda: services.negotiation_round_update(
        actor=request.user, negotiation_round=negotiation_round, data=data,
        expected_version=form.cleaned_data["version"]), "The answer has been recorded.", "negotiation")


def _milestones_response(request: HttpRequest, contract_id: int, *, status: int = 200, **extra: Any) -> HttpResponse:
    """After a milestone write: the section alone for HTMX (in place), else the page."""
    if not wants_partial(request):
        return _detail(contract_id, "milestones")
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    return render(request, "commercial/contracts/_milestones.html", _milestones_context(request.user, contract, **extra), status=status)


def _milestone_write(request: HttpRequest, contract_id: int, write: Callable[[], Any], done: str) -> HttpResponse:
    """Run a milestone write: HTMX gets the section again (the refusal inside it), a
    plain form post the page with a message."""
    if not wants_partial(request):
        return _act(request, contract_id, write, done, "milestones")
    try:
        write()
    except (ValidationError, ConflictError) as error:
        text = error.message if isinstance(error, ConflictError) else " ".join(error.messages)
        # 200 for a refusal: the page's HTMX settings swap 409 but not 422 (the section
        # comes back with the reason in it).
        return _milestones_response(request, contract_id, status=409 if isinstance(error, ConflictError) else 200, milestone_error=text)
    return _milestones_response(request, contract_id, milestone_done=done)


@login_required
@require_POST
def billing_milestone_create(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = MilestoneForm(request.POST, auto_id="new_milestone_%s")
    if wants_partial(request):
        result = form_save(form, lambda: services.billing_milestone_create(actor=request.user, contract=contract, data=form.cleaned_data))
        if result.saved:
            return _milestones_response(request, contract_id, milestone_done="The milestone has been added.")
        return _milestones_response(request, contract_id, status=result.status, milestone_form=form, milestone_form_open=True)
    if not form.is_valid():
        messages.error(request, "The milestone was not added: give its name, due date and amount.")
        return _detail(contract_id, "milestones")
    return _act(request, contract_id, lambda: services.billing_milestone_create(
        actor=request.user, contract=contract, data=form.cleaned_data), "The milestone has been added.", "milestones")


@login_required
@require_http_methods(GET_POST)
def billing_milestone_edit(request: HttpRequest, billing_milestone_id: int) -> HttpResponse:
    """A milestone's row becomes its form (HTMX); saving puts the section back. A plain
    visit lands on the contract page, at its milestones."""
    actor = request.user
    milestone = selectors.billing_milestone_get(actor=actor, billing_milestone_id=billing_milestone_id)
    require_change(actor, milestone)
    if request.method == "GET" and not is_htmx(request):
        return _detail(milestone.contract_id, "milestones")
    initial = {name: getattr(milestone, name) for name in ("name", "due_date", "amount", "version")}
    form = MilestoneEditForm(request.POST or None, initial=initial, auto_id=f"milestone_{milestone.pk}_%s")
    status = 200
    if request.method == "POST":
        result = form_save(form, lambda: services.billing_milestone_update(
            actor=actor, milestone=milestone, data=form.service_data(), expected_version=form.cleaned_data["version"]
        ))
        if result.saved:
            done = f"{form.cleaned_data['name']} has been saved."
            if not wants_partial(request):
                messages.success(request, done)
                return _detail(milestone.contract_id, "milestones")
            response = _milestones_response(request, milestone.contract_id, milestone_done=done)
            # The row's form targets the row; the saved section replaces the whole section.
            response["HX-Retarget"] = "#milestones"
            response["HX-Reswap"] = "outerHTML"
            return response
        status = result.status  # 200 (errors on the row) or 409 (a stale version): both swapped
        if not wants_partial(request):
            messages.error(request, "The milestone was not saved: " + " ".join(str(m) for e in form.errors.values() for m in e))
            return _detail(milestone.contract_id, "milestones")
    context = {"form": form, "milestone": milestone, "contract": milestone.contract}
    return render(request, "commercial/contracts/_milestone_form_row.html", context, status=status)


@login_required
@require_POST
def billing_milestone_bill(request: HttpRequest, billing_milestone_id: int) -> HttpResponse:
    milestone = selectors.billing_milestone_get(actor=request.user, billing_milestone_id=billing_milestone_id)
    require_change(request.user, milestone)
    form = BillForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date the milestone was billed.")
        return _detail(milestone.contract_id, "milestones")
    return _act(request, milestone.contract_id, lambda: services.billing_milestone_bill(
        actor=request.user, milestone=milestone, on=form.cleaned_data["on"], expected_version=form.cleaned_data["version"]),
        f"{milestone.name} has been billed.", "milestones")


@login_required
@require_POST
def billing_milestone_delete(request: HttpRequest, billing_milestone_id: int) -> HttpResponse:
    milestone = selectors.billing_milestone_get(actor=request.user, billing_milestone_id=billing_milestone_id)
    require_change(request.user, milestone)
    version = _int(request.POST.get("version"))
    return _milestone_write(request, milestone.contract_id, lambda: services.billing_milestone_delete(
        actor=request.user, milestone=milestone, expected_version=version), f"{milestone.name} has been removed.")


# --- Won → contract → project request -----------------------------------------------------


@login_required
@require_POST
def opportunity_convert(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """The won opportunity's contract and project request (made once; again, the same)."""
    actor = request.user
    opportunity = get_visible(actor, Opportunity.objects.select_related("account"), opportunity_id)
    require_change(actor, opportunity)
    try:
        result = services.opportunity_convert(actor=actor, opportunity=opportunity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clients:account_detail", account_id=opportunity.account_id)
    if result.created_contract or result.created_project_request:
        messages.success(request, f"Contract {result.contract.number if result.contract else ''} and the project request for delivery have been created.")
    else:
        messages.info(request, "This opportunity has its contract and project request already.")
    assert result.contract is not None
    return redirect("commercial:contract_detail", contract_id=result.contract.pk)


def account_project_requests_context(actor: Any, account: Account) -> dict[str, Any]:
    """What ``commercial/contracts/_account_project_requests.html`` shows on the
    account page: the account's project requests, newest first (one query)."""
    return {"project_requests": list(selectors.project_request_list(actor=actor, account_id=account.pk)[:20])}
