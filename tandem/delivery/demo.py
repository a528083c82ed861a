"""Demo data for delivery (``tandem demo``, step ``delivery``, after commercial).

About forty projects at the small scale (``PROJECTS_AT_LARGE`` at 1.0), over the demo's
customers, starting from two years ago to two months ahead, each in the state its dates
give it: finished ones *completed* (a few *cancelled*), running ones *active* (a few *on
hold*), future ones *planning* or *proposed*. Recent project requests from the pipeline
become projects (the request is accepted).

Each project has three to five phases of three to six tasks, chained finish-to-start
inside a phase and phase to phase, a milestone closing each phase, three-point estimates
on every task, assignees from the team, an objective and deliverables. The plan is
scheduled by the scheduling service; work before today is done with its actual dates,
the task running today is in progress. A quarter of the running projects are late (due
before their scheduled finish) and a quarter over budget. Members are allocated for the
project's dates and have logged time on each working day of their tasks so far
(approved up to last week, submitted last week, draft this week), at their cost rate.
Every started project keeps its agreed plan as the baseline "Agreed plan" (a late
project's baseline finishes a week or two earlier than its schedule now does) and has a
few expenses (travel, licences, subcontracting) up to today.

The project manager login (``pm@example.com``) runs six projects, three of them active;
the member login (``member@example.com``) has tasks due this week on three of them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from tandem.clients.models import Account, Lifecycle, Source
from tandem.commercial.models import ProjectRequest, ProjectRequestStatus
from tandem.core import demo
from tandem.core.roles import Role
from tandem.delivery.models import (
    AcceptanceState,
    Allocation,
    Baseline,
    BaselineTask,
    Deliverable,
    Dependency,
    Objective,
    Project,
    ProjectExpense,
    ProjectMember,
    ProjectStatus,
    Task,
    TaskAssignment,
    TaskStatus,
    TimeEntry,
    TimeEntryStatus,
)
from tandem.delivery.services.baselines import baseline_save
from tandem.delivery.services.schedule import project_reschedule

STEP = "delivery"
PROJECTS_AT_LARGE = 10_000
MINIMUM_PROJECTS = 40
DAY = 480  # the demo firm works 09:00–17:00 (480 minutes a day)
PHASES = ("Discovery", "Design", "Build", "Test", "Launch")
TASKS = {
    "Discovery": ("Stakeholder interviews", "Current state review", "Requirements workshop", "Success measures"),
    "Design": ("Service blueprint", "Information architecture", "Prototype", "Design review"),
    "Build": ("Environment set-up", "Core features", "Integrations", "Data migration", "Reporting"),
    "Test": ("Test plan", "System testing", "User acceptance testing", "Fixes"),
    "Launch": ("Training", "Cut-over", "Hypercare", "Handover"),
}
PM_LOGIN = "pm@example.com"
MEMBER_LOGIN = "member@example.com"


def _users(ctx: demo.DemoContext, role: str) -> list[Any]:
    from tandem.people.models import User

    users = ctx.shared.get("people.by_role", {}).get(role)
    if users is None:
        users = list(User.objects.filter(role_assignments__role=role, is_active=True))
    return [user for user in users if user.is_active]


def _login(ctx: demo.DemoContext, email: str) -> Any:
    from tandem.people.models import User

    return ctx.shared.get("people.logins", {}).get(email) or User.objects.filter(email=email).first()


def _moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _estimate(ctx: demo.DemoContext) -> int:
    return max(MINIMUM_PROJECTS, ctx.scaled(PROJECTS_AT_LARGE)) * 120


def _foreign_rows() -> int:
    return Project.objects.exclude(code__startswith="D-").count()


@demo.step(STEP, order=40, foreign_rows=_foreign_rows, estimate=_estimate)
def generate_delivery(ctx: demo.DemoContext) -> None:
    """Projects with plans, schedules, progress, allocations and time."""
    rng = ctx.rng(STEP)
    managers = _users(ctx, Role.PROJECT_MANAGER)
    members = _users(ctx, Role.MEMBER)
    customers = list(Account.objects.filter(source=Source.DEMO, lifecycle=Lifecycle.ACTIVE)
                     .order_by("pk").values_list("pk", "name", "currency"))
    if not managers or not members or not customers:
        return
    pm, member = _login(ctx, PM_LOGIN), _login(ctx, MEMBER_LOGIN)
    today = timezone.localdate()
    count = max(MINIMUM_PROJECTS, ctx.scaled(PROJECTS_AT_LARGE))
    requests = list(ProjectRequest.objects.filter(status=ProjectRequestStatus.OPEN).order_by("-created_at", "pk")
                    [: max(2, count // 20)])
    rates = dict(_cost_rates())
    for number in range(count):
        request = requests[number] if number < len(requests) else None
        if request is not None:
            account_id, name, currency = request.account_id, request.name, request.currency
            start = today + dt.timedelta(days=rng.randint(7, 40))
        else:
            account_id, account_name, currency = customers[rng.randrange(len(customers))]
            name = f"{account_name} {rng.choice(('service redesign', 'platform migration', 'data programme', 'portal', 'rollout', 'managed service set-up'))}"
            # Most projects are recent (running or about to start); a quarter are older.
            back = rng.randint(-75, 150) if rng.random() < 0.75 else rng.randint(150, 730)
            start = today - dt.timedelta(days=back)
        others = [user for user in managers if pm is None or user.pk != pm.pk] or managers
        manager = pm if number < 6 and pm is not None else others[rng.randrange(len(others))]
        team = rng.sample(members, min(len(members), rng.randint(2, 4)))
        if number < 3:
            # The pm's first three projects are running, with the member login on them.
            start = today - dt.timedelta(days=rng.randint(10, 25))
            if member is not None and member not in team:
                team[0] = member
        _project(ctx, rng, number, name[:200], account_id, currency, manager, team, start, today, request, rates)


def _cost_rates() -> list[tuple[int, tuple[Decimal, str]]]:
    from tandem.people.models import Person

    return [(user_id, (rate, currency)) for user_id, rate, currency in
            Person.objects.values_list("user_id", "cost_rate", "currency")]


def _project(
    ctx: demo.DemoContext, rng: random.Random, number: int, name: str, account_id: int, currency: str,
    manager: Any, team: list[Any], start: dt.date, today: dt.date, request: ProjectRequest | None,
    rates: dict[int, tuple[Decimal, str]],
) -> None:
    project = Project(
        code=f"D-{number + 1:05d}", name=name, account_id=account_id, manager=manager, start_date=start,
        status=ProjectStatus.PLANNING, currency=currency, project_request=request,
        scope_statement=f"Deliver the {name.lower()} agreed with the client, on time and within budget.",
        in_scope="Discovery, design, build, testing and launch support.",
        out_of_scope="Hardware, licences bought by the client, work after hypercare.",
        billing_type=rng.choice(("fixed_fee", "time_and_materials", "time_and_materials", "retainer")),
    )
    ctx.bulk_create(Project, [project])
    ctx.bulk_create(ProjectMember, [ProjectMember(project=project, user=manager, role="Project manager")] + [
        ProjectMember(project=project, user=user, role=rng.choice(("Consultant", "Developer", "Analyst", "Designer")))
        for user in team if user.pk != manager.pk])
    tasks, links, assignments = _plan(rng, project, team)
    ctx.bulk_create(Task, [task for task in tasks if task.parent is None])  # phases first: their ids
    ctx.bulk_create(Task, [task for task in tasks if task.parent is not None])
    ctx.bulk_create(Dependency, [Dependency(project=project, predecessor_id=a.pk, successor_id=b.pk) for a, b in links])
    ctx.bulk_create(TaskAssignment, [TaskAssignment(task_id=task.pk, user=user) for task, user in assignments])
    project_reschedule(project=project)
    _progress(project, today)
    project_reschedule(project=project)
    project.refresh_from_db()
    _settle(ctx, rng, project, team, today, rates)


def _plan(rng: random.Random, project: Project, team: list[Any]) -> tuple[list[Task], list[tuple[Task, Task]], list[tuple[Task, Any]]]:
    tasks: list[Task] = []
    links: list[tuple[Task, Task]] = []
    assignments: list[tuple[Task, Any]] = []
    index = 0
    previous_end: Task | None = None
    for phase_number, phase in enumerate(PHASES[: rng.randint(3, 5)]):
        summary = Task(project=project, name=phase, position=phase_number, outline_index=index, outline_level=1,
                       wbs=str(phase_number + 1), is_summary=True)
        tasks.append(summary)
        index += 1
        entry = previous_end
        before = entry
        ends: list[Task] = []
        names = TASKS[phase][: rng.randint(3, len(TASKS[phase]))]
        for position, task_name in enumerate(names):
            days = rng.randint(1, 8)
            likely = days * DAY
            task = Task(
                project=project, parent=summary, name=task_name, position=position, outline_index=index,
                outline_level=2, wbs=f"{phase_number + 1}.{position + 1}", duration_minutes=likely,
                work_minutes=likely, optimistic_minutes=likely * 3 // 4, likely_minutes=likely,
                pessimistic_minutes=likely * rng.choice((3, 2, 2)) // 2 + DAY,
                priority=rng.choice(("normal", "normal", "high", "low")),
            )
            tasks.append(task)
            index += 1
            # Some tasks run beside the one before (both start after the phase's entry).
            parallel = position > 0 and rng.random() < 0.35
            predecessor = entry if parallel else before
            if parallel and before is not None:
                ends.append(before)
            if predecessor is not None:
                links.append((predecessor, task))
            before = task
            assignments.append((task, team[rng.randrange(len(team))]))
        if before is not None:
            ends.append(before)
        milestone = Task(project=project, parent=summary, name=f"{phase} complete", position=len(names),
                         outline_index=index, outline_level=2, wbs=f"{phase_number + 1}.{len(names) + 1}",
                         is_milestone=True)
        tasks.append(milestone)
        index += 1
        links.extend((end, milestone) for end in ends)
        previous_end = milestone
    return tasks, links, assignments


def _progress(project: Project, today: dt.date) -> None:
    """Work scheduled before today is done, on its dates; the task running today is
    under way (its share of days elapsed)."""
    now = _moment(today, 12)
    done = Task.objects.filter(project=project, is_summary=False, early_finish__lte=now)
    done.update(status=TaskStatus.DONE, percent_complete=100, actual_start=F("early_start"),
                actual_finish=F("early_finish"))
    for task in Task.objects.filter(project=project, is_summary=False, early_start__lte=now, early_finish__gt=now):
        span = (task.early_finish - task.early_start).total_seconds() or 1  # type: ignore[operator]
        share = int(100 * (now - task.early_start).total_seconds() / span)  # type: ignore[operator]
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS, percent_complete=max(5, min(95, share)),
                                               actual_start=task.early_start)
    for task in Task.objects.filter(project=project, status=TaskStatus.DONE, completed_on__isnull=True):
        Task.objects.filter(pk=task.pk).update(completed_on=timezone.localtime(task.actual_finish).date())


def _settle(
    ctx: demo.DemoContext, rng: random.Random, project: Project, team: list[Any], today: dt.date,
    rates: dict[int, tuple[Decimal, str]],
) -> None:
    """Status, due date, budget, allocations, time, objective and deliverables."""
    finish = timezone.localtime(project.scheduled_finish).date() if project.scheduled_finish else project.start_date
    work_hours = sum(Task.objects.filter(project=project).values_list("work_minutes", flat=True)) / 60
    blended = Decimal("95")
    budget = Decimal(str(round(work_hours))) * blended
    due = finish
    if finish < today:
        status = ProjectStatus.CANCELLED if rng.random() < 0.1 else ProjectStatus.COMPLETED
    elif project.start_date > today:
        status = ProjectStatus.PROPOSED if rng.random() < 0.4 else ProjectStatus.PLANNING
    else:
        status = ProjectStatus.ON_HOLD if rng.random() < 0.1 else ProjectStatus.ACTIVE
        if rng.random() < 0.25:
            due = finish - dt.timedelta(days=rng.randint(5, 20))  # late
        if rng.random() < 0.25:
            budget = (budget * Decimal("0.55")).quantize(Decimal("1"))  # over budget
    Project.objects.filter(pk=project.pk).update(
        status=status, due_date=max(due, project.start_date), budget=budget,
        budget_hours=Decimal(str(round(work_hours))),
        completed_on=finish if status == ProjectStatus.COMPLETED else None,
    )
    if project.project_request_id is not None:
        ProjectRequest.objects.filter(pk=project.project_request_id).update(status=ProjectRequestStatus.ACCEPTED)
    ctx.bulk_create(Allocation, [
        Allocation(project=project, user=user, start_date=project.start_date, end_date=max(finish, project.start_date),
                   hours_per_week=Decimal(rng.choice((8, 12, 16, 20, 24))))
        for user in team])
    ctx.bulk_create(Objective, [Objective(
        project=project, title=rng.choice(("Cut handling time", "Raise self-service share", "Fewer incidents a month")),
        unit=rng.choice(("%", "minutes", "incidents")), baseline_value=Decimal("40"), target_value=Decimal("25"),
        current_value=Decimal("40") if status in (ProjectStatus.PROPOSED, ProjectStatus.PLANNING) else Decimal(rng.randint(24, 38)),
        due_date=due)])
    ctx.bulk_create(Deliverable, [
        Deliverable(project=project, name=name, due_date=due,
                    acceptance_state=AcceptanceState.ACCEPTED if status == ProjectStatus.COMPLETED else AcceptanceState.PENDING)
        for name in ("Design document", "Working service", "Handover pack")])
    _time(ctx, project, today, rates)
    if status in (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.COMPLETED):
        project.refresh_from_db()
        _baseline(project, slip_days=(finish - due).days)
        _expenses(ctx, rng, project, min(finish, today))


def _baseline(project: Project, *, slip_days: int) -> None:
    """The agreed plan as the baseline (through the baseline service); a late project's
    agreed plan ran one or two weeks earlier than its schedule does now."""
    baseline = baseline_save(actor=None, project=project, name="Agreed plan")
    if slip_days > 0:
        earlier = dt.timedelta(weeks=1 if slip_days <= 10 else 2)
        BaselineTask.objects.filter(baseline=baseline).update(start=F("start") - earlier, finish=F("finish") - earlier)
        Baseline.objects.filter(pk=baseline.pk).update(start=F("start") - earlier, finish=F("finish") - earlier)


def _expenses(ctx: demo.DemoContext, rng: random.Random, project: Project, last: dt.date) -> None:
    """One to three expenses between the project's start and ``last``."""
    span = max((last - project.start_date).days, 0)
    kinds = (("Travel", "Workshop travel", 180, 1400), ("Software", "Licences for the test environment", 90, 900),
             ("Subcontracting", "Specialist review", 800, 4200))
    expenses = []
    for _ in range(rng.randint(1, 3)):
        category, description, low, high = rng.choice(kinds)
        expenses.append(ProjectExpense(
            project=project, spent_by_id=project.manager_id, date=project.start_date + dt.timedelta(days=rng.randint(0, span)),
            category=category, description=description, amount=Decimal(rng.randint(low, high)), currency=project.currency,
            is_billable=category == "Travel",
        ))
    ctx.bulk_create(ProjectExpense, expenses)


def _time(ctx: demo.DemoContext, project: Project, today: dt.date, rates: dict[int, tuple[Decimal, str]]) -> None:
    """One entry a working day of each started task for its assignee, up to today.
    High volume and derived from the plan: inserted without a history entry each."""
    monday = today - dt.timedelta(days=today.weekday())
    entries: list[TimeEntry] = []
    rows = TaskAssignment.objects.filter(task__project=project, task__actual_start__isnull=False).values_list(
        "user_id", "task_id", "task__actual_start", "task__actual_finish")
    now = timezone.now()
    for user_id, task_id, started, finished in rows:
        day = timezone.localtime(started).date()
        last = min(timezone.localtime(finished).date() if finished else today, today)
        while day <= last:
            if day.weekday() < 5:
                if day >= monday:
                    status = TimeEntryStatus.DRAFT
                elif day >= monday - dt.timedelta(days=7):
                    status = TimeEntryStatus.SUBMITTED
                else:
                    status = TimeEntryStatus.APPROVED
                approved = status == TimeEntryStatus.APPROVED
                rate, rate_currency = rates.get(user_id, (Decimal("0"), ""))
                entries.append(TimeEntry(
                    user_id=user_id, project=project, task_id=task_id, date=day, hours=Decimal("7.50"),
                    is_billable=project.billing_type != "non_billable", status=status,
                    submitted_at=_moment(day, 17) if status != TimeEntryStatus.DRAFT else None,
                    decided_by_id=project.manager_id if approved else None,
                    decided_at=_moment(day + dt.timedelta(days=7), 10) if approved else None,
                    cost_rate=rate if approved else None, cost_currency=rate_currency if approved else "",
                    created_at=now, updated_at=now,
                ))
            day += dt.timedelta(days=1)
    ctx.insert_objects(TimeEntry, entries)
