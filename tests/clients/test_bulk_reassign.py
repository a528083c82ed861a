"""Bulk reassign of account owners: the service (the rules of account_update per
account, one transaction, audited per account, hidden ids answered as missing ones),
the list's bulk action and the API endpoint; export of the selected rows."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.clients.models import Account
from tandem.clients.services import accounts_reassign
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.models import AuditEntry
from tests.clients.factories import make_account
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MISSING_ID = 987_654_321


def owners() -> dict[str, int | None]:
    return dict(Account.objects.values_list("name", "owner_id"))


@pytest.fixture
def book(owner, teammate, outsider):
    return {
        "acme": make_account(owner=owner, name="Acme Ltd"),
        "bolt": make_account(owner=owner, name="Bolt Works"),
        "cobalt": make_account(owner=teammate, name="Cobalt plc"),
        "hidden": make_account(owner=outsider, name="Hidden Holdings"),
    }


def owner_audits() -> list[tuple[str, list]]:
    entries = AuditEntry.objects.filter(content_type__model="account", action="update").order_by("id")
    return [(entry.object_repr, entry.changes["owner"]) for entry in entries if "owner" in entry.changes]


def test_reassign_gives_accounts_to_a_teammate_audited_per_account(owner, teammate, book, django_assert_num_queries):
    ids = [book["acme"].pk, book["bolt"].pk, book["cobalt"].pk]
    with django_assert_num_queries(3 + 11 * 2):
        # The outer savepoint, the scoped lookup (accounts with owners and profiles) and
        # its release; per account changed, account_update's 11: three savepoints and
        # their releases, the owner check of full_clean, the version-checked UPDATE, the
        # audit entry, the search entry (read, write). Cobalt (already the teammate's):
        # none.
        changed = accounts_reassign(actor=owner, account_ids=ids, owner=teammate)
    assert changed == 2  # Cobalt already was the teammate's
    assert owners() == {
        "Acme Ltd": teammate.pk, "Bolt Works": teammate.pk, "Cobalt plc": teammate.pk, "Hidden Holdings": book["hidden"].owner_id,
    }
    assert owner_audits() == [("Acme Ltd", [owner.pk, teammate.pk]), ("Bolt Works", [owner.pk, teammate.pk])]
    assert Account.objects.get(pk=book["acme"].pk).version == 2


def test_hidden_id_is_answered_as_a_missing_one_and_nothing_changes(owner, teammate, book):
    before = owners()
    messages = []
    for unknown in (book["hidden"].pk, MISSING_ID):
        with pytest.raises(ValidationError) as error:
            accounts_reassign(actor=owner, account_ids=[book["acme"].pk, unknown], owner=teammate)
        messages.append(error.value.message_dict["account_ids"][0].replace(str(unknown), "ID"))
    assert messages == ["No account with id ID.", "No account with id ID."]
    assert owners() == before and owner_audits() == []


def test_owner_outside_the_team_is_refused_naming_the_account(owner, outsider, book):
    before = owners()
    with pytest.raises(ValidationError) as error:
        accounts_reassign(actor=owner, account_ids=[book["acme"].pk], owner=outsider)
    assert error.value.message_dict == {
        "owner": ["Acme Ltd: You can assign accounts only to yourself or people in your team."]
    }
    assert owners() == before


def test_a_stale_account_rolls_back_the_whole_batch(owner, teammate, book):
    before = owners()
    Account.objects.filter(pk=book["bolt"].pk).update(version=5)
    with pytest.raises(ConflictError) as error:
        accounts_reassign(
            actor=owner, account_ids=[book["acme"].pk, book["bolt"].pk], owner=teammate,
            expected_versions={book["acme"].pk: 1, book["bolt"].pk: 4},
        )
    assert "Bolt Works" in error.value.message and error.value.current_version == 5
    assert owners() == before and owner_audits() == []  # Acme's change rolled back too


def test_roles_that_may_not_own_accounts_are_refused(executive, project_manager, owner, book):
    before = owners()
    for actor in (executive, project_manager):
        with pytest.raises(PermissionDeniedError):
            accounts_reassign(actor=actor, account_ids=[book["acme"].pk], owner=owner)
    assert owners() == before


def test_admin_may_reassign_across_teams(admin_user, outsider, book):
    assert accounts_reassign(actor=admin_user, account_ids=[book["acme"].pk, book["hidden"].pk], owner=outsider) == 1
    assert owners()["Acme Ltd"] == outsider.pk


# --- The list's bulk bar -----------------------------------------------------------------


def test_bulk_bar_reassigns_selected_accounts(owner, teammate, book):
    client = client_for(owner)
    page = client.get(reverse("clients:account_list"), {"view": "all"}).content.decode()
    assert 'data-testid="bulk-bar"' in page
    assert f'name="id" value="{book["acme"].pk}" form="account-results-bulk" aria-label="Select Acme Ltd"' in page
    assert f'<option value="{teammate.pk}">Tina Teammate</option>' in page
    response = client.post(
        reverse("clients:account_reassign"),
        {"id": [book["acme"].pk, book["bolt"].pk], "new_owner": teammate.pk, "next": "/clients/accounts/?view=all"},
        follow=True,
    )
    assert response.redirect_chain == [("/clients/accounts/?view=all", 302)]
    assert "2 accounts reassigned to Tina Teammate." in response.content.decode()
    assert owners()["Acme Ltd"] == teammate.pk and owners()["Bolt Works"] == teammate.pk


def test_bulk_bar_errors_change_nothing(owner, teammate, outsider, executive, book):
    before = owners()
    client = client_for(owner)
    response = client.post(
        reverse("clients:account_reassign"), {"id": [book["acme"].pk, book["hidden"].pk], "new_owner": teammate.pk}, follow=True
    )
    assert f"No account with id {book['hidden'].pk}." in response.content.decode()
    # An owner the actor may not pick is not offered, and refused if posted.
    response = client.post(reverse("clients:account_reassign"), {"id": [book["acme"].pk], "new_owner": outsider.pk}, follow=True)
    assert "Choose the account manager to give the accounts to." in response.content.decode()
    # Off-site "next" is ignored.
    response = client.post(reverse("clients:account_reassign"), {"id": [], "next": "https://evil.example/"})
    assert response["Location"] == "/clients/accounts/"
    assert client_for(executive).post(reverse("clients:account_reassign"), {"id": [book["acme"].pk], "new_owner": owner.pk}).status_code == 403
    assert owners() == before


def test_export_selected_holds_exactly_the_selected_visible_rows(owner, book):
    response = client_for(owner).get(
        reverse("clients:account_list"), {"id": [book["bolt"].pk, book["hidden"].pk, "junk"], "format": "csv"}
    )
    body = b"".join(response.streaming_content).decode("utf-8")[1:]
    rows = list(csv.reader(io.StringIO(body)))
    assert [row[0] for row in rows] == ["Name", "Bolt Works"]


# --- API --------------------------------------------------------------------------------


def post(client, body):
    response = client.post("/api/v1/accounts/reassign", data=json.dumps(body), content_type="application/json")
    return response.status_code, json.loads(response.content)


def test_api_reassign(owner, teammate, executive, book):
    client = client_for(owner)
    status, body = post(client, {"account_ids": [book["acme"].pk], "owner_id": teammate.pk, "versions": [1]})
    assert (status, body) == (200, {"changed": 1})
    before = owners()
    status, body = post(client, {"account_ids": [book["bolt"].pk, book["hidden"].pk], "owner_id": teammate.pk})
    assert status == 422
    assert body["error"]["fields"] == {"account_ids": [f"No account with id {book['hidden'].pk}."]}
    status, body = post(client, {"account_ids": [book["bolt"].pk], "owner_id": teammate.pk, "versions": [7]})
    assert status == 409 and "Bolt Works" in body["error"]["message"]
    status, body = post(client, {"account_ids": [book["bolt"].pk], "owner_id": teammate.pk, "versions": [1, 2]})
    assert status == 422
    status, body = post(client_for(executive), {"account_ids": [book["bolt"].pk], "owner_id": teammate.pk})
    assert status == 403
    assert owners() == before
