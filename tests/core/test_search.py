"""Global search: full-text matching on SQLite (FTS5) and PostgreSQL (tsvector), kept in
step by the services, and scoped to what the user may see."""

import pytest

from tandem.clients import services
from tandem.clients.models import Account, Contact
from tandem.core import search
from tandem.core.models import SearchEntry
from tandem.core.roles import Role
from tests.clients.factories import make_account, make_contact
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


def titles(hits):
    return [(hit.label, hit.title) for hit in hits]


def test_prefix_words_match_and_diacritics_fold(account_manager):
    make_account(owner=account_manager, name="Zoë Müller Consulting", city="Zürich")
    make_account(owner=account_manager, name="Acme London")
    assert titles(search.search(actor=account_manager, query="mull")) == [("Account", "Zoë Müller Consulting")]
    assert titles(search.search(actor=account_manager, query="acm lon")) == [("Account", "Acme London")]
    assert titles(search.search(actor=account_manager, query="acme paris")) == []


def test_contacts_found_by_name_email_and_account(account_manager):
    account = make_account(owner=account_manager, name="Initech")
    make_contact(account=account, first_name="Peter", last_name="Gibbons", email="peter@initech.example")
    assert titles(search.search(actor=account_manager, query="gibb")) == [("Contact", "Peter Gibbons")]
    assert titles(search.search(actor=account_manager, query="peter@initech")) == [("Contact", "Peter Gibbons")]
    assert ("Contact", "Peter Gibbons") in titles(search.search(actor=account_manager, query="initech"))


def test_results_are_scoped_to_what_the_user_may_see(account_manager, member, executive):
    outsider = make_user(role=Role.ACCOUNT_MANAGER, team=make_team(name="Elsewhere"))
    make_account(owner=outsider, name="Hidden Holdings")
    assert search.search(actor=account_manager, query="hidden") == []
    assert search.search(actor=member, query="hidden") == []
    assert titles(search.search(actor=executive, query="hidden")) == [("Account", "Hidden Holdings")]


def test_index_follows_updates_and_deletes(account_manager):
    account = make_account(owner=account_manager, name="Old Name Ltd")
    contact = make_contact(account=account, last_name="Keeper")
    services.account_update(actor=account_manager, account=account, data={"name": "Brand New Ltd"})
    assert titles(search.search(actor=account_manager, query="old name")) == []
    assert ("Account", "Brand New Ltd") in titles(search.search(actor=account_manager, query="brand"))
    entry = SearchEntry.objects.get(object_id=contact.pk, content_type__model="contact")
    assert "Brand New Ltd" in entry.text
    services.contact_delete(actor=account_manager, contact=Contact.objects.get(pk=contact.pk))
    assert search.search(actor=account_manager, query="keeper") == []


def test_query_syntax_cannot_be_injected(account_manager):
    make_account(owner=account_manager, name="Quote Co")
    for query in ['"', "quo*) OR (", "NEAR(quote", "quote & !", "'; DROP TABLE core_searchentry; --", "a"]:
        search.search(actor=account_manager, query=query)
    assert titles(search.search(actor=account_manager, query='"quote"')) == [("Account", "Quote Co")]
    assert SearchEntry.objects.filter(content_type__model="account").count() == 1


def test_bulk_index_and_constant_queries(account_manager, django_assert_num_queries):
    rows = [Account(name=f"Bulk {n}", owner=account_manager) for n in range(30)]
    Account.objects.bulk_create(rows)
    assert search.index_many(Account, Account.objects.all()) == 30
    search.search(actor=account_manager, query="bulk")  # warm the content-type cache
    with django_assert_num_queries(len(search.registered_types())):
        hits = search.search(actor=account_manager, query="bulk", limit_per_type=5)
    assert len(hits) == 5
