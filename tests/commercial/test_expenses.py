"""Expenses: who records, changes and sees them (an expense is a cost)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import Expense
from tandem.commercial.selectors.expenses import ExpenseFilters, expense_list
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_expense
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(users_by_role):
    am = users_by_role[Role.ACCOUNT_MANAGER]
    mate = make_user(role=Role.ACCOUNT_MANAGER, email="mate@example.test", team=am.person.team)
    return {"am": am, "mate": mate, "own": make_account(owner=am, currency="GBP"), "mates": make_account(owner=mate)}


def test_the_owner_records_an_expense_in_the_accounts_currency(accounts):
    expense = services.expense_create(
        actor=accounts["am"], account=accounts["own"],
        data={"date": dt.date(2031, 2, 1), "description": " Train to Leeds ", "amount": Decimal("84.50"), "category": "Travel"},
    )
    assert (expense.currency, expense.description, expense.amount, expense.version) == ("GBP", "Train to Leeds", Decimal("84.50"), 1)


@pytest.mark.parametrize("who", ["mate", Role.EXECUTIVE, Role.PROJECT_MANAGER, Role.MEMBER])
def test_others_may_not_record_and_nothing_is_written(accounts, users_by_role, who):
    actor = accounts.get(who) or users_by_role[who]
    with pytest.raises(PermissionDeniedError):
        services.expense_create(
            actor=actor, account=accounts["own"], data={"date": dt.date(2031, 2, 1), "description": "X", "amount": Decimal("1")}
        )
    assert Expense.objects.count() == 0


def test_update_is_version_checked_and_refused_to_a_team_mate(accounts):
    expense = make_expense(account=accounts["own"], amount=Decimal("10.00"))
    with pytest.raises(PermissionDeniedError):
        services.expense_update(actor=accounts["mate"], expense=expense, data={"amount": Decimal("99")})
    changed = services.expense_update(actor=accounts["am"], expense=expense, data={"amount": Decimal("12.00")}, expected_version=1)
    assert (changed.amount, changed.version) == (Decimal("12.00"), 2)
    with pytest.raises(ConflictError):
        services.expense_update(actor=accounts["am"], expense=expense, data={"amount": Decimal("1")}, expected_version=1)
    expense.refresh_from_db()
    assert (expense.amount, expense.version) == (Decimal("12.00"), 2)


def test_unknown_and_negative_values_are_refused(accounts):
    with pytest.raises(ValidationError) as error:
        services.expense_create(actor=accounts["am"], account=accounts["own"], data={"account": accounts["mates"]})
    assert list(error.value.message_dict) == ["account"]
    with pytest.raises(ValidationError) as error:
        services.expense_create(
            actor=accounts["am"], account=accounts["own"], data={"date": dt.date(2031, 1, 1), "description": "X", "amount": Decimal("-1")}
        )
    assert "amount" in error.value.message_dict or "__all__" in error.value.message_dict
    assert Expense.objects.count() == 0


def test_delete_by_the_owner_only(accounts):
    expense = make_expense(account=accounts["own"])
    with pytest.raises(PermissionDeniedError):
        services.expense_delete(actor=accounts["mate"], expense=expense)
    assert Expense.objects.filter(pk=expense.pk).exists()
    services.expense_delete(actor=accounts["am"], expense=expense, expected_version=1)
    assert not Expense.objects.filter(pk=expense.pk).exists()


def test_the_list_shows_each_role_only_the_expenses_whose_costs_it_may_see(accounts, users_by_role):
    own = make_expense(account=accounts["own"], date=dt.date(2031, 1, 2), category="Travel")
    mates = make_expense(account=accounts["mates"], date=dt.date(2031, 1, 3))
    seen = {who: list(expense_list(actor=user)) for who, user in {**users_by_role, "mate": accounts["mate"]}.items()}
    assert seen[Role.ADMIN] == seen[Role.EXECUTIVE] == [mates, own]
    assert seen[Role.ACCOUNT_MANAGER] == [own]
    assert seen["mate"] == [mates]
    assert seen[Role.PROJECT_MANAGER] == seen[Role.MEMBER] == []
    admin = users_by_role[Role.ADMIN]
    assert list(expense_list(actor=admin, filters=ExpenseFilters(category="travel"))) == [own]
    assert list(expense_list(actor=admin, filters=ExpenseFilters(date_from=dt.date(2031, 1, 3)))) == [mates]
    assert expense_list(actor=users_by_role[Role.ACCOUNT_MANAGER], for_count=True).count() == 1
