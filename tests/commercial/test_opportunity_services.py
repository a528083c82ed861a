"""The opportunity services: stage moves, winning and losing, lines and amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import OpportunityStatus
from tandem.commercial.services.opportunities import line_amount
from tandem.core.errors import PermissionDeniedError
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_product, stage
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test")


def test_line_amount_is_quantity_times_price_less_discount_to_the_cent():
    assert line_amount(Decimal("3"), Decimal("333.33"), Decimal("10")) == Decimal("899.99")  # 899.991
    assert line_amount(Decimal("1.5"), Decimal("0.03"), Decimal("0")) == Decimal("0.05")  # 0.045 half up


def test_a_new_opportunity_starts_at_the_first_stage_with_its_defaults(am):
    account = make_account(owner=am, currency="USD")
    opportunity = services.opportunity_create(
        actor=am, account=account, data={"name": "Phase 2", "amount": Decimal("5000"), "expected_close_date": dt.date(2031, 5, 1)}
    )
    assert (opportunity.stage.name, opportunity.status, opportunity.probability) == ("Qualification", "open", 10)
    assert (opportunity.owner, opportunity.currency, opportunity.closed_on) == (am, "USD", None)


def test_moving_to_won_closes_with_full_probability_and_back_reopens(am):
    account = make_account(owner=am)
    opportunity = services.opportunity_create(
        actor=am, account=account, data={"name": "Phase 2", "expected_close_date": dt.date(2031, 5, 1)}
    )
    won = services.opportunity_mark_won(actor=am, opportunity=opportunity, closed_on=dt.date(2031, 4, 2))
    assert (won.status, won.probability, won.forecast_category, won.closed_on) == ("won", 100, "closed", dt.date(2031, 4, 2))
    reopened = services.opportunity_move(actor=am, opportunity=won, stage=stage("Proposal"))
    assert (reopened.status, reopened.probability, reopened.forecast_category, reopened.closed_on) == (
        "open", 50, "best_case", None,
    )
    assert reopened.version == 3


def test_losing_needs_a_reason(am):
    opportunity = services.opportunity_create(
        actor=am, account=make_account(owner=am), data={"name": "X", "expected_close_date": dt.date(2031, 5, 1)}
    )
    with pytest.raises(ValidationError) as error:
        services.opportunity_mark_lost(actor=am, opportunity=opportunity, lost_reason=" ")
    assert "lost_reason" in error.value.message_dict
    lost = services.opportunity_mark_lost(actor=am, opportunity=opportunity, lost_reason="Went with a competitor")
    assert (lost.status, lost.probability, lost.lost_reason) == (OpportunityStatus.LOST, 0, "Went with a competitor")


def test_lines_make_the_amount_and_it_cannot_be_typed_over(am):
    opportunity = services.opportunity_create(
        actor=am, account=make_account(owner=am), data={"name": "X", "amount": Decimal("99"), "expected_close_date": dt.date(2031, 5, 1)}
    )
    product = make_product(name="Workshop", list_price=Decimal("1200"))
    services.opportunity_line_create(
        actor=am, opportunity=opportunity, data={"product": product, "quantity": Decimal("2"), "unit_price": Decimal("1200"), "discount_percent": Decimal("5")}
    )
    line = services.opportunity_line_create(
        actor=am, opportunity=opportunity, data={"description": "Travel", "unit_price": Decimal("300")}
    )
    opportunity.refresh_from_db()
    assert (opportunity.amount, opportunity.amount_from_lines) == (Decimal("2580.00"), True)
    with pytest.raises(ValidationError):
        services.opportunity_update(actor=am, opportunity=opportunity, data={"amount": Decimal("1")})
    services.opportunity_line_update(actor=am, line=line, data={"quantity": Decimal("2")})
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("2880.00")


def test_someone_elses_account_is_refused_and_nothing_is_written(am):
    other = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    account = make_account(owner=other)
    with pytest.raises(PermissionDeniedError):
        services.opportunity_create(actor=am, account=account, data={"name": "X", "expected_close_date": dt.date(2031, 5, 1)})
    assert account.opportunities.count() == 0
