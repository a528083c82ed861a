"""The risk register's writes: risks of a project (or, relationship risks, of an
account), their status (open → occurred → closed, reopened), the contingency plan
turned into tasks (or account follow-ups) in one step, and the exposure points.

Who writes: whoever may change the risk's subject (the project's manager, the account's
managers, admins; :mod:`tandem.governance.policies`). Every change of a risk upserts
today's :class:`RiskExposure` point of its subject (:func:`exposure_refresh`), so the
trend has a point for each day something changed; the daily job writes the others.

Exposure = Σ probability × impact (the score) of the subject's open risks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Account
from tandem.clients.services import follow_up_create
from tandem.core.errors import PermissionDeniedError
from tandem.core.events import event_publish
from tandem.core.notifications import notification_send
from tandem.core.permissions import policy_for, require_change, require_create
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor
from tandem.delivery.events import project_event_scope
from tandem.delivery.models import Project, ProjectMember, Task
from tandem.delivery.services import task_assign, task_create
from tandem.governance.models import Risk, RiskExposure, RiskStatus

RISK_FIELDS = (
    "title", "description", "category", "probability", "impact", "owner", "response",
    "mitigation_plan", "contingency_plan", "trigger", "review_date",
)
#: The score from which a risk counts as high (status reports read open high risks).
HIGH_SCORE = 15
CONTINGENCY_PREFIX = "Contingency: "
_BULLET = re.compile(r"^\s*(?:[-*•–]\s*|\d+[.)]\s+|\[ \]\s*)")


def score_word(score: int) -> tuple[str, str]:
    """The word and Bootstrap colour of a score (1–25): never colour alone."""
    if score >= HIGH_SCORE:
        return "High", "danger"
    if score >= 8:
        return "Medium", "warning"
    return "Low", "success"


def contingency_steps(plan: str) -> list[str]:
    """The plan's steps: one a line, blank lines skipped, a leading bullet ("- ", "* ",
    "1.", "2)") stripped."""
    steps = []
    for line in (plan or "").splitlines():
        text = _BULLET.sub("", line, count=1).strip()
        if text:
            steps.append(text[:255])
    return steps


def _require_subject_change(actor: SystemActor, risk: Risk) -> None:
    if actor is not None:
        require_change(actor, risk)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(RISK_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "title" in data:
        data["title"] = str(data["title"] or "").strip()
        if not data["title"]:
            raise ValidationError({"title": "Name the risk in a few words."})
    for name in ("probability", "impact"):
        if name in data:
            value = data[name]
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                raise ValidationError({name: f"The {name} is a whole number from 1 to 5."})
    return data


def _check_owner(risk: Risk) -> None:
    if risk.owner is not None and not risk.owner.is_active:
        raise ValidationError({"owner": f"{risk.owner} is no longer active; choose someone else."})


def exposure_of(*, project: Project | None = None, account: Any = None) -> tuple[int, int]:
    """(exposure, open risks) of a subject now: Σ score of its open risks."""
    subject = {"project": project} if project is not None else {"account": account, "project__isnull": True}
    row = Risk.objects.filter(**subject, status=RiskStatus.OPEN).aggregate(
        exposure=Sum("score"), open_risks=Count("id"))
    return int(row["exposure"] or 0), int(row["open_risks"] or 0)


def exposure_refresh(*, project: Project | None = None, account: Any = None, day: dt.date | None = None) -> None:
    """Upsert the subject's exposure point of ``day`` (today) in one statement."""
    day = day or timezone.localdate()
    exposure, open_risks = exposure_of(project=project, account=account)
    if project is not None:
        row, unique = RiskExposure(project=project, day=day, exposure=exposure, open_risks=open_risks), ["project", "day"]
    else:
        row, unique = RiskExposure(account=account, day=day, exposure=exposure, open_risks=open_risks), ["account", "day"]
    RiskExposure.objects.bulk_create([row], update_conflicts=True, unique_fields=unique,
                                     update_fields=["exposure", "open_risks"])


def _refresh_subject(risk: Risk) -> None:
    if risk.project_id is not None:
        exposure_refresh(project=risk.project)
    else:
        exposure_refresh(account=risk.account)


def _scope(risk: Risk) -> dict[str, Any]:
    if risk.project_id is not None:
        return project_event_scope(risk.project)
    return {"account_id": risk.account_id}


def _event_data(risk: Risk) -> dict[str, Any]:
    return {"risk_id": risk.pk, "title": risk.title, "probability": risk.probability, "impact": risk.impact,
            "score": risk.probability * risk.impact, "status": risk.status, "project_id": risk.project_id,
            "account_id": risk.account_id, "owner_id": risk.owner_id}


@transaction.atomic
def risk_create(
    *, actor: SystemActor, data: dict[str, Any], project: Project | None = None, account: Any = None,
) -> Risk:
    """A risk of ``project`` or (a relationship risk) of ``account``; publishes
    ``risk.raised``."""
    if (project is None) == (account is None):
        raise ValidationError({"project": "A risk belongs to one project or one account."})
    probe = Risk(project=project, account=account)
    if actor is not None:
        require_create(actor, Risk)
        if not policy_for(Risk).can_change(actor, probe):
            raise PermissionDeniedError("Only the project's manager or the account's managers add its risks.")
    data = _clean(data)
    for name in ("title", "probability", "impact"):
        if data.get(name) in (None, ""):
            raise ValidationError({name: "This field is required."})
    risk = model_create(actor=actor, model=Risk, data={
        **data, "project": project, "account": account, "raised_by": actor, "status": RiskStatus.OPEN})
    _check_owner(risk)
    risk.refresh_from_db(fields=["score"])
    event_publish(type="risk.raised", actor=actor, data=_event_data(risk), **_scope(risk))
    _refresh_subject(risk)
    return risk


@transaction.atomic
def risk_update(*, actor: SystemActor, risk: Risk, data: dict[str, Any], expected_version: int | None = None) -> Risk:
    _require_subject_change(actor, risk)
    data = _clean(data)
    risk = model_update(actor=actor, instance=risk, data=data, expected_version=expected_version)
    _check_owner(risk)
    risk.refresh_from_db(fields=["score"])
    _refresh_subject(risk)
    return risk


@transaction.atomic
def risk_delete(*, actor: SystemActor, risk: Risk, expected_version: int | None = None) -> None:
    _require_subject_change(actor, risk)
    project, account = risk.project, risk.account
    model_delete(actor=actor, instance=risk, expected_version=expected_version)
    if project is not None:
        exposure_refresh(project=project)
    else:
        exposure_refresh(account=account)


@transaction.atomic
def risk_mark_occurred(
    *, actor: SystemActor, risk: Risk, expected_version: int | None = None, make_tasks: bool = False,
) -> Risk:
    """The risk happened: status occurred (it leaves the exposure), ``risk.occurred``
    published; with ``make_tasks`` its contingency plan becomes tasks in the same step."""
    _require_subject_change(actor, risk)
    if risk.status != RiskStatus.OPEN:
        raise ValidationError({"status": f"Only an open risk can occur; this one is {risk.get_status_display().lower()}."})
    risk = model_update(actor=actor, instance=risk, data={"status": RiskStatus.OCCURRED, "occurred_at": timezone.now()},
                        expected_version=expected_version)
    event_publish(type="risk.occurred", actor=actor, data=_event_data(risk), **_scope(risk))
    _refresh_subject(risk)
    if make_tasks:
        risk_contingency_to_tasks(actor=actor, risk=risk)
    return risk


@transaction.atomic
def risk_close(*, actor: SystemActor, risk: Risk, expected_version: int | None = None) -> Risk:
    _require_subject_change(actor, risk)
    if risk.status == RiskStatus.CLOSED:
        raise ValidationError({"status": "This risk is closed already."})
    risk = model_update(actor=actor, instance=risk, data={"status": RiskStatus.CLOSED, "closed_at": timezone.now()},
                        expected_version=expected_version)
    _refresh_subject(risk)
    return risk


@transaction.atomic
def risk_reopen(*, actor: SystemActor, risk: Risk, expected_version: int | None = None) -> Risk:
    _require_subject_change(actor, risk)
    if risk.status == RiskStatus.OPEN:
        raise ValidationError({"status": "This risk is open already."})
    risk = model_update(actor=actor, instance=risk, data={"status": RiskStatus.OPEN, "closed_at": None},
                        expected_version=expected_version)
    _refresh_subject(risk)
    return risk


def contingency_follow_ups(risk: Risk) -> Any:
    """The account follow-ups an account risk's contingency plan became, in order."""
    return risk.contingency_follow_ups.order_by("pk")


def contingency_done(risk: Risk) -> bool:
    if risk.project_id is not None:
        return risk.contingency_task_id is not None
    return contingency_follow_ups(risk).exists()


@transaction.atomic
def risk_contingency_to_tasks(*, actor: SystemActor, risk: Risk) -> list[Any]:
    """Turn the contingency plan into work, once: for a project risk a summary task
    "Contingency: <title>" with one task a step, assigned to the risk's owner when on
    the team (``risk.contingency_task`` is the summary task); for an account risk one
    follow-up a step, owned by the risk's owner, due today. Answers what was made."""
    _require_subject_change(actor, risk)
    risk = Risk.objects.select_for_update(of=("self",)).select_related("project", "account", "owner").get(pk=risk.pk)
    if contingency_done(risk):
        raise ValidationError({"contingency_plan": "The contingency plan was turned into tasks already; "
                                                   "change those tasks instead."})
    steps = contingency_steps(risk.contingency_plan)
    if not steps:
        raise ValidationError({"contingency_plan": "Write the contingency plan first, one step a line."})
    if risk.project is None:
        if risk.owner is None or not risk.owner.is_active:
            raise ValidationError({"owner": "Give the risk an active owner first: the steps become their follow-ups."})
        assert risk.account is not None  # a risk without a project has an account (constraint)
        prefix = f"Contingency ({risk.title[:120]}): "
        follow_ups = [follow_up_create(actor=actor, account=risk.account, owner=risk.owner,
                                       due_date=timezone.localdate(), description=f"{prefix}{step}"[:300])
                      for step in steps]
        risk.contingency_follow_ups.add(*follow_ups)
        return follow_ups
    project = risk.project
    on_team = risk.owner is not None and risk.owner.is_active and ProjectMember.objects.filter(
        project=project, user=risk.owner).exists()
    summary = task_create(actor=actor, project=project, data={"name": f"{CONTINGENCY_PREFIX}{risk.title}"[:255]},
                          reschedule=False)
    made: list[Task] = [summary]
    for number, step in enumerate(steps, start=1):
        task = task_create(actor=actor, project=project, data={"name": step}, parent=summary,
                           reschedule=number == len(steps))
        if on_team:
            task_assign(actor=actor, task=task, user=risk.owner)
        made.append(task)
    model_update(actor=actor, instance=risk, data={"contingency_task": summary})
    return made


def subjects_with_risks() -> tuple[list[int], list[int]]:
    """Ids of the projects and accounts (account risks) that have risks."""
    projects = list(Risk.objects.filter(project__isnull=False).values_list("project_id", flat=True).order_by().distinct())
    accounts = list(Risk.objects.filter(project__isnull=True).values_list("account_id", flat=True).order_by().distinct())
    return projects, accounts


def risks_daily(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: today's exposure point of every subject with risks, and a review
    reminder (in-app, once per risk and day) to the owner of each open risk whose review
    date has come."""
    today = today or timezone.localdate()
    project_ids, account_ids = subjects_with_risks()
    for project in Project.objects.filter(pk__in=project_ids):
        exposure_refresh(project=project, day=today)
    for account in Account.objects.filter(pk__in=account_ids):
        exposure_refresh(account=account, day=today)
    sent = 0
    due = Risk.objects.filter(Q(status=RiskStatus.OPEN), review_date__lte=today, owner__isnull=False).select_related("owner")
    for risk in due:
        made = notification_send(
            recipient=risk.owner, kind="risk.review", key=f"risk-review:{risk.pk}:{today.isoformat()}",
            title=f"Review the risk “{risk.title}”",
            body=f"Its review date was {risk.review_date:%d %b %Y}: is it still likely, and is the plan still right?",
            url=reverse("governance:risk_detail", kwargs={"risk_id": risk.pk}),
        )
        sent += made is not None
    return {"subjects": len(project_ids) + len(account_ids), "reminders": sent}
