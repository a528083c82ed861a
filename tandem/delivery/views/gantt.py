"""The project's Gantt tab: the page around the chart. The chart's rows come from the
API (``GET /api/v1/projects/{id}/gantt``, a window at a time, see
:mod:`tandem.delivery.selectors.gantt`) and a dragged bar is sent to
``POST /api/v1/tasks/{id}/dates`` (static/delivery/gantt.js). Those who manage the
project may drag; everyone else who sees it reads the chart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tandem.delivery import selectors
from tandem.delivery.calendars import project_calendar
from tandem.delivery.policies import manages
from tandem.delivery.selectors.gantt import DEFAULT_WINDOW
from tandem.delivery.views.common import project_header


@login_required
@require_GET
def project_gantt(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_page_get(actor=actor, project_id=project_id)
    zone = project_calendar(project)[1]
    data_url = reverse("api:get_gantt", kwargs={"project_id": project.pk})
    dates_url = reverse("api:set_task_dates", kwargs={"task_id": 0}).replace("/0/", "/{id}/")
    context = {
        **project_header(project, "gantt", zone=zone),
        "can_change": manages(actor, project),
        "data_url": data_url,
        "dates_url": dates_url,
        "window": DEFAULT_WINDOW,
    }
    return render(request, "delivery/gantt/gantt.html", context)
