"""The organisation calendar (working days, hours, time zone) and its holidays."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.history import history_rows
from tandem.core.permissions import (
    get_visible,
    policy_for,
    require_change,
    require_create,
)
from tandem.core.web import form_add_errors, form_save, wants_partial
from tandem.people import selectors, services
from tandem.people.forms import (
    CalendarForm,
    HolidayForm,
    mask_to_days,
)
from tandem.people.models import (
    Holiday,
    OrganisationCalendar,
)
from tandem.people.views.common import GET_POST, int_or_none, working_day_names

# --- Organisation calendar and holidays -----------------------------------------------


def _calendar_year(request: HttpRequest) -> int:
    year = int_or_none(request.GET.get("year"))
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
        "working_days": working_day_names(row.working_days),
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
