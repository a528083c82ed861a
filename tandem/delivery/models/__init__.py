"""Delivery's records: projects (scope, objectives, deliverables, team), their plan
(tasks, dependencies, baselines), working calendars, allocations, time and expenses."""

from tandem.delivery.models.calendars import Calendar, CalendarException
from tandem.delivery.models.plan import (
    Baseline,
    BaselineTask,
    ConstraintKind,
    Dependency,
    LinkKind,
    Task,
    TaskAssignment,
    TaskPriority,
    TaskStatus,
)
from tandem.delivery.models.projects import (
    AcceptanceState,
    BillingType,
    Deliverable,
    Objective,
    Project,
    ProjectMember,
    ProjectStatus,
)
from tandem.delivery.models.work import (
    Allocation,
    ProjectExpense,
    TimeEntry,
    TimeEntryStatus,
)

__all__ = [
    "AcceptanceState",
    "Allocation",
    "Baseline",
    "BaselineTask",
    "BillingType",
    "Calendar",
    "CalendarException",
    "ConstraintKind",
    "Deliverable",
    "Dependency",
    "LinkKind",
    "Objective",
    "Project",
    "ProjectExpense",
    "ProjectMember",
    "ProjectStatus",
    "Task",
    "TaskAssignment",
    "TaskPriority",
    "TaskStatus",
    "TimeEntry",
    "TimeEntryStatus",
]
