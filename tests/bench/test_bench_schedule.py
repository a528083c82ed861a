"""P6's plan builder and its oracle, on a small plan (the measure itself builds 10,000
tasks: `tandem bench --only P6`)."""

from __future__ import annotations

import pytest

from tandem.bench.measures.schedule import build_plan, longest_path_minutes
from tandem.delivery.models import Dependency, Task
from tandem.delivery.scheduling import schedule
from tandem.delivery.services import project_reschedule
from tandem.delivery.services.schedule import plan_load
from tests.delivery.factories import make_project

pytestmark = pytest.mark.django_db


def test_the_plan_and_the_networkx_oracle_agree() -> None:
    project = make_project()
    tasks, links = build_plan(project, phases=20, per_phase=9)
    assert (tasks, Task.objects.filter(project=project).count()) == (200, 200)
    assert links == Dependency.objects.filter(project=project).count() == 396
    assert list(Task.objects.filter(project=project, parent=None).values_list("wbs", flat=True)[:3]) == ["1", "2", "3"]
    expected, path = longest_path_minutes(project)
    plan = plan_load(project)
    result = schedule(plan.tasks, plan.links, plan.calendar, plan.origin)
    assert result.finish_offset == expected
    assert path <= set(result.critical_path)
    # The stored side writes every task once, then nothing when nothing moved.
    project_reschedule(project=project)
    assert not Task.objects.filter(project=project, early_start__isnull=True).exists()
