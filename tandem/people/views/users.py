"""People pages: a person's page, adding and editing people, and time off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import PermissionDeniedError
from tandem.core.history import history_rows
from tandem.core.permissions import (
    get_visible,
    is_admin,
    policy_for,
    require_change,
    require_create,
)
from tandem.core.web import form_add_errors, form_save, wants_partial
from tandem.people import selectors, services
from tandem.people.forms import (
    TimeOffForm,
    UserCreateForm,
    UserEditForm,
)
from tandem.people.models import (
    TimeOff,
    User,
)
from tandem.people.views.common import GET_POST, working_day_names


@login_required
@require_GET
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor=actor, user_id=user_id)
    person = getattr(user, "person", None)
    can_see_restricted = selectors.user_can_see_cost_rate(actor=actor, user=user)
    time_off = list(selectors.time_off_list(actor=actor, person=person)[:50]) if person else []
    history: list[Any] = []
    if can_see_restricted:
        # The history shows old → new values, restricted ones included, so it follows
        # the restricted-field rule: admins, executives and the person themselves.
        history = history_rows(*([user, person] if person is not None else [user]), viewer=actor)
    context = {
        "person_user": user,
        "person": person,
        "roles": user.role_labels(),
        "working_days": working_day_names(person.working_days) if person else "",
        "can_see_cost_rate": can_see_restricted,
        "can_edit": policy_for(User).can_change(actor, user),
        "can_record_time_off": person is not None and (is_admin(actor) or actor.pk == user.pk),
        "time_off": time_off,
        "show_history": can_see_restricted,
        "history": history,
    }
    return render(request, "people/user_detail.html", context)


@login_required
@require_http_methods(GET_POST)
def user_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, User)
    teams = selectors.team_list(actor=actor)
    form = UserCreateForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=actor,
                roles=form.cleaned_data["roles"],
                password=form.cleaned_data["password"] or None,
                **form.service_data(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"{user.full_name} has been added.")
            return redirect("people:user_detail", user_id=user.pk)
    return render(request, "people/user_form.html", {"form": form, "editing": None})


@login_required
@require_http_methods(GET_POST)
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """Edit a person; the form carries the version it was read at, and a save against
    an older version is refused with a message (status 409) and changes nothing."""
    actor = request.user
    user = selectors.user_get(actor=actor, user_id=user_id)
    require_change(actor, user)
    teams = selectors.team_list(actor=actor)
    show_cost_rate = selectors.user_can_see_cost_rate(actor=actor, user=user)
    if request.method == "GET":
        form = UserEditForm(
            initial=UserEditForm.initial_for(user), teams=teams, show_cost_rate=show_cost_rate
        )
        return render(request, "people/user_form.html", {"form": form, "editing": user})
    form = UserEditForm(request.POST, teams=teams, show_cost_rate=show_cost_rate)
    result = form_save(
        form,
        lambda: services.user_update(
            actor=actor,
            user=user,
            data=form.service_data(),
            expected_version=form.cleaned_data["version"],
            roles=form.cleaned_data["roles"],
        ),
    )
    if result.saved:
        messages.success(request, f"Changes to {user.full_name} have been saved.")
        return redirect("people:user_detail", user_id=user.pk)
    context = {"form": form, "editing": user, "conflict": result.conflict}
    return render(request, "people/user_form.html", context, status=result.status)



# --- Time off ----------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def time_off_create(request: HttpRequest, user_id: int) -> HttpResponse:
    """Record time off for a person: the person themselves or an administrator (the same
    rule ``services.time_off_create`` enforces; checked here so the form is not shown)."""
    actor = request.user
    user = selectors.user_get(actor=actor, user_id=user_id)
    person = getattr(user, "person", None)
    if person is None or not (is_admin(actor) or actor.pk == user.pk):
        raise PermissionDeniedError("You may only record your own time off.")
    form = TimeOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_off_create(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "The time off has been recorded.")
            return redirect("people:user_detail", user_id=user.pk)
    return render(request, "people/time_off_form.html", {"form": form, "person_user": user})


@login_required
@require_POST
def time_off_delete(request: HttpRequest, time_off_id: int) -> HttpResponse:
    actor = request.user
    time_off = get_visible(actor, TimeOff.objects.select_related("person"), time_off_id)
    user_id = time_off.person.user_id
    services.time_off_delete(actor=actor, time_off=time_off)
    if wants_partial(request):
        return HttpResponse("")
    messages.success(request, "The time off has been deleted.")
    return redirect("people:user_detail", user_id=user_id)
