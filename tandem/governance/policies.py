"""Who may see and change governance records (issue 10, "Permissions": as in delivery).

- A record of a project (status report, stakeholder, RACI row and cell, and a risk,
  SWOT analysis, meeting or series linked to a project) follows its project: seen by
  whoever sees the project, changed by its manager (and admins).
- A record of an account only (relationship risks, account SWOTs, account meetings)
  follows its account: seen by whoever sees the account, changed by its account
  managers (and admins).
- A meeting linked to both is seen by either side and changed by either the project's
  manager or the account's managers; its organizer also changes it.
- Action items follow their meeting; their owner also sees and closes their own.
- A comment is seen with its record; its author edits and deletes it.
- Executives read everything; client contacts have no login.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
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
from tandem.delivery.models import Project
from tandem.delivery.policies import manages, project_access_q
from tandem.governance.models import (
    ActionItem,
    Comment,
    Meeting,
    MeetingSeries,
    RaciCell,
    RaciRow,
    Risk,
    RiskExposure,
    Stakeholder,
    StatusReport,
    SwotAnalysis,
    SwotItem,
)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def subject_access_q(user: Any, prefix: str = "") -> Q:
    """What ``user`` may see of records linked to a project and / or an account
    (``<prefix>project`` / ``<prefix>account``); callers check ``sees_everything`` first."""
    return Q(**{f"{prefix}project_id__in": visible_ids(user, Project)}) | Q(
        **{f"{prefix}account_id__in": visible_ids(user, Account)}
    )


def may_change_subject(user: Any, obj: Any) -> bool:
    """The project's manager or the account's managers (admins always)."""
    if is_admin(user):
        return True
    if not _active(user):
        return False
    project = getattr(obj, "project", None)
    if project is not None and manages(user, project):
        return True
    account = getattr(obj, "account", None)
    return account is not None and may_change_account(user, account)


class SubjectRecordPolicy(Policy):
    """A record linked to a project and / or an account through ``subject_path``."""

    subject_path = ""

    def subject_of(self, obj: models.Model) -> Any:
        return related_through(obj, self.subject_path) if self.subject_path else obj

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(self.visible_q(user))

    def visible_q(self, user: Any) -> Q:
        return subject_access_q(user, self.subject_path)

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return may_change_subject(user, self.subject_of(obj))


_model: type[models.Model]
for _model in (Risk, SwotAnalysis, RiskExposure):
    register(_model)(type(f"{_model.__name__}Policy", (SubjectRecordPolicy,), {}))


@register(SwotItem)
class SwotItemPolicy(SubjectRecordPolicy):
    subject_path = "analysis__"


@register(MeetingSeries)
class MeetingSeriesPolicy(SubjectRecordPolicy):
    def can_change(self, user: Any, obj: models.Model) -> bool:
        return (_active(user) and obj.organizer_id == user.pk) or super().can_change(user, obj)  # type: ignore[attr-defined]


@register(Meeting)
class MeetingPolicy(SubjectRecordPolicy):
    """Also seen by its attendees and organizer; changed by its organizer too."""

    def visible_q(self, user: Any) -> Q:
        return super().visible_q(user) | Q(organizer=user.pk) | Q(pk__in=Meeting.users.through.objects.filter(
            user=user.pk).values("meeting_id"))

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return (_active(user) and obj.organizer_id == user.pk) or super().can_change(user, obj)  # type: ignore[attr-defined]


@register(ActionItem)
class ActionItemPolicy(SubjectRecordPolicy):
    subject_path = "meeting__"

    def visible_q(self, user: Any) -> Q:
        return Q(meeting_id__in=visible_ids(user, Meeting)) | Q(owner=user.pk)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        if _active(user) and obj.owner_id == user.pk:  # type: ignore[attr-defined]
            return True
        return MeetingPolicy().can_change(user, obj.meeting)  # type: ignore[attr-defined]


class ProjectOnlyPolicy(SubjectRecordPolicy):
    """Records that always belong to one project (reached through ``project_path``)."""

    project_path = "project__"

    def visible_q(self, user: Any) -> Q:
        return project_access_q(user, self.project_path)

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.PROJECT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return manages(user, related_through(obj, self.project_path))


for _model in (StatusReport, Stakeholder, RaciRow):
    register(_model)(type(f"{_model.__name__}Policy", (ProjectOnlyPolicy,), {}))


@register(RaciCell)
class RaciCellPolicy(ProjectOnlyPolicy):
    project_path = "row__project__"


@register(Comment)
class CommentPolicy(Policy):
    """Seen with the record it is on; written by whoever sees that record; changed by
    its author (admins too). The per-target visibility is the union of the targets'
    policies."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(
            Q(account_id__in=visible_ids(user, Account))
            | Q(project_id__in=visible_ids(user, Project))
            | Q(task__project_id__in=visible_ids(user, Project))
            | Q(risk_id__in=visible_ids(user, Risk))
            | Q(meeting_id__in=visible_ids(user, Meeting))
        )

    def can_create(self, user: Any) -> bool:
        """Everyone who works on records; executives read."""
        return is_admin(user) or (_active(user) and has_role(
            user, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER, Role.MEMBER))

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return is_admin(user) or (_active(user) and obj.author_id == user.pk)  # type: ignore[attr-defined]

