"""The demo's stakeholder maps and RACI matrices: complete for most active projects,
incomplete (a row without A, a row with two) for every fifth."""

from __future__ import annotations

import pytest

from tandem.core import demo
from tandem.delivery.models import Project, ProjectStatus
from tandem.governance.models import Stakeholder
from tandem.governance.selectors.raci import NO_ACCOUNTABLE, raci_matrix
from tests.commercial.test_demo import restore_seeded_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True)
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def test_active_projects_have_stakeholder_maps_and_checked_matrices(demo_db) -> None:  # type: ignore[no-untyped-def]
    projects = list(Project.objects.filter(status=ProjectStatus.ACTIVE).select_related("manager").order_by("pk"))
    assert projects
    sponsors = Stakeholder.objects.filter(role="Sponsor", influence=5, interest=5, receives_status_reports=True)
    assert sponsors.count() == sum(1 for project in projects if project.account_id and project.account.contacts.exists())
    for index, project in enumerate(projects):
        matrix = raci_matrix(project=project)
        assert matrix.rows, project.code
        problems = [problem for line in matrix.rows for problem in line.check.problems]
        if index % 5 == 3:
            assert NO_ACCOUNTABLE in matrix.rows[0].check.problems
            assert any(problem.startswith("Only one person can be Accountable") for problem in matrix.rows[1].check.problems)
        elif len(matrix.people) > 1:
            assert problems == [], (project.code, problems)
