"""Meeting pages: the list (upcoming / past / mine, project, account, kind; 50 a
page, times in the viewer's zone), a meeting's page (agenda and notes edited in place,
"Mark as held", action items added and changed in place), the create / edit form with the recurrence
choice, and the project's "Meetings" tab. Every write goes through
:mod:`tandem.governance.services.meetings`."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tandem.clients.models import Account, Contact
from tandem.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from tandem.core.history import viewer_time_zone
from tandem.core.pagination import paginate
from tandem.core.permissions import policy_for, scoped
from tandem.core.web import wants_partial
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.models import Project
from tandem.delivery.views.common import project_header
from tandem.governance.models import ActionItemStatus, Meeting, MeetingKind, MeetingStatus
from tandem.governance.selectors import meetings as selectors
from tandem.governance.selectors.comments import comment_thread
from tandem.governance.services import meetings as services
from tandem.governance.views.rows import MEETING_ROW_FIELDS, meeting_rows

PAGE_SIZE = 50
_WEEKDAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
                  "SA": "Saturday", "SU": "Sunday"}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 18 else None


def _errors(error: ValidationError) -> dict[str, str]:
    if hasattr(error, "error_dict"):
        return {field: " ".join(messages) for field, messages in error.message_dict.items()}
    return {"__all__": " ".join(error.messages)}


def series_words(series: Any, zone: Any) -> str:
    """"Every Monday at 09:30", "Every 2 weeks on Monday at 09:30", "Monthly at 09:30"."""
    parts = dict(part.split("=", 1) for part in series.rrule.split(";") if "=" in part)
    local = series.first_starts_at.astimezone(zone)
    at = f"at {local:%H:%M}"
    interval = int(parts.get("INTERVAL", "1") or 1)
    days = [_WEEKDAY_NAMES.get(day[-2:], day) for day in parts.get("BYDAY", "").split(",") if day]
    freq = parts.get("FREQ", "")
    if freq == "WEEKLY":
        on = " and ".join(days) if days else f"{local:%A}"
        return f"Every {on} {at}" if interval == 1 else f"Every {interval} weeks on {on} {at}"
    if freq == "MONTHLY":
        return f"Monthly {at}" if interval == 1 else f"Every {interval} months {at}"
    if freq == "DAILY":
        return f"Every day {at}" if interval == 1 else f"Every {interval} days {at}"
    return f"Repeats ({series.rrule}) {at}"


def _list_url(**query: Any) -> str:
    query = {key: value for key, value in query.items() if value not in (None, "", False)}
    base = reverse("governance:meeting_list")
    return f"{base}?{urlencode(query)}" if query else base


@login_required
@require_http_methods(["GET"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    when = request.GET.get("when", "upcoming")
    when = when if when in selectors.WHEN_CHOICES else "upcoming"
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    mine = request.GET.get("mine") == "1"
    project_id, account_id = _int(request.GET.get("project")), _int(request.GET.get("account"))
    zone = viewer_time_zone(actor)
    week_end = None
    if request.GET.get("range") == "week":
        today = timezone.localdate(timezone=zone)
        week_end = dt.datetime.combine(today + dt.timedelta(days=7 - today.weekday()), dt.time(0, 0), tzinfo=zone)
    filters = selectors.MeetingFilters(when=when, mine=mine, project_id=project_id, account_id=account_id,
                                       kind=kind, starts_before=week_end)
    queryset = selectors.meeting_list(actor=actor, filters=filters)
    per_page = request.GET.get("per_page") or ""
    page = paginate(queryset.values(*MEETING_ROW_FIELDS), request.GET.get("page"), per_page or PAGE_SIZE,
                    count_queryset=selectors.meeting_list(actor=actor, filters=filters, for_count=True))
    rows = list(page.items)
    base = {"when": when, "kind": kind, "mine": "1" if mine else "", "project": project_id or "",
            "account": account_id or "", "range": request.GET.get("range", ""),
            "per_page": page.per_page if per_page else ""}
    return render(request, "governance/meetings/meeting_list.html", {
        "rows": rows, "meeting_rows": meeting_rows(rows), "page": page, "when": when, "kind": kind, "mine": mine,
        "kinds": MeetingKind.choices, "zone_name": str(zone),
        "tabs": [{"label": label, "url": _list_url(**{**base, "when": key}), "active": when == key}
                 for key, label in (("upcoming", "Upcoming"), ("past", "Past"), ("all", "All"))],
        "mine_url": _list_url(**{**base, "mine": "" if mine else "1"}),
        "previous_url": _list_url(**base, page=page.previous_number) if page.has_previous else None,
        "next_url": _list_url(**base, page=page.next_number) if page.has_next else None,
        "filter_project": project_id, "filter_account": account_id,
        "can_create": policy_for(Meeting).can_create(actor),
    })


ITEM_ACTIONS = ("add_item", "complete", "reopen", "task", "follow_up")
_ITEM_FIELDS = ("description", "owner", "due_date")


def _items_context(request: HttpRequest, meeting: Meeting, *, can_change: bool, **extra: Any) -> dict[str, Any]:
    """What the action-items section needs (the whole page and the HTMX answer)."""
    actor = request.user
    items = list(selectors.meeting_action_items(meeting))
    people = list(meeting.users.all())
    owners = people if not can_change else list({u.pk: u for u in [*people, actor]}.values())
    return {
        "meeting": meeting, "can_change": can_change, "users": people, "items": items,
        "open_count": sum(1 for item in items if item.status == ActionItemStatus.OPEN), "owners": owners,
        "item_errors": {}, "item_problem": "", "item_values": {}, "item_message": "", "focus_item": None, "focus": "", **extra,
    }


def _detail_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    actor = request.user
    zone = viewer_time_zone(actor)
    can_change = policy_for(meeting).can_change(actor, meeting)
    return {
        **_items_context(request, meeting, can_change=can_change),
        "starts": meeting.starts_at.astimezone(zone), "ends": meeting.ends_at.astimezone(zone),
        "zone_name": str(zone), "contacts": list(meeting.contacts.all()),
        "video_provider": services.video_provider(meeting.video_link) if meeting.video_link else "",
        "series_words": series_words(meeting.series, zone) if meeting.series is not None else "",
        "is_held": meeting.status == MeetingStatus.HELD, "is_cancelled": meeting.status == MeetingStatus.CANCELLED,
        "thread": comment_thread(actor, meeting), "errors": {}, **extra,
    }


def _item_outcome(action: str, item: Any) -> tuple[str, str]:
    """The quiet message after an action item changed, and which control takes the focus."""
    if action == "add_item":
        return f"Added \u201c{item.description}\u201d.", "add"
    if action == "complete":
        return f"\u201c{item.description}\u201d is done.", "status"
    if action == "reopen":
        return f"\u201c{item.description}\u201d is open again.", "status"
    if action == "task":
        return f"\u201c{item.description}\u201d is now a task in the plan.", "task"
    return f"\u201c{item.description}\u201d is now a follow-up.", "follow_up"


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting page; its POST actions: ``agenda`` / ``notes`` (in place, versioned),
    ``held``, ``cancel``, ``add_item``, ``complete`` / ``reopen`` / ``task`` / ``follow_up``
    (an action item's id). With HTMX the action-item actions answer the action-items
    section (``meeting_detail.html#action-items``): 200 with a quiet message and the focus
    on the next sensible control, or 422 with the reasons in the section; without
    JavaScript they redirect back to the page (422 with the page when refused)."""
    actor = request.user
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("complete", "reopen") and not policy_for(meeting).can_change(actor, meeting):
            raise PermissionDeniedError("You may not change this meeting.")
        item: Any = None
        try:
            item = _apply(actor, meeting, action, request.POST)
        except ValidationError as error:
            errors = _errors(error)
        except ConflictError:
            errors = {"__all__": "Someone changed this meeting meanwhile: reload the page to see their change."}
        if action in ITEM_ACTIONS:
            return _items_answer(request, meeting, action, item, errors)
        if not errors:
            if request.headers.get("HX-Request") and action in ("agenda", "notes"):
                meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
                return render(request, "governance/meetings/_text_block.html", {
                    **_detail_context(request, meeting), "field": action, "saved": True})
            return HttpResponseRedirect(reverse("governance:meeting_detail", kwargs={"meeting_id": meeting.pk}))
        meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
        if request.headers.get("HX-Request") and action in ("agenda", "notes"):
            return render(request, "governance/meetings/_text_block.html", {
                **_detail_context(request, meeting), "field": action, "errors": errors})
    context = _detail_context(request, meeting, errors=errors)
    return render(request, "governance/meetings/meeting_detail.html", context, status=422 if errors else 200)


def _items_answer(request: HttpRequest, meeting: Meeting, action: str, item: Any,
                  errors: dict[str, str]) -> HttpResponse:
    """After an action-item action: the section again (HTMX) or the page (no JavaScript)."""
    extra: dict[str, Any] = {"item_errors": errors, "item_problem": " ".join(
        message for key, message in errors.items() if key not in _ITEM_FIELDS)}
    if errors:
        if action == "add_item":
            extra["item_values"] = {key: request.POST.get(key, "") for key in _ITEM_FIELDS}
            extra["focus"] = next((f"add_{key}" for key in _ITEM_FIELDS if key in errors), "alert")
        else:
            extra["focus"] = "alert"
    elif wants_partial(request):
        extra["item_message"], extra["focus"] = _item_outcome(action, item)
        extra["focus_item"] = item.pk
    else:
        return HttpResponseRedirect(reverse("governance:meeting_detail", kwargs={"meeting_id": meeting.pk})
                                    + "#action-items")
    status = 422 if errors else 200
    if wants_partial(request):
        can_change = policy_for(meeting).can_change(request.user, meeting)
        return render(request, "governance/meetings/meeting_detail.html#action-items",
                      _items_context(request, meeting, can_change=can_change, **extra), status=status)
    return render(request, "governance/meetings/meeting_detail.html", _detail_context(request, meeting, **extra),
                  status=status)


def _apply(actor: Any, meeting: Meeting, action: str, post: Any) -> Any:
    """Runs the action through its service; answers the action item for item actions."""
    version = _int(post.get("version"))
    if action in ("agenda", "notes"):
        services.meeting_update(actor=actor, meeting=meeting, data={action: post.get(action, "")},
                                expected_version=version)
    elif action == "held":
        services.meeting_mark_held(actor=actor, meeting=meeting, expected_version=version)
    elif action == "cancel":
        services.meeting_cancel(actor=actor, meeting=meeting, expected_version=version)
    elif action == "add_item":
        owner = None
        owner_id = _int(post.get("owner"))
        if owner_id is not None:
            owner = next((u for u in [*meeting.users.all(), actor] if u.pk == owner_id), None)
            if owner is None:
                raise ValidationError({"owner": "Choose the owner among the meeting's attendees."})
        due = post.get("due_date") or None
        try:
            due_date = dt.date.fromisoformat(due) if due else None
        except ValueError as exc:
            raise ValidationError({"due_date": "Give the due date as a date."}) from exc
        return services.action_item_create(actor=actor, meeting=meeting, description=post.get("description", ""),
                                           owner=owner, due_date=due_date)
    elif action in ("complete", "reopen", "task", "follow_up"):
        try:
            item = selectors.action_item_get(actor=actor, action_item_id=post.get("item"))
        except NotFoundError as exc:
            raise ValidationError({"item": "That action item is no longer here: reload the page."}) from exc
        if item.meeting_id != meeting.pk:
            raise ValidationError({"item": "That action item is no longer here: reload the page."})
        operation = {"complete": services.action_item_complete, "reopen": services.action_item_reopen,
                     "task": services.action_item_to_task, "follow_up": services.action_item_to_follow_up}[action]
        return operation(actor=actor, action_item=item)
    else:
        raise ValidationError({"action": "Unknown action."})
    return None


def _local(value: str, zone: Any, field: str) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({field: "Give a date and a time."}) from exc
    return naive.replace(tzinfo=zone)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """The form: a single meeting or a series (weekly, every two weeks, monthly, custom
    rule), times in the organizer's zone."""
    actor = request.user
    if not policy_for(Meeting).can_create(actor):
        raise PermissionDeniedError("You may not plan meetings.")
    zone = viewer_time_zone(actor)
    projects = list(scoped(actor, Project).filter(is_template=False).order_by("code")[:300])
    accounts = list(scoped(actor, Account).order_by("name")[:300])
    values = {key: request.POST.get(key, "") for key in (
        "title", "kind", "project", "account", "starts_at", "duration", "location", "video_link", "agenda",
        "recurrence", "rrule")} if request.method == "POST" else {
        "project": request.GET.get("project", ""), "account": request.GET.get("account", ""), "duration": "30",
        "kind": MeetingKind.STATUS, "recurrence": "none"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            project = next((p for p in projects if p.pk == _int(values["project"])), None)
            account = next((a for a in accounts if a.pk == _int(values["account"])), None)
            starts = _local(values["starts_at"], zone, "starts_at")
            duration = _int(values["duration"]) or 30
            contacts = _chosen_contacts(actor, request.POST.getlist("contacts"))
            users = _chosen_users(request.POST.getlist("users"), actor)
            common = {"title": values["title"], "kind": values["kind"] or MeetingKind.STATUS,
                      "location": values["location"], "video_link": values["video_link"], "agenda": values["agenda"]}
            if values["recurrence"] in ("weekly", "biweekly", "monthly", "custom"):
                series = services.meeting_series_create(
                    actor=actor, project=project, account=account, users=users, contacts=contacts, data={
                        **common, "first_starts_at": starts, "duration_minutes": duration, "time_zone": str(zone),
                        "recurrence": values["recurrence"], "custom_rrule": values["rrule"]})
                first = series.meetings.order_by("starts_at").first()
                target = reverse("governance:meeting_detail", kwargs={"meeting_id": first.pk}) if first else (
                    reverse("governance:meeting_list"))
                return HttpResponseRedirect(target)
            meeting = services.meeting_create(
                actor=actor, project=project, account=account, users=users, contacts=contacts, data={
                    **common, "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=duration)})
            return HttpResponseRedirect(reverse("governance:meeting_detail", kwargs={"meeting_id": meeting.pk}))
        except ValidationError as error:
            errors = _errors(error)
    return render(request, "governance/meetings/meeting_form.html", {
        "values": values, "errors": errors, "projects": projects, "accounts": accounts,
        "kinds": MeetingKind.choices, "zone_name": str(zone), **_attendee_choices(actor),
        "chosen_users": set(request.POST.getlist("users")) if request.method == "POST" else {str(actor.pk)},
        "chosen_contacts": set(request.POST.getlist("contacts")),
        "recurrences": [("none", "Does not repeat"), ("weekly", "Every week"), ("biweekly", "Every two weeks"),
                        ("monthly", "Every month"), ("custom", "Custom rule")],
    }, status=422 if errors else 200)


@login_required
@require_http_methods(["GET"])
def project_meetings(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = request.user
    project = delivery_selectors.project_page_get(actor=actor, project_id=project_id)
    zone = viewer_time_zone(actor)
    upcoming = list(selectors.meeting_list(actor=actor, filters=selectors.MeetingFilters(
        when="upcoming", project_id=project.pk))[:10])
    past = list(selectors.meeting_list(actor=actor, filters=selectors.MeetingFilters(
        when="past", project_id=project.pk))[:10])
    return render(request, "governance/meetings/project_meetings.html", {
        **project_header(project, "meetings"), "project": project,
        "upcoming": [{"meeting": m, "starts": m.starts_at.astimezone(zone)} for m in upcoming],
        "past": [{"meeting": m, "starts": m.starts_at.astimezone(zone)} for m in past],
        "all_url": _list_url(project=project.pk, when="all"),
        "new_url": f"{reverse('governance:meeting_create')}?project={project.pk}",
        "can_create": services.may_change_subject(actor, project_holder(project)),
    })


def project_holder(project: Project) -> Any:
    return type("Subject", (), {"project": project, "account": None})()


@login_required
@require_http_methods(["GET"])
def my_action_items(request: HttpRequest) -> HttpResponse:
    items = list(selectors.my_action_items(actor=request.user)[:200])
    return render(request, "governance/meetings/my_action_items.html", {"items": items})


def _attendee_choices(actor: Any) -> dict[str, Any]:
    from tandem.people.models import User

    return {
        "user_choices": list(User.objects.filter(is_active=True).order_by("full_name", "pk")[:300]),
        "contact_choices": list(scoped(actor, Contact).select_related("account").order_by("account__name", "pk")[:300]),
    }


def _chosen_users(values: list[str], actor: Any) -> list[Any]:
    from tandem.people.models import User

    ids = [pk for pk in map(_int, values) if pk]
    return list(User.objects.filter(pk__in=ids, is_active=True)) if ids else [actor]


def _chosen_contacts(actor: Any, values: list[str]) -> list[Contact]:
    ids = [pk for pk in map(_int, values) if pk]
    return list(scoped(actor, Contact).filter(pk__in=ids)) if ids else []


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Edit "this meeting" or, for an occurrence, "the whole series" (future
    occurrences made again, past ones kept), or stop the series after a day."""
    actor = request.user
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    if not policy_for(meeting).can_change(actor, meeting):
        raise PermissionDeniedError("You may not change this meeting.")
    zone = viewer_time_zone(actor)
    series = meeting.series
    errors: dict[str, str] = {}
    starts_local = meeting.starts_at.astimezone(zone)
    values = {
        "title": meeting.title, "kind": meeting.kind, "starts_at": starts_local.strftime("%Y-%m-%dT%H:%M"),
        "duration": str(int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)),
        "location": meeting.location, "video_link": meeting.video_link, "scope": "this", "ends_on": "",
        "rrule": series.rrule if series is not None else "",
    }
    if request.method == "POST":
        values.update({key: request.POST.get(key, "") for key in values})
        try:
            users = _chosen_users(request.POST.getlist("users"), actor)
            contacts = _chosen_contacts(actor, request.POST.getlist("contacts"))
            version = _int(request.POST.get("version"))
            common = {"title": values["title"], "kind": values["kind"], "location": values["location"],
                      "video_link": values["video_link"]}
            duration = _int(values["duration"]) or 30
            if series is not None and values["scope"] == "stop":
                try:
                    ends_on = dt.date.fromisoformat(values["ends_on"])
                except ValueError as exc:
                    raise ValidationError({"ends_on": "Give the last day of the series."}) from exc
                services.meeting_series_stop(actor=actor, series=series, ends_on=ends_on)
            elif series is not None and values["scope"] == "series":
                starts = _local(values["starts_at"], zone, "starts_at")
                first = series.first_starts_at.astimezone(ZoneInfo(series.time_zone))
                moved_first = dt.datetime.combine(first.date(), starts.astimezone(ZoneInfo(series.time_zone)).time(),
                                                  tzinfo=ZoneInfo(series.time_zone))
                services.meeting_series_update(actor=actor, series=series, users=users, contacts=contacts, data={
                    **common, "duration_minutes": duration, "rrule": values["rrule"], "first_starts_at": moved_first})
            else:
                starts = _local(values["starts_at"], zone, "starts_at")
                services.meeting_update(actor=actor, meeting=meeting, expected_version=version, users=users,
                                        contacts=contacts, data={
                                            **common, "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=duration)})
        except ValidationError as error:
            errors = _errors(error)
        except ConflictError:
            errors = {"__all__": "Someone changed this meeting meanwhile: reload the page to see their change."}
        if not errors:
            target = meeting.pk if Meeting.objects.filter(pk=meeting.pk).exists() else None
            if target is None:
                return HttpResponseRedirect(reverse("governance:meeting_list"))
            return HttpResponseRedirect(reverse("governance:meeting_detail", kwargs={"meeting_id": target}))
    return render(request, "governance/meetings/meeting_edit.html", {
        "meeting": meeting, "series": series, "values": values, "errors": errors, "zone_name": str(zone),
        "kinds": MeetingKind.choices, **_attendee_choices(actor),
        "chosen_users": set(request.POST.getlist("users")) if request.method == "POST" else {
            str(u.pk) for u in meeting.users.all()},
        "chosen_contacts": set(request.POST.getlist("contacts")) if request.method == "POST" else {
            str(c.pk) for c in meeting.contacts.all()},
        "series_words": series_words(series, zone) if series is not None else "",
    }, status=422 if errors else 200)
