"""Budget alerts: the daily job tells the project's manager once per threshold and
project (80 % and 100 % spent, CPI below 0.9); a second run sends nothing; it is
registered as a daily job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.core.models import Notification
from tandem.core.schedule import DAILY_JOBS, discover
from tandem.delivery.services.budget_alerts import budget_alerts_send
from tests.delivery.factories import make_manager, make_project, make_task
from tests.delivery.test_budget_earned_value import STATUS, expense, worked_example

pytestmark = pytest.mark.django_db


def test_thresholds_are_notified_once() -> None:
    project = worked_example()  # 75 % spent, CPI 0.80
    project.status = "active"
    project.save(update_fields=["status"])
    on_budget = make_project(manager=make_manager(), budget=Decimal("1000"), status="planning")
    make_task(project=on_budget, work_minutes=60, percent_complete=90)
    expense(on_budget, day=dt.date(2027, 1, 5), amount="850")  # 85 % spent, CPI 900 ÷ 850 ≥ 1
    template = make_project(manager=make_manager(), budget=Decimal("10"), is_template=True)
    expense(template, day=dt.date(2027, 1, 5), amount="50")  # templates are not watched
    assert budget_alerts_send(today=STATUS) == 2
    rows = {(n.recipient_id, n.key, n.title) for n in Notification.objects.filter(kind="budget_alert")}
    assert rows == {
        (project.manager_id, f"budget:{project.pk}:cpi-0.9",
         f"{project.code}: over budget for the work done (CPI below 0.9)"),
        (on_budget.manager_id, f"budget:{on_budget.pk}:spent-80", f"{on_budget.code}: 80 % of the budget spent"),
    }
    first = Notification.objects.get(key=f"budget:{on_budget.pk}:spent-80")
    assert first.body == f"{on_budget.name}: 850.00 EUR spent: 85.0 % of the budget of 1,000.00 EUR."
    assert first.url == f"/delivery/projects/{on_budget.pk}/budget/"
    # A second run the same day sends nothing.
    assert budget_alerts_send(today=STATUS) == 0
    # By 22 January the first project spent 83,500 of 100,000 (8,000 of time and 500 of
    # expenses on the 21st) and the second 1,050 of 1,000 for 900 earned (CPI 0.86).
    expense(on_budget, day=dt.date(2027, 1, 21), amount="200")
    assert budget_alerts_send(today=dt.date(2027, 1, 22)) == 3
    assert sorted(Notification.objects.filter(kind="budget_alert").values_list("key", flat=True)) == sorted([
        f"budget:{project.pk}:cpi-0.9", f"budget:{project.pk}:spent-80",
        f"budget:{on_budget.pk}:spent-80", f"budget:{on_budget.pk}:spent-100", f"budget:{on_budget.pk}:cpi-0.9"])
    # A new manager is not told of crossings already reported.
    project.manager = make_manager()
    project.save(update_fields=["manager"])
    assert budget_alerts_send(today=dt.date(2027, 1, 22)) == 0
    assert Notification.objects.filter(kind="budget_alert").count() == 5


def test_the_job_is_registered_daily() -> None:
    discover()
    job = DAILY_JOBS["tandem.delivery.tasks.budget_alerts_notify"]
    assert job.at == dt.time(7, 0)
