"""The project's Baselines tab: save the plan as a baseline (its manager), the list of
baselines, and the variance of the current plan against the chosen one (the latest by
default): the project's finish, work and cost variance on top, then each task's dates,
work and cost against the baseline, in plan order or the tasks slipping most first.

The page costs the same number of queries whatever the size of the plan: the project
(with its calendar), the organisation calendar and its holidays, the baselines, the
chosen baseline's rows and the plan's tasks (one query each); the variance table shows
:data:`VARIANCE_PAGE_SIZE` rows at a time (``?page=``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from tandem.commercial.formatting import money_text
from tandem.core.errors import NotFoundError
from tandem.core.rows import esc, joined
from tandem.delivery import selectors
from tandem.delivery.calendars import project_calendar
from tandem.delivery.models import Baseline, Project
from tandem.delivery.policies import manages
from tandem.delivery.selectors import baselines as baseline_selectors
from tandem.delivery.selectors.baselines import VARIANCE_ORDERS, ProjectVariance, TaskVariance
from tandem.delivery.services.baselines import NAME_MAX_LENGTH, baseline_delete, baseline_save
from tandem.delivery.views.common import project_header

VARIANCE_PAGE_SIZE = 500


def days_words(days: Decimal | None) -> str:
    """A date variance in words: "3 days late", "on time", "2 days early", "1 day late",
    "0.5 days early" (working days); "—" when there is nothing to compare."""
    if days is None:
        return "—"
    if days == 0:
        return "on time"
    size = abs(days).normalize()
    unit = "day" if size == 1 else "days"
    return f"{size:f} {unit} {'late' if days > 0 else 'early'}"


def _days_badge(days: Decimal | None) -> SafeString:
    """The variance in words on a coloured badge (red late, green early, grey on time)."""
    words = esc(days_words(days))
    if days is None:
        return SafeString('<span class="text-body-secondary">—</span>')
    colour = "danger" if days > 0 else ("success" if days < 0 else "secondary")
    return SafeString(f'<span class="badge text-bg-{colour}">{words}</span>')


def hours_text(minutes: int | None, *, signed: bool = False) -> str:
    if minutes is None:
        return "—"
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.1")).normalize()
    sign = "+" if signed and minutes > 0 else ("\u2212" if minutes < 0 else "")
    return f"{sign}{abs(hours):f} h"


def signed_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    return f"+{money_text(amount, currency)}" if amount > 0 else money_text(amount, currency)


def _day(value: dt.datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return '<span class="text-body-secondary">—</span>'
    local = value.astimezone(zone)
    return f'<time datetime="{local.replace(tzinfo=None).isoformat(timespec="minutes")}">{local.day} {local:%b %Y}</time>'


def variance_rows(rows: list[TaskVariance], *, project: Project, variance: ProjectVariance) -> SafeString:
    """The variance table's rows; each task links to its row in the plan."""
    zone, currency = variance.zone, variance.currency
    plan_url = reverse("delivery:project_detail", kwargs={"project_id": project.pk})
    out = []
    for row in rows:
        classes = "variance-row fw-bold" if row.is_summary else "variance-row"
        added = '' if row.in_baseline else ' <span class="badge text-bg-info">Added since</span>'
        out.append(
            f'\n      <tr class="{classes}" data-testid="variance-row" data-task="{row.task_id}">'
            f'\n        <td class="plan-wbs text-nowrap" data-label="WBS">{esc(row.wbs)}</td>'
            f'\n        <td class="plan-name" data-label="Task"><a href="{plan_url}#task-{row.task_id}">{esc(row.name)}</a>{added}</td>'
            f'\n        <td class="text-nowrap" data-label="Baseline start">{_day(row.baseline_start, zone)}</td>'
            f'\n        <td class="text-nowrap" data-label="Baseline finish">{_day(row.baseline_finish, zone)}</td>'
            f'\n        <td class="text-nowrap" data-label="Start">{_day(row.current_start, zone)}</td>'
            f'\n        <td class="text-nowrap" data-label="Finish">{_day(row.current_finish, zone)}</td>'
            f'\n        <td class="text-nowrap" data-label="Finish variance" data-testid="finish-variance">{_days_badge(row.finish_days)}</td>'
            f'\n        <td class="text-end text-nowrap" data-label="Work variance" data-testid="work-variance">{hours_text(row.work_minutes, signed=True)}</td>'
            f'\n        <td class="text-end text-nowrap" data-label="Cost variance" data-testid="cost-variance">{esc(signed_money(row.cost, currency))}</td>'
            "\n      </tr>"
        )
    return joined(out)


def _page(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return max(int(value), 1) if value.isdigit() else 1


def _chosen(baselines: list[Baseline], value: str) -> Baseline | None:
    if value.isdigit():
        for baseline in baselines:
            if baseline.pk == int(value):
                return baseline
    return baselines[0] if baselines else None


def _url(project: Project, **query: Any) -> str:
    base = reverse("delivery:project_baselines", kwargs={"project_id": project.pk})
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def _post(request: HttpRequest, project: Project) -> tuple[HttpResponse | None, dict[str, str], str]:
    """Save (``name``) or delete (``delete``: a baseline id) a baseline; answers a
    redirect, or the errors by field and the name typed to show the form again."""
    actor = request.user
    if "delete" in request.POST:
        try:
            baseline = baseline_selectors.baseline_get(actor=actor, baseline_id=request.POST["delete"])
        except NotFoundError:
            baseline = None
        if baseline is None or baseline.project_id != project.pk:
            return None, {"delete": "That baseline is no longer here: reload the page."}, ""
        baseline_delete(actor=actor, baseline=baseline)
        return HttpResponseRedirect(_url(project)), {}, ""
    name = request.POST.get("name", "")
    try:
        baseline = baseline_save(actor=actor, project=project, name=name)
    except ValidationError as error:
        return None, {field: " ".join(messages) for field, messages in error.message_dict.items()}, name
    return HttpResponseRedirect(_url(project, baseline=baseline.pk)), {}, ""


@login_required
@require_http_methods(["GET", "POST"])
def project_baselines(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_page_get(actor=actor, project_id=project_id)
    errors: dict[str, str] = {}
    typed = ""
    if request.method == "POST":
        response, errors, typed = _post(request, project)
        if response is not None:
            return response
    zone: ZoneInfo | None = None  # read with the variance's calendar when there is one
    baselines = list(baseline_selectors.baseline_list(project=project))
    chosen = _chosen(baselines, request.GET.get("baseline", ""))
    order = request.GET.get("order", "plan")
    order = order if order in VARIANCE_ORDERS else "plan"
    context: dict[str, Any] = {
        "can_change": manages(actor, project),
        "baselines": baselines,
        "chosen": chosen,
        "order": order,
        "errors": errors,
        "typed_name": typed,
        "name_max_length": NAME_MAX_LENGTH,
    }
    if chosen is not None:
        variance = baseline_selectors.baseline_variance(project=project, baseline=chosen, order=order)
        zone = variance.zone
        page = _page(request)
        first = (page - 1) * VARIANCE_PAGE_SIZE
        rows = variance.tasks[first: first + VARIANCE_PAGE_SIZE]
        total = len(variance.tasks)
        context.update({
            "variance": variance,
            "finish_words": days_words(variance.finish_days),
            "finish_badge": _days_badge(variance.finish_days),
            "work_text": hours_text(variance.work_minutes, signed=True),
            "baseline_work_text": hours_text(variance.baseline_work_minutes),
            "current_work_text": hours_text(variance.current_work_minutes),
            "cost_text": signed_money(variance.cost, variance.currency),
            "baseline_cost_text": money_text(variance.baseline_cost, variance.currency),
            "current_cost_text": money_text(variance.current_cost, variance.currency),
            "rate_text": money_text(variance.hourly_rate.quantize(Decimal("0.01")), variance.currency),
            "variance_rows": variance_rows(rows, project=project, variance=variance),
            "tasks_count": total,
            "plan_order_url": _url(project, baseline=chosen.pk),
            "slipping_url": _url(project, baseline=chosen.pk, order="slipping"),
            "table_page": {
                "paged": total > VARIANCE_PAGE_SIZE or page > 1,
                "first": first + 1, "last": first + len(rows),
                "previous": _url(project, baseline=chosen.pk, order=order, page=page - 1) if page > 1 else None,
                "next": (_url(project, baseline=chosen.pk, order=order, page=page + 1)
                         if first + len(rows) < total else None),
            },
        })
    context["baseline_links"] = [
        {"baseline": item, "url": _url(project, baseline=item.pk, order=order if order != "plan" else None),
         "active": chosen is not None and item.pk == chosen.pk}
        for item in baselines
    ]
    if zone is None:
        zone = project_calendar(project)[1]
    context.update(project_header(project, "baselines", zone=zone))
    context["zone"] = zone
    status = 422 if errors else 200
    return render(request, "delivery/baselines/baselines.html", context, status=status)
