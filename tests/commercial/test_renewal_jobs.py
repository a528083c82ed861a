"""The daily contract jobs: each run twice, rows counted (idempotence)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.commercial import tasks
from tandem.commercial.models import Contract, Opportunity, RevenueEntry
from tandem.core.roles import Role
from tandem.core.schedule import DAILY_JOBS
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2031, 9, 1)


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test")


@pytest.fixture
def account(am):
    return make_account(owner=am, currency="GBP")


def test_the_jobs_are_scheduled_daily():
    names = {name.rsplit(".", 1)[1] for name in DAILY_JOBS if name.startswith("tandem.commercial.tasks.")}
    assert names == {"renewals_open_due", "contracts_expire_ended", "revenue_recognise_recurring"}


def test_renewal_opportunities_open_once_when_the_window_opens(am, account):
    # Opens on end − notice − 30 days: 31 Dec − 60 − 30 = 2 Oct (not yet) / 1 Sep (today).
    later = make_contract(account=account, status="active", end_date=dt.date(2031, 12, 31), notice_days=60)
    due = make_contract(
        account=account, status="active", end_date=dt.date(2031, 11, 30), notice_days=60, auto_renew=True,
        monthly_amount=Decimal("2000.00"), renewal_term_months=12, currency="GBP",
    )
    make_contract(account=account, status="draft", end_date=dt.date(2031, 9, 30))  # not active
    make_contract(account=account, status="active", end_date=None)  # open-ended
    assert tasks.open_due_renewals(today=TODAY) == 1
    assert tasks.open_due_renewals(today=TODAY) == 0
    renewal = Opportunity.objects.get()
    assert (renewal.type, renewal.renews_contract_id, renewal.amount, renewal.currency, renewal.owner) == (
        "renewal", due.pk, Decimal("24000.00"), "GBP", am,
    )
    assert (renewal.expected_close_date, renewal.status, renewal.stage.name) == (dt.date(2031, 10, 1), "open", "Qualification")
    assert tasks.open_due_renewals(today=dt.date(2031, 10, 2)) == 1  # the later one's window
    assert tasks.open_due_renewals(today=dt.date(2031, 10, 2)) == 0
    assert Opportunity.objects.filter(renews_contract=later).count() == 1
    assert Opportunity.objects.count() == 2


def test_a_renewal_of_a_renewal_is_named_renewal_once(am, account):
    """A won renewal's contract takes the opportunity's name ("Renewal: …"): the next
    renewal is "Renewal: …" again, not "Renewal: Renewal: …"."""
    make_contract(account=account, status="active", end_date=dt.date(2031, 11, 30), notice_days=60,
                  title="Renewal: Renewal: Support retainer")
    make_contract(account=account, status="active", end_date=dt.date(2031, 11, 30), notice_days=60, title="Hosting")
    assert tasks.open_due_renewals(today=TODAY) == 2
    assert sorted(Opportunity.objects.values_list("name", flat=True)) == ["Renewal: Hosting", "Renewal: Support retainer"]


def test_ended_contracts_expire_or_run_on_once(am, account):
    ended = make_contract(account=account, status="active", end_date=dt.date(2031, 8, 31))
    renewing = make_contract(
        account=account, status="active", start_date=dt.date(2029, 3, 1), end_date=dt.date(2030, 2, 28),
        auto_renew=True, renewal_term_months=12,
    )
    running = make_contract(account=account, status="active", end_date=dt.date(2031, 9, 1))
    assert tasks.expire_ended(today=TODAY) == {"expired": 1, "renewed": 1}
    assert tasks.expire_ended(today=TODAY) == {"expired": 0, "renewed": 0}
    statuses = dict(Contract.objects.values_list("pk", "status"))
    assert (statuses[ended.pk], statuses[renewing.pk], statuses[running.pk]) == ("expired", "active", "active")
    renewing.refresh_from_db()
    assert renewing.end_date == dt.date(2032, 2, 28)  # 2030-02-28 + 12 + 12 months


def test_recurring_revenue_is_recognised_once_per_contract_and_month(am, account):
    make_contract(account=account, status="active", start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 12, 31),
                  monthly_amount=Decimal("1500.00"), currency="GBP")
    make_contract(account=account, status="active", start_date=dt.date(2031, 9, 30), end_date=None,
                  monthly_amount=Decimal("99.50"), currency="GBP")
    make_contract(account=account, status="active", start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 8, 31),
                  monthly_amount=Decimal("700.00"))  # ended before September
    make_contract(account=account, status="negotiation", monthly_amount=Decimal("800.00"))  # not active
    make_contract(account=account, status="active", monthly_amount=Decimal("0"))  # nothing recurring
    assert tasks.revenue_recognise_recurring.call("2031-09-15") == 2
    assert tasks.revenue_recognise_recurring.call("2031-09-15") == 0
    rows = list(RevenueEntry.objects.order_by("amount").values_list("kind", "month", "amount", "currency"))
    assert rows == [
        ("recurring", dt.date(2031, 9, 1), Decimal("99.50"), "GBP"),
        ("recurring", dt.date(2031, 9, 1), Decimal("1500.00"), "GBP"),
    ]
    assert tasks.revenue_recognise_recurring.call("2031-10-01") == 2
    assert RevenueEntry.objects.count() == 4
