"""The bulk import services and the single-record services agree, rule by rule (STYLE
rule 12): the same input fed to ``account_create`` / ``contact_create`` and to
``accounts_import`` / ``contacts_import`` (and through the file importer) gives the
same outcome: the same record, or the same refusal with the same message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from tandem.clients import selectors
from tandem.clients.models import (
    CONTROL_CHARACTER_MESSAGE,
    Account,
    AccountStatusChange,
    CadenceRule,
    Contact,
)
from tandem.clients.services import account_create, contact_create
from tandem.clients.services.imports import (
    AccountImportRow,
    ContactImportRow,
    ImportProblem,
    accounts_import,
    contacts_import,
    import_session,
)
from tandem.core.errors import NotFoundError, PermissionDeniedError
from tandem.core.roles import Role
from tandem.integrations.importing.runner import run_import
from tests.clients.factories import make_account
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

OWNER_MESSAGE = "You can assign accounts only to yourself or people in your team."


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    home, other = make_team(name="Home"), make_team(name="Other")
    return {
        "admin": make_user(role=Role.ADMIN, email="admin@x.test"),
        "am": make_user(role=Role.ACCOUNT_MANAGER, email="am@x.test", full_name="Ann Manager", team=home),
        "colleague": make_user(role=Role.ACCOUNT_MANAGER, email="col@x.test", full_name="Cole League", team=home),
        "outsider": make_user(role=Role.ACCOUNT_MANAGER, email="out@x.test", full_name="Otto Side", team=other),
        "executive": make_user(role=Role.EXECUTIVE, email="exec@x.test"),
        "pm": make_user(role=Role.PROJECT_MANAGER, email="pm@x.test", team=home),
        "member": make_user(role=Role.MEMBER, email="member@x.test", team=home),
    }


def single_account(actor: Any, data: dict[str, Any], *, lifecycle: str = "prospect", at: dt.datetime | None = None,
                   external_id: str = "S1") -> tuple[str, Any]:
    """account_create's outcome: ("ok", account), ("invalid", {field: [messages]}) or
    ("denied", message)."""
    try:
        account = account_create(actor=actor, data=dict(data), lifecycle=lifecycle, lifecycle_at=at,
                                 source="salesforce", external_id=external_id)
    except ValidationError as exc:
        return "invalid", {("external_id" if k == NON_FIELD_ERRORS else k): v for k, v in exc.message_dict.items()}
    except PermissionDeniedError as exc:
        return "denied", str(exc)
    return "ok", account


def bulk_account(actor: Any, data: dict[str, Any], *, lifecycle: str = "prospect", external_id: str = "B1") -> tuple[str, Any]:
    """accounts_import's outcome for one row, in the same shape."""
    session = import_session(actor=actor, source="salesforce")
    row = AccountImportRow(row=2, external_id=external_id, data=dict(data), lifecycle=lifecycle)
    try:
        outcome = accounts_import(actor=actor, rows=[row], session=session)
    except PermissionDeniedError as exc:
        return "denied", str(exc)
    if outcome.problems:
        errors: dict[str, list[str]] = {}
        for problem in outcome.problems:
            errors.setdefault(problem.field, []).append(problem.message)
        return "invalid", errors
    return "ok", Account.objects.get(source="salesforce", external_id=external_id)


def both_accounts(actor: Any, data: dict[str, Any], **options: Any) -> tuple[tuple[str, Any], tuple[str, Any]]:
    before = Account.objects.count()
    single = single_account(actor, data, **options)
    bulk = bulk_account(actor, data, lifecycle=options.get("lifecycle", "prospect"))
    if single[0] != "ok":
        assert Account.objects.count() == before  # a refusal writes nothing, on both paths
    return single, bulk


# --- Owner assignment and who may own -----------------------------------------------------


def test_owner_of_another_team_is_refused_with_the_same_message(people):
    single, bulk = both_accounts(people["am"], {"name": "Acme", "owner": people["outsider"]})
    assert single == bulk == ("invalid", {"owner": [OWNER_MESSAGE]})
    assert Account.objects.count() == 0


def test_owner_in_the_team_is_accepted_by_both(people):
    single, bulk = both_accounts(people["am"], {"name": "Acme", "owner": people["colleague"]})
    assert (single[0], bulk[0]) == ("ok", "ok")
    assert single[1].owner == bulk[1].owner == people["colleague"]


@pytest.mark.parametrize(("actor", "owner"), [("am", "am"), ("admin", None)])
def test_default_owner_is_the_same(people, actor, owner):
    single, bulk = both_accounts(people[actor], {"name": "Acme"})
    expected = people[owner] if owner else None
    assert single[1].owner == bulk[1].owner == expected


def test_an_owner_who_is_not_an_account_manager_is_refused_alike(people):
    single, bulk = both_accounts(people["admin"], {"name": "Acme", "owner": people["member"]})
    assert single == bulk == ("invalid", {"owner": ["The owner must be an active account manager."]})


# --- Lifecycle and check-in ---------------------------------------------------------------


@pytest.mark.parametrize("lifecycle", ["prospect", "active", "churned"])
def test_lifecycle_and_check_in_dates_are_the_same(people, lifecycle):
    CadenceRule.objects.update_or_create(tier="standard", defaults={"check_in_days": 45})
    session = import_session(actor=people["am"], source="salesforce")
    accounts_import(actor=people["am"], rows=[AccountImportRow(2, "B1", {"name": "Bulk"}, lifecycle)], session=session)
    bulk = Account.objects.get(external_id="B1")
    _, single = single_account(people["am"], {"name": "Single"}, lifecycle=lifecycle, at=session.now)
    fields = ("lifecycle", "lifecycle_changed_at", "customer_since", "churned_on", "check_in_due_at", "tier", "owner_id")
    assert [getattr(bulk, name) for name in fields] == [getattr(single, name) for name in fields]
    expected_due = None if lifecycle == "churned" else session.now + dt.timedelta(days=45)
    assert bulk.check_in_due_at == expected_due
    assert list(AccountStatusChange.objects.filter(account=bulk).values_list("from_status", "to_status", "changed_at")) == [
        ("", lifecycle, session.now)
    ]


def test_an_unknown_lifecycle_is_refused_alike(people):
    single, bulk = both_accounts(people["admin"], {"name": "Acme"}, lifecycle="dormant")
    assert single == bulk == ("invalid", {"lifecycle": ["Lifecycle must be one of prospect, active, churned."]})


# --- Field validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "Evil\x00Co"}, {"name": [CONTROL_CHARACTER_MESSAGE]}),
        ({"name": "Line\nbreak"}, {"name": [CONTROL_CHARACTER_MESSAGE]}),
        ({"name": ""}, {"name": ["This field cannot be blank."]}),
        ({"name": "A" * 201}, {"name": ["Ensure this value has at most 200 characters (it has 201)."]}),
        ({"name": "Acme", "website": "https://not a url"}, {"website": ["Enter a valid URL."]}),
        ({"name": "Acme", "phone": "1" * 51}, {"phone": ["Ensure this value has at most 50 characters (it has 51)."]}),
    ],
)
def test_account_field_rules_are_the_same(people, data, errors):
    single, bulk = both_accounts(people["admin"], data)
    assert single == bulk == ("invalid", errors)


def test_the_cleaning_is_the_same(people):
    single, bulk = both_accounts(people["admin"], {"name": "  Acme  ", "website": "https://www.Acme.example/about"})
    assert (single[1].name, single[1].domain) == (bulk[1].name, bulk[1].domain) == ("Acme", "acme.example")


def test_a_record_id_taken_by_a_hidden_account_is_refused_alike(people):
    hidden = make_account(owner=people["outsider"], name="Hidden")
    Account.objects.filter(pk=hidden.pk).update(source="salesforce", external_id="X1")
    single = single_account(people["am"], {"name": "Mine"}, external_id="X1")
    bulk = bulk_account(people["am"], {"name": "Mine"}, external_id="X1")
    assert single == bulk == ("invalid", {"external_id": ["Account with this Source and External id already exists."]})
    hidden.refresh_from_db()
    assert (hidden.name, Account.objects.count()) == ("Hidden", 1)


# --- Permissions for each role ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", "ok"), ("am", "ok"), ("executive", "denied"), ("pm", "denied"), ("member", "denied")],
)
def test_who_may_create_accounts(people, role, expected):
    single, bulk = both_accounts(people[role], {"name": "Acme"})
    assert (single[0], bulk[0]) == (expected, expected)
    if expected == "denied":
        assert single[1] == bulk[1] == "You may not create a account."


def single_contact(actor: Any, account_id: int, data: dict[str, Any]) -> tuple[str, Any]:
    """The single-record path of a contact: find the account through the selector, then
    contact_create; "missing" when the account is not found (hidden or absent)."""
    try:
        account = selectors.account_get(actor=actor, account_id=account_id)
    except NotFoundError:
        return "missing", None
    try:
        contact = contact_create(actor=actor, account=account, data=dict(data), source="salesforce", external_id="SC1")
    except ValidationError as exc:
        return "invalid", exc.message_dict
    except PermissionDeniedError as exc:
        return "denied", str(exc)
    return "ok", contact


def bulk_contact(actor: Any, account_ref: str, data: dict[str, Any], *, by_name: str = "") -> tuple[str, Any]:
    row = ContactImportRow(row=2, external_id="BC1", data=dict(data), account_external_id=account_ref, account_name=by_name)
    outcome = contacts_import(actor=actor, rows=[row], session=import_session(actor=actor, source="salesforce"))
    if not outcome.problems:
        return "ok", Contact.objects.get(external_id="BC1")
    first = outcome.problems[0]
    if first.field in {"account_external_id", "account_name"}:
        if first.message.startswith(("No account", "Several")):
            return "missing", first
        return "denied", first.message
    errors: dict[str, list[str]] = {}
    for problem in outcome.problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return "invalid", errors


@pytest.fixture
def home_account(people):
    account = make_account(owner=people["am"], name="Home Co")
    Account.objects.filter(pk=account.pk).update(source="salesforce", external_id="H1")
    return account


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", "ok"), ("am", "ok"), ("colleague", "ok"), ("outsider", "missing"), ("executive", "denied"),
     ("pm", "missing"), ("member", "missing")],
)
def test_who_may_add_contacts_to_an_account(people, home_account, role, expected):
    data = {"first_name": "Jo", "last_name": "Smith"}
    single = single_contact(people[role], home_account.pk, data)
    bulk = bulk_contact(people[role], "H1", data)
    assert (single[0], bulk[0]) == (expected, expected)
    if expected == "denied":
        assert single[1] == bulk[1] == "You may not change this account."


# --- A hidden account is answered exactly like a missing one ------------------------------


@pytest.mark.parametrize("by", ["record id", "name"])
def test_hidden_and_missing_accounts_get_the_same_answer(people, by):
    hidden = make_account(owner=people["outsider"], name="Secret Client")
    Account.objects.filter(pk=hidden.pk).update(source="salesforce", external_id="S9")
    reference = ("S9", "") if by == "record id" else ("", "Secret Client")
    data = {"last_name": "Smith"}
    answer_hidden = bulk_contact(people["am"], reference[0], data, by_name=reference[1])
    hidden.delete()
    answer_missing = bulk_contact(people["am"], reference[0], data, by_name=reference[1])
    assert answer_hidden == answer_missing
    assert answer_hidden[0] == "missing"
    assert Contact.objects.count() == 0


def test_a_name_shared_with_a_hidden_account_is_not_ambiguous(people):
    mine = make_account(owner=people["am"], name="Twin")
    make_account(owner=people["outsider"], name="twin")
    assert bulk_contact(people["am"], "", {"last_name": "Smith"}, by_name="TWIN")[1].account == mine
    assert bulk_contact(people["admin"], "", {"last_name": "Smith"}, by_name="twin") == (
        "missing", ImportProblem(2, "account_name", "Several accounts have this name.")
    )


def test_file_answers_for_hidden_and_missing_accounts_are_identical(people):
    hidden = make_account(owner=people["outsider"], name="Secret Client")
    Account.objects.filter(pk=hidden.pk).update(source="salesforce", external_id="S9")
    data = b"Id,AccountId,Company Name,LastName\nC1,S9,,Smith\nC2,S8,,Jones\nC3,,Secret Client,Lee\nC4,,Nobody Inc,Kim\n"
    job = run_import(actor=people["am"], source="salesforce", data=data, file_name="Contact.csv")
    assert job.errors == [
        {"row": 2, "column": "AccountId", "message": "No account with record id 'S9' from this source."},
        {"row": 3, "column": "AccountId", "message": "No account with record id 'S8' from this source."},
        {"row": 4, "column": "Company Name", "message": "No account named 'Secret Client'."},
        {"row": 5, "column": "Company Name", "message": "No account named 'Nobody Inc'."},
    ]


# --- Contact fields -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"last_name": "Smith", "email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
        ({"last_name": "Smith", "phone": "1" * 51}, {"phone": ["Ensure this value has at most 50 characters (it has 51)."]}),
        ({"last_name": "Smith", "mobile": "2" * 51}, {"mobile": ["Ensure this value has at most 50 characters (it has 51)."]}),
        ({"last_name": "Sm\x00ith"}, {"last_name": [CONTROL_CHARACTER_MESSAGE]}),
        ({"first_name": "J\x1bo", "last_name": "Smith"}, {"first_name": [CONTROL_CHARACTER_MESSAGE]}),
        ({"first_name": "Jo", "last_name": "  "}, {"last_name": ["This field cannot be blank."]}),
    ],
)
def test_contact_field_rules_are_the_same(people, home_account, data, errors):
    single = single_contact(people["am"], home_account.pk, data)
    bulk = bulk_contact(people["am"], "H1", data)
    assert single == bulk == ("invalid", errors)
    assert Contact.objects.count() == 0


def test_contact_cleaning_is_the_same(people, home_account):
    data = {"first_name": " Jo ", "last_name": "Smith ", "email": " JO@Acme.Example ", "phone": "+44 20 1234"}
    single = single_contact(people["am"], home_account.pk, data)[1]
    bulk = bulk_contact(people["am"], "H1", data)[1]
    fields = ("first_name", "last_name", "email", "phone", "account_id", "is_primary")
    assert [getattr(single, f) for f in fields] == [getattr(bulk, f) for f in fields] == [
        "Jo", "Smith", "jo@acme.example", "+44 20 1234", home_account.pk, False,
    ]


def test_the_file_importer_refuses_another_teams_owner_with_the_service_message(people):
    data = b"Id,Name,Owner Email\nA1,Acme,out@x.test\nA2,Globex,col@x.test\n"
    job = run_import(actor=people["am"], source="salesforce", data=data, file_name="Account.csv")
    assert job.status == "invalid"
    assert job.errors == [{"row": 2, "column": "Owner Email", "message": OWNER_MESSAGE}]
    assert Account.objects.count() == 0
