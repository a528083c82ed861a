"""Saving and deleting a list's views (the tabs above a list's filters).

Both accept POST only. With HTMX they answer the list's views menu
(``lists/_views.html``), swapped in place; without JavaScript they redirect back to the
list (a saved view opens at once). Errors: a refused name stands in the menu's alert
(HTMX) or as a message; a stale delete is the 409 answer of
:class:`tandem.core.web.DomainErrorMiddleware`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.core import lists
from tandem.core.errors import NotFoundError
from tandem.core.models import SavedView
from tandem.core.permissions import get_visible
from tandem.core.services_saved_views import saved_view_create, saved_view_delete
from tandem.core.web import wants_partial


def _list_class(key: str) -> type[lists.ListView]:
    list_class = lists.registered(key)
    if list_class is None:
        raise NotFoundError(f"No list {key!r}.")
    return list_class


def _list_url(list_class: type[lists.ListView], query: str) -> str:
    return f"{reverse(list_class.url_name)}?{query or 'view=all'}"


def _menu(request: HttpRequest, list_class: type[lists.ListView], query: str, **context: object) -> HttpResponse:
    tabs = list_class(request).tabs(query, None)
    return render(request, "lists/_views.html", {"tabs": tabs, "list_url": reverse(list_class.url_name), **context})


def _message(error: ValidationError) -> str:
    return " ".join(message for messages_ in error.message_dict.values() for message in messages_)


@login_required
@require_POST
def saved_view_create_view(request: HttpRequest) -> HttpResponse:
    list_class = _list_class(request.POST.get("list_key", ""))
    query = lists.normalise_query(request.POST.get("query", ""))
    try:
        view = saved_view_create(
            actor=request.user, list_key=list_class.key, name=request.POST.get("name", ""), query=query,
            visibility=request.POST.get("visibility", ""),
        )
    except ValidationError as error:
        if wants_partial(request):
            return _menu(request, list_class, query, save_error=_message(error))
        messages.error(request, _message(error))
        return redirect(_list_url(list_class, query))
    if wants_partial(request):
        return _menu(request, list_class, view.query, saved_message=f"View “{view.name}” saved.")
    messages.success(request, f"View “{view.name}” saved.")
    return redirect(_list_url(list_class, view.query))


@login_required
@require_POST
def saved_view_delete_view(request: HttpRequest, saved_view_id: int) -> HttpResponse:
    view = get_visible(request.user, SavedView, saved_view_id)
    list_class = _list_class(view.list_key)
    version = request.POST.get("version", "")
    saved_view_delete(
        actor=request.user, saved_view=view, expected_version=int(version) if version.isdigit() else None
    )
    if wants_partial(request):
        return _menu(request, list_class, "", saved_message=f"View “{view.name}” deleted.")
    messages.success(request, f"View “{view.name}” deleted.")
    return redirect(_list_url(list_class, ""))
