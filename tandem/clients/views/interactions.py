"""Interactions logged from the account page in two clicks ("Log interaction" reveals
the form in place, "Save" logs it and refreshes the timeline), edited and deleted in
place with their version; follow-ups marked done in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients import selectors, services
from tandem.clients.forms import InteractionForm
from tandem.clients.models import Account
from tandem.clients.views.common import (
    account_contacts,
    active_users,
    facts_context,
    follow_ups_context,
    int_or_none,
    timeline_context,
    timeline_kind,
)
from tandem.core.errors import ConflictError
from tandem.core.permissions import require_change
from tandem.core.web import form_add_errors, form_save, wants_partial

GET_POST = ["GET", "POST"]


def _form(request: HttpRequest, account: Account, *, editing: bool = False, initial: dict[str, Any] | None = None) -> InteractionForm:
    actor = request.user
    data = request.POST if request.method == "POST" else None
    interaction_id = (initial or {}).get("id")
    return InteractionForm(
        data, initial=initial, contacts=account_contacts(actor, account), users=active_users(actor), editing=editing,
        auto_id=f"interaction_{interaction_id}_%s" if interaction_id else "interaction_%s",
    )


def account_refresh(request: HttpRequest, account: Account, *, message: str, clear_form: bool = False) -> HttpResponse:
    """The parts of the account page an interaction changes: the timeline (newest
    first, so a new entry is at the top), the header facts (last contact, check-in) and
    the follow-ups, swapped out of band; the message goes to the page's status region."""
    actor = request.user
    context = {
        **facts_context(account),
        **timeline_context(actor, account, timeline_kind(request)),
        **follow_ups_context(actor, account),
        "can_change": True,
        "message": message,
        "clear_form": clear_form,
    }
    response = render(request, "clients/partials/account_refresh.html", context)
    response["HX-Retarget"] = "#account-status"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_http_methods(GET_POST)
def interaction_create(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    require_change(actor, account)
    form = _form(request, account)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = services.interaction_create(
                actor=actor, account=account, data=form.service_data(),
                contacts=form.cleaned_data["contacts"], users=form.cleaned_data["users"],
                follow_up_due=form.cleaned_data["follow_up_due"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            message = f"Logged “{interaction.subject}”."
            if wants_partial(request):
                return account_refresh(request, account, message=message, clear_form=True)
            messages.success(request, message)
            return redirect("clients:account_detail", account_id=account.pk)
    context = {"form": form, "account": account, "inline": wants_partial(request)}
    if wants_partial(request):
        return render(request, "clients/partials/interaction_form.html", context)
    return render(request, "clients/form_page.html", {"form_template": "clients/partials/interaction_form.html", **context, "title": "Log an interaction"})


@login_required
@require_http_methods(GET_POST)
def interaction_edit(request: HttpRequest, interaction_id: int) -> HttpResponse:
    actor = request.user
    interaction = selectors.interaction_get(actor=actor, interaction_id=interaction_id)
    require_change(actor, interaction)
    account = interaction.account
    form = _form(request, account, editing=True, initial={**InteractionForm.initial_for(interaction), "id": interaction.pk})
    result = form_save(form, lambda: services.interaction_update(
        actor=actor, interaction=interaction, data=form.service_data(),
        expected_version=form.cleaned_data["version"],
        contacts=form.cleaned_data["contacts"], users=form.cleaned_data["users"],
    ))
    if result.saved:
        message = f"Saved “{interaction.subject}”."
        if wants_partial(request):
            # The time may have moved, so the whole timeline comes back in order.
            return account_refresh(request, account, message=message)
        messages.success(request, message)
        return redirect("clients:account_detail", account_id=account.pk)
    context = {"form": form, "account": account, "interaction": interaction, "conflict": result.conflict, "inline": wants_partial(request)}
    if wants_partial(request):
        return render(request, "clients/partials/interaction_form.html", context, status=result.status)
    return render(request, "clients/form_page.html", {"form_template": "clients/partials/interaction_form.html", **context, "title": f"Edit “{interaction.subject}”"}, status=result.status)


@login_required
@require_POST
def interaction_delete(request: HttpRequest, interaction_id: int) -> HttpResponse:
    actor = request.user
    interaction = selectors.interaction_get(actor=actor, interaction_id=interaction_id)
    account = interaction.account
    subject = interaction.subject
    services.interaction_delete(
        actor=actor, interaction=interaction, expected_version=int_or_none(request.POST.get("version"))
    )
    message = f"Deleted “{subject}”."
    if wants_partial(request):
        return account_refresh(request, account, message=message)
    messages.success(request, message)
    return redirect("clients:account_detail", account_id=account.pk)


def _follow_up_response(request: HttpRequest, follow_up: Any, message: str, *, error: str = "") -> HttpResponse:
    """The follow-up's row (HTMX) or the account page; a conflict answers 409 with the
    row as it is now and the message in it."""
    if wants_partial(request):
        context = {"follow_up": follow_up, "can_change": True, "follow_up_error": error}
        return render(request, "clients/partials/follow_up.html", context, status=409 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect("clients:account_detail", account_id=follow_up.account_id)


def _follow_up_action(request: HttpRequest, follow_up_id: int, action: Any, message: str) -> HttpResponse:
    actor = request.user
    follow_up = selectors.follow_up_get(actor=actor, follow_up_id=follow_up_id)
    try:
        follow_up = action(actor=actor, follow_up=follow_up, expected_version=int_or_none(request.POST.get("version")))
    except ConflictError as error:
        # A refused write leaves its changes on the instance: show the row as stored.
        follow_up = selectors.follow_up_get(actor=actor, follow_up_id=follow_up_id)
        return _follow_up_response(request, follow_up, "", error=error.message)
    return _follow_up_response(request, follow_up, message.format(follow_up.description))


@login_required
@require_POST
def follow_up_done(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    return _follow_up_action(request, follow_up_id, services.follow_up_complete, "“{}” is done.")


@login_required
@require_POST
def follow_up_reopen(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    return _follow_up_action(request, follow_up_id, services.follow_up_reopen, "“{}” is open again.")
