"""Client inquiries: recorded from the account page (in place), and the inquiry page
with its SLA, responses, assignment, resolution and reopening."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients import selectors, services
from tandem.clients.forms import AssignForm, InquiryForm, ResolveForm, RespondForm
from tandem.clients.models import Account, Inquiry, InquiryStatus
from tandem.clients.views.common import (
    account_contacts,
    active_users,
    facts_context,
    inquiries_context,
    int_or_none,
    sla_state,
)
from tandem.core.errors import ConflictError
from tandem.core.history import history_rows
from tandem.core.permissions import policy_for, require_change
from tandem.core.web import form_add_errors, form_save, wants_partial

GET_POST = ["GET", "POST"]


def inquiries_refresh(request: HttpRequest, account: Account, message: str) -> HttpResponse:
    """The open-inquiries section (on the account's Profile tab) and, out of band, the
    header's counts."""
    actor = request.user
    context = {
        **inquiries_context(actor, account),
        **facts_context(account),
        "can_change": True,
        "message": message,
    }
    response = render(request, "clients/partials/inquiries_refresh.html", context)
    response["HX-Retarget"] = "#account-inquiries"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_http_methods(GET_POST)
def inquiry_create(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    require_change(actor, account)
    form = InquiryForm(
        request.POST or None, contacts=account_contacts(actor, account), users=active_users(actor), auto_id="inquiry_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = services.inquiry_create(actor=actor, account=account, **form.service_kwargs())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            message = f"Inquiry “{inquiry.subject}” recorded; first response due {inquiry.sla_due_at:%d %b %Y %H:%M}."
            if wants_partial(request):
                return inquiries_refresh(request, account, message)
            messages.success(request, message)
            return redirect("clients:inquiry_detail", inquiry_id=inquiry.pk)
    context = {"form": form, "account": account, "inline": wants_partial(request)}
    if wants_partial(request):
        return render(request, "clients/partials/inquiry_form.html", context)
    return render(request, "clients/form_page.html", {"form_template": "clients/partials/inquiry_form.html", **context, "title": "Record an inquiry"})


def _reread(request: HttpRequest, inquiry: Inquiry) -> Inquiry:
    """The inquiry as stored: a refused write leaves its changes on the instance."""
    return selectors.inquiry_get(actor=request.user, inquiry_id=inquiry.pk)


def _detail_context(request: HttpRequest, inquiry: Inquiry, **forms: Any) -> dict[str, Any]:
    actor = request.user
    can_change = policy_for(Inquiry).can_change(actor, inquiry)
    is_resolved = inquiry.status == InquiryStatus.RESOLVED
    responses = selectors.interaction_list(actor=actor, filters=selectors.InteractionFilters(inquiry_id=inquiry.pk))
    context: dict[str, Any] = {
        "inquiry": inquiry,
        "account": inquiry.account,
        "sla": sla_state(inquiry),
        "can_change": can_change,
        "can_respond": can_change and not is_resolved,
        "can_open_account": policy_for(Account).can_view(actor, inquiry.account),
        "responses": list(responses[:50]),
        "is_resolved": is_resolved,
        "conflict": forms.pop("conflict", False),
        "message": forms.pop("message", ""),
    }
    if context["can_respond"]:
        context["respond_form"] = forms.get("respond_form") or RespondForm(
            initial={"subject": f"Re: {inquiry.subject}"[:200]}, auto_id="id_respond_%s"
        )
    if can_change:
        context["assign_form"] = forms.get("assign_form") or AssignForm(
            initial={"assignee": inquiry.assignee_id, "version": inquiry.version}, users=active_users(actor),
            auto_id="id_assign_%s",
        )
        context["resolve_form"] = forms.get("resolve_form") or ResolveForm(
            initial={"version": inquiry.version}, auto_id="id_resolve_%s"
        )
    return context


def _detail(request: HttpRequest, inquiry: Inquiry, *, status: int = 200, **forms: Any) -> HttpResponse:
    context = _detail_context(request, inquiry, **forms)
    context["history"] = history_rows(inquiry, viewer=request.user)
    return render(request, "clients/inquiry_detail.html", context, status=status)


def _panel(request: HttpRequest, inquiry: Inquiry, *, oob: bool = False, **forms: Any) -> HttpResponse:
    """The inquiry's status and response panel alone (HTMX): status, SLA and response
    figures, the responses and the respond form; with ``oob`` also the assign / resolve
    forms, out of band, since a recorded response moves the inquiry's version."""
    context = {**_detail_context(request, inquiry, **forms), "oob": oob}
    return render(request, "clients/partials/inquiry_panel.html", context)


@login_required
@require_GET
def inquiry_detail(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = selectors.inquiry_get(actor=request.user, inquiry_id=inquiry_id)
    return _detail(request, inquiry)


@login_required
@require_POST
def inquiry_respond(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    """Record the response (an outbound interaction linked to the inquiry) from the form
    on the inquiry page; the first one sets ``first_response_at`` and the response time
    in business and calendar hours. With HTMX the status and response panel comes back
    in place (with the errors, if any); without, the page is redirected to or, with
    errors, shown again."""
    actor = request.user
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    require_change(actor, inquiry)
    form = RespondForm(request.POST, auto_id="id_respond_%s")
    if form.is_valid():
        try:
            services.inquiry_respond(actor=actor, inquiry=inquiry, data=form.service_data())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
            if inquiry.response_business_hours is not None:
                message = (
                    f"Response recorded. First response after {inquiry.response_business_hours} business hours "
                    f"({inquiry.response_calendar_hours} calendar hours)."
                )
            else:
                message = "Response recorded."
            if wants_partial(request):
                return _panel(request, inquiry, oob=True, message=message)
            messages.success(request, message)
            return redirect("clients:inquiry_detail", inquiry_id=inquiry.pk)
    inquiry = _reread(request, inquiry)
    if wants_partial(request):
        return _panel(request, inquiry, respond_form=form)
    return _detail(request, inquiry, respond_form=form)


@login_required
@require_POST
def inquiry_assign(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    actor = request.user
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    require_change(actor, inquiry)
    form = AssignForm(request.POST, users=active_users(actor), auto_id="id_assign_%s")
    result = form_save(form, lambda: services.inquiry_assign(
        actor=actor, inquiry=inquiry, assignee=form.cleaned_data["assignee"],
        expected_version=form.cleaned_data["version"],
    ))
    if result.saved:
        inquiry = result.value
        messages.success(request, f"Assigned to {inquiry.assignee}.")
        return redirect("clients:inquiry_detail", inquiry_id=inquiry.pk)
    if result.conflict:
        return _detail(request, _reread(request, inquiry), status=409, assign_form=form, conflict=True)
    return _detail(request, inquiry, assign_form=form)


@login_required
@require_POST
def inquiry_resolve(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    actor = request.user
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    require_change(actor, inquiry)
    form = ResolveForm(request.POST, auto_id="id_resolve_%s")
    result = form_save(form, lambda: services.inquiry_resolve(
        actor=actor, inquiry=inquiry, resolution=form.cleaned_data["resolution"],
        expected_version=form.cleaned_data["version"],
    ), field_names={"at": "resolution"})
    if result.saved:
        messages.success(request, "The inquiry is resolved.")
        return redirect("clients:inquiry_detail", inquiry_id=inquiry.pk)
    if result.conflict:
        return _detail(request, _reread(request, inquiry), status=409, resolve_form=form, conflict=True)
    return _detail(request, inquiry, resolve_form=form)


@login_required
@require_POST
def inquiry_reopen(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    actor = request.user
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    try:
        inquiry = services.inquiry_reopen(
            actor=actor, inquiry=inquiry, expected_version=int_or_none(request.POST.get("version"))
        )
    except ConflictError:
        return _detail(request, _reread(request, inquiry), status=409, conflict=True)
    messages.success(request, "The inquiry is open again.")
    return redirect("clients:inquiry_detail", inquiry_id=inquiry.pk)
