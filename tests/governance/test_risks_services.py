"""The risk register's rules, one by one: score, exposure (worked example), status
changes, contingency plan → tasks (exact names and count, once), account risks →
follow-ups, the daily job and its reminders, permissions with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.clients.models import FollowUp
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.models import Notification
from tandem.core.roles import Role
from tandem.delivery import services as delivery
from tandem.delivery.models import Task, TaskAssignment
from tandem.governance.models import Risk, RiskExposure, RiskStatus
from tandem.governance.services.risks import (
    contingency_steps,
    exposure_of,
    risk_close,
    risk_contingency_to_tasks,
    risk_create,
    risk_delete,
    risk_mark_occurred,
    risk_reopen,
    risk_update,
    risks_daily,
    score_word,
)
from tests.clients.factories import make_account
from tests.delivery.factories import make_project
from tests.factories import make_user
from tests.governance.factories_risks import make_risk

pytestmark = pytest.mark.django_db

PLAN = "- Call the client's sponsor\n\n1. Move two testers from Apollo\n* Re-plan the release   \n   \n2) Tell finance"


def test_score_is_probability_times_impact_and_has_a_word():
    risk = make_risk(project=make_project(), probability=4, impact=5)
    assert Risk.objects.get(pk=risk.pk).score == 20
    assert score_word(20) == ("High", "danger")
    assert score_word(15) == ("High", "danger")
    assert score_word(14) == ("Medium", "warning")
    assert score_word(8) == ("Medium", "warning")
    assert score_word(7) == ("Low", "success")


def test_exposure_worked_example_counts_open_risks_only():
    """3×4 + 2×5 + 1×1 open = 23; an occurred 5×5 and a closed 4×4 do not count."""
    project = make_project()
    make_risk(project=project, probability=3, impact=4)
    make_risk(project=project, probability=2, impact=5)
    make_risk(project=project, probability=1, impact=1)
    occurred = make_risk(project=project, probability=5, impact=5)
    closed = make_risk(project=project, probability=4, impact=4)
    risk_mark_occurred(actor=None, risk=occurred)
    risk_close(actor=None, risk=closed)
    assert exposure_of(project=project) == (23, 3)
    point = RiskExposure.objects.get(project=project)
    assert (point.exposure, point.open_risks) == (23, 3)


def test_every_change_upserts_todays_point():
    project = make_project()
    risk = make_risk(project=project, probability=2, impact=2)
    assert RiskExposure.objects.get(project=project).exposure == 4
    risk_update(actor=None, risk=risk, data={"impact": 5})
    assert RiskExposure.objects.get(project=project).exposure == 10
    risk_delete(actor=None, risk=Risk.objects.get(pk=risk.pk))
    assert list(RiskExposure.objects.filter(project=project).values_list("exposure", "open_risks")) == [(0, 0)]


def test_contingency_steps_strip_bullets_and_blank_lines():
    assert contingency_steps(PLAN) == ["Call the client's sponsor", "Move two testers from Apollo",
                                       "Re-plan the release", "Tell finance"]
    assert contingency_steps("1.5 days of buffer") == ["1.5 days of buffer"]


def test_contingency_becomes_a_summary_task_with_one_task_a_step_assigned_to_the_owner():
    project = make_project()
    owner = make_user(role=Role.MEMBER)
    delivery.project_member_add(actor=None, project=project, user=owner)
    risk = make_risk(project=project, title="Test lab unavailable", contingency_plan=PLAN, owner=owner)
    made = risk_mark_occurred(actor=project.manager, risk=risk, make_tasks=True)
    risk = Risk.objects.get(pk=made.pk)
    assert risk.status == RiskStatus.OCCURRED
    summary = risk.contingency_task
    assert summary.name == "Contingency: Test lab unavailable"
    assert list(Task.objects.filter(parent=summary).order_by("position").values_list("name", flat=True)) == [
        "Call the client's sponsor", "Move two testers from Apollo", "Re-plan the release", "Tell finance"]
    assert Task.objects.filter(project=project).count() == 5
    assert TaskAssignment.objects.filter(task__parent=summary, user=owner).count() == 4
    with pytest.raises(ValidationError) as refusal:
        risk_contingency_to_tasks(actor=project.manager, risk=risk)
    assert "already" in refusal.value.message_dict["contingency_plan"][0]
    assert Task.objects.filter(project=project).count() == 5


def test_owner_off_the_team_is_not_assigned():
    project = make_project()
    risk = make_risk(project=project, contingency_plan="Step one", owner=make_user(role=Role.MEMBER))
    risk_contingency_to_tasks(actor=None, risk=risk)
    assert TaskAssignment.objects.filter(task__project=project).count() == 0


def test_empty_plan_is_refused_naming_the_field():
    project = make_project()
    risk = make_risk(project=project, contingency_plan=" \n - \n")
    with pytest.raises(ValidationError) as refusal:
        risk_contingency_to_tasks(actor=None, risk=risk)
    assert list(refusal.value.message_dict) == ["contingency_plan"]
    assert Task.objects.filter(project=project).count() == 0


def test_account_risk_steps_become_follow_ups_of_the_owner_once():
    owner = make_user(role=Role.ACCOUNT_MANAGER)
    account = make_account(owner=owner)
    risk = make_risk(account=account, title="Sponsor leaves", contingency_plan="Meet the new sponsor\nSend a QBR deck",
                     owner=owner)
    risk_contingency_to_tasks(actor=None, risk=risk)
    assert sorted(FollowUp.objects.filter(account=account, owner=owner).values_list("description", flat=True)) == [
        "Contingency (Sponsor leaves): Meet the new sponsor", "Contingency (Sponsor leaves): Send a QBR deck"]
    # The risk keeps them: renaming the risk does not lose them.
    assert sorted(risk.contingency_follow_ups.values_list("description", flat=True)) == [
        "Contingency (Sponsor leaves): Meet the new sponsor", "Contingency (Sponsor leaves): Send a QBR deck"]
    risk.title = "Sponsor retires"
    risk.save(update_fields=["title"])
    with pytest.raises(ValidationError):
        risk_contingency_to_tasks(actor=None, risk=risk)
    assert FollowUp.objects.filter(account=account).count() == 2


def test_status_rules_and_stale_version():
    risk = make_risk(project=make_project())
    risk_close(actor=None, risk=risk)
    with pytest.raises(ValidationError) as refusal:
        risk_mark_occurred(actor=None, risk=Risk.objects.get(pk=risk.pk))
    assert list(refusal.value.message_dict) == ["status"]
    reopened = risk_reopen(actor=None, risk=Risk.objects.get(pk=risk.pk))
    assert reopened.status == RiskStatus.OPEN
    with pytest.raises(ConflictError):
        risk_update(actor=None, risk=Risk.objects.get(pk=risk.pk), data={"title": "x"}, expected_version=1)


def test_probability_out_of_range_names_the_field():
    with pytest.raises(ValidationError) as refusal:
        make_risk(project=make_project(), probability=6)
    assert list(refusal.value.message_dict) == ["probability"]


def test_only_the_manager_writes_and_a_refusal_changes_nothing():
    project = make_project()
    member = make_user(role=Role.MEMBER)
    delivery.project_member_add(actor=None, project=project, user=member)
    other_manager = make_user(role=Role.PROJECT_MANAGER)
    risk = make_risk(project=project, contingency_plan="Step")
    for actor in (member, other_manager):
        with pytest.raises(PermissionDeniedError):
            risk_create(actor=actor, project=project, data={"title": "x", "probability": 1, "impact": 1})
        for call in (lambda a: risk_update(actor=a, risk=risk, data={"title": "Changed"}),
                     lambda a: risk_mark_occurred(actor=a, risk=risk, make_tasks=True),
                     lambda a: risk_contingency_to_tasks(actor=a, risk=risk),
                     lambda a: risk_delete(actor=a, risk=risk)):
            with pytest.raises(PermissionDeniedError):
                call(actor)
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.title, stored.status, stored.version, stored.contingency_task_id) == (
        "Key developer leaves", "open", 1, None)
    assert Risk.objects.count() == 1
    assert Task.objects.filter(project=project).count() == 0


def test_daily_job_writes_points_and_reminds_once_per_risk_and_day():
    project = make_project()
    owner = make_user(role=Role.MEMBER)
    today = dt.date(2031, 3, 10)
    due = make_risk(project=project, owner=owner, review_date=today, probability=2, impact=3)
    make_risk(project=project, owner=owner, review_date=today + dt.timedelta(days=1))
    closed = make_risk(project=project, owner=owner, review_date=today - dt.timedelta(days=3))
    risk_close(actor=None, risk=closed)
    account = make_account()
    make_risk(account=account, probability=1, impact=2)
    assert risks_daily(today=today) == {"subjects": 2, "reminders": 1}
    assert risks_daily(today=today) == {"subjects": 2, "reminders": 0}
    assert RiskExposure.objects.get(project=project, day=today).exposure == 6 + 12
    assert RiskExposure.objects.get(account=account, day=today).exposure == 2
    note = Notification.objects.get(recipient=owner)
    assert note.url == f"/governance/risks/{due.pk}/"
