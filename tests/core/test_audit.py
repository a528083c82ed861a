"""The audit trail (tandem.core.audit) as written by the generic services: one entry per
create, update and delete, with actor and old → new; none for a no-op; rolled back with
its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from tandem.core import audit
from tandem.core.models import AuditAction, AuditEntry
from tandem.core.services import model_create, model_delete, model_update
from tandem.people.models import AccessToken, Person, Team, User
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def entries_for(instance: object) -> list[AuditEntry]:
    content_type = ContentType.objects.get_for_model(type(instance))
    return list(
        AuditEntry.objects.filter(content_type=content_type, object_id=str(instance.pk)).order_by(
            "id"
        )  # type: ignore[attr-defined]
    )


def test_create_writes_one_entry_with_actor_and_new_values(admin_user: User) -> None:
    before = AuditEntry.objects.count()
    team = model_create(
        actor=admin_user, model=Team, data={"name": "Design", "description": "", "lead": admin_user}
    )
    assert AuditEntry.objects.count() == before + 1
    [entry] = entries_for(team)
    assert entry.action == AuditAction.CREATE
    assert entry.actor_id == admin_user.pk
    assert entry.object_repr == "Design"
    # Empty values are left out of a creation entry; foreign keys are recorded by id.
    assert entry.changes == {"name": [None, "Design"], "lead": [None, admin_user.pk]}


def test_update_writes_one_entry_with_old_and_new(admin_user: User) -> None:
    team = make_team(name="Design")
    model_update(actor=admin_user, instance=team, data={"name": "Studio", "description": "UX"})
    [created, updated] = entries_for(team)
    assert created.action == AuditAction.CREATE
    assert created.actor_id is None  # built by the command line (actor=None)
    assert updated.action == AuditAction.UPDATE
    assert updated.actor_id == admin_user.pk
    assert updated.changes == {"name": ["Design", "Studio"], "description": ["", "UX"]}
    assert updated.change_rows() == [("description", "", "UX"), ("name", "Design", "Studio")]


def test_update_without_a_change_writes_no_entry(admin_user: User) -> None:
    team = make_team(name="Design")
    count = AuditEntry.objects.count()
    model_update(actor=admin_user, instance=team, data={"name": "Design"})
    model_update(actor=admin_user, instance=team, data={})
    assert AuditEntry.objects.count() == count


def test_decimal_values_compare_at_column_precision(admin_user: User) -> None:
    user = make_user(cost_rate=Decimal("60.00"))
    person = Person.objects.get(user=user)
    count = AuditEntry.objects.count()
    model_update(actor=admin_user, instance=person, data={"cost_rate": Decimal("60")})
    assert AuditEntry.objects.count() == count
    model_update(actor=admin_user, instance=person, data={"cost_rate": "61.5"})
    assert entries_for(person)[-1].changes == {"cost_rate": ["60.00", "61.50"]}


def test_delete_writes_one_entry_with_old_values(admin_user: User) -> None:
    team = make_team(name="Design")
    team_id = team.pk
    model_delete(actor=admin_user, instance=team)
    assert not Team.objects.filter(pk=team_id).exists()
    entries = entries_for(team)
    assert [entry.action for entry in entries] == [AuditAction.CREATE, AuditAction.DELETE]
    deleted = entries[-1]
    assert deleted.object_id == str(team_id)
    assert deleted.actor_id == admin_user.pk
    assert deleted.changes == {"name": ["Design", None]}


def test_secrets_and_bookkeeping_fields_stay_out_of_history(admin_user: User) -> None:
    user = make_user(email="secret@example.test", full_name="Sam Secret")
    [created] = [e for e in entries_for(user) if e.action == AuditAction.CREATE]
    assert "password" not in created.changes
    assert "last_login" not in created.changes
    assert "version" not in created.changes
    assert "created_at" not in created.changes
    token = model_create(
        actor=admin_user,
        model=AccessToken,
        data={"user": user, "name": "ci", "prefix": "tdm_abc", "token_hash": "f" * 64},
    )
    [token_created] = entries_for(token)
    assert "token_hash" not in token_created.changes
    assert token_created.changes["name"] == [None, "ci"]


@pytest.mark.parametrize("action", ["create", "update", "delete"])
def test_entry_rolls_back_with_its_transaction(admin_user: User, action: str) -> None:
    team = make_team(name="Design")
    entries_before = AuditEntry.objects.count()
    teams_before = list(Team.objects.values_list("id", "name", "version").order_by("id"))
    with pytest.raises(Boom), transaction.atomic():
        if action == "create":
            model_create(actor=admin_user, model=Team, data={"name": "Ghost", "lead": None})
        elif action == "update":
            model_update(actor=admin_user, instance=team, data={"name": "Renamed"})
        else:
            model_delete(actor=admin_user, instance=team)
        assert AuditEntry.objects.count() == entries_before + 1  # written inside …
        raise Boom
    assert AuditEntry.objects.count() == entries_before  # … and gone with the rollback
    assert list(Team.objects.values_list("id", "name", "version").order_by("id")) == teams_before


def test_failed_validation_writes_nothing(admin_user: User) -> None:
    from django.core.exceptions import ValidationError

    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        model_create(actor=admin_user, model=Team, data={"name": ""})
    assert "name" in excinfo.value.message_dict
    assert AuditEntry.objects.count() == count
    assert Team.objects.count() == 0


def test_snapshot_is_json_safe() -> None:
    user = make_user(email="snap@example.test", full_name="Sid Snap")
    person = Person.objects.get(user=user)
    values = audit.snapshot(person)
    assert values["user"] == user.pk
    assert values["weekly_capacity_hours"] == "40.00"
    assert values["cost_rate"] == "60.00"
    assert values["working_days"] == 0b0011111
    user_values = audit.snapshot(user)
    assert user_values["email"] == "snap@example.test"
    assert isinstance(user_values["date_joined"], str)
    dt.datetime.fromisoformat(user_values["date_joined"])


def test_history_for_returns_newest_first_in_one_query(
    admin_user: User, django_assert_num_queries
) -> None:
    team = make_team(name="Design")
    model_update(actor=admin_user, instance=team, data={"name": "Studio"})
    model_update(actor=admin_user, instance=team, data={"name": "Atelier"})
    ContentType.objects.get_for_model(Team)  # warm the content-type cache
    with django_assert_num_queries(1):
        history = list(audit.history_for(team))
        names = [entry.actor.full_name if entry.actor else None for entry in history]
    assert [entry.action for entry in history] == ["update", "update", "create"]
    assert [entry.changes.get("name") for entry in history] == [
        ["Studio", "Atelier"],
        ["Design", "Studio"],
        [None, "Design"],
    ]
    assert names == ["Ada Admin", "Ada Admin", None]
