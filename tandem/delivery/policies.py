"""Who may see and change delivery records (issue 9, "Permissions").

- A project is seen by its manager, its team members, whoever may see its account
  (the account's manager and their team, as for every account record) and by
  executives and admins (executives read only). Project managers also see templates.
- Its manager changes it and everything in it (plan, dependencies, baselines,
  allocations, objectives, deliverables, expenses); admins change everything. Project
  managers and admins create projects.
- Time: each person sees and edits their own entries (while not approved); the project's
  manager sees their project's time and approves or returns it; the rest follow the
  project. A time entry's cost rate is restricted like the person's rate: admins,
  executives, the person, and the account's owner (:func:`may_see_costs`).
- Project expenses are seen with the project; their amounts count in the account's
  profitability for those who may see it.
- Calendars are reference data: everyone active reads them; admins and project
  managers change them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.clients.policies import account_access_q
from tandem.commercial.policies import may_see_costs
from tandem.core.permissions import (
    Policy,
    has_role,
    is_admin,
    register,
    related_through,
    sees_everything,
    visible_ids,
)
from tandem.core.roles import Role
from tandem.delivery.models import (
    Allocation,
    Baseline,
    BaselineTask,
    Calendar,
    CalendarException,
    Deliverable,
    Dependency,
    Objective,
    Project,
    ProjectExpense,
    ProjectMember,
    Task,
    TaskAssignment,
    TimeEntry,
)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def project_access_q(user: Any, prefix: str = "") -> Q:
    """The projects ``user`` may see, as a filter on ``<prefix>``-relative fields
    (callers check :func:`sees_everything` first): on a project itself the conditions
    below; on a record reached through ``prefix``, its project is one of those
    (:func:`tandem.core.permissions.visible_ids`, one subquery built once per request)."""
    if prefix:
        return Q(**{f"{prefix}pk__in": visible_ids(user, Project)})
    return _project_q(user)


def _project_q(user: Any) -> Q:
    """A project is seen by its manager, its members, whoever sees its account, and
    (project managers) when it is a template."""
    member_projects = ProjectMember.objects.filter(user=user.pk).values("project_id")
    condition = Q(manager=user.pk) | Q(pk__in=member_projects)
    if has_role(user, Role.ACCOUNT_MANAGER):
        condition |= Q(account__isnull=False) & account_access_q(user, "account__")
    if has_role(user, Role.PROJECT_MANAGER):
        condition |= Q(is_template=True)
    return condition


def manages(user: Any, project: Project) -> bool:
    """The project's manager (while a project manager) or an admin."""
    if is_admin(user):
        return True
    return _active(user) and has_role(user, Role.PROJECT_MANAGER) and project.manager_id == user.pk


class ProjectRecordPolicy(Policy):
    """A record reached through ``project_path`` follows its project."""

    project_path = "project__"

    def project_of(self, obj: models.Model) -> Project:
        return related_through(obj, self.project_path)

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(self.visible_q(user))

    def visible_q(self, user: Any) -> Q:
        return project_access_q(user, self.project_path)

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.PROJECT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return manages(user, self.project_of(obj))


@register(Project)
class ProjectPolicy(ProjectRecordPolicy):
    project_path = ""

    def project_of(self, obj: models.Model) -> Project:
        return obj  # type: ignore[return-value]

    def visible_q(self, user: Any) -> Q:
        return project_access_q(user)


_model: type[models.Model]
for _model in (Task, Dependency, Baseline, Allocation, Objective, Deliverable, ProjectMember):
    register(_model)(type(f"{_model.__name__}Policy", (ProjectRecordPolicy,), {}))


@register(TaskAssignment)
class TaskAssignmentPolicy(ProjectRecordPolicy):
    project_path = "task__project__"


@register(BaselineTask)
class BaselineTaskPolicy(ProjectRecordPolicy):
    project_path = "baseline__project__"


@register(ProjectExpense)
class ProjectExpensePolicy(ProjectRecordPolicy):
    def can_see_restricted(self, user: Any, obj: models.Model | None = None) -> bool:
        if obj is None:
            return sees_everything(user) or has_role(user, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER)
        project = self.project_of(obj)
        return manages(user, project) or may_see_costs(user, project.account)


@register(TimeEntry)
class TimeEntryPolicy(ProjectRecordPolicy):
    restricted_fields = frozenset({"cost_rate", "cost_currency"})

    def visible_q(self, user: Any) -> Q:
        return Q(user=user.pk) | super().visible_q(user)

    def can_create(self, user: Any) -> bool:
        return _active(user)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        """Their own time (the services refuse changes once approved), or the manager."""
        return (_active(user) and obj.user_id == user.pk) or super().can_change(user, obj)  # type: ignore[attr-defined]

    def can_see_restricted(self, user: Any, obj: models.Model | None = None) -> bool:
        if sees_everything(user):
            return True
        if obj is None:
            return False
        if _active(user) and obj.user_id == user.pk:  # type: ignore[attr-defined]
            return True
        return may_see_costs(user, self.project_of(obj).account)


class CalendarPolicy(Policy):
    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if _active(user) else queryset.none()

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.PROJECT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return self.can_create(user)


register(Calendar)(type("WorkCalendarPolicy", (CalendarPolicy,), {}))
register(CalendarException)(type("CalendarExceptionPolicy", (CalendarPolicy,), {}))
