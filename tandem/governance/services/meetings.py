"""Meetings, recurring series and action items (issue 10, point 2).

Every write checks its permission here (:mod:`tandem.governance.policies`), runs in
one transaction and goes through ``model_create`` / ``model_update`` (audited, a stale
``expected_version`` is a 409).

* A series is an RFC 5545 ``RRULE`` from a local start in its ``time_zone``: the
  rule is expanded on naive wall-clock times and each start localised afterwards, so
  "every Monday at 09:30" stays at 09:30 across daylight-saving changes. Occurrences
  are :class:`Meeting` rows made ahead up to :data:`HORIZON_DAYS` (at most
  :data:`MAX_MATERIALISED` at once, one bulk insert); :func:`meeting_series_extend_all`
  (a daily job) moves the horizon on.
* A held meeting that client contacts attended becomes ONE interaction on its
  account's timeline (it counts for the check-in cadence).
* An action item becomes a project task or an account follow-up, once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from dateutil import rrule as dateutil_rrule
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.clients.models import Account, Contact, InteractionKind
from tandem.clients.services import follow_up_create, interaction_create
from tandem.core.errors import PermissionDeniedError
from tandem.core.events import event_publish
from tandem.core.permissions import policy_for, require_change, require_create
from tandem.core.services import model_create, model_update
from tandem.core.types import Actor, SystemActor
from tandem.delivery.events import project_event_scope
from tandem.delivery.models import ConstraintKind, Project
from tandem.delivery.services import task_assign, task_create
from tandem.governance.models import (
    ActionItem,
    ActionItemStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from tandem.governance.policies import may_change_subject

HORIZON_DAYS = 120
MAX_MATERIALISED = 60
MAX_DURATION_MINUTES = 24 * 60
RECURRENCE_PRESETS = {
    "weekly": "FREQ=WEEKLY",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly": "FREQ=MONTHLY",
}
MEETING_FIELDS = ("kind", "title", "starts_at", "ends_at", "location", "video_link", "agenda", "notes")
SERIES_FIELDS = ("kind", "title", "location", "video_link", "agenda", "duration_minutes")
_RULE_PART = re.compile(r"^[A-Z]+=[A-Z0-9,+\-]+$")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


# --- Validation ----------------------------------------------------------------------


def video_link_clean(value: str) -> str:
    """Any ``https`` URL (Zoom and Teams links included); empty is fine."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError as exc:
        raise ValidationError({"video_link": "Give an https link (Zoom, Teams or any video call)."}) from exc
    return value


def video_provider(url: str) -> str:
    """"Zoom", "Teams" or "Video call", for the Join button."""
    host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
    if host.endswith("zoom.us"):
        return "Zoom"
    if host.endswith("teams.microsoft.com") or host.endswith("teams.live.com"):
        return "Teams"
    return "Video call"


def zone_clean(name: str) -> ZoneInfo:
    if not name or name not in available_timezones():
        raise ValidationError({"time_zone": f"Unknown time zone {name!r}."})
    return ZoneInfo(name)


def rrule_clean(rule: str) -> str:
    """An RFC 5545 rule (without ``DTSTART``), checked by ``dateutil.rrule``."""
    rule = (rule or "").strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[6:]
    if not rule:
        raise ValidationError({"rrule": "Choose how often the meeting repeats."})
    parts = rule.split(";")
    if not all(_RULE_PART.match(part) for part in parts) or (not rule.startswith("FREQ=") and "FREQ=" not in rule):
        raise ValidationError({"rrule": "That is not a recurrence rule (e.g. FREQ=WEEKLY;BYDAY=MO)."})
    if any(part.split("=")[0] in ("DTSTART", "UNTIL") for part in parts):
        raise ValidationError({"rrule": "Leave out DTSTART and UNTIL: the series gives its start and stop."})
    freq = dict(part.split("=", 1) for part in parts).get("FREQ")
    if freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        raise ValidationError({"rrule": "Repeat daily, weekly, monthly or yearly."})
    try:
        dateutil_rrule.rrulestr(rule, dtstart=dt.datetime(2026, 1, 5, 9, 0))
    except (ValueError, TypeError) as exc:
        raise ValidationError({"rrule": f"That recurrence rule is not valid: {exc}."}) from exc
    return rule


def rrule_for_preset(preset: str, first_local: dt.datetime, custom: str = "") -> str:
    """The rule of a preset (weekly, every two weeks, monthly) on the first start's
    weekday (monthly: its day of the month), or ``custom``."""
    if preset == "custom":
        return rrule_clean(custom)
    if preset not in RECURRENCE_PRESETS:
        raise ValidationError({"recurrence": "Choose weekly, every two weeks, monthly or a custom rule."})
    base = RECURRENCE_PRESETS[preset]
    if preset == "monthly":
        return f"{base};BYMONTHDAY={first_local.day}"
    return f"{base};BYDAY={_WEEKDAYS[first_local.weekday()]}"


def _attendees(
    *, account: Account | None, users: Iterable[Any], contacts: Iterable[Contact],
) -> tuple[list[Any], list[Contact]]:
    user_list = list(dict.fromkeys(users))
    contact_list = list(dict.fromkeys(contacts))
    inactive = [user for user in user_list if not user.is_active]
    if inactive:
        raise ValidationError({"users": f"{inactive[0]} is not an active user."})
    if contact_list and account is None:
        raise ValidationError({"contacts": "Link the meeting to an account to invite its contacts."})
    foreign = [contact for contact in contact_list if account is not None and contact.account_id != account.pk]
    if foreign:
        raise ValidationError({"contacts": f"{foreign[0]} is not a contact of {account}."})
    return user_list, contact_list


def _subject_check(actor: Actor, project: Project | None, account: Account | None) -> None:
    if project is None and account is None:
        raise ValidationError({"project": "Link the meeting to a project or an account (or both)."})
    if project is not None and account is not None and project.account_id not in (None, account.pk):
        raise ValidationError({"account": f"{project} belongs to another account."})
    require_create(actor, Meeting)
    holder = type("Subject", (), {"project": project, "account": account})()
    if not may_change_subject(actor, holder):
        raise PermissionDeniedError("You may not plan meetings for this project or account.")


def _clean(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "title" in data:
        data["title"] = str(data["title"] or "").strip()
        if not data["title"]:
            raise ValidationError({"title": "Give the meeting a title."})
    if "kind" in data and data["kind"] not in MeetingKind.values:
        raise ValidationError({"kind": "Choose a status meeting, kickoff, QBR, retrospective, steering committee or other."})
    if "video_link" in data:
        data["video_link"] = video_link_clean(data["video_link"])
    for name in ("location", "agenda", "notes"):
        if name in data:
            data[name] = str(data[name] or "").strip()
    return data


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The meeting must end after it starts."})
    if ends_at - starts_at > dt.timedelta(minutes=MAX_DURATION_MINUTES):
        raise ValidationError({"ends_at": "A meeting lasts at most a day."})


def local_to_utc(day: dt.date, at: dt.time, zone_name: str) -> dt.datetime:
    """A wall-clock time in ``zone_name`` as an aware UTC datetime."""
    return dt.datetime.combine(day, at, tzinfo=zone_clean(zone_name)).astimezone(dt.UTC)


def _publish_scheduled(*, actor: SystemActor, meeting: Meeting | None = None, series: MeetingSeries | None = None) -> None:
    subject = meeting if meeting is not None else series
    assert subject is not None
    scope: dict[str, Any] = project_event_scope(subject.project) if subject.project is not None else {
        "account_id": subject.account_id}
    data: dict[str, Any] = {"title": subject.title, "kind": subject.kind,
                            "project_id": subject.project_id, "account_id": subject.account_id}
    if meeting is not None:
        data.update({"meeting_id": meeting.pk, "starts_at": meeting.starts_at.isoformat()})
    if series is not None:
        data.update({"meeting_series_id": series.pk, "rrule": series.rrule})
    event_publish(type="meeting.scheduled", actor=actor, data=data, **scope)


# --- Meetings ------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, actor: Actor, data: dict[str, Any], project: Project | None = None, account: Account | None = None,
    users: Iterable[Any] = (), contacts: Iterable[Contact] = (),
) -> Meeting:
    """A single meeting; ``starts_at`` / ``ends_at`` aware datetimes (the pages read
    them in the organizer's time zone)."""
    _subject_check(actor, project, account)
    data = _clean(data, MEETING_FIELDS)
    if not data.get("title"):
        raise ValidationError({"title": "Give the meeting a title."})
    if data.get("starts_at") is None:
        raise ValidationError({"starts_at": "Say when the meeting starts."})
    if data.get("ends_at") is None:
        raise ValidationError({"ends_at": "Say when the meeting ends."})
    _check_times(data["starts_at"], data["ends_at"])
    user_list, contact_list = _attendees(account=account, users=users, contacts=contacts)
    meeting = model_create(actor=actor, model=Meeting, data={
        **data, "project": project, "account": account, "organizer": actor})
    meeting.users.set(user_list)
    meeting.contacts.set(contact_list)
    _publish_scheduled(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: Actor, meeting: Meeting, data: dict[str, Any], expected_version: int | None = None,
    users: Iterable[Any] | None = None, contacts: Iterable[Contact] | None = None,
) -> Meeting:
    require_change(actor, meeting)
    data = _clean(data, MEETING_FIELDS)
    if "title" in data and not data["title"]:
        raise ValidationError({"title": "Give the meeting a title."})
    starts_at = data.get("starts_at", meeting.starts_at)
    ends_at = data.get("ends_at", meeting.ends_at)
    if "starts_at" in data and "ends_at" not in data:
        ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
        data["ends_at"] = ends_at
    _check_times(starts_at, ends_at)
    user_list = contact_list = None
    if users is not None or contacts is not None:
        user_list, contact_list = _attendees(
            account=meeting.account, users=users if users is not None else meeting.users.all(),
            contacts=contacts if contacts is not None else meeting.contacts.all())
    meeting = model_update(actor=actor, instance=meeting, data=data, expected_version=expected_version)
    if users is not None and user_list is not None:
        meeting.users.set(user_list)
    if contacts is not None and contact_list is not None:
        meeting.contacts.set(contact_list)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: Meeting, expected_version: int | None = None) -> Meeting:
    require_change(actor, meeting)
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError({"status": "This meeting was held: it can no longer be cancelled."})
    return model_update(actor=actor, instance=meeting, data={"status": MeetingStatus.CANCELLED},
                        expected_version=expected_version)


def interaction_kind_for(meeting: Meeting) -> str:
    if meeting.kind == MeetingKind.QBR:
        return InteractionKind.QBR
    if meeting.video_link:
        return InteractionKind.VIDEO
    return InteractionKind.MEETING


@transaction.atomic
def meeting_mark_held(
    *, actor: Actor, meeting: Meeting, notes: str | None = None, expected_version: int | None = None,
) -> Meeting:
    """Held, with its notes. When client contacts attended and the meeting has an
    account, its account gets one interaction for it (never a second one)."""
    require_change(actor, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": "This meeting was cancelled: it cannot be marked as held."})
    data: dict[str, Any] = {"status": MeetingStatus.HELD}
    if notes is not None:
        data["notes"] = notes.strip()
    meeting = model_update(actor=actor, instance=meeting, data=data, expected_version=expected_version)
    contacts = list(meeting.contacts.all())
    if contacts and meeting.account is not None and meeting.interaction_id is None:
        # The account's managers log it as themselves; anyone else (the project's
        # manager, the organizer) records it on the system's behalf.
        recorder: SystemActor = actor if policy_for(meeting.account).can_change(actor, meeting.account) else None
        interaction = interaction_create(
            actor=recorder, account=meeting.account, contacts=contacts, users=list(meeting.users.all()),
            data={
                "kind": interaction_kind_for(meeting), "direction": "outbound", "occurred_at": meeting.starts_at,
                "duration_minutes": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
                "subject": meeting.title[:200], "summary": meeting.notes,
                "meeting_link": meeting.video_link,
            },
        )
        Meeting.objects.filter(pk=meeting.pk).update(interaction=interaction)
        meeting.interaction = interaction
    return meeting


# --- Series --------------------------------------------------------------------------


def series_local_starts(series: MeetingSeries, *, after: dt.datetime | None, until: dt.datetime) -> list[dt.datetime]:
    """The rule's starts (aware, UTC) after ``after`` up to ``until``: expanded on
    wall-clock times in the series' zone, then localised (DST-safe)."""
    zone = ZoneInfo(series.time_zone)
    first_local = series.first_starts_at.astimezone(zone).replace(tzinfo=None)
    rule = dateutil_rrule.rrulestr(series.rrule, dtstart=first_local)
    stop_local = until.astimezone(zone).replace(tzinfo=None)
    if series.ends_on is not None:
        stop_local = min(stop_local, dt.datetime.combine(series.ends_on, dt.time(23, 59, 59)))
    starts = []
    for local in rule.between(first_local, stop_local, inc=True):
        start = local.replace(tzinfo=zone).astimezone(dt.UTC)
        if after is not None and start <= after:
            continue
        starts.append(start)
        if len(starts) >= MAX_MATERIALISED:
            break
    return starts


def _materialise(series: MeetingSeries, *, from_: dt.datetime | None = None, now: dt.datetime | None = None) -> int:
    """Make the occurrences up to the horizon that are not rows yet (one bulk insert)."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=HORIZON_DAYS)
    last = series.meetings.order_by("-recurrence_id").values_list("recurrence_id", flat=True).first()
    after = max(filter(None, [last, from_ - dt.timedelta(seconds=1) if from_ else None]), default=None)
    starts = series_local_starts(series, after=after, until=horizon)
    if not starts:
        return 0
    duration = dt.timedelta(minutes=series.duration_minutes)
    rows = [
        Meeting(series=series, recurrence_id=start, project=series.project, account=series.account,
                kind=series.kind, title=series.title, starts_at=start, ends_at=start + duration,
                location=series.location, video_link=series.video_link, agenda=series.agenda,
                organizer=series.organizer)
        for start in starts
    ]
    created = Meeting.objects.bulk_create(rows)
    users = list(series.users.all())
    contacts = list(series.contacts.all())
    Meeting.users.through.objects.bulk_create([
        Meeting.users.through(meeting_id=m.pk, user_id=u.pk) for m in created for u in users])
    Meeting.contacts.through.objects.bulk_create([
        Meeting.contacts.through(meeting_id=m.pk, contact_id=c.pk) for m in created for c in contacts])
    return len(created)


@transaction.atomic
def meeting_series_create(
    *, actor: Actor, data: dict[str, Any], project: Project | None = None, account: Account | None = None,
    users: Iterable[Any] = (), contacts: Iterable[Contact] = (), now: dt.datetime | None = None,
) -> MeetingSeries:
    """A recurring meeting. ``data``: title, kind, ``first_starts_at`` (aware),
    ``duration_minutes``, ``time_zone``, ``rrule`` (or ``recurrence`` a preset with
    ``custom_rrule``), location, video_link, agenda."""
    _subject_check(actor, project, account)
    data = dict(data)
    zone_name = data.pop("time_zone", None) or getattr(actor, "time_zone", "UTC") or "UTC"
    zone = zone_clean(zone_name)
    first = data.pop("first_starts_at", None)
    if first is None or timezone.is_naive(first):
        raise ValidationError({"first_starts_at": "Say when the first meeting starts."})
    preset = data.pop("recurrence", None)
    custom = data.pop("custom_rrule", "")
    rule = data.pop("rrule", None)
    rule = rrule_clean(rule) if rule else rrule_for_preset(preset or "", first.astimezone(zone), custom)
    data = _clean(data, SERIES_FIELDS)
    if not data.get("title"):
        raise ValidationError({"title": "Give the meeting a title."})
    duration = int(data.get("duration_minutes") or 30)
    if not 1 <= duration <= MAX_DURATION_MINUTES:
        raise ValidationError({"duration_minutes": "A meeting lasts between a minute and a day."})
    data["duration_minutes"] = duration
    user_list, contact_list = _attendees(account=account, users=users, contacts=contacts)
    series = model_create(actor=actor, model=MeetingSeries, data={
        **data, "rrule": rule, "first_starts_at": first, "time_zone": zone_name,
        "project": project, "account": account, "organizer": actor})
    series.users.set(user_list)
    series.contacts.set(contact_list)
    _materialise(series, now=now)
    _publish_scheduled(actor=actor, series=series)
    return series


@transaction.atomic
def meeting_series_update(
    *, actor: Actor, series: MeetingSeries, data: dict[str, Any], expected_version: int | None = None,
    users: Iterable[Any] | None = None, contacts: Iterable[Contact] | None = None,
    now: dt.datetime | None = None,
) -> MeetingSeries:
    """Edit "the whole series": the future occurrences not yet held are made again
    from the new rule and details (past and held ones are kept, with their notes and
    action items; so is a future one with action items or edited on its own)."""
    require_change(actor, series)
    now = now or timezone.now()
    data = dict(data)
    update: dict[str, Any] = {}
    if "time_zone" in data:
        zone_clean(data["time_zone"])
        update["time_zone"] = data.pop("time_zone")
    if "first_starts_at" in data:
        if data["first_starts_at"] is None or timezone.is_naive(data["first_starts_at"]):
            raise ValidationError({"first_starts_at": "Say when the first meeting starts."})
        update["first_starts_at"] = data.pop("first_starts_at")
    if "rrule" in data:
        update["rrule"] = rrule_clean(data.pop("rrule"))
    update.update(_clean(data, SERIES_FIELDS))
    if "duration_minutes" in update and not 1 <= int(update["duration_minutes"] or 0) <= MAX_DURATION_MINUTES:
        raise ValidationError({"duration_minutes": "A meeting lasts between a minute and a day."})
    untouched = _untouched_occurrences(series)
    series = model_update(actor=actor, instance=series, data=update, expected_version=expected_version)
    if users is not None or contacts is not None:
        user_list, contact_list = _attendees(
            account=series.account, users=users if users is not None else series.users.all(),
            contacts=contacts if contacts is not None else series.contacts.all())
        series.users.set(user_list)
        series.contacts.set(contact_list)
    _regenerate_future(series, now=now, untouched=untouched)
    return series


def _untouched_occurrences(series: MeetingSeries) -> list[int]:
    """Occurrences still as the series made them (not moved, renamed or re-timed one
    by one): the ones a whole-series edit may plan again."""
    duration = dt.timedelta(minutes=series.duration_minutes)
    return [
        meeting.pk for meeting in series.meetings.filter(status=MeetingStatus.SCHEDULED).only(
            "pk", "starts_at", "ends_at", "recurrence_id", "title", "location")
        if meeting.starts_at == meeting.recurrence_id and meeting.ends_at - meeting.starts_at == duration
        and meeting.title == series.title and meeting.location == series.location
    ]


def _regenerate_future(series: MeetingSeries, *, now: dt.datetime, untouched: list[int]) -> None:
    future = series.meetings.filter(pk__in=untouched, starts_at__gt=now, action_items__isnull=True)
    future.delete()
    kept = series.meetings.filter(starts_at__gt=now).values_list("recurrence_id", flat=True)
    kept_set = set(kept)
    starts = [s for s in series_local_starts(series, after=now, until=now + dt.timedelta(days=HORIZON_DAYS))
              if s not in kept_set]
    duration = dt.timedelta(minutes=series.duration_minutes)
    created = Meeting.objects.bulk_create([
        Meeting(series=series, recurrence_id=start, project=series.project, account=series.account,
                kind=series.kind, title=series.title, starts_at=start, ends_at=start + duration,
                location=series.location, video_link=series.video_link, agenda=series.agenda,
                organizer=series.organizer)
        for start in starts
    ])
    users = list(series.users.all())
    contacts = list(series.contacts.all())
    Meeting.users.through.objects.bulk_create([
        Meeting.users.through(meeting_id=m.pk, user_id=u.pk) for m in created for u in users])
    Meeting.contacts.through.objects.bulk_create([
        Meeting.contacts.through(meeting_id=m.pk, contact_id=c.pk) for m in created for c in contacts])


@transaction.atomic
def meeting_series_stop(
    *, actor: Actor, series: MeetingSeries, ends_on: dt.date, expected_version: int | None = None,
) -> MeetingSeries:
    """No occurrence after ``ends_on``: the later scheduled ones are cancelled (held
    ones stay as they were)."""
    require_change(actor, series)
    series = model_update(actor=actor, instance=series, data={"ends_on": ends_on}, expected_version=expected_version)
    zone = ZoneInfo(series.time_zone)
    cutoff = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    series.meetings.filter(starts_at__gte=cutoff, status=MeetingStatus.SCHEDULED).update(
        status=MeetingStatus.CANCELLED, version=F("version") + 1)
    return series


def meeting_series_extend_all(*, now: dt.datetime | None = None) -> int:
    """The daily job: each running series gets its occurrences up to the horizon."""
    now = now or timezone.now()
    made = 0
    for series in MeetingSeries.objects.filter(
        ends_on__isnull=True,
    ) | MeetingSeries.objects.filter(ends_on__gte=now.date()):
        with transaction.atomic():
            made += _materialise(series, now=now)
    return made


# --- Action items --------------------------------------------------------------------


def _owner_clean(owner: Any) -> Any:
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": f"{owner} is no longer active."})
    return owner


def _description(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({"description": "Say what is to be done."})
    if len(text) > 300:
        raise ValidationError({"description": "Keep it under 300 characters."})
    return text


def _publish_assigned(*, actor: SystemActor, item: ActionItem) -> None:
    meeting = item.meeting
    scope: dict[str, Any] = project_event_scope(meeting.project) if meeting.project is not None else {
        "account_id": meeting.account_id}
    event_publish(type="action_item.assigned", actor=actor, data={
        "action_item_id": item.pk, "meeting_id": meeting.pk, "description": item.description,
        "owner_id": item.owner_id, "due_date": item.due_date.isoformat() if item.due_date else None,
    }, **scope)


@transaction.atomic
def action_item_create(
    *, actor: Actor, meeting: Meeting, description: str, owner: Any = None, due_date: dt.date | None = None,
) -> ActionItem:
    require_change(actor, meeting)
    position = (meeting.action_items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = model_create(actor=actor, model=ActionItem, data={
        "meeting": meeting, "description": _description(description), "owner": _owner_clean(owner),
        "due_date": due_date, "position": position})
    if item.owner_id is not None:
        _publish_assigned(actor=actor, item=item)
    return item


@transaction.atomic
def action_item_update(
    *, actor: Actor, action_item: ActionItem, data: dict[str, Any], expected_version: int | None = None,
) -> ActionItem:
    require_change(actor, action_item)
    unknown = sorted(set(data) - {"description", "owner", "due_date"})
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "description" in data:
        data["description"] = _description(data["description"])
    if "owner" in data:
        data["owner"] = _owner_clean(data["owner"])
    owner_before = action_item.owner_id
    item = model_update(actor=actor, instance=action_item, data=data, expected_version=expected_version)
    if "owner" in data and item.owner_id is not None and item.owner_id != owner_before:
        _publish_assigned(actor=actor, item=item)
    return item


@transaction.atomic
def action_item_complete(*, actor: Actor, action_item: ActionItem, expected_version: int | None = None) -> ActionItem:
    require_change(actor, action_item)
    if action_item.status == ActionItemStatus.DONE:
        return action_item
    return model_update(actor=actor, instance=action_item, data={
        "status": ActionItemStatus.DONE, "done_at": timezone.now()}, expected_version=expected_version)


@transaction.atomic
def action_item_reopen(*, actor: Actor, action_item: ActionItem, expected_version: int | None = None) -> ActionItem:
    require_change(actor, action_item)
    if action_item.status == ActionItemStatus.OPEN:
        return action_item
    return model_update(actor=actor, instance=action_item, data={
        "status": ActionItemStatus.OPEN, "done_at": None}, expected_version=expected_version)


def _not_converted(item: ActionItem) -> None:
    if item.task_id is not None:
        raise ValidationError({"task": "This action item is already a task."})
    if item.follow_up_id is not None:
        raise ValidationError({"follow_up": "This action item is already a follow-up."})


@transaction.atomic
def action_item_to_task(*, actor: Actor, action_item: ActionItem) -> ActionItem:
    """A task in the meeting's project, assigned to the owner, the due date its
    deadline (a finish-no-later-than constraint); refused without a project."""
    require_change(actor, action_item)
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("meeting__project").get(pk=action_item.pk)
    _not_converted(item)
    project = item.meeting.project
    if project is None:
        raise ValidationError({"task": "This meeting has no project: make it a follow-up instead."})
    data: dict[str, Any] = {"name": item.description[:255],
                            "description": f"Action item from the meeting \u201c{item.meeting.title}\u201d."}
    if item.due_date is not None:
        zone = ZoneInfo(getattr(item.owner, "time_zone", None) or "UTC")
        finish = dt.datetime.combine(item.due_date, dt.time(17, 0), tzinfo=zone)
        data.update({"deadline": finish, "constraint_type": ConstraintKind.FNLT, "constraint_date": finish})
    task = task_create(actor=actor, project=project, data=data)
    if item.owner is not None:
        task_assign(actor=actor, task=task, user=item.owner)
    item = model_update(actor=actor, instance=item, data={"task": task})
    return item


@transaction.atomic
def action_item_to_follow_up(*, actor: Actor, action_item: ActionItem) -> ActionItem:
    """An account follow-up for the owner (the actor when none), due on the due date
    (today when none); refused without an account."""
    require_change(actor, action_item)
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("meeting__account").get(pk=action_item.pk)
    _not_converted(item)
    account = item.meeting.account
    if account is None:
        raise ValidationError({"follow_up": "This meeting has no account: make it a task instead."})
    follow_up = follow_up_create(
        actor=actor, account=account, owner=item.owner or actor,
        due_date=item.due_date or timezone.localdate(), description=item.description)
    return model_update(actor=actor, instance=item, data={"follow_up": follow_up})


__all__ = [
    "HORIZON_DAYS", "MAX_MATERIALISED", "action_item_complete", "action_item_create", "action_item_reopen",
    "action_item_to_follow_up", "action_item_to_task", "action_item_update", "local_to_utc",
    "meeting_cancel", "meeting_create", "meeting_mark_held", "meeting_series_create", "meeting_series_extend_all",
    "meeting_series_stop", "meeting_series_update", "meeting_update", "rrule_clean", "series_local_starts",
    "video_link_clean", "video_provider",
]
