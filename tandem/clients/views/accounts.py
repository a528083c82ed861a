"""Accounts: create, edit, lifecycle, delete, the 360° page with its timeline, and the
needs / goals / challenges edited in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients import selectors, services
from tandem.clients.forms import AccountForm, AccountItemForm, ItemStatusForm, LifecycleForm
from tandem.clients.models import Account, ItemKind, ItemStatus
from tandem.clients.views.common import facts_context as header_context
from tandem.clients.views.common import (
    feedback_context,
    follow_ups_context,
    inquiries_context,
    int_or_none,
    items_context,
    owner_choices,
    profile_url,
    timeline_context,
    timeline_kind,
)
from tandem.core.errors import ConflictError
from tandem.core.history import history_rows
from tandem.core.permissions import (
    is_admin,
    policy_for,
    require_change,
    require_create,
    require_delete,
)
from tandem.core.registry import (
    OVERVIEW,
    record_sections,
    record_tab,
    record_tab_links,
    record_tabs,
)
from tandem.core.web import form_add_errors, form_save, wants_partial

GET_POST = ["GET", "POST"]


def account_url(account: Account | int, **query: str) -> str:
    pk = account if isinstance(account, int) else account.pk
    url = reverse("clients:account_detail", kwargs={"account_id": pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items() if value)
    return url


# --- The 360° page and its tabs ----------------------------------------------------------

# The account's record tabs (core.registry.record_tab): the Overview here; later apps add
# theirs (commercial's Sales, delivery's Projects, governance's Relationship), each a URL
# of :func:`account_tab` showing the sections registered on it.
PROFILE = "profile"
record_tab(Account, key=OVERVIEW, label="Overview", url_name="clients:account_detail", icon="layout-dashboard", order=10)
record_tab(Account, key=PROFILE, label="Profile", url_name="clients:account_profile", icon="address-book", order=15)


def _page_context(actor: Any, account: Account, tab: str) -> dict[str, Any]:
    """What every tab's header (clients/partials/account_header.html) shows."""
    can_change = selectors.account_can_change(actor=actor, account=account)
    return {
        **header_context(account),
        "can_change": can_change,
        "can_delete": can_change and policy_for(Account).can_delete(actor, account),
        "tabs": record_tab_links(actor, account, tab),
    }


@login_required
@require_GET
def account_tab(request: HttpRequest, account_id: int, tab: str) -> HttpResponse:
    """A tab of the account's record other than the Overview: the header, then the
    sections registered on tab ``tab`` (an app mounts one URL per tab, passing ``tab``;
    see tandem/commercial/urls.py). Its own query budget, pinned per tab in tests."""
    actor = request.user
    account = selectors.account_page_get(actor=actor, account_id=account_id)
    shown = {item.key: item for item in record_tabs(Account, actor, account)}
    if tab in (OVERVIEW, PROFILE) or tab not in shown:
        raise Http404("No such tab.")
    context = {
        **_page_context(actor, account, tab),
        "tab_key": tab,
        "tab_label": shown[tab].label,
        "record_sections": record_sections(actor, account, tab),
    }
    return render(request, "clients/account_tab.html", context)


@login_required
@require_GET
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    """The account page, its Overview tab: the header's key facts, the timeline (with
    "Log interaction") and the open follow-ups; the rest of the record is on the other
    tabs. At most 12 queries whatever the account's history (pinned in
    tests/clients/test_views_accounts.py)."""
    actor = request.user
    account = selectors.account_page_get(actor=actor, account_id=account_id)
    context = {
        **_page_context(actor, account, OVERVIEW),
        **timeline_context(actor, account, timeline_kind(request)),
        **follow_ups_context(actor, account),
        # Sections later apps add to the Overview (core.registry.record_section).
        "record_sections": record_sections(actor, account, OVERVIEW),
    }
    return render(request, "clients/account_detail.html", context)


@login_required
@require_GET
def account_profile(request: HttpRequest, account_id: int) -> HttpResponse:
    """The account's Profile tab: needs, goals and challenges, open inquiries, feedback,
    contacts, preferences and the change history (at most 12 queries, pinned in
    tests/clients/test_views_accounts.py)."""
    actor = request.user
    account = selectors.account_page_get(actor=actor, account_id=account_id)
    contacts = list(
        selectors.contact_list(
            actor=actor, filters=selectors.ContactFilters(account_id=account.pk, include_inactive=True)
        )
    )
    context = {
        **_page_context(actor, account, PROFILE),
        "contacts": contacts,
        **items_context(account),
        **inquiries_context(actor, account),
        **feedback_context(actor, account),
        "history": history_rows(account, viewer=actor),
        "record_sections": record_sections(actor, account, PROFILE),
    }
    return render(request, "clients/account_profile.html", context)


@login_required
@require_GET
def account_timeline(request: HttpRequest, account_id: int) -> HttpResponse:
    """The timeline alone, filtered by kind (HTMX); without HTMX, the account page."""
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    kind = timeline_kind(request)
    if not wants_partial(request):
        return HttpResponseRedirect(account_url(account, show=kind) + "#timeline-heading")
    context = {
        **timeline_context(actor, account, kind),
        "can_change": selectors.account_can_change(actor=actor, account=account),
    }
    return render(request, "clients/partials/timeline.html", context)


# --- Create, edit, lifecycle, delete -----------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def account_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, Account)
    owners = owner_choices(actor)
    initial = {"owner": actor.pk} if not is_admin(actor) else {}
    form = AccountForm(request.POST or None, initial=initial, owners=owners)
    form.fields["owner"].required = not is_admin(actor)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if data["owner"] is None:
            data.pop("owner")
        try:
            account = services.account_create(actor=actor, data=data, lifecycle=form.cleaned_data["lifecycle"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"{account.name} has been added.")
            return redirect("clients:account_detail", account_id=account.pk)
    return render(request, "clients/account_form.html", {"form": form, "editing": None})


@login_required
@require_http_methods(GET_POST)
def account_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    """Edit the profile; the form carries the version it was read at, and a save
    against an older version is refused (409) with a reload link, changing nothing."""
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    require_change(actor, account)
    owners = owner_choices(actor)
    if request.method == "GET":
        form = AccountForm(initial=AccountForm.initial_for(account), owners=owners, editing=True)
        return render(request, "clients/account_form.html", {"form": form, "editing": account})
    form = AccountForm(request.POST, owners=owners, editing=True)
    form.fields["owner"].required = not is_admin(actor)
    result = form_save(form, lambda: services.account_update(
        actor=actor, account=account, data=form.service_data(), expected_version=form.cleaned_data["version"]
    ))
    if result.saved:
        messages.success(request, f"Changes to {account.name} have been saved.")
        return redirect("clients:account_detail", account_id=account.pk)
    context = {"form": form, "editing": account, "conflict": result.conflict}
    return render(request, "clients/account_form.html", context, status=result.status)


@login_required
@require_http_methods(GET_POST)
def account_lifecycle(request: HttpRequest, account_id: int) -> HttpResponse:
    """The lifecycle history, and for those who may change the account a form to move
    it (prospect → active → churned, and back), dated and with a reason."""
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    can_change = selectors.account_can_change(actor=actor, account=account)
    status, conflict = 200, False
    form: LifecycleForm | None = None
    if request.method == "POST":
        require_change(actor, account)
        # ``posted`` is never None, also inside the lambda (where ``form`` is not narrowed).
        form = posted = LifecycleForm(request.POST, current=account.lifecycle)
        result = form_save(posted, lambda: services.account_set_lifecycle(
            actor=actor, account=account, lifecycle=posted.cleaned_data["lifecycle"],
            at=posted.changed_at(), reason=posted.cleaned_data["reason"],
            expected_version=posted.cleaned_data["version"],
        ), field_names={"at": "on"})
        if result.saved:
            messages.success(request, f"{account.name} is now {account.get_lifecycle_display().lower()}.")
            return redirect("clients:account_detail", account_id=account.pk)
        status, conflict = result.status, result.conflict
    elif can_change:
        form = LifecycleForm(initial={"on": timezone.localdate(), "version": account.version}, current=account.lifecycle)
    context = {
        "account": account,
        "form": form,
        "conflict": conflict,
        "changes": list(selectors.account_status_history(account=account)),
    }
    return render(request, "clients/account_lifecycle.html", context, status=status)


@login_required
@require_http_methods(GET_POST)
def account_delete(request: HttpRequest, account_id: int) -> HttpResponse:
    """A confirmation page (GET), then the deletion (POST) with the version read."""
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    require_delete(actor, account)
    if request.method == "GET":
        context = {"account": account, "counts": selectors.account_counts(account=account)}
        return render(request, "clients/account_confirm_delete.html", context)
    name = account.name
    try:
        services.account_delete(actor=actor, account=account, expected_version=int_or_none(request.POST.get("version")))
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("clients:account_detail", account_id=account_id)
    messages.success(request, f"{name} has been deleted, with its contacts and history.")
    return redirect("clients:account_list")


# --- Needs, goals and challenges (in place) ---------------------------------------------------


def item_context(item: Any, **extra: Any) -> dict[str, Any]:
    return {"item": item, "can_change": True, "item_statuses": ItemStatus.choices, **extra}


def _items_response(request: HttpRequest, account: Account, **extra: Any) -> HttpResponse:
    context = {**items_context(account), "can_change": True, **extra}
    return render(request, "clients/partials/items.html", context)


@login_required
@require_http_methods(GET_POST)
def account_item_create(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_get(actor=actor, account_id=account_id)
    require_change(actor, account)
    kind = request.GET.get("kind") or request.POST.get("kind") or ItemKind.NEED
    kind = kind if kind in ItemKind.values else ItemKind.NEED
    form = AccountItemForm(request.POST or None, initial={"kind": kind}, auto_id=f"item_new_{kind}_%s")
    if request.method == "POST" and form.is_valid():
        try:
            item = services.account_item_create(actor=actor, account=account, data=form.service_data())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if wants_partial(request):
                return _items_response(request, account, added_item_id=item.pk)
            messages.success(request, f"{item} has been added.")
            return HttpResponseRedirect(profile_url(account, "account-items"))
    if wants_partial(request):
        if request.method == "POST":
            return _items_response(request, account, item_form=form, item_form_kind=kind)
        return render(request, "clients/partials/item_form.html", {"form": form, "account": account, "inline": True})
    title = f"Add a {ItemKind(kind).label.lower()}"
    return render(request, "clients/form_page.html", {"form_template": "clients/partials/item_form.html", "form": form, "account": account, "title": title})


@login_required
@require_http_methods(GET_POST)
def account_item_edit(request: HttpRequest, account_item_id: int) -> HttpResponse:
    actor = request.user
    item = selectors.account_item_get(actor=actor, account_item_id=account_item_id)
    require_change(actor, item)
    account = item.account
    if request.method == "GET":
        form = AccountItemForm(initial=AccountItemForm.initial_for(item), editing=True, auto_id=f"item_{item.pk}_%s")
    else:
        form = AccountItemForm(request.POST, editing=True, auto_id=f"item_{item.pk}_%s")
    result = form_save(form, lambda: services.account_item_update(
        actor=actor, item=item, data=form.service_data(), expected_version=form.cleaned_data["version"]
    ))
    if result.saved:
        item = result.value
        if wants_partial(request):
            return render(request, "clients/partials/item.html", item_context(item))
        messages.success(request, f"{item} has been saved.")
        return HttpResponseRedirect(profile_url(account, "account-items"))
    context = {"form": form, "account": account, "item": item, "conflict": result.conflict, "inline": wants_partial(request)}
    if wants_partial(request):
        return render(request, "clients/partials/item_form.html", context, status=result.status)
    context.update(title=f"Edit {item}", form_template="clients/partials/item_form.html")
    return render(request, "clients/form_page.html", context, status=result.status)


@login_required
@require_POST
def account_item_status(request: HttpRequest, account_item_id: int) -> HttpResponse:
    """Set an item's status from the account page (the item's row comes back)."""
    actor = request.user
    item = selectors.account_item_get(actor=actor, account_item_id=account_item_id)
    require_change(actor, item)
    form = ItemStatusForm(request.POST)
    status, error_message = 200, ""
    if form.is_valid():
        try:
            item = services.account_item_update(
                actor=actor, item=item, data={"status": form.cleaned_data["status"]},
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            status, error_message = 409, error.message
    else:
        status, error_message = 400, "Choose one of the statuses offered."
    if not wants_partial(request):
        if error_message:
            messages.error(request, error_message)
        return HttpResponseRedirect(profile_url(item.account_id, "account-items"))
    context = item_context(item, item_error=error_message)
    return render(request, "clients/partials/item.html", context, status=status)


@login_required
@require_POST
def account_item_delete(request: HttpRequest, account_item_id: int) -> HttpResponse:
    actor = request.user
    item = selectors.account_item_get(actor=actor, account_item_id=account_item_id)
    account_id = item.account_id
    try:
        services.account_item_delete(actor=actor, item=item, expected_version=int_or_none(request.POST.get("version")))
    except ConflictError as error:
        # The row comes back as it is now, with the message; nothing was deleted.
        if wants_partial(request):
            return render(request, "clients/partials/item.html", item_context(item, item_error=error.message), status=409)
        messages.error(request, error.message)
        return HttpResponseRedirect(profile_url(account_id, "account-items"))
    if wants_partial(request):
        return HttpResponse("")
    messages.success(request, f"{item} has been deleted.")
    return HttpResponseRedirect(profile_url(account_id, "account-items"))

