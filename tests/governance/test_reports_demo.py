"""The status reports demo step: a report every two weeks for active projects (at most
twelve each), a RAG history with greens, ambers and reds, the late projects amber or red
at the end, and one current draft per active project of the project manager login."""

from __future__ import annotations

import pytest
from django.db.models import Count

from tandem.core import demo
from tandem.delivery.models import Project
from tandem.governance.models import StatusReport
from tests.commercial.test_demo import restore_seeded_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True,
                      steps=["people", "clients", "commercial", "delivery", "governance-reports"])
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def test_reports_with_a_believable_history(demo_db) -> None:  # type: ignore[no-untyped-def]
    published = StatusReport.objects.filter(status="published")
    assert published.exists()
    per_project = published.values("project").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_project) <= 12
    overall = {rag: published.filter(overall_rag=rag).count() for rag in ("green", "amber", "red")}
    assert overall["green"] > overall["amber"] > 0 and overall["red"] > 0
    for project in Project.objects.filter(status="active", status_reports__status="published").distinct():
        finish = project.scheduled_finish.date() if project.scheduled_finish else None
        if finish and project.due_date and finish > project.due_date:
            last = published.filter(project=project).order_by("-period_end").first()
            assert last.schedule_rag in ("amber", "red")
    drafts = StatusReport.objects.filter(status="draft")
    assert drafts.count() == Project.objects.filter(status="active", manager__email="pm@example.com").count() >= 1
    assert all(draft.project.manager.email == "pm@example.com" for draft in drafts)
    assert all(fact["url"] for fact in published.first().facts)
