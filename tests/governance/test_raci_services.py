"""The RACI services: rows, cells, permissions (nothing changed on a denial), the
``raci.updated`` event and the Informed notified of status changes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tandem.core import events
from tandem.core.errors import PermissionDeniedError
from tandem.core.models import Notification
from tandem.delivery import services as delivery_services
from tandem.governance.models import RaciCell, RaciRow
from tandem.governance.selectors.raci import raci_matrix
from tandem.governance.services import raci as services
from tests.delivery.factories import make_task
from tests.factories import make_user
from tests.governance.factories_raci import make_raci_world, set_letters

pytestmark = pytest.mark.django_db


def test_columns_are_the_manager_the_team_and_the_stakeholders_each_once() -> None:
    world = make_raci_world(people=3, rows=1)
    outsider = make_user(full_name="Zed Outsider")
    services.stakeholder_add(actor=world["manager"], project=world["project"], user=world["members"][0])
    services.stakeholder_add(actor=world["manager"], project=world["project"], user=outsider, data={"role": "Sponsor"})
    services.stakeholder_add(actor=world["manager"], project=world["project"], contact=world["contact"])
    people = raci_matrix(project=world["project"]).people
    assert [person.key for person in people] == [
        f"user:{world['manager'].pk}", f"user:{world['members'][0].pk}", f"user:{world['members'][1].pk}",
        f"user:{outsider.pk}", f"contact:{world['contact'].pk}"]


def test_set_change_and_clear_a_letter_keeps_one_cell_per_person() -> None:
    world = make_raci_world(rows=1)
    row, manager = world["rows"][0], world["manager"]
    services.raci_cell_set(actor=manager, row=row, person=f"user:{manager.pk}", letter="R")
    services.raci_cell_set(actor=manager, row=row, person=f"user:{manager.pk}", letter="a")
    assert list(RaciCell.objects.filter(row=row).values_list("user_id", "letter")) == [(manager.pk, "A")]
    assert services.raci_cell_set(actor=manager, row=row, person=f"user:{manager.pk}", letter="") is None
    assert RaciCell.objects.filter(row=row).count() == 0


def test_a_person_outside_the_matrix_and_a_wrong_letter_are_refused_by_field() -> None:
    world = make_raci_world(rows=1)
    row, manager = world["rows"][0], world["manager"]
    with pytest.raises(ValidationError) as error:
        services.raci_cell_set(actor=manager, row=row, person=f"user:{make_user().pk}", letter="R")
    assert error.value.message_dict == {"person": ["This person is not on the project's team or among its stakeholders."]}
    with pytest.raises(ValidationError) as error:
        services.raci_cell_set(actor=manager, row=row, person=f"user:{manager.pk}", letter="X")
    assert error.value.message_dict == {"letter": ["Choose R, A, C or I, or nothing."]}
    with pytest.raises(ValidationError) as error:
        services.raci_cell_set(actor=manager, row=row, person="someone", letter="R")
    assert error.value.message_dict == {"person": ["Choose a person of the matrix."]}
    assert RaciCell.objects.count() == 0


def test_a_team_member_may_not_write_and_nothing_changes() -> None:
    world = make_raci_world(rows=2)
    member, row = world["members"][0], world["rows"][0]
    set_letters(row, world["manager"], {member: "R"})
    before = list(RaciCell.objects.values_list("pk", "letter"))
    positions = list(RaciRow.objects.order_by("pk").values_list("pk", "position"))
    for call in (
        lambda: services.raci_cell_set(actor=member, row=row, person=f"user:{member.pk}", letter="A"),
        lambda: services.raci_row_add(actor=member, project=world["project"], kind="activity", activity="Review"),
        lambda: services.raci_row_move(actor=member, row=row, position=1),
        lambda: services.raci_row_remove(actor=member, row=row),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    assert list(RaciCell.objects.values_list("pk", "letter")) == before
    assert list(RaciRow.objects.order_by("pk").values_list("pk", "position")) == positions


def test_rows_are_added_once_moved_and_removed() -> None:
    world = make_raci_world(rows=3)
    manager, project = world["manager"], world["project"]
    with pytest.raises(ValidationError) as error:
        services.raci_row_add(actor=manager, project=project, kind="task", task=world["tasks"][0])
    assert error.value.message_dict == {"task": ["This task already has a row in the matrix."]}
    with pytest.raises(ValidationError) as error:
        services.raci_row_add(actor=manager, project=project, kind="activity", activity="  ")
    assert error.value.message_dict == {"activity": ["Name the activity."]}
    other_task = make_task(project=make_raci_world(rows=0)["project"])
    with pytest.raises(ValidationError) as error:
        services.raci_row_add(actor=manager, project=project, kind="task", task=other_task)
    assert error.value.message_dict == {"task": ["Pick one of this project's tasks."]}
    activity = services.raci_row_add(actor=manager, project=project, kind="activity", activity="Steering committee")
    assert activity.position == 3
    services.raci_row_move(actor=manager, row=activity, position=0)
    first, second, third = world["rows"]
    assert list(RaciRow.objects.filter(project=project).values_list("pk", flat=True)) == [
        activity.pk, first.pk, second.pk, third.pk]
    services.raci_row_remove(actor=manager, row=second)
    assert list(RaciRow.objects.filter(project=project).values_list("pk", flat=True)) == [
        activity.pk, first.pk, third.pk]


def test_setting_a_letter_publishes_raci_updated() -> None:
    world = make_raci_world(rows=1)
    heard: list[events.Event] = []
    sink = events.event_sink(heard.append)
    try:
        services.raci_cell_set(actor=world["manager"], row=world["rows"][0], person=f"user:{world['manager'].pk}",
                               letter="A")
    finally:
        events._SINKS.remove(sink)
    assert [(event.type, event.data["letter"], event.data["person"], event.project_id) for event in heard] == [
        ("raci.updated", "A", f"user:{world['manager'].pk}", world["project"].pk)]


@pytest.mark.django_db(transaction=True)
def test_the_informed_of_a_task_row_are_notified_of_its_status_change() -> None:
    world = make_raci_world(people=4, rows=2)
    manager, (informed, responsible, also_informed) = world["manager"], world["members"]
    first, second = world["rows"]
    set_letters(first, manager, {manager: "A", responsible: "R", informed: "I", also_informed: "I"})
    set_letters(second, manager, {manager: "I"})  # another row: not told of the first task's changes
    informed.email, also_informed.email = "informed@example.com", "also@example.com"
    informed.save(update_fields=["email"])
    also_informed.save(update_fields=["email"])
    mail.outbox.clear()
    delivery_services.task_update(actor=manager, task=world["tasks"][0], data={"status": "in_progress"})
    notifications = Notification.objects.filter(kind="raci_informed").order_by("recipient_id")
    assert sorted(item.recipient_id for item in notifications) == sorted([informed.pk, also_informed.pk])
    assert {item.title for item in notifications} == {"Task 00 is now in progress"}
    assert sorted(message.to[0] for message in mail.outbox) == ["also@example.com", "informed@example.com"]


def test_the_actor_who_changed_the_status_is_not_notified() -> None:
    world = make_raci_world(rows=1)
    manager = world["manager"]
    set_letters(world["rows"][0], manager, {manager: "I"})
    delivery_services.task_update(actor=manager, task=world["tasks"][0], data={"status": "in_progress"})
    assert Notification.objects.filter(kind="raci_informed").count() == 0


def test_a_deliverable_status_event_notifies_its_row_informed() -> None:
    world = make_raci_world(rows=0)
    manager, member = world["manager"], world["members"][0]
    from tandem.delivery.models import Deliverable

    deliverable = Deliverable.objects.create(project=world["project"], name="Handbook")
    row = services.raci_row_add(actor=manager, project=world["project"], kind="deliverable", deliverable=deliverable)
    set_letters(row, manager, {member: "I"})
    from tandem.delivery.services.projects import deliverable_set_acceptance

    deliverable_set_acceptance(actor=manager, deliverable=deliverable, state="accepted", accepted_by="Ann Client")
    deliverable_set_acceptance(actor=manager, deliverable=deliverable, state="accepted")  # no move: no news
    with pytest.raises(PermissionDeniedError):
        deliverable_set_acceptance(actor=member, deliverable=deliverable, state="rejected")
    deliverable.refresh_from_db()
    assert (deliverable.acceptance_state, deliverable.accepted_by) == ("accepted", "Ann Client")
    assert list(Notification.objects.filter(kind="raci_informed").values_list("recipient_id", "title")) == [
        (member.pk, "Handbook is now accepted")]
