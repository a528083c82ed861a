"""Builders for delivery records, through the delivery services. Dates default to fixed
days (Monday 4 January 2027) so tests pin exact figures."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Dependency, Project, Task
from tests.factories import make_user

_counter = itertools.count(1)
START = dt.date(2027, 1, 4)


def make_manager(**extra: Any) -> Any:
    return make_user(role=Role.PROJECT_MANAGER, **extra)


def make_project(*, manager: Any = None, **data: Any) -> Project:
    number = next(_counter)
    data.setdefault("code", f"PRJ-{number:04d}")
    data.setdefault("name", f"Project {number:04d}")
    data.setdefault("start_date", START)
    data["manager"] = manager if manager is not None else make_manager()
    return services.project_create(actor=None, data=data)


def make_task(*, project: Project, parent: Task | None = None, **data: Any) -> Task:
    data.setdefault("name", f"Task {next(_counter):04d}")
    data.setdefault("duration_minutes", 480)
    return services.task_create(actor=None, project=project, parent=parent, data=data)


def make_dependency(predecessor: Task, successor: Task, kind: str = "FS", lag_minutes: int = 0) -> Dependency:
    return services.dependency_create(actor=None, predecessor=predecessor, successor=successor, kind=kind,
                                      lag_minutes=lag_minutes)
