"""The whole organisation's forecast sums (``ForecastMonthSum``, ``ContractedSum``), kept
by the database's triggers (migration ``commercial.0006_forecast_sums``): after every
kind of write, through the services, the ORM, bulk inserts or raw SQL, they hold exactly
what :func:`forecast_sums_recomputed` computes from the records; and the whole
organisation's forecast read from them equals the one read from the records."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.clients.services import account_delete
from tandem.commercial.models import (
    BillingMilestone,
    Contract,
    ContractedSum,
    ForecastMonthSum,
    Opportunity,
)
from tandem.commercial.selectors import forecast as forecast_module
from tandem.commercial.selectors.forecast import (
    forecast,
    forecast_sums_kept,
    forecast_sums_recomputed,
)
from tandem.commercial.services import (
    billing_milestone_bill,
    billing_milestone_update,
    contract_activate,
    contract_start_negotiation,
    contract_terminate,
    opportunity_delete,
    opportunity_mark_lost,
    opportunity_mark_won,
    opportunity_update,
)
from tandem.commercial.services.forecast_sums import forecast_sums_rebuild
from tandem.core.errors import PermissionDeniedError
from tests.clients.factories import make_account
from tests.commercial.factories import (
    make_contract,
    make_milestone,
    make_opportunity,
    make_rate,
    stage,
)
from tests.commercial.forecast_fixtures import START, as_rows, build_book, grow_book

pytestmark = pytest.mark.django_db
D = Decimal

SQLITE_TRIGGERS = {
    "forecast_sum_deal_insert", "forecast_sum_deal_delete", "forecast_sum_deal_update",
    "forecast_sum_milestone_insert", "forecast_sum_milestone_delete", "forecast_sum_milestone_update",
    "forecast_sum_contract_insert", "forecast_sum_contract_delete", "forecast_sum_contract_update",
    "forecast_sum_contract_moves",
}
POSTGRESQL_TRIGGERS = {  # once per statement, with its transition tables
    (f"forecast_sum_{kind}_{event}", table)
    for kind, table in (("deal", "commercial_opportunity"), ("milestone", "commercial_billingmilestone"),
                        ("contract", "commercial_contract"))
    for event in ("insert", "update", "delete")
}


def assert_kept() -> None:
    assert forecast_sums_kept() == forecast_sums_recomputed()


def test_the_triggers_are_installed_after_every_migration():
    # A later migration that rebuilds one of the three tables on SQLite (Django copies
    # it into a new table) drops its triggers: it must install them again.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'forecast_sum_%'")
            assert {row[0] for row in cursor.fetchall()} == SQLITE_TRIGGERS
        else:
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'forecast_sum_%'"
            )
            assert set(cursor.fetchall()) == POSTGRESQL_TRIGGERS


def test_deals_are_summed_by_month_currency_and_category():
    book = build_book()
    kept, contracted = forecast_sums_kept()
    # O1 10,000 at 30 % (Alpha, pipeline, January); O2 2,000 USD at 75 % (commit,
    # February); O3 1,000 GBP at 50 % (best case, March); O7 333.33 USD at 10 % (March); the
    # overdue deal of December 2030 is open, so it is kept too (the window leaves it out).
    deals = {row for row in kept if row[0] == "deal" and row[1] >= START}
    assert deals == {
        ("deal", dt.date(2031, 1, 1), "EUR", "pipeline", 1_000_000, 30_000_000, 1),
        ("deal", dt.date(2031, 2, 1), "USD", "commit", 200_000, 15_000_000, 1),
        ("deal", dt.date(2031, 3, 1), "GBP", "best_case", 100_000, 5_000_000, 1),
        ("deal", dt.date(2031, 3, 1), "USD", "pipeline", 33_333, 333_330, 1),
    }
    assert ("milestone", dt.date(2031, 2, 1), "GBP", "", 10_000, 0, 1) in kept  # C4 is in negotiation
    assert (dt.date(2031, 2, 1), dt.date(9999, 12, 1), "USD", 50_000, 1) in contracted  # C2, open-ended
    assert_kept()
    assert book.alpha.pk


def test_every_write_to_deals_keeps_the_sums(admin_user):
    account = make_account(owner=admin_user, name="Sums", currency="USD")
    deal = make_opportunity(account=account, amount=D("1000.10"), currency="USD", probability=40,
                            forecast_category="pipeline", expected_close_date=dt.date(2031, 5, 20))
    other = make_opportunity(account=account, amount=D("250.00"), currency="USD", probability=40,
                             forecast_category="pipeline", expected_close_date=dt.date(2031, 5, 2))
    assert_kept()
    assert ForecastMonthSum.objects.get(kind="deal", month=dt.date(2031, 5, 1)).entries == 2
    # Through the service: every field the sums read, one after the other.
    for change in ({"amount": D("999.99")}, {"probability": 90}, {"forecast_category": "commit"},
                   {"expected_close_date": dt.date(2031, 7, 1)}, {"currency": "GBP"}, {"forecast_category": "omitted"},
                   {"forecast_category": "best_case"}):
        deal = opportunity_update(actor=admin_user, opportunity=deal, data=change)
        assert_kept()
    # The ORM, a queryset update, a bulk insert and raw SQL, which no service sees.
    Opportunity.objects.filter(pk=other.pk).update(amount=D("300.00"), expected_close_date=dt.date(2031, 6, 30))
    assert_kept()
    Opportunity.objects.bulk_create([
        Opportunity(account=account, name=f"Bulk {number}", stage=stage("Qualification"), amount=D("10.01") * number,
                    currency="EUR", probability=number, forecast_category="pipeline",
                    expected_close_date=dt.date(2031, 1 + number, 1 + number))
        for number in range(1, 6)
    ])
    assert_kept()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE commercial_opportunity SET probability = 55 WHERE currency = 'EUR'")
    assert_kept()
    # Won, lost, deleted: out of the pipeline.
    opportunity_mark_won(actor=None, opportunity=Opportunity.objects.get(pk=other.pk), closed_on=dt.date(2031, 1, 9))
    assert_kept()
    opportunity_mark_lost(actor=None, opportunity=Opportunity.objects.get(name="Bulk 1"), lost_reason="Budget")
    assert_kept()
    opportunity_delete(actor=admin_user, opportunity=deal)
    assert_kept()
    assert not ForecastMonthSum.objects.filter(kind="deal", entries=0).exists()  # emptied rows go
    account_delete(actor=admin_user, account=account)
    assert_kept()
    assert not ForecastMonthSum.objects.exists()


def test_every_write_to_contracts_and_milestones_keeps_the_sums(admin_user):
    account = make_account(owner=admin_user, name="Contracts", currency="EUR")
    contract = make_contract(account=account, status="draft", monthly_amount=D("1200.00"), currency="EUR",
                             start_date=dt.date(2031, 1, 10), end_date=dt.date(2031, 9, 30))
    first = make_milestone(contract=contract, due_date=dt.date(2031, 3, 3), amount=D("500.00"))
    make_milestone(contract=contract, due_date=dt.date(2031, 3, 30), amount=D("250.50"))
    make_milestone(contract=contract, due_date=dt.date(2031, 4, 1), amount=D("100.00"))
    assert_kept()
    assert not ContractedSum.objects.exists() and not ForecastMonthSum.objects.exists()  # a draft counts nowhere
    contract = contract_start_negotiation(actor=None, contract=contract)
    assert_kept()
    assert ForecastMonthSum.objects.get(month=dt.date(2031, 3, 1)).amount_cents == 75_050
    contract = contract_activate(actor=None, contract=contract, signed_on=dt.date(2031, 1, 5))
    assert_kept()
    assert ContractedSum.objects.get().monthly_cents == 120_000
    # The contract's own fields, by the ORM and raw SQL; its milestones follow its currency.
    contract.end_date = None
    contract.monthly_amount = D("1300.00")
    contract.save()
    assert_kept()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE commercial_contract SET currency = 'USD' WHERE id = %s", [contract.pk])
    assert_kept()
    assert set(ForecastMonthSum.objects.values_list("currency", flat=True)) == {"USD"}
    # Milestones: moved, re-priced, billed, added, deleted.
    first = billing_milestone_update(actor=None, milestone=first, data={"due_date": dt.date(2031, 5, 5)})
    assert_kept()
    BillingMilestone.objects.filter(pk=first.pk).update(amount=D("650.00"))
    assert_kept()
    billing_milestone_bill(actor=None, milestone=BillingMilestone.objects.get(pk=first.pk), on=dt.date(2031, 5, 5))
    assert_kept()
    make_milestone(contract=contract, due_date=dt.date(2031, 8, 8), amount=D("42.00"))
    assert_kept()
    BillingMilestone.objects.filter(due_date=dt.date(2031, 4, 1)).delete()
    assert_kept()
    # Two contracts changed by one statement (PostgreSQL sums a statement's rows at once).
    second = make_contract(account=account, status="negotiation", monthly_amount=D("10.00"), currency="EUR",
                           start_date=dt.date(2031, 2, 1), end_date=dt.date(2031, 3, 31))
    make_milestone(contract=second, due_date=dt.date(2031, 8, 20), amount=D("7.00"))
    assert_kept()
    Contract.objects.filter(account=account).update(currency="GBP")
    assert_kept()
    Contract.objects.filter(pk=second.pk).update(status="active")
    assert_kept()
    Contract.objects.filter(pk=second.pk).delete()
    assert_kept()
    contract = Contract.objects.get(pk=contract.pk)
    contract = contract_terminate(actor=None, contract=contract, reason="Merged", on=dt.date(2031, 6, 30))
    assert_kept()
    assert not ContractedSum.objects.exists() and not ForecastMonthSum.objects.exists()
    # Back to active by hand, then the account and everything under it deleted.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE commercial_contract SET status = 'active' WHERE id = %s", [contract.pk])
    assert_kept()
    assert ForecastMonthSum.objects.exists()
    account_delete(actor=admin_user, account=account)
    assert_kept()
    assert not ContractedSum.objects.exists() and not ForecastMonthSum.objects.exists()


def test_the_whole_organisation_forecast_reads_the_sums_and_equals_the_records(admin_user, monkeypatch):
    book = build_book()
    grow_book(book, 30)
    make_rate(currency="USD", date=dt.date(2031, 6, 1), rate="0.70")  # changes on a month's first day
    with CaptureQueriesContext(connection) as captured:
        summed = forecast(user=admin_user, months=12, start=START)
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "commercial_forecastmonthsum" in read and "commercial_contractedsum" in read
    for table in ("commercial_opportunity", "commercial_contract\"", "commercial_billingmilestone"):
        assert table not in read
    monkeypatch.setattr(forecast_module, "sees_everything", lambda user: False)  # the records, for comparison
    assert as_rows(summed) == as_rows(forecast(user=admin_user, months=12, start=START))
    assert all(month.total > 0 for month in summed)  # every month has grown deals in it


def test_the_command_checks_the_sums_and_rebuilds_them(admin_user, executive):
    build_book()
    out = io.StringIO()
    call_command("forecast_sums", stdout=out)
    assert out.getvalue() == "Forecast sums match the records: 8 month rows, 2 contracted rows.\n"
    # Rows loaded with the triggers switched off leave the sums behind.
    ForecastMonthSum.objects.filter(kind="deal").update(amount_cents=1)
    ContractedSum.objects.all().delete()
    with pytest.raises(CommandError, match=r"differ from the records in 12 rows .*--rebuild"):
        call_command("forecast_sums", stdout=io.StringIO())
    with pytest.raises(PermissionDeniedError):
        forecast_sums_rebuild(actor=executive)
    assert not ContractedSum.objects.exists()  # refused: nothing written
    call_command("forecast_sums", "--rebuild", stdout=out)
    assert out.getvalue().endswith("written again from the records: 8 month rows, 2 contracted rows.\n")
    assert_kept()
    assert forecast_sums_rebuild(actor=admin_user) == (8, 2)
    assert_kept()
