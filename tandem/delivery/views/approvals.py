"""Time approvals (``/delivery/approvals/``): the submitted time of the projects the
signed-in project manager manages, grouped by person, project and week (one grouped
query), oldest first; each group's numbers open its rows (``?user=&project=&week=``).
Approve or return (with a reason) whole groups or single rows in bulk, through
:func:`tandem.delivery.services.time.time_entries_approve` and ``time_entries_return``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tandem.core.errors import DomainError
from tandem.delivery.models import TimeEntry
from tandem.delivery.selectors import time as time_selectors
from tandem.delivery.services import time as time_services
from tandem.delivery.services.time import hours_text, week_start
from tandem.delivery.views.timesheet import _error_text, hours_display


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _group_filter(request: HttpRequest) -> tuple[int, int, dt.date] | None:
    user_id, project_id = _int(request.GET.get("user")), _int(request.GET.get("project"))
    try:
        week = week_start(dt.date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        return None
    if user_id is None or project_id is None:
        return None
    return user_id, project_id, week


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    actor = request.user
    allowed = time_selectors.may_approve(actor)
    groups = time_selectors.approval_groups(actor=actor) if allowed else []
    selected = _group_filter(request) if allowed else None
    rows: list[TimeEntry] = []
    if selected is not None:
        rows = list(time_selectors.approval_group_entries(
            actor=actor, user_id=selected[0], project_id=selected[1], week=selected[2],
        ))
    return render(request, "delivery/approvals/approvals.html", {
        "allowed": allowed,
        "entries_total": sum(group.entries for group in groups),
        "groups": [
            {"group": group, "key": f"{group.user_id}:{group.project_id}:{group.week.isoformat()}",
             "hours": hours_display(group.hours) or "0", "billable": hours_display(group.billable_hours) or "0",
             "url": reverse("delivery:approvals") + f"?user={group.user_id}&project={group.project_id}"
                                                   f"&week={group.week.isoformat()}#rows"}
            for group in groups
        ],
        "selected": selected,
        "rows": [{"entry": entry, "hours": hours_display(entry.hours)} for entry in rows],
        "selected_group": next((g for g in groups if selected and (g.user_id, g.project_id, g.week) == selected), None),
    })


def _chosen_entries(actor: Any, request: HttpRequest) -> list[TimeEntry]:
    """The rows named by ``group`` (``user:project:week``) and ``entry`` (ids) values,
    among the time ``actor`` may decide on."""
    entries: dict[int, TimeEntry] = {}
    for value in request.POST.getlist("group")[:200]:
        parts = value.split(":")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            continue
        try:
            week = week_start(dt.date.fromisoformat(parts[2]))
        except ValueError:
            continue
        for entry in time_selectors.approval_group_entries(
            actor=actor, user_id=int(parts[0]), project_id=int(parts[1]), week=week,
        ):
            entries[entry.pk] = entry
    ids = [int(value) for value in request.POST.getlist("entry")[:1000] if value.isdigit()]
    if ids:
        for entry in time_selectors.approvable_entries(actor=actor).filter(pk__in=ids):
            entries[entry.pk] = entry
    return list(entries.values())


@login_required
@require_POST
def approvals_decide(request: HttpRequest) -> HttpResponse:
    """Approve or return the chosen time (all or nothing), then back to the queue."""
    actor = request.user
    if not time_selectors.may_approve(actor):
        raise PermissionDenied("Only project managers approve time.")
    action = request.POST.get("action")
    entries = _chosen_entries(actor, request)
    try:
        if action == "approve":
            done = time_services.time_entries_approve(actor=actor, entries=entries)
            verb = "approved"
        elif action == "return":
            done = time_services.time_entries_return(actor=actor, entries=entries, reason=request.POST.get("reason", ""))
            verb = "returned"
        else:
            raise ValidationError({"action": "Choose Approve or Return."})
    except (ValidationError, DomainError) as exc:
        messages.error(request, _error_text(exc))
    else:
        total = sum((Decimal(entry.hours) for entry in done), Decimal(0))
        noun = "entry" if len(done) == 1 else "entries"
        messages.success(request, f"{len(done)} {noun} ({hours_text(total)}) {verb}.")
    return redirect("delivery:approvals")
