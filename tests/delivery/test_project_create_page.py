"""The "New project" page: blank or from a template; project managers only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tandem.core.roles import Role
from tandem.delivery.models import Project, Task
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = "/delivery/projects/new/"


def test_the_url_and_who_opens_it() -> None:
    assert reverse("delivery:project_create") == URL
    assert client_for(make_user(role=Role.MEMBER)).get(URL).status_code == 403
    assert client_for(make_user(role=Role.ACCOUNT_MANAGER)).get(URL).status_code == 403
    html = client_for(make_manager()).get(URL).content.decode()
    for label in ("Code", "Name", "Account", "Project manager", "Start date", "Due date", "Budget", "Billing",
                  "Template"):
        assert f">{label}</label>" in html


def test_a_project_from_a_template_with_its_plan() -> None:
    manager = make_manager(full_name="Pia Manager")
    template = make_project(manager=manager, code="TPL", name="Template", is_template=True)
    first = make_task(project=template, name="Kick-off", duration_minutes=480)
    second = make_task(project=template, name="Deliver", duration_minutes=960)
    make_dependency(first, second)
    response = client_for(manager).post(URL, {
        "code": "new-1", "name": "New one", "manager": manager.pk, "start_date": "2027-03-01",
        "due_date": "2027-04-01", "budget": "1000", "billing_type": "fixed_fee", "template": template.pk})
    project = Project.objects.get(code="NEW-1")
    assert response.status_code == 302 and response["Location"] == f"/delivery/projects/{project.pk}/"
    assert list(Task.objects.filter(project=project).values_list("wbs", "name")) == [("1", "Kick-off"), ("2", "Deliver")]
    deliver = Task.objects.get(project=project, name="Deliver")
    assert deliver.early_start.date() == dt.date(2027, 3, 2)
    assert (project.due_date, project.budget, project.manager) == (dt.date(2027, 4, 1), 1000, manager)


def test_errors_stand_by_their_field() -> None:
    manager = make_manager()
    make_project(manager=manager, code="TAKEN")
    response = client_for(manager).post(URL, {
        "code": "TAKEN", "name": "Again", "manager": manager.pk, "start_date": "2027-03-01",
        "due_date": "2027-02-01", "billing_type": "fixed_fee"})
    html = response.content.decode()
    assert response.status_code == 200 and "The code TAKEN is already used by another project." in html
    assert Project.objects.count() == 1
