"""Feedback recorded, edited and deleted in place on the account page.

Edits and deletes carry the version the page showed: a stale one changes nothing and
answers 409 with the conflict message (in the form for an edit, above the feedback
section for a delete)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients import selectors, services
from tandem.clients.forms import FeedbackForm
from tandem.clients.models import Account
from tandem.clients.views.common import (
    account_contacts,
    feedback_context,
    int_or_none,
    profile_url,
)
from tandem.core.errors import ConflictError
from tandem.core.permissions import require_change
from tandem.core.web import form_add_errors, form_save, wants_partial

GET_POST = ["GET", "POST"]


def feedback_refresh(
    request: HttpRequest, account: Account, message: str, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The feedback section (summary and latest), on the account's Profile tab."""
    actor = request.user
    context: dict[str, Any] = {
        **feedback_context(actor, account), "can_change": True,
        "message": message, "feedback_error": error,
    }
    response = render(request, "clients/partials/feedback_refresh.html", context, status=status)
    response["HX-Retarget"] = "#account-feedback"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_http_methods(GET_POST)
def feedback_create(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    require_change(actor, account)
    form = FeedbackForm(request.POST or None, contacts=account_contacts(actor, account), auto_id="feedback_%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_create(
                actor=actor, account=account, data=form.service_data(), contact=form.cleaned_data["contact"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            message = "The feedback has been recorded."
            if wants_partial(request):
                return feedback_refresh(request, account, message)
            messages.success(request, message)
            return HttpResponseRedirect(profile_url(account, "account-feedback"))
    context = {"form": form, "account": account, "inline": wants_partial(request)}
    if wants_partial(request):
        return render(request, "clients/partials/feedback_form.html", context)
    return render(request, "clients/form_page.html", {"form_template": "clients/partials/feedback_form.html", **context, "title": "Record feedback"})


@login_required
@require_http_methods(GET_POST)
def feedback_edit(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """The edit form in place of the feedback's row (HTMX) or as a page; saving
    refreshes the feedback section and the timeline (the sentiment counts may move)."""
    actor = request.user
    feedback = selectors.feedback_get(actor=actor, feedback_id=feedback_id)
    require_change(actor, feedback)
    account = feedback.account
    contacts = account_contacts(actor, account)
    auto_id = f"feedback_{feedback.pk}_%s"
    if request.method == "GET":
        form = FeedbackForm(initial=FeedbackForm.initial_for(feedback), contacts=contacts, editing=True, auto_id=auto_id)
    else:
        form = FeedbackForm(request.POST, contacts=contacts, editing=True, auto_id=auto_id)
    result = form_save(form, lambda: services.feedback_update(
        actor=actor, feedback=feedback,
        data={**form.service_data(), "contact": form.cleaned_data["contact"]},
        expected_version=form.cleaned_data["version"],
    ))
    if result.saved:
        message = "The feedback has been saved."
        if wants_partial(request):
            return feedback_refresh(request, account, message)
        messages.success(request, message)
        return HttpResponseRedirect(profile_url(account, "account-feedback"))
    context = {"form": form, "account": account, "feedback": feedback, "conflict": result.conflict, "inline": wants_partial(request)}
    if wants_partial(request):
        return render(request, "clients/partials/feedback_form.html", context, status=result.status)
    context.update(title="Edit feedback", form_template="clients/partials/feedback_form.html")
    return render(request, "clients/form_page.html", context, status=result.status)


@login_required
@require_POST
def feedback_delete(request: HttpRequest, feedback_id: int) -> HttpResponse:
    actor = request.user
    feedback = selectors.feedback_get(actor=actor, feedback_id=feedback_id)
    account = feedback.account
    try:
        services.feedback_delete(
            actor=actor, feedback=feedback, expected_version=int_or_none(request.POST.get("version"))
        )
    except ConflictError as error:
        if wants_partial(request):
            return feedback_refresh(request, account, "", error=error.message, status=409)
        messages.error(request, error.message)
        return HttpResponseRedirect(profile_url(account, "account-feedback"))
    message = "The feedback has been deleted."
    if wants_partial(request):
        return feedback_refresh(request, account, message)
    messages.success(request, message)
    return HttpResponseRedirect(profile_url(account, "account-feedback"))
