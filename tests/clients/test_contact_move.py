"""Moving a contact to another account from the contact page (clients:contact_move,
through ``contact_move``): only to accounts the user may change, both ends checked,
version-checked and audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.clients.models import Contact
from tandem.core.audit import history_for
from tandem.core.models import AuditAction
from tests.clients.factories import make_account, make_contact
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(owner, teammate, outsider):
    home = make_account(owner=owner, name="Acme Ltd")
    return {
        "home": home,
        "mine": make_account(owner=owner, name="Acme Holdings"),
        "team": make_account(owner=teammate, name="Acorn Team Co"),
        "foreign": make_account(owner=outsider, name="Acme North"),
        "contact": make_contact(account=home, first_name="Pat", last_name="Primary", is_primary=True),
    }


def move_url(contact: Contact) -> str:
    return reverse("clients:contact_move", kwargs={"contact_id": contact.pk})


def test_the_contact_page_offers_the_move_to_those_who_may_change_it(world, owner, executive):
    url = reverse("clients:contact_detail", kwargs={"contact_id": world["contact"].pk})
    assert move_url(world["contact"]) in client_for(owner).get(url).content.decode()
    assert move_url(world["contact"]) not in client_for(executive).get(url).content.decode()


def test_candidates_are_the_accounts_the_user_may_change_found_by_name(world, owner):
    client = client_for(owner)
    response = client.get(move_url(world["contact"]))
    assert response.status_code == 200
    assert [account.name for account in response.context["candidates"]] == ["Acme Holdings", "Acorn Team Co"]
    searched = client.get(move_url(world["contact"]), {"q": "holdings"})
    assert [account.name for account in searched.context["candidates"]] == ["Acme Holdings"]
    none = client.get(move_url(world["contact"]), {"q": "north"})
    assert none.context["candidates"] == []
    assert "No account you may change matches “north”." in none.content.decode()


def test_an_account_manager_moves_a_contact_to_a_team_account(world, owner):
    contact = world["contact"]
    response = client_for(owner).post(move_url(contact), {"account": world["team"].pk, "version": contact.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:contact_detail", kwargs={"contact_id": contact.pk})
    contact.refresh_from_db()
    assert (contact.account_id, contact.is_primary, contact.version) == (world["team"].pk, False, 2)
    entry = history_for(contact)[0]
    assert (entry.action, entry.actor_id, sorted(entry.changes)) == (AuditAction.UPDATE, owner.pk, ["account", "is_primary"])


@pytest.mark.parametrize("target", ["foreign", "missing"])
def test_an_account_the_user_may_not_change_or_that_does_not_exist_is_refused_alike(world, owner, target):
    contact = world["contact"]
    account_id = world["foreign"].pk if target == "foreign" else 987654
    response = client_for(owner).post(move_url(contact), {"account": account_id, "version": contact.version})
    assert response.status_code == 200
    assert response.context["form"].errors == {"account": ["Choose one of the accounts offered: you may change those."]}
    contact.refresh_from_db()
    assert (contact.account_id, contact.version) == (world["home"].pk, 1)


def test_a_stale_move_answers_409_and_changes_nothing(world, owner):
    contact = world["contact"]
    client = client_for(owner)
    client.post(move_url(contact), {"account": world["mine"].pk, "version": 1})
    response = client.post(move_url(contact), {"account": world["team"].pk, "version": 1})
    assert response.status_code == 409
    contact.refresh_from_db()
    assert (contact.account_id, contact.version) == (world["mine"].pk, 2)


@pytest.mark.parametrize("role", ["executive", "outsider", "member"])
def test_those_who_may_not_change_the_contact_are_refused_and_nothing_changes(world, role, request):
    user = request.getfixturevalue(role)
    contact = world["contact"]
    client = client_for(user)
    expected = 403 if role == "executive" else 404  # the executive sees the contact; the others do not
    assert client.get(move_url(contact)).status_code == expected
    assert client.post(move_url(contact), {"account": world["foreign"].pk, "version": 1}).status_code == expected
    contact.refresh_from_db()
    assert (contact.account_id, contact.version) == (world["home"].pk, 1)


def test_at_most_twenty_candidates_with_a_hint_to_narrow(world, owner):
    for number in range(20):
        make_account(owner=owner, name=f"Bulk {number:02d}")
    response = client_for(owner).get(move_url(world["contact"]))
    assert len(response.context["candidates"]) == 20 and response.context["more"] is True
    assert 'data-testid="move-more"' in response.content.decode()
    narrowed = client_for(owner).get(move_url(world["contact"]), {"q": "Bulk 1"})
    assert [account.name for account in narrowed.context["candidates"]] == [f"Bulk 1{n}" for n in range(10)]
    assert narrowed.context["more"] is False
