"""Feedback recorded in place on the account page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients import selectors, services
from tandem.clients.forms import FeedbackForm
from tandem.clients.models import Account
from tandem.clients.views.common import account_contacts, feedback_context, timeline_context
from tandem.core.permissions import require_change
from tandem.core.web import form_add_errors, wants_partial

GET_POST = ["GET", "POST"]


def feedback_refresh(request: HttpRequest, account: Account, message: str) -> HttpResponse:
    """The feedback section (summary and latest) and, out of band, the timeline."""
    actor = request.user
    context = {**feedback_context(actor, account), **timeline_context(actor, account), "can_change": True, "message": message}
    response = render(request, "clients/partials/feedback_refresh.html", context)
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
            return redirect("clients:account_detail", account_id=account.pk)
    context = {"form": form, "account": account, "inline": wants_partial(request)}
    if wants_partial(request):
        return render(request, "clients/partials/feedback_form.html", context)
    return render(request, "clients/form_page.html", {"form_template": "clients/partials/feedback_form.html", **context, "title": "Record feedback"})


@login_required
@require_POST
def feedback_delete(request: HttpRequest, feedback_id: int) -> HttpResponse:
    actor = request.user
    feedback = selectors.feedback_get(actor=actor, feedback_id=feedback_id)
    account = feedback.account
    services.feedback_delete(actor=actor, feedback=feedback)
    message = "The feedback has been deleted."
    if wants_partial(request):
        return feedback_refresh(request, account, message)
    messages.success(request, message)
    return redirect("clients:account_detail", account_id=account.pk)
