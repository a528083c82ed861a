"""Personal access tokens of the API: the user's own, created and revoked here."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.pagination import paginate
from tandem.core.permissions import (
    get_visible,
    require_create,
)
from tandem.core.web import form_add_errors, wants_partial
from tandem.people import selectors, services
from tandem.people.forms import (
    TokenForm,
)
from tandem.people.models import (
    AccessToken,
    User,
)
from tandem.people.views.common import GET_POST, pagination_context

# --- Personal access tokens --------------------------------------------------------------


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    page = paginate(selectors.token_list(actor=actor), request.GET.get("page"), None)
    context = {"now": timezone.now(), **pagination_context(page, {})}
    return render(request, "people/token_list.html", context)


@login_required
@never_cache
@require_http_methods(GET_POST)
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token. The secret is in this one response only (not cached, not in a
    URL); afterwards only its prefix is known."""
    actor = cast(User, request.user)
    require_create(actor, AccessToken)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=actor,
                user=actor,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            response = render(
                request, "people/token_created.html", {"token": token, "secret": secret}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "people/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request: HttpRequest, access_token_id: int) -> HttpResponse:
    actor = request.user
    token = get_visible(actor, AccessToken, access_token_id)
    token = services.token_revoke(actor=actor, token=token)
    if wants_partial(request):
        return render(
            request, "people/token_list.html#token-row", {"token": token, "now": timezone.now()}
        )
    messages.success(request, f"The token “{token.name}” has been revoked.")
    return redirect("people:token_list")
