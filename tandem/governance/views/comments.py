"""Comment threads (HTMX), the mention picker's candidates, the project's Activity tab,
a task's discussion page and a person's activity feed.

A thread is read per target kind (``governance:<kind>_comments``, GET); posting goes to
one collection route (``governance:comment_post``: the record is named in the form,
fetched through the viewer's scope, and the service checks who may comment), so that a
record's read-only viewers (a team member on someone else's project) may still comment
without the route changing the record itself. Edits and deletions name the comment.
Every write calls one service; HTMX requests get the thread redrawn, plain posts (no
JavaScript) are redirected to the comment.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import ConflictError
from tandem.core.htmx import is_htmx
from tandem.core.permissions import get_visible, require_change, require_create
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.views.common import project_header
from tandem.governance.models import Comment
from tandem.governance.selectors.comments import (
    comment_thread,
    mention_candidates,
    person_comments,
    person_feed,
    project_feed,
    task_discussions,
)
from tandem.governance.services.comments import (
    comment_delete,
    comment_edit,
    comment_post,
    comment_target,
    comment_url,
    target_get,
)
from tandem.people.models import User

THREAD = "governance/comments/_thread.html"


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _render_thread(request: HttpRequest, thread: dict[str, Any], status: int = 200) -> HttpResponse:
    """The thread as a partial for HTMX, else as a page of its own (a link opened
    directly, "Show earlier" without script)."""
    template = THREAD if is_htmx(request) else "governance/comments/thread_page.html"
    return render(request, template, {"thread": thread}, status=status)


def _before(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["before"])
    except (KeyError, ValueError):
        return None


def _thread_view(kind: str) -> Any:
    @login_required
    @require_GET
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        target = target_get(actor=request.user, kind=kind, target_id=kwargs[f"{kind}_id"])
        return _render_thread(request, comment_thread(request.user, target, before=_before(request)))

    view.__name__ = f"{kind}_comments"
    view.__doc__ = f"The thread of a {kind} (an HTMX partial; ``?before=<id>`` shows earlier comments)."
    return view


def _candidates_view(kind: str) -> Any:
    @login_required
    @require_GET
    def view(request: HttpRequest, **kwargs: Any) -> JsonResponse:
        target = target_get(actor=request.user, kind=kind, target_id=kwargs[f"{kind}_id"])
        people = mention_candidates(viewer=request.user, target=target, query=request.GET.get("q", ""))
        return JsonResponse({"people": people})

    view.__name__ = f"{kind}_mention_candidates"
    view.__doc__ = f"People who may see the {kind}, matching ``?q=`` (the mention picker)."
    return view


KINDS = ("account", "project", "task", "risk", "meeting")
thread_views = {kind: _thread_view(kind) for kind in KINDS}
candidate_views = {kind: _candidates_view(kind) for kind in KINDS}


@login_required
@require_POST
def comment_post_view(request: HttpRequest) -> HttpResponse:
    """Post a comment on the record named by ``target_kind`` and ``target_id``."""
    actor = request.user
    require_create(actor, Comment)
    try:
        target = target_get(actor=actor, kind=request.POST.get("target_kind", ""), target_id=request.POST.get("target_id"))
    except ValidationError as error:
        return HttpResponse("; ".join(error.messages), status=422, content_type="text/plain")
    body = request.POST.get("body", "")
    try:
        result = comment_post(actor=actor, target=target, body=body)
    except ValidationError as error:
        context = comment_thread(actor, target)
        context.update(errors=error.message_dict, body=body)
        if is_htmx(request):
            # 200: htmx swaps only success answers (base.html), and the message belongs in place.
            return _render_thread(request, context)
        return render(request, "governance/comments/thread_page.html", {"thread": context}, status=422)
    if not is_htmx(request):
        return HttpResponseRedirect(comment_url(result.comment, target))
    context = comment_thread(actor, target)
    context["messages"] = result.messages
    return _render_thread(request, context)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    """GET: the edit form (its author); POST: save (a stale ``version`` is a 409)."""
    actor = request.user
    comment = get_visible(actor, Comment.objects.select_related("author"), comment_id)
    if comment.author_id != actor.pk:
        from tandem.core.errors import PermissionDeniedError

        raise PermissionDeniedError("Only its author edits a comment.")
    require_change(actor, comment)
    target = comment_target(comment)
    error = ""
    body = comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            version = int(request.POST.get("version", comment.version))
        except ValueError:
            version = comment.version
        try:
            result = comment_edit(actor=actor, comment=comment, body=body, expected_version=version)
        except ValidationError as invalid:
            error = " ".join(invalid.message_dict.get("body", invalid.messages))
        except ConflictError:
            error = "Someone changed this comment while you were editing it. Reload to see their version."
        else:
            if not is_htmx(request):
                return HttpResponseRedirect(comment_url(result.comment, target))
            context = comment_thread(actor, target)
            context["messages"] = result.messages
            return _render_thread(request, context)
    context = {"comment": comment, "body": body, "error": error, "thread": comment_thread(actor, target)}
    template = "governance/comments/_edit.html" if is_htmx(request) else "governance/comments/edit_page.html"
    return render(request, template, context, status=422 if error and not is_htmx(request) else 200)


@login_required
@require_POST
def comment_delete_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    actor = request.user
    comment = get_visible(actor, Comment, comment_id)
    target = comment_target(comment)
    comment_delete(actor=actor, comment=comment)
    if not is_htmx(request):
        from tandem.governance.services.comments import target_url

        return HttpResponseRedirect(target_url(target))
    return _render_thread(request, comment_thread(actor, target))


@login_required
@require_GET
def project_activity(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project's Activity tab: its discussion and everything said or changed on it."""
    actor = request.user
    project = delivery_selectors.project_page_get(actor=actor, project_id=project_id)
    page = _page_number(request)
    return render(request, "governance/comments/project_activity.html", {
        **project_header(project, "activity", zone=project_time_zone()),
        "thread": comment_thread(actor, project),
        "feed": project_feed(viewer=actor, project=project, page=page),
    })


@login_required
@require_GET
def project_task_discussions(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project's tasks with their comment counts, each opening its discussion
    (delivery's plan rows are drawn in Python, so the way in is from the Activity tab)."""
    actor = request.user
    project = delivery_selectors.project_page_get(actor=actor, project_id=project_id)
    return render(request, "governance/comments/task_discussions.html", {
        **project_header(project, "activity", zone=project_time_zone()),
        "tasks": task_discussions(viewer=actor, project=project, page=request.GET.get("page")),
    })


@login_required
@require_GET
def task_discussion(request: HttpRequest, task_id: int) -> HttpResponse:
    """A task's discussion (delivery has no task page)."""
    actor = request.user
    task = delivery_selectors.task_get(actor=actor, task_id=task_id)
    return render(request, "governance/comments/task_discussion.html", {
        "task": task, "project": task.project, "thread": comment_thread(actor, task),
    })


@login_required
@require_GET
def person_activity(request: HttpRequest, user_id: int) -> HttpResponse:
    """What a person wrote and where they were mentioned (records the viewer sees), and
    their recent changes; ``?mentions=1``: their mentions of the last 7 days."""
    actor = request.user
    person = get_visible(actor, User, user_id)
    mentions_only = request.GET.get("mentions") == "1"
    feed = person_feed(viewer=actor, person=person, page=_page_number(request), mentions_only=mentions_only)
    return render(request, "governance/comments/person_activity.html", {
        "person": person, "feed": feed, "mentions_only": mentions_only,
        "mentions_total": person_comments(viewer=actor, person=person, mentions_only=True).count()
        if mentions_only else None,
        "all_url": reverse("governance:person_activity", kwargs={"user_id": person.pk}),
    })
