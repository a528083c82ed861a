"""Calendar feed pages: the management page (make my feed, a project's feed, revoke;
the link shown once) and the no-login ``/calendar/<token>.ics``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.errors import NotFoundError
from tandem.core.permissions import get_visible, scoped
from tandem.delivery.models import Project
from tandem.integrations.feeds import (
    calendar_feed_create,
    calendar_feed_resolve,
    calendar_feed_revoke,
    feed_ics,
)
from tandem.integrations.models import CalendarFeed


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    actor = request.user
    projects = list(scoped(actor, Project).filter(is_template=False).order_by("code")[:300])
    new_url = ""
    error = ""
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                feed = get_visible(actor, CalendarFeed, request.POST["revoke"])
            except NotFoundError:
                error = "That link is no longer here: reload the page."
            else:
                calendar_feed_revoke(actor=actor, feed=feed)
                return HttpResponseRedirect(reverse("integrations:calendar_feeds"))
        else:
            raw = request.POST.get("project", "")
            project = next((p for p in projects if str(p.pk) == raw), None)
            if raw and project is None:
                error = "Choose a project you can see."
            else:
                feed, token = calendar_feed_create(actor=actor, project=project)
                new_url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token}))
    feeds = list(CalendarFeed.objects.filter(owner=actor.pk).select_related("project").order_by("-created_at", "-id"))
    return render(request, "integrations/calendar_feeds.html", {
        "feeds": feeds, "projects": projects, "new_url": new_url, "error": error,
    })


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar_feed_resolve(token)
    if feed is None:
        raise Http404("No such calendar.")
    response = HttpResponse(feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    return response
