"""The demo's risk registers: 4–10 risks per active or planning project, some occurred
with contingency tasks, some closed, relationship risks, 90 days of exposure, SWOTs."""

from __future__ import annotations

import pytest
from django.db.models import Count

from tandem.core import demo
from tandem.delivery.models import Project, ProjectStatus
from tandem.governance.models import Risk, RiskExposure, RiskStatus, SwotAnalysis, SwotItem
from tests.commercial.test_demo import restore_seeded_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True)
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def test_registers_statuses_history_and_swots(demo_db) -> None:  # type: ignore[no-untyped-def]
    per_project = dict(Risk.objects.filter(project__isnull=False).values_list("project").annotate(n=Count("id"))
                       .values_list("project", "n"))
    live = set(Project.objects.filter(status__in=[ProjectStatus.ACTIVE, ProjectStatus.PLANNING], is_template=False)
               .values_list("pk", flat=True))
    assert per_project and set(per_project) <= live
    swot_risks = set(SwotItem.objects.filter(risk__isnull=False).values_list("risk_id", flat=True))
    for project_id, count in per_project.items():
        own = Risk.objects.filter(project_id=project_id).exclude(pk__in=swot_risks).count()
        assert 4 <= own <= 10, (project_id, count)
    assert Risk.objects.filter(status=RiskStatus.OCCURRED, contingency_task__isnull=False).exists()
    assert Risk.objects.filter(status=RiskStatus.CLOSED).exists()
    assert Risk.objects.filter(project__isnull=True).exists()
    some_project = next(iter(per_project))
    assert RiskExposure.objects.filter(project_id=some_project).count() == 90
    assert SwotAnalysis.objects.filter(project__isnull=False).exists()
    assert SwotAnalysis.objects.filter(account__isnull=False).exists()
    assert SwotItem.objects.filter(risk__isnull=False).exists()
