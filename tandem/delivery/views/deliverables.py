"""Moving a deliverable's acceptance state from the project page.

The project's manager sees, under each deliverable, a small form: its acceptance state
(not yet delivered, waiting for acceptance, accepted, rejected) and, when accepting,
who accepted it for the client. The form posts the ``version`` the deliverable was read
at to :func:`deliverable_acceptance`, which calls
:func:`tandem.delivery.services.deliverable_set_acceptance` (it publishes
``deliverable.status_changed``: the RACI matrix's Informed hear it). With HTMX it
answers the deliverables section again (``project_detail.html#deliverables``) with a
quiet message; a stale version answers 409 with the latest section and "changed by
someone else". Without JavaScript the form posts and redirects back to the page. Who may
see the project but not change it gets 403; who may not see it, 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.core.errors import ConflictError
from tandem.core.permissions import require_change
from tandem.core.web import wants_partial
from tandem.delivery import selectors, services
from tandem.delivery.models import Deliverable
from tandem.delivery.views.projects import deliverables_context

SECTION = "delivery/project_detail.html#deliverables"
ACCEPTED_BY_MAX_LENGTH = 200


def _section(request: HttpRequest, deliverable: Deliverable, *, status: int = 200, message: str = "",
             problem: str = "") -> HttpResponse:
    """The deliverables section again (HTMX), or back to the page with the message."""
    project = deliverable.project
    if not wants_partial(request):
        if problem:
            messages.error(request, problem)
        elif message:
            messages.success(request, message)
        return redirect(f"{reverse('delivery:project_detail', kwargs={'project_id': project.pk})}#deliverables")
    context = deliverables_context(project, can_change=True, message=message, problem=problem)
    return render(request, SECTION, context, status=status)


@login_required
@require_POST
def deliverable_acceptance(request: HttpRequest, deliverable_id: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(actor=request.user, deliverable_id=deliverable_id)
    require_change(request.user, deliverable.project)
    version = request.POST.get("version", "")
    if not version.isdigit():
        return _section(request, deliverable, problem="The deliverables on your screen are out of date: reload the page.")
    accepted_by = request.POST.get("accepted_by", "").strip()
    if len(accepted_by) > ACCEPTED_BY_MAX_LENGTH:
        return _section(request, deliverable, problem=f"Accepted by: write at most {ACCEPTED_BY_MAX_LENGTH} characters.")
    try:
        updated = services.deliverable_set_acceptance(
            actor=request.user, deliverable=deliverable, state=request.POST.get("acceptance_state", ""),
            accepted_by=accepted_by, expected_version=int(version),
        )
    except ConflictError:
        deliverable.refresh_from_db()
        return _section(request, deliverable, status=409, problem=(
            f"{deliverable.name} was changed by someone else since you loaded the page. The deliverables below are "
            "the latest: apply your change again if you still want it."))
    except ValidationError as error:
        return _section(request, deliverable, problem=" ".join(error.messages))
    return _section(request, updated, message=f"{updated.name} is now {updated.get_acceptance_state_display().lower()}.")
