"""Global search pages: the top bar's as-you-type list (HTMX) and the results page, grouped
by type (People, Accounts, Contacts), scoped per role, with a constant query count."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from tandem.core import search
from tandem.core.roles import Role
from tandem.people import services as people_services
from tandem.people.models import User
from tests.clients.factories import make_account, make_contact
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

PREVIEW = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def outsider():
    return make_user(
        role=Role.ACCOUNT_MANAGER, email="other@example.test", full_name="Oscar Other", team=make_team(name="North")
    )


@pytest.fixture
def world(account_manager, outsider):
    own = make_account(owner=account_manager, name="Nimbus Analytics", domain="nimbus.example")
    make_contact(account=own, first_name="Nina", last_name="Nimbus", email="nina@nimbus.example")
    hidden = make_account(owner=outsider, name="Nimbus Secret Holdings")
    make_contact(account=hidden, first_name="Ned", last_name="Nimbus", email="ned@secret.example")
    make_user(role=Role.MEMBER, email="nimbus.fan@example.test", full_name="Nim Bustard", title="Nimbus liaison")
    return {"own": own, "hidden": hidden}


def groups(response) -> dict[str, list[str]]:
    return {group.heading: [hit.title for hit in group.hits] for group in response.context["groups"]}


def preview(client, query):
    return client.get(reverse("core:search"), {"q": query, "preview": "1"}, **PREVIEW)


def test_preview_groups_people_accounts_contacts_for_an_account_manager(account_manager, world):
    response = preview(client_for(account_manager), "nimb")
    assert response.status_code == 200
    assert groups(response) == {
        "People": ["Nim Bustard"],
        "Accounts": ["Nimbus Analytics"],
        "Contacts": ["Nina Nimbus"],
    }
    body = response.content.decode()
    assert "<html" not in body
    assert "Secret" not in body and "Ned" not in body
    assert f'href="/clients/accounts/{world["own"].pk}/"' in body
    assert 'aria-labelledby="search-preview-person"' in body
    assert '<p class="visually-hidden" role="status">3 results.</p>' in body
    assert 'href="/search/?q=nimb"' in body  # Enter / "All results"


def test_search_is_scoped_by_role(users_by_role, world):
    expectations = {
        Role.ADMIN: {"People": ["Nim Bustard"], "Accounts": ["Nimbus Analytics", "Nimbus Secret Holdings"],
                     "Contacts": ["Nina Nimbus", "Ned Nimbus"]},
        Role.EXECUTIVE: {"People": ["Nim Bustard"], "Accounts": ["Nimbus Analytics", "Nimbus Secret Holdings"],
                         "Contacts": ["Nina Nimbus", "Ned Nimbus"]},
        Role.ACCOUNT_MANAGER: {"People": ["Nim Bustard"], "Accounts": ["Nimbus Analytics"], "Contacts": ["Nina Nimbus"]},
        Role.PROJECT_MANAGER: {"People": ["Nim Bustard"]},
        Role.MEMBER: {"People": ["Nim Bustard"]},
    }
    for role, user in users_by_role.items():
        assert groups(client_for(user).get(reverse("core:search"), {"q": "nimbus"})) == expectations[role], role


def test_people_found_by_name_email_and_title_and_kept_in_step(admin_user, member):
    client = client_for(member)
    nim = User.objects.get(email="member@example.test")
    assert groups(client.get(reverse("core:search"), {"q": "mel memb"})) == {"People": ["Mel Member"]}
    assert groups(client.get(reverse("core:search"), {"q": "member@example"})) == {"People": ["Mel Member"]}
    people_services.user_update(actor=admin_user, user=nim, data={"title": "Quantity Surveyor"})
    assert groups(client.get(reverse("core:search"), {"q": "surveyor"})) == {"People": ["Mel Member"]}
    people_services.user_update(actor=admin_user, user=nim, data={"full_name": "Melanie Member"})
    assert groups(client.get(reverse("core:search"), {"q": "melanie"})) == {"People": ["Melanie Member"]}


def test_short_queries_answer_nothing(account_manager, world):
    client = client_for(account_manager)
    response = preview(client, "n")
    assert response.status_code == 200 and response.content == b""  # the box stays hidden
    response = client.get(reverse("core:search"), {"q": "n"})
    assert "Type at least two letters" in response.content.decode()
    response = client.get(reverse("core:search"), {"q": '"; DROP TABLE x; --'})
    assert response.status_code == 200


def test_results_page_and_one_type(account_manager, world):
    client = client_for(account_manager)
    for number in range(30):
        make_account(owner=account_manager, name=f"Nimbus Branch {number:02d}")
    response = client.get(reverse("core:search"), {"q": "nimbus"})
    accounts = response.context["groups"][1]
    assert accounts.heading == "Accounts" and len(accounts.hits) == 25 and accounts.has_more
    body = re.sub(r"\s+", " ", response.content.decode())
    assert 'href="/search/?q=nimbus&amp;type=account"' in body
    assert 'id="global-search" class="form-control form-control-sm" type="search" name="q" placeholder="Search" autocomplete="off" value="nimbus"' in body
    response = client.get(reverse("core:search"), {"q": "nimbus", "type": "account"})
    assert [group.heading for group in response.context["groups"]] == ["Accounts"]
    assert len(response.context["groups"][0].hits) == 31 and not response.context["groups"][0].has_more
    response = client.get(reverse("core:search"), {"q": "zzzz"})
    assert "Nothing you can see matches “zzzz”." in response.content.decode()


def test_preview_query_count_is_one_per_type(account_manager, world, django_assert_num_queries):
    client = client_for(account_manager)
    preview(client, "nimbus")  # content types cached
    # session, user, roles, then one query per registered type; no layout, no badge.
    with django_assert_num_queries(3 + len(search.registered_types())):
        preview(client, "nimbus")
    for number in range(20):
        make_account(owner=account_manager, name=f"Nimbus {number}")
    with django_assert_num_queries(3 + len(search.registered_types())):
        response = preview(client, "nimbus")
    assert len(response.context["groups"][1].hits) == 5


def test_top_bar_uses_the_global_search_and_the_people_search_is_gone(member):
    """The people-only search page was replaced by the global search: no route, no link."""
    client = client_for(member)
    body = client.get(reverse("home")).content.decode()
    assert 'action="/search/"' in body and 'hx-get="/search/"' in body
    assert "people/search" not in body
    with pytest.raises(NoReverseMatch):
        reverse("people:search")
    assert client.get("/people/search/", {"q": "mel"}).status_code == 404
