"""Demo meetings (step "governance-meetings", order 53): a weekly status series for each
active project (past occurrences held, with notes and action items, some done, some
turned into tasks), a kickoff per project, retrospectives, and QBRs with the account's
contacts, held, so they are interactions on the account timeline. The demo project
manager (pm@) and member (member@) have meetings this week.

Rows go in with ``ctx.bulk_create``; only the few QBR interactions go through the
clients service (they move the account's last contact)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.clients.models import Contact, InteractionKind
from tandem.clients.services import interaction_create
from tandem.core import demo
from tandem.delivery.models import Project, ProjectMember, ProjectStatus, Task
from tandem.governance.models import (
    ActionItem,
    ActionItemStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from tandem.governance.services.meetings import HORIZON_DAYS, series_local_starts

MAX_PROJECTS = 40
WEEKS_BACK = 8
NOTES = (
    "Walked through the plan: on track for the next milestone. Two risks reviewed, no change.",
    "Testing started late; agreed to move two people onto it for a week.",
    "Client confirmed the scope change; the estimate goes to the steering committee.",
    "Design sign-off received. Build phase can start on Monday.",
    "Velocity down this week (holidays). No impact on the deadline yet.",
)
ACTIONS = (
    "Send the updated plan to the client", "Confirm the test environment dates", "Review the open change requests",
    "Book the steering committee", "Chase the sign-off on the design", "Update the risk register",
    "Share the budget forecast with finance", "Prepare the demo for the next sprint review",
)
PM_LOGIN = "pm@example.com"
MEMBER_LOGIN = "member@example.com"


@demo.step("governance-meetings", order=53)
def meetings_demo(ctx: Any) -> None:
    rng = ctx.rng("governance-meetings")
    now = timezone.now()
    today = timezone.localdate()
    logins = ctx.shared.get("people.logins", {})
    pm, member = logins.get(PM_LOGIN), logins.get(MEMBER_LOGIN)
    projects = list(Project.objects.filter(status=ProjectStatus.ACTIVE, is_template=False)
                    .select_related("manager", "account").order_by("-manager__email", "id")[:MAX_PROJECTS])
    if pm is not None:
        projects.sort(key=lambda project: project.manager_id != pm.pk)
    members: dict[int, list[int]] = {}
    for row in ProjectMember.objects.filter(project__in=projects).values("project_id", "user_id"):
        members.setdefault(row["project_id"], []).append(row["user_id"])
    tasks: dict[int, list[Task]] = {}
    for task in Task.objects.filter(project__in=projects, is_summary=False).order_by("outline_index"):
        tasks.setdefault(task.project_id, []).append(task)
    monday = today - dt.timedelta(days=today.weekday())

    series_rows: list[MeetingSeries] = []
    for index, project in enumerate(projects):
        zone_name = getattr(project.manager, "time_zone", "UTC") or "UTC"
        zone = ZoneInfo(zone_name)
        weekday = index % 4  # Monday to Thursday
        first_day = monday - dt.timedelta(weeks=WEEKS_BACK) + dt.timedelta(days=weekday)
        first = dt.datetime.combine(first_day, dt.time(9 + index % 3, 30), tzinfo=zone)
        series_rows.append(MeetingSeries(
            project=project, account=project.account, kind=MeetingKind.STATUS, title=f"Weekly status: {project.name}"[:200],
            rrule=f"FREQ=WEEKLY;BYDAY={('MO', 'TU', 'WE', 'TH')[weekday]}", first_starts_at=first,
            duration_minutes=30, time_zone=zone_name, organizer=project.manager,
            video_link=f"https://teams.microsoft.com/l/meetup-join/{project.code.lower()}-status",
            agenda="1. Progress since last week\n2. Risks and issues\n3. Decisions needed\n4. Action items"))
    series_rows = ctx.bulk_create(MeetingSeries, series_rows)

    meetings: list[Meeting] = []
    attendees: list[tuple[int, list[int]]] = []
    for series, project in zip(series_rows, projects, strict=True):
        people: list[int] = sorted({pk for pk in (project.manager_id, *members.get(project.pk, [])) if pk is not None})
        if project is projects[0] and member is not None and member.pk not in people:
            people.append(member.pk)
        starts = series_local_starts(series, after=None, until=now + dt.timedelta(days=min(HORIZON_DAYS, 28)))
        for start in starts:
            past = start < now
            meetings.append(Meeting(
                series=series, recurrence_id=start, project=project, account=project.account, kind=series.kind,
                title=series.title, starts_at=start, ends_at=start + dt.timedelta(minutes=30),
                status=MeetingStatus.HELD if past else MeetingStatus.SCHEDULED, video_link=series.video_link,
                agenda=series.agenda, notes=rng.choice(NOTES) if past else "", organizer=project.manager))
            attendees.append((len(meetings) - 1, people))
        kickoff_day = project.start_date or (today - dt.timedelta(weeks=WEEKS_BACK + 2))
        kickoff = dt.datetime.combine(kickoff_day, dt.time(10, 0), tzinfo=ZoneInfo(series.time_zone))
        meetings.append(Meeting(
            project=project, account=project.account, kind=MeetingKind.KICKOFF, title=f"Kickoff: {project.name}"[:200],
            starts_at=kickoff, ends_at=kickoff + dt.timedelta(hours=2),
            status=MeetingStatus.HELD if kickoff < now else MeetingStatus.SCHEDULED, location="Main meeting room",
            agenda="Goals, scope, team, plan, ways of working.",
            notes="Scope and milestones agreed; the team met the client's leads." if kickoff < now else "",
            organizer=project.manager))
        attendees.append((len(meetings) - 1, people))
        if rng.random() < 0.5:
            retro = dt.datetime.combine(monday - dt.timedelta(days=3), dt.time(15, 0), tzinfo=ZoneInfo(series.time_zone))
            meetings.append(Meeting(
                project=project, kind=MeetingKind.RETROSPECTIVE, title=f"Retrospective: {project.name}"[:200],
                starts_at=retro, ends_at=retro + dt.timedelta(hours=1), status=MeetingStatus.HELD,
                notes="Went well: demos. To improve: estimates of the integration work.", organizer=project.manager))
            attendees.append((len(meetings) - 1, people))
    meetings = ctx.bulk_create(Meeting, meetings)
    ctx.bulk_create(Meeting.users.through, [
        Meeting.users.through(meeting_id=meetings[position].pk, user_id=user_id)
        for position, people in attendees for user_id in people], audit=False)

    items: list[ActionItem] = []
    for meeting in meetings:
        if meeting.status != MeetingStatus.HELD or meeting.kind != MeetingKind.STATUS:
            continue
        people = [user_id for position, users in attendees if meetings[position].pk == meeting.pk for user_id in users]
        for position in range(rng.randint(1, 3)):
            due = meeting.starts_at.date() + dt.timedelta(days=rng.randint(2, 10))
            done = due < today and rng.random() < 0.7
            project_tasks = tasks.get(meeting.project_id or 0, [])
            linked: Task | None = rng.choice(project_tasks) if project_tasks and rng.random() < 0.2 else None
            items.append(ActionItem(
                meeting=meeting, description=linked.name if linked is not None else rng.choice(ACTIONS),
                owner_id=rng.choice(people) if people else None, due_date=due, position=position + 1,
                status=ActionItemStatus.DONE if done else ActionItemStatus.OPEN,
                done_at=dt.datetime.combine(due, dt.time(16, 0), tzinfo=dt.UTC) if done else None, task=linked))
    ctx.bulk_create(ActionItem, items)

    # QBRs with the account's contacts, held: interactions on the account timeline.
    qbr_projects = [project for project in projects if project.account_id][:10]
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(account__in=[p.account_id for p in qbr_projects]).order_by("id"):
        contacts.setdefault(contact.account_id, []).append(contact)
    for offset, project in enumerate(qbr_projects):
        account = project.account
        account_contacts = contacts.get(project.account_id or 0, [])[:2]
        if account is None or not account_contacts:
            continue
        start = dt.datetime.combine(today - dt.timedelta(days=20 + offset * 3), dt.time(14, 0), tzinfo=dt.UTC)
        qbr = Meeting.objects.create(
            project=project, account=account, kind=MeetingKind.QBR,
            title=f"Quarterly business review · {account.name}", starts_at=start,
            ends_at=start + dt.timedelta(hours=1, minutes=30), status=MeetingStatus.HELD,
            agenda="Results of the quarter, satisfaction, the roadmap, renewal.",
            notes="The client is satisfied with delivery; asked for a proposal for phase two.",
            organizer=project.manager)
        qbr.contacts.set(account_contacts)
        if project.manager_id:
            qbr.users.set([project.manager_id])
        interaction = interaction_create(
            actor=None, account=account, contacts=account_contacts, data={
                "kind": InteractionKind.QBR, "direction": "outbound", "occurred_at": start, "duration_minutes": 90,
                "subject": qbr.title[:200], "summary": qbr.notes})
        Meeting.objects.filter(pk=qbr.pk).update(interaction=interaction)
