"""Moving a deliverable's acceptance state: the form on the project page (the project's
manager only), ``POST /api/v1/deliverables/{id}/acceptance``, and the RACI matrix's
Informed hearing of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.models import Notification
from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Deliverable
from tandem.governance.services.raci import raci_cell_set, raci_row_add
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
API = "/api/v1"


@pytest.fixture
def world() -> dict[str, Any]:
    manager = make_manager(full_name="Pia Manager")
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    outsider = make_manager(full_name="Otto Other")
    project = make_project(manager=manager, code="ACC-1")
    services.project_member_add(actor=manager, project=project, user=member)
    deliverable = Deliverable.objects.create(project=project, name="Handbook")
    return {"manager": manager, "member": member, "outsider": outsider, "project": project, "deliverable": deliverable}


def _url(deliverable: Deliverable) -> str:
    return reverse("delivery:deliverable_acceptance", kwargs={"deliverable_id": deliverable.pk})


def _state(deliverable: Deliverable) -> tuple[Any, ...]:
    return tuple(Deliverable.objects.filter(pk=deliverable.pk).values_list(
        "acceptance_state", "accepted_on", "accepted_by", "version").get())


def _api(user: Any, deliverable: Deliverable, body: dict[str, Any]) -> Any:
    return client_for(user).post(f"{API}/deliverables/{deliverable.pk}/acceptance", body,
                                 content_type="application/json")


# --- The page ---------------------------------------------------------------------------


def test_the_manager_sees_the_form_a_member_sees_the_badge_only(world) -> None:
    page = reverse("delivery:project_detail", kwargs={"project_id": world["project"].pk})
    html = client_for(world["manager"]).get(page).content.decode()
    assert html.count('data-testid="deliverable-acceptance-form"') == 1
    assert f'<label class="form-label small mb-1" for="deliverable-{world["deliverable"].pk}-state">' in html
    assert f'for="deliverable-{world["deliverable"].pk}-accepted-by"' in html
    member_html = client_for(world["member"]).get(page).content.decode()
    assert 'data-testid="deliverable-acceptance-form"' not in member_html
    assert "Not yet delivered</span>" in member_html


def test_the_manager_accepts_it_and_gets_the_section_back(world) -> None:
    deliverable = world["deliverable"]
    response = client_for(world["manager"]).post(_url(deliverable), {
        "acceptance_state": "accepted", "accepted_by": "  Ann Client ", "version": deliverable.version}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="deliverables"' in html and 'id="plan"' not in html
    assert "Handbook is now accepted." in html
    assert "1 of 1 accepted" in html
    assert _state(deliverable) == ("accepted", timezone.localdate(), "Ann Client", deliverable.version + 1)


def test_without_htmx_it_redirects_back_with_the_message(world) -> None:
    deliverable = world["deliverable"]
    client = client_for(world["manager"])
    response = client.post(_url(deliverable), {"acceptance_state": "submitted", "version": deliverable.version})
    assert response.status_code == 302
    assert response["Location"] == f"/delivery/projects/{world['project'].pk}/#deliverables"
    assert _state(deliverable) == ("submitted", None, "", deliverable.version + 1)
    assert "Handbook is now waiting for acceptance." in client.get(response["Location"]).content.decode()


def test_a_member_gets_403_an_outsider_404_and_nothing_changes(world) -> None:
    deliverable = world["deliverable"]
    before = _state(deliverable)
    body = {"acceptance_state": "accepted", "version": deliverable.version}
    assert client_for(world["member"]).post(_url(deliverable), body, **HX).status_code == 403
    assert client_for(world["outsider"]).post(_url(deliverable), body, **HX).status_code == 404
    assert _state(deliverable) == before


def test_a_stale_version_answers_409_and_changes_nothing(world) -> None:
    deliverable = world["deliverable"]
    before = _state(deliverable)
    response = client_for(world["manager"]).post(_url(deliverable), {
        "acceptance_state": "rejected", "version": deliverable.version + 3}, **HX)
    assert response.status_code == 409
    assert "Handbook was changed by someone else since you loaded the page" in response.content.decode()
    assert _state(deliverable) == before


def test_an_unknown_state_is_named(world) -> None:
    deliverable = world["deliverable"]
    before = _state(deliverable)
    response = client_for(world["manager"]).post(_url(deliverable), {
        "acceptance_state": "lost", "version": deliverable.version}, **HX)
    assert response.status_code == 200
    assert "Choose not yet delivered, waiting for acceptance, accepted or rejected." in response.content.decode()
    assert _state(deliverable) == before


# --- The API ----------------------------------------------------------------------------


def test_the_api_moves_it_and_answers_the_deliverable(world) -> None:
    deliverable = world["deliverable"]
    response = _api(world["manager"], deliverable, {
        "acceptance_state": "accepted", "accepted_by": "Ann Client", "version": deliverable.version})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": deliverable.pk, "project_id": world["project"].pk, "name": "Handbook", "description": "",
        "due_date": None, "acceptance_state": "accepted", "accepted_on": timezone.localdate().isoformat(),
        "accepted_by": "Ann Client", "task_id": None, "version": deliverable.version + 1,
    }


def test_the_api_refuses_a_member_an_outsider_a_stale_version_and_a_bad_state(world) -> None:
    deliverable = world["deliverable"]
    before = _state(deliverable)
    body = {"acceptance_state": "rejected", "version": deliverable.version}
    assert _api(world["member"], deliverable, body).status_code == 403
    assert _api(world["outsider"], deliverable, body).status_code == 404
    stale = _api(world["manager"], deliverable, {**body, "version": deliverable.version + 3})
    assert stale.status_code == 409
    bad = _api(world["manager"], deliverable, {**body, "acceptance_state": "lost"})
    assert bad.status_code == 422
    assert list(bad.json()["error"]["fields"]) == ["acceptance_state"]
    assert _api(world["manager"], deliverable, {**body, "colour": "red"}).status_code == 422
    assert _state(deliverable) == before


# --- The RACI matrix's Informed hear it ---------------------------------------------------


def test_the_rows_informed_are_notified_once_per_move(world) -> None:
    manager, member, deliverable = world["manager"], world["member"], world["deliverable"]
    other = Deliverable.objects.create(project=world["project"], name="Training")
    row = raci_row_add(actor=manager, project=world["project"], kind="deliverable", deliverable=deliverable)
    raci_cell_set(actor=manager, row=row, person=f"user:{member.pk}", letter="I")
    deliverable.refresh_from_db()
    response = client_for(manager).post(_url(deliverable), {
        "acceptance_state": "submitted", "version": deliverable.version}, **HX)
    assert response.status_code == 200
    deliverable.refresh_from_db()
    assert _api(manager, deliverable, {"acceptance_state": "accepted", "version": deliverable.version}).status_code == 200
    deliverable.refresh_from_db()
    # No move, no news; another deliverable's move is not this row's news.
    assert _api(manager, deliverable, {"acceptance_state": "accepted", "version": deliverable.version}).status_code == 200
    assert _api(manager, other, {"acceptance_state": "rejected", "version": other.version}).status_code == 200
    assert list(Notification.objects.filter(kind="raci_informed").order_by("pk").values_list(
        "recipient_id", "title")) == [
        (member.pk, "Handbook is now waiting for acceptance"), (member.pk, "Handbook is now accepted")]


def test_leaving_accepted_clears_the_day_and_the_name(world) -> None:
    deliverable = world["deliverable"]
    services.deliverable_set_acceptance(actor=world["manager"], deliverable=deliverable, state="accepted",
                                        accepted_by="Ann Client")
    deliverable.refresh_from_db()
    response = _api(world["manager"], deliverable, {"acceptance_state": "rejected", "version": deliverable.version})
    assert response.status_code == 200
    assert (response.json()["acceptance_state"], response.json()["accepted_on"], response.json()["accepted_by"]) == (
        "rejected", None, "")
    assert _state(deliverable) == ("rejected", None, "", deliverable.version + 1)
