"""Contract services: numbering, lifecycle, negotiation rounds, milestones and billing,
won → contract → project request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import (
    Contract,
    NegotiationRound,
    ProjectRequest,
    RevenueEntry,
)
from tandem.commercial.services.contracts import add_months, round_history
from tandem.core.errors import PermissionDeniedError
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_opportunity
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test")


@pytest.fixture
def account(am):
    return make_account(owner=am, currency="USD")


def _contract(am, account, **data):
    fields = {"title": "Managed service", "start_date": dt.date(2031, 1, 1), "end_date": dt.date(2031, 12, 31),
              "value": Decimal("12000.00"), **data}
    return services.contract_create(actor=am, account=account, data=fields)


def test_contracts_are_numbered_per_start_year_and_start_as_drafts(am, account):
    first = _contract(am, account)
    second = _contract(am, account)
    other_year = _contract(am, account, start_date=dt.date(2032, 2, 1), end_date=None)
    assert [first.number, second.number, other_year.number] == ["C-2031-0001", "C-2031-0002", "C-2032-0001"]
    assert (first.status, first.currency, first.owner) == ("draft", "USD", am)


def test_lifecycle_follows_draft_negotiation_active_expired(am, account):
    contract = _contract(am, account)
    contract = services.contract_start_negotiation(actor=am, contract=contract)
    contract = services.contract_activate(actor=am, contract=contract, signed_on=dt.date(2030, 12, 20))
    assert (contract.status, contract.signed_on) == ("active", dt.date(2030, 12, 20))
    contract = services.contract_expire(actor=am, contract=contract, today=dt.date(2032, 1, 1))
    assert contract.status == "expired"


@pytest.mark.parametrize(
    ("status", "move", "message"),
    [
        ("draft", "activate", "A draft contract cannot become active: it can only go into negotiation."),
        ("draft", "terminate", "A draft contract cannot be terminated: it can only go into negotiation."),
        ("negotiation", "expire", "A contract in negotiation cannot expire: it can only become active."),
        ("active", "negotiate", "An active contract cannot go into negotiation: it can only expire or be terminated."),
        ("expired", "activate", "An expired contract cannot become active: it is closed and no longer changes."),
        ("terminated", "expire", "A terminated contract cannot expire: it is closed and no longer changes."),
    ],
)
def test_any_other_move_is_refused_with_a_clear_message(am, account, status, move, message):
    contract = _contract(am, account)
    Contract.objects.filter(pk=contract.pk).update(status=status)
    contract.refresh_from_db()
    calls = {
        "activate": lambda: services.contract_activate(actor=am, contract=contract),
        "terminate": lambda: services.contract_terminate(actor=am, contract=contract, reason="Budget cut"),
        "expire": lambda: services.contract_expire(actor=am, contract=contract, today=dt.date(2033, 1, 1)),
        "negotiate": lambda: services.contract_start_negotiation(actor=am, contract=contract),
    }
    with pytest.raises(ValidationError) as error:
        calls[move]()
    assert error.value.message_dict == {"status": [message]}
    contract.refresh_from_db()
    assert (contract.status, contract.version) == (status, 1)


def test_an_active_contract_expires_only_after_its_end_and_terminates_with_a_reason(am, account):
    contract = _contract(am, account)
    contract = services.contract_start_negotiation(actor=am, contract=contract)
    contract = services.contract_activate(actor=am, contract=contract)
    with pytest.raises(ValidationError) as error:
        services.contract_expire(actor=am, contract=contract, today=dt.date(2031, 12, 31))
    assert error.value.messages == ["The contract runs until 31 Dec 2031: terminate it to end it early."]
    with pytest.raises(ValidationError):
        services.contract_terminate(actor=am, contract=contract, reason="  ")
    ended = services.contract_terminate(actor=am, contract=contract, reason="Client merged", on=dt.date(2031, 6, 30))
    assert (ended.status, ended.terminated_on, ended.termination_reason) == ("terminated", dt.date(2031, 6, 30), "Client merged")
    with pytest.raises(ValidationError):
        services.contract_update(actor=am, contract=ended, data={"title": "Changed"})


def test_another_account_manager_may_not_add_or_change_contracts(am, account):
    other = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    with pytest.raises(PermissionDeniedError):
        _contract(other, account)
    contract = _contract(am, account)
    with pytest.raises(PermissionDeniedError):
        services.contract_update(actor=other, contract=contract, data={"title": "Mine now"})
    contract.refresh_from_db()
    assert (Contract.objects.count(), contract.title, contract.version) == (1, "Managed service", 1)


def test_rounds_are_numbered_counter_each_other_and_acceptance_sets_the_contract_value(am, account):
    contract = _contract(am, account, value=Decimal("0"))
    first = services.negotiation_round_create(
        actor=am, contract=contract, data={"value": Decimal("15000.00"), "monthly_amount": Decimal("1250.00")}
    )
    contract.refresh_from_db()
    assert (contract.status, first.number, first.party, first.proposed_by) == ("negotiation", 1, "us", am)
    second = services.negotiation_round_create(
        actor=am, contract=contract,
        data={"party": "client", "client_contact_name": "Dana Buyer", "value": Decimal("12000.00"), "monthly_amount": Decimal("1000.00")},
    )
    third = services.negotiation_round_create(
        actor=am, contract=contract, data={"value": Decimal("13500.00"), "monthly_amount": Decimal("1125.00"), "terms": "Net 30"}
    )
    assert list(NegotiationRound.objects.filter(contract=contract).values_list("number", "outcome")) == [
        (1, "countered"), (2, "countered"), (3, "pending"),
    ]
    with pytest.raises(ValidationError):  # not the latest
        services.negotiation_round_update(actor=am, negotiation_round=second, data={"outcome": "accepted"})
    with pytest.raises(ValidationError):  # activating with a pending proposal
        services.contract_activate(actor=am, contract=Contract.objects.get(pk=contract.pk))
    services.negotiation_round_update(actor=am, negotiation_round=third, data={"outcome": "accepted"})
    contract.refresh_from_db()
    assert (contract.value, contract.monthly_amount) == (Decimal("13500.00"), Decimal("1125.00"))
    history = round_history(list(NegotiationRound.objects.filter(contract=contract)))
    assert [row["delta"] for row in history] == [None, Decimal("-3000.00"), Decimal("1500.00")]
    services.contract_activate(actor=am, contract=contract)
    with pytest.raises(ValidationError) as error:
        services.negotiation_round_create(actor=am, contract=Contract.objects.get(pk=contract.pk), data={"value": Decimal(1)})
    assert error.value.messages == ["The negotiation is over: the contract is active."]


def test_billing_a_milestone_writes_its_revenue_once(am, account):
    contract = _contract(am, account)
    milestone = services.billing_milestone_create(
        actor=am, contract=contract, data={"name": "Go-live", "due_date": dt.date(2031, 6, 30), "amount": Decimal("4000.00")}
    )
    with pytest.raises(ValidationError):  # a draft does not bill
        services.billing_milestone_bill(actor=am, milestone=milestone, on=dt.date(2031, 7, 3))
    contract = services.contract_start_negotiation(actor=am, contract=contract)
    services.contract_activate(actor=am, contract=contract)
    milestone.refresh_from_db()
    entry = services.billing_milestone_bill(actor=am, milestone=milestone, on=dt.date(2031, 7, 3))
    assert (entry.kind, entry.month, entry.amount, entry.currency, entry.account_id) == (
        "milestone", dt.date(2031, 7, 1), Decimal("4000.00"), "USD", account.pk,
    )
    milestone.refresh_from_db()
    assert milestone.billed_on == dt.date(2031, 7, 3)
    with pytest.raises(ValidationError):
        services.billing_milestone_bill(actor=am, milestone=milestone, on=dt.date(2031, 7, 4))
    with pytest.raises(ValidationError):
        services.billing_milestone_delete(actor=am, milestone=milestone)
    with pytest.raises(ValidationError):
        services.billing_milestone_update(actor=am, milestone=milestone, data={"amount": Decimal("1")})
    assert RevenueEntry.objects.filter(milestone=milestone).count() == 1


def test_convert_a_won_opportunity_once(am, account):
    open_deal = make_opportunity(account=account, owner=am)
    with pytest.raises(ValidationError) as error:
        services.opportunity_convert(actor=am, opportunity=open_deal)
    assert error.value.messages == ["Only a won opportunity becomes a contract and a project request."]
    won = make_opportunity(
        account=account, owner=am, stage_name="Closed won", name="Data platform", amount=Decimal("48000.00"),
        currency="USD", pricing_strategy="retainer", expected_close_date=dt.date(2031, 3, 15),
    )
    first = services.opportunity_convert(actor=am, opportunity=won)
    assert (first.created_contract, first.created_project_request) == (True, True)
    contract, request = first.contract, first.project_request
    assert (contract.status, contract.value, contract.currency, contract.pricing_strategy, contract.kind) == (
        "draft", Decimal("48000.00"), "USD", "retainer", "retainer",
    )
    assert (contract.opportunity_id, contract.start_date, contract.end_date) == (won.pk, dt.date(2031, 3, 15), dt.date(2032, 3, 14))
    assert (request.budget, request.contract_id, request.status, request.name) == (Decimal("48000.00"), contract.pk, "open", "Data platform")
    again = services.opportunity_convert(actor=am, opportunity=won)
    assert (again.contract.pk, again.project_request.pk, again.created_contract, again.created_project_request) == (
        contract.pk, request.pk, False, False,
    )
    assert (Contract.objects.count(), ProjectRequest.objects.count()) == (1, 1)
    accepted = services.project_request_accept(actor=am, project_request=request)
    assert accepted.status == "accepted"
    with pytest.raises(ValidationError):
        services.project_request_accept(actor=am, project_request=accepted)


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(dt.date(2031, 1, 31), 1) == dt.date(2031, 2, 28)
    assert add_months(dt.date(2031, 11, 30), 3) == dt.date(2032, 2, 29)
    assert add_months(dt.date(2031, 12, 31), 12) == dt.date(2032, 12, 31)
