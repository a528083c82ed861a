"""``tandem.core.web.form_save``: a page's service write for a bound form, with a stale
version and a service ``ValidationError`` turned into that form's errors."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from tandem.core.errors import ConflictError
from tandem.core.web import form_save
from tandem.people import services as people_services
from tandem.people.models import Team, User
from tests.factories import make_team

pytestmark = pytest.mark.django_db

CONFLICT_MESSAGE = ConflictError().message


class TeamNameForm(forms.Form):
    name = forms.CharField(max_length=100)
    on = forms.DateField(required=False)
    version = forms.IntegerField()


def rename_team(actor: User, team: Team, form: forms.Form) -> Any:
    return lambda: people_services.team_update(
        actor=actor,
        team=team,
        data={"name": form.cleaned_data["name"]},
        expected_version=form.cleaned_data["version"],
    )


def test_success_returns_what_the_service_returned(admin_user: User) -> None:
    team = make_team(name="Design")
    form = TeamNameForm({"name": "Research", "version": team.version})

    result = form_save(form, rename_team(admin_user, team, form))

    assert (result.saved, result.status, result.conflict) == (True, 200, False)
    assert result.value is team
    assert result.value.version == 2
    assert Team.objects.get(pk=team.pk).name == "Research"
    assert form.errors == {}


def test_a_stale_version_is_a_409_with_the_message_on_top_and_nothing_saved(
    admin_user: User,
) -> None:
    team = make_team(name="Design")
    people_services.team_update(
        actor=admin_user, team=Team.objects.get(pk=team.pk), data={"name": "Ops"}
    )
    form = TeamNameForm({"name": "Research", "version": 1})

    result = form_save(form, rename_team(admin_user, team, form))

    assert (result.saved, result.status, result.conflict) == (False, 409, True)
    assert form.errors == {NON_FIELD_ERRORS: [CONFLICT_MESSAGE]}
    assert Team.objects.filter(pk=team.pk).values_list("name", "version").get() == ("Ops", 2)
    with pytest.raises(AttributeError):
        _ = result.value


def test_a_validation_error_lands_on_its_field(admin_user: User) -> None:
    make_team(name="Research")
    team = make_team(name="Design")
    form = TeamNameForm({"name": "research", "version": team.version})

    result = form_save(form, rename_team(admin_user, team, form))

    assert (result.saved, result.status, result.conflict) == (False, 200, False)
    assert form.errors == {"name": ["A team with this name already exists."]}
    assert Team.objects.filter(pk=team.pk).values_list("name", "version").get() == ("Design", 1)


def test_a_field_the_form_does_not_show_goes_on_top_and_field_names_map_service_names() -> None:
    form = TeamNameForm({"name": "Research", "version": 1})

    def refuse() -> None:
        raise ValidationError({"at": "Not in the future.", "budget": "Too high."})

    result = form_save(form, refuse, field_names={"at": "on"})

    assert (result.saved, result.status, result.conflict) == (False, 200, False)
    assert form.errors == {"on": ["Not in the future."], NON_FIELD_ERRORS: ["Too high."]}


def test_an_unbound_or_invalid_form_is_not_written() -> None:
    calls: list[str] = []

    def write() -> str:
        calls.append("written")
        return "written"

    unbound = form_save(TeamNameForm(), write)
    invalid_form = TeamNameForm({"name": "", "version": "x"})
    invalid = form_save(invalid_form, write)

    assert calls == []
    assert (unbound.saved, unbound.status, unbound.conflict) == (False, 200, False)
    assert (invalid.saved, invalid.status, invalid.conflict) == (False, 200, False)
    assert set(invalid_form.errors) == {"name", "version"}


def test_other_errors_propagate() -> None:
    form = TeamNameForm({"name": "Research", "version": 1})

    def fail() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        form_save(form, fail)
