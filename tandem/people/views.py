"""People pages: users, teams, the organisation calendar, time off and access tokens.

Each view parses its input, calls one selector or service, and renders (STYLE rule 3).
Objects come through the permission-checked fetchers, so an object the user may not
see raises ``NotFoundError`` (404) and a visible one they may not change raises
``PermissionDeniedError`` (403); ``tandem.core.web.DomainErrorMiddleware`` turns both
into pages. Writes accept POST only. Pages that change one row in place (revoke a token,
delete a holiday or time off) answer HTMX requests with that row only; without
JavaScript the same forms post and redirect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.history import history_rows
from tandem.core.pagination import Page, paginate
from tandem.core.pagination import page_query as build_query
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
    CalendarForm,
    HolidayForm,
    TeamForm,
    TimeOffForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    mask_to_days,
)
from tandem.people.models import (
    WEEKDAY_NAMES,
    AccessToken,
    Holiday,
    OrganisationCalendar,
    Team,
    TimeOff,
    User,
)
from tandem.people.rows import roles_of, user_row_queryset, user_rows

ACTIVE_FILTER = {"yes": True, "no": False}
GET_POST = ["GET", "POST"]


@dataclass(frozen=True)
class SortColumn:
    label: str
    url_query: str
    aria_sort: str | None


def _sort_columns(params: Mapping[str, Any], current: str) -> list[SortColumn]:
    columns = []
    for label, key in (
        ("Name", "name"),
        ("E-mail", "email"),
        ("Team", "team"),
        ("Joined", "joined"),
    ):
        if current == key:
            next_sort, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            next_sort, aria = key, "descending"
        else:
            next_sort, aria = key, None
        columns.append(SortColumn(label, build_query(params, sort=next_sort, page=None), aria))
    return columns


def _query_params(query: QueryDict) -> dict[str, str]:
    return {key: query.get(key, "") for key in query if key != "page"}


def _pagination_context(page: Page[Any], params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "page": page,
        "previous_query": build_query(params, page=page.previous_number)
        if page.has_previous
        else "",
        "next_query": build_query(params, page=page.next_number) if page.has_next else "",
    }


def _working_day_names(mask: int) -> str:
    return ", ".join(WEEKDAY_NAMES[day] for day in range(7) if mask & (1 << day)) or "None"


# --- Users -------------------------------------------------------------------------------


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """The directory: filters, sortable columns, capped-count pagination. A constant
    number of queries whatever the number of people or the page size."""
    actor = request.user
    teams = list(selectors.team_list(actor=actor))
    filter_form = UserFilterForm(request.GET or None, teams=teams)
    values = filter_form.cleaned_or_default()
    filters = selectors.UserFilters(
        search=values["q"],
        role=values["role"],
        team_id=values["team"],
        is_active=ACTIVE_FILTER.get(values["active"]),
        sort=values["sort"],
    )
    page = paginate(
        user_row_queryset(selectors.user_list(actor=actor, filters=filters)),
        request.GET.get("page"),
        values["per_page"] or None,
    )
    show_status = any(row["is_active"] is False for row in page.items) or bool(values["active"])
    params = _query_params(request.GET)
    context = {
        "filter_form": filter_form,
        "is_filtered": any(values[key] for key in ("q", "role", "team", "active")),
        "columns": _sort_columns(params, values["sort"]),
        "can_create": policy_for(User).can_create(actor),
        "show_status": show_status,
        "rows_html": user_rows(page.items, roles_of(page.items), show_status=show_status),
        **_pagination_context(page, params),
    }
    template = "people/user_list.html"
    if wants_partial(request):
        template += "#user-results"
    return render(request, template, context)


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
        "working_days": _working_day_names(person.working_days) if person else "",
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


# --- Teams -------------------------------------------------------------------------------


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    search = request.GET.get("q", "").strip()[:100]
    page = paginate(
        selectors.team_list(actor=actor, search=search),
        request.GET.get("page"),
        request.GET.get("per_page"),
    )
    params = _query_params(request.GET)
    context = {
        "search": search,
        "can_create": policy_for(Team).can_create(actor),
        **_pagination_context(page, params),
    }
    template = "people/team_list.html"
    if wants_partial(request):
        template += "#team-results"
    return render(request, template, context)


@login_required
@require_GET
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, team_id=team_id)
    page = paginate(selectors.team_members(actor=actor, team=team), request.GET.get("page"), None)
    context = {
        "team": team,
        "can_edit": policy_for(Team).can_change(actor, team),
        "can_delete": policy_for(Team).can_delete(actor, team),
        "history": history_rows(team, viewer=actor),
        **_pagination_context(page, {}),
    }
    return render(request, "people/team_detail.html", context)


def _team_leads(actor: Any) -> Any:
    return selectors.user_list(actor=actor, filters=selectors.UserFilters(is_active=True))


@login_required
@require_http_methods(GET_POST)
def team_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, Team)
    form = TeamForm(request.POST or None, leads=_team_leads(actor))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                actor=actor,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                lead=form.cleaned_data["lead"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Team {team.name} has been created.")
            return redirect("people:team_detail", team_id=team.pk)
    return render(request, "people/team_form.html", {"form": form, "editing": None})


@login_required
@require_http_methods(GET_POST)
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, team_id=team_id)
    require_change(actor, team)
    if request.method == "GET":
        initial = {
            "name": team.name,
            "description": team.description,
            "lead": team.lead_id,
            "version": team.version,
        }
        form = TeamForm(initial=initial, leads=_team_leads(actor))
        return render(request, "people/team_form.html", {"form": form, "editing": team})
    form = TeamForm(request.POST, leads=_team_leads(actor))
    form.fields["version"].required = True
    result = form_save(
        form,
        lambda: services.team_update(
            actor=actor,
            team=team,
            data={key: form.cleaned_data[key] for key in ("name", "description", "lead")},
            expected_version=form.cleaned_data["version"],
        ),
    )
    if result.saved:
        messages.success(request, f"Changes to team {team.name} have been saved.")
        return redirect("people:team_detail", team_id=team.pk)
    context = {"form": form, "editing": team, "conflict": result.conflict}
    return render(request, "people/team_form.html", context, status=result.status)


@login_required
@require_POST
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = request.user
    team = selectors.team_get(actor=actor, team_id=team_id)
    version = _int_or_none(request.POST.get("version"))
    name = team.name
    try:
        services.team_delete(actor=actor, team=team, expected_version=version)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("people:team_detail", team_id=team_id)
    messages.success(request, f"Team {name} has been deleted; its members now have no team.")
    return redirect("people:team_list")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Organisation calendar and holidays -----------------------------------------------


def _calendar_year(request: HttpRequest) -> int:
    year = _int_or_none(request.GET.get("year"))
    if year is None or not 1900 <= year <= 2999:
        return timezone.localdate().year
    return year


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    actor = request.user
    row = selectors.calendar_get()
    year = _calendar_year(request)
    context = {
        "calendar": row,
        "working_days": _working_day_names(row.working_days),
        "year": year,
        "holidays": list(selectors.holiday_list(actor=actor, year=year)),
        "can_edit": policy_for(OrganisationCalendar).can_change(actor, row),
        "holiday_form": HolidayForm(),
        "history": history_rows(row, viewer=actor),
    }
    return render(request, "people/calendar.html", context)


@login_required
@require_http_methods(GET_POST)
def calendar_edit(request: HttpRequest) -> HttpResponse:
    actor = request.user
    row = selectors.calendar_get()
    require_change(actor, row)
    if request.method == "GET":
        initial = {
            "name": row.name,
            "time_zone": row.time_zone,
            "day_start": row.day_start,
            "day_end": row.day_end,
            "working_days": mask_to_days(row.working_days),
            "locale": row.locale,
            "currency": row.currency,
            "version": row.version,
        }
        return render(request, "people/calendar_form.html", {"form": CalendarForm(initial=initial)})
    form = CalendarForm(request.POST)
    result = form_save(
        form,
        lambda: services.calendar_update(
            actor=actor,
            calendar=row,
            data=form.service_data(),
            expected_version=form.cleaned_data["version"],
        ),
    )
    if result.saved:
        messages.success(request, "The calendar has been saved.")
        return redirect("people:calendar")
    context = {"form": form, "conflict": result.conflict}
    return render(request, "people/calendar_form.html", context, status=result.status)


@login_required
@require_http_methods(GET_POST)
def holiday_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, Holiday)
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = services.holiday_create(
                actor=actor,
                calendar=selectors.calendar_get(),
                date=form.cleaned_data["date"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"{holiday.name} on {holiday.date:%d %b %Y} has been added.")
            return HttpResponseRedirect(f"{reverse('people:calendar')}?year={holiday.date.year}")
    return render(request, "people/holiday_form.html", {"form": form})


@login_required
@require_POST
def holiday_delete(request: HttpRequest, holiday_id: int) -> HttpResponse:
    actor = request.user
    holiday = get_visible(actor, Holiday, holiday_id)
    services.holiday_delete(actor=actor, holiday=holiday)
    if wants_partial(request):
        return HttpResponse("")
    messages.success(request, f"{holiday.name} has been removed from the holidays.")
    return HttpResponseRedirect(f"{reverse('people:calendar')}?year={holiday.date.year}")


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


# --- Personal access tokens --------------------------------------------------------------


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    page = paginate(selectors.token_list(actor=actor), request.GET.get("page"), None)
    context = {"now": timezone.now(), **_pagination_context(page, {})}
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
