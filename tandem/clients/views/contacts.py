"""Contacts: the people at an account, with their interactions; moving one to another
account (for those who may change both)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.clients import selectors, services
from tandem.clients.forms import ContactForm, ContactMoveForm
from tandem.clients.models import Contact
from tandem.clients.views.common import int_or_none, profile_url
from tandem.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from tandem.core.history import history_rows
from tandem.core.permissions import policy_for, require_change, require_delete
from tandem.core.web import form_add_errors, form_save

GET_POST = ["GET", "POST"]
CONTACT_INTERACTIONS_SHOWN = 50
MOVE_CANDIDATES_SHOWN = 20


@login_required
@require_GET
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = request.user
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    interactions = selectors.interaction_list(
        actor=actor, filters=selectors.InteractionFilters(contact_id=contact.pk)
    )[:CONTACT_INTERACTIONS_SHOWN]
    context = {
        "contact": contact,
        "account": contact.account,
        "can_change": policy_for(Contact).can_change(actor, contact),
        "can_delete": policy_for(Contact).can_delete(actor, contact),
        "interactions": list(interactions),
        "history": history_rows(contact, viewer=actor),
    }
    return render(request, "clients/contact_detail.html", context)


@login_required
@require_http_methods(GET_POST)
def contact_create(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    require_change(actor, account)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=actor, account=account, data=form.service_data())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"{contact.full_name} has been added to {account.name}.")
            return redirect("clients:contact_detail", contact_id=contact.pk)
    return render(request, "clients/contact_form.html", {"form": form, "account": account, "editing": None})


@login_required
@require_http_methods(GET_POST)
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = request.user
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    require_change(actor, contact)
    if request.method == "GET":
        form = ContactForm(initial=ContactForm.initial_for(contact), editing=True)
        return render(request, "clients/contact_form.html", {"form": form, "account": contact.account, "editing": contact})
    form = ContactForm(request.POST, editing=True)
    result = form_save(form, lambda: services.contact_update(
        actor=actor, contact=contact, data=form.service_data(), expected_version=form.cleaned_data["version"]
    ))
    if result.saved:
        messages.success(request, f"Changes to {contact.full_name} have been saved.")
        return redirect("clients:contact_detail", contact_id=contact.pk)
    context = {"form": form, "account": contact.account, "editing": contact, "conflict": result.conflict}
    return render(request, "clients/contact_form.html", context, status=result.status)


@login_required
@require_http_methods(GET_POST)
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = request.user
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    require_delete(actor, contact)
    account = contact.account
    if request.method == "GET":
        return render(request, "clients/contact_confirm_delete.html", {"contact": contact, "account": account})
    name = contact.full_name
    try:
        services.contact_delete(actor=actor, contact=contact, expected_version=int_or_none(request.POST.get("version")))
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("clients:contact_detail", contact_id=contact_id)
    messages.success(request, f"{name} has been deleted from {account.name}.")
    return HttpResponseRedirect(profile_url(account, "account-contacts"))


@login_required
@require_http_methods(GET_POST)
def contact_move(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Move a contact to another account: search the accounts the user may change
    (``?q=``), pick one, confirm. The service checks both accounts again."""
    actor = request.user
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    require_change(actor, contact)
    search = request.GET.get("q", "").strip()[:100]
    form = ContactMoveForm(request.POST or None, initial={"version": contact.version})

    def move() -> Contact:
        try:
            target = selectors.account_get(actor=actor, account_id=form.cleaned_data["account"])
            return services.contact_move(
                actor=actor, contact=contact, account=target, expected_version=form.cleaned_data["version"]
            )
        except (NotFoundError, PermissionDeniedError) as error:
            raise ValidationError({"account": "Choose one of the accounts offered: you may change those."}) from error

    from_account = contact.account
    result = form_save(form, move)
    if result.saved:
        messages.success(request, f"{contact.full_name} has moved from {from_account.name} to {result.value.account.name}.")
        return redirect("clients:contact_detail", contact_id=contact.pk)
    candidates = selectors.account_move_targets(
        actor=actor, search=search, exclude_id=from_account.pk, limit=MOVE_CANDIDATES_SHOWN
    )
    context = {
        "contact": contact, "account": from_account, "form": form, "search": search,
        "candidates": candidates, "more": len(candidates) == MOVE_CANDIDATES_SHOWN, "conflict": result.conflict,
    }
    return render(request, "clients/contact_move.html", context, status=result.status)
