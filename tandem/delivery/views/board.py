"""The plan as a board (issue 9, "Plan": board by status): a column per status (to do,
in progress, blocked, done) with its count, the work tasks as cards (WBS, name, finish or
due date, assignees' initials), at most :data:`BOARD_COLUMN_LIMIT` cards a column with
"n more" opening that column alone, a hundred at a time (``?status=&from=``).

Moving a card is the edit, as on the pipeline board: a POST to
``delivery:task_status`` with the ``status`` and the ``version`` the card was read at,
from a drag and drop (``tandem/board-dnd.js``, shared with the pipeline) or the "Move to" select on each card
(keyboard, no script). :func:`tandem.delivery.services.task_update` checks it: who does
not manage the project gets 403, a stale version 409 with the board redrawn and a
message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tandem.core.errors import ConflictError
from tandem.core.permissions import require_change
from tandem.core.web import wants_partial
from tandem.delivery import selectors, services
from tandem.delivery.calendars import project_calendar
from tandem.delivery.models import Project, TaskStatus
from tandem.delivery.policies import manages
from tandem.delivery.selectors.board import BOARD_COLUMN_LIMIT, board_columns
from tandem.delivery.views.common import project_header

BOARD_TEMPLATE = "delivery/board/board.html"


def _offset(value: str) -> int:
    return int(value) if value.isdigit() else 0


def board_context(request: HttpRequest, project: Project, *, status: str = "", offset: int = 0,
                  **extra: Any) -> dict[str, Any]:
    zone = project_calendar(project)[1]
    status = status if status in TaskStatus.values else ""
    columns = board_columns(project=project, status=status, offset=offset if status else 0)
    return {
        **project_header(project, "board", zone=zone),
        "columns": columns,
        "zone": zone,
        "single": status,
        "single_label": TaskStatus(status).label if status else "",
        "offset": offset if status else 0,
        "limit": BOARD_COLUMN_LIMIT,
        "statuses": TaskStatus.choices,
        "can_move": manages(request.user, project),
        "board_url": reverse("delivery:project_board", kwargs={"project_id": project.pk}),
        **extra,
    }


@login_required
@require_GET
def project_board(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_page_get(actor=request.user, project_id=project_id)
    context = board_context(request, project, status=request.GET.get("status", ""),
                            offset=_offset(request.GET.get("from", "")))
    template = f"{BOARD_TEMPLATE}#board" if wants_partial(request) else BOARD_TEMPLATE
    return render(request, template, context)


@login_required
@require_POST
def task_status(request: HttpRequest, task_id: int) -> HttpResponse:
    """Move one card to ``status`` (checked against ``version``)."""
    actor = request.user
    task = selectors.task_get(actor=actor, task_id=task_id)
    require_change(actor, task.project)  # refused before the body is read
    project = task.project
    back = reverse("delivery:project_board", kwargs={"project_id": project.pk})
    status = request.POST.get("status", "")
    version = request.POST.get("version", "")
    if status not in TaskStatus.values or not version.isdigit():
        return HttpResponse("Choose a status to move the task to.", status=422)
    try:
        services.task_update(actor=actor, task=task, data={"status": status}, expected_version=int(version))
    except (ConflictError, ValidationError) as error:
        message = (f"{task.name} was changed by someone else since you loaded the board: the board now shows the "
                   "latest. Move it again if you still want to." if isinstance(error, ConflictError)
                   else " ".join(error.messages))
        if wants_partial(request):
            fresh = selectors.project_page_get(actor=actor, project_id=project.pk)
            return render(request, f"{BOARD_TEMPLATE}#board", board_context(request, fresh, conflict=message),
                          status=409)
        messages.error(request, message)
        return redirect(back)
    moved = f"{task.name} moved to {TaskStatus(status).label}."
    if wants_partial(request):
        fresh = selectors.project_page_get(actor=actor, project_id=project.pk)
        return render(request, f"{BOARD_TEMPLATE}#board", board_context(request, fresh, moved=moved,
                                                                          focus_task=task.pk))
    messages.success(request, moved)
    return redirect(back)
