"""The stakeholder register: services (duplicates, contacts of the client only,
permissions with nothing changed), the Stakeholders tab with its grid, and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.governance.models import Stakeholder
from tandem.governance.services import raci as services
from tests.clients.factories import make_account, make_contact
from tests.conftest import client_for
from tests.factories import make_user
from tests.governance.factories_raci import make_raci_world

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_a_duplicate_is_refused_with_a_sentence_naming_the_field() -> None:
    world = make_raci_world(rows=0)
    manager, project, user = world["manager"], world["project"], make_user()
    services.stakeholder_add(actor=manager, project=project, user=user)
    with pytest.raises(ValidationError) as error:
        services.stakeholder_add(actor=manager, project=project, user=user)
    assert error.value.message_dict == {"user": ["This person is already a stakeholder of the project."]}
    services.stakeholder_add(actor=manager, project=project, contact=world["contact"])
    with pytest.raises(ValidationError) as error:
        services.stakeholder_add(actor=manager, project=project, contact=world["contact"])
    assert error.value.message_dict == {"contact": ["This person is already a stakeholder of the project."]}
    assert Stakeholder.objects.filter(project=project).count() == 2


def test_only_contacts_of_the_projects_client_and_none_on_an_internal_project() -> None:
    world = make_raci_world(rows=0)
    stranger = make_contact(account=make_account())
    with pytest.raises(ValidationError) as error:
        services.stakeholder_add(actor=world["manager"], project=world["project"], contact=stranger)
    assert error.value.message_dict == {"contact": ["Choose a contact of the project's client."]}
    internal = make_raci_world(rows=0, with_account=False)
    with pytest.raises(ValidationError):
        services.stakeholder_add(actor=internal["manager"], project=internal["project"], contact=stranger)
    assert Stakeholder.objects.count() == 0


def test_update_checks_the_version_and_remove_deletes() -> None:
    world = make_raci_world(rows=0)
    item = services.stakeholder_add(actor=world["manager"], project=world["project"], user=make_user())
    updated = services.stakeholder_update(actor=world["manager"], stakeholder=item,
                                          data={"influence": 5, "interest": 4}, expected_version=1)
    assert (updated.influence, updated.interest, updated.version) == (5, 4, 2)
    with pytest.raises(ConflictError):
        services.stakeholder_update(actor=world["manager"], stakeholder=Stakeholder.objects.get(pk=item.pk),
                                    data={"influence": 1}, expected_version=1)
    services.stakeholder_remove(actor=world["manager"], stakeholder=updated)
    assert Stakeholder.objects.count() == 0


def test_a_team_member_may_not_write_and_nothing_changes() -> None:
    world = make_raci_world(rows=0)
    member = world["members"][0]
    item = services.stakeholder_add(actor=world["manager"], project=world["project"], user=make_user())
    for call in (
        lambda: services.stakeholder_add(actor=member, project=world["project"], user=make_user()),
        lambda: services.stakeholder_update(actor=member, stakeholder=item, data={"influence": 1}),
        lambda: services.stakeholder_remove(actor=member, stakeholder=item),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    assert list(Stakeholder.objects.values_list("pk", "influence", "version")) == [(item.pk, 3, 1)]


def test_the_tab_shows_the_grid_and_the_table_in_bounded_queries() -> None:
    world = make_raci_world(rows=0)
    manager, project = world["manager"], world["project"]
    services.stakeholder_add(actor=manager, project=project, contact=world["contact"],
                             data={"role": "Sponsor", "influence": 5, "interest": 5})
    client = client_for(manager)
    url = reverse("governance:project_stakeholders", kwargs={"project_id": project.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert "Manage closely" in html and "Keep satisfied" in html and "Keep informed" in html and "Monitor" in html
    assert 'href="?influence=5&amp;interest=5#stakeholder-table"' in html
    for index in range(20):
        services.stakeholder_add(actor=manager, project=project, user=make_user(),
                                 data={"influence": 1 + index % 5, "interest": 1 + index % 3})
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(few) == len(many) <= 12
    assert html.count('data-testid="stakeholder-row"') == 21
    filtered = client.get(url + "?influence=5&interest=5").content.decode()
    assert filtered.count('data-testid="stakeholder-row"') == 1


def test_the_tab_adds_edits_in_place_and_removes() -> None:
    world = make_raci_world(rows=0)
    manager, project, user = world["manager"], world["project"], make_user(full_name="Sam Sponsor")
    client = client_for(manager)
    url = reverse("governance:project_stakeholders", kwargs={"project_id": project.pk})
    form = {"person": f"user:{user.pk}", "role": "Sponsor", "influence": "5", "interest": "4", "channel": "meeting",
            "frequency": "monthly", "receives_status_reports": "on"}
    assert client.post(url, form).status_code == 302
    duplicate = client.post(url, form)
    assert duplicate.status_code == 422
    assert "This person is already a stakeholder of the project." in duplicate.content.decode()
    item = Stakeholder.objects.get(project=project)
    edit = reverse("governance:stakeholder_edit", kwargs={"stakeholder_id": item.pk})
    response = client.post(edit, {**form, "influence": "2", "version": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="stakeholder-{item.pk}"')
    item.refresh_from_db()
    assert (item.influence, item.channel, item.frequency) == (2, "meeting", "monthly")
    client.post(reverse("governance:stakeholder_delete", kwargs={"stakeholder_id": item.pk}))
    assert Stakeholder.objects.count() == 0


def test_a_refused_in_place_edit_answers_its_edit_row_with_the_reason() -> None:
    """HTMX gets the edit row alone (422, swapped in place by governance/raci.js, which
    the tab loads); a plain POST gets the edit page; nothing is saved either way."""
    world = make_raci_world(rows=0)
    manager, project = world["manager"], world["project"]
    item = services.stakeholder_add(actor=manager, project=project, user=make_user(full_name="Sam Sponsor"),
                                    data={"role": "Sponsor", "influence": 4, "interest": 4})
    client = client_for(manager)
    edit = reverse("governance:stakeholder_edit", kwargs={"stakeholder_id": item.pk})
    form = {"role": "Sponsor", "influence": "9", "interest": "4", "channel": "email", "frequency": "monthly",
            "version": str(item.version)}
    partial = client.post(edit, form, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert partial.status_code == 422
    assert html.lstrip().startswith('<tr id="stakeholder-edit-row">') and "<html" not in html
    assert '<div class="col-12 alert alert-danger mb-1" role="alert">Give the influence from 1 (low) to 5 (high).</div>' in html
    assert f'hx-post="{edit}" hx-target="closest tr" hx-swap="outerHTML"' in html
    page = client.post(edit, form)
    assert page.status_code == 422 and "<html" in page.content.decode()
    assert "Give the influence from 1 (low) to 5 (high)." in page.content.decode()
    stale = client.post(edit, {**form, "influence": "2", "version": "99"}, headers={"HX-Request": "true"})
    assert stale.status_code == 409 and stale.content.decode().lstrip().startswith('<tr id="stakeholder-edit-row">')
    item.refresh_from_db()
    assert (item.influence, item.version) == (4, 1)
    tab = client.get(reverse("governance:project_stakeholders", kwargs={"project_id": project.pk})).content.decode()
    assert "governance/raci" in tab and "raci.js" in tab


def test_the_api_lists_creates_updates_and_deletes() -> None:
    world = make_raci_world(rows=0)
    manager, project = world["manager"], world["project"]
    client = client_for(manager)
    created = client.post(f"{API}/projects/{project.pk}/stakeholders", {
        "contact_id": world["contact"].pk, "role": "Sponsor", "influence": 5, "interest": 5, "channel": "meeting"},
        content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert (body["person"], body["role"], body["influence"], body["channel"], body["version"]) == (
        f"contact:{world['contact'].pk}", "Sponsor", 5, "meeting", 1)
    again = client.post(f"{API}/projects/{project.pk}/stakeholders", {"contact_id": world["contact"].pk},
                        content_type="application/json")
    assert again.status_code == 422
    assert again.json()["error"]["fields"] == {"contact_id": ["This person is already a stakeholder of the project."]}
    listed = client.get(f"{API}/projects/{project.pk}/stakeholders").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    patched = client.patch(f"{API}/stakeholders/{body['id']}", {"version": 1, "interest": 2},
                           content_type="application/json")
    assert (patched.status_code, patched.json()["interest"], patched.json()["version"]) == (200, 2, 2)
    stale = client.patch(f"{API}/stakeholders/{body['id']}", {"version": 1, "interest": 3},
                         content_type="application/json")
    assert stale.status_code == 409
    member = client_for(world["members"][0])
    assert member.get(f"{API}/stakeholders/{body['id']}").status_code == 200
    assert member.delete(f"{API}/stakeholders/{body['id']}").status_code == 403
    assert client.delete(f"{API}/stakeholders/{body['id']}").status_code == 204
    assert Stakeholder.objects.count() == 0
