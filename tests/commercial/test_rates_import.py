"""Exchange rates: the services and the CSV import (``date,currency,rate``): errors name
row and column, all or nothing, idempotent."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import ExchangeRate
from tandem.core.errors import PermissionDeniedError
from tandem.people.selectors import calendar_get
from tests.authz import db_state, diff_tables

pytestmark = pytest.mark.django_db


def rows(text: str):
    reader = csv.DictReader(io.StringIO(text))
    return list(reader), reader.fieldnames


def run(text: str, actor=None):
    data, header = rows(text)
    return services.exchange_rates_import(actor=actor, rows=data, header=header)


def stored():
    return sorted((rate.date.isoformat(), rate.currency, str(rate.rate)) for rate in ExchangeRate.objects.all())


GOOD = "date,currency,rate\n2031-01-01,USD,0.9\n2031-02-01,usd,0.92\n2031-01-01,GBP,1.17\n"


def test_an_import_creates_the_rates(admin_user):
    result = run(GOOD, admin_user)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 3, 0, 0)
    assert stored() == [
        ("2031-01-01", "GBP", "1.1700000000"), ("2031-01-01", "USD", "0.9000000000"), ("2031-02-01", "USD", "0.9200000000"),
    ]


def test_importing_the_same_file_again_changes_nothing_and_a_new_rate_updates(admin_user):
    run(GOOD, admin_user)
    again = run(GOOD, admin_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = run("date,currency,rate\n2031-01-01,USD,0.91\n", admin_user)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert ExchangeRate.objects.get(currency="USD", date=dt.date(2031, 1, 1)).rate == Decimal("0.91")


def test_errors_name_row_and_column_and_nothing_is_written(admin_user):
    calendar_get()  # the base currency's row exists before
    before = db_state()
    result = run(
        "date,currency,rate\n"
        "2031-01-01,USD,0.9\n"  # row 2: fine
        "31/01/2031,USD,0.9\n"  # row 3: date
        "2031-01-01,DOLLAR,0.9\n"  # row 4: currency
        "2031-01-01,GBP,-1\n"  # row 5: rate
        "2031-01-01,EUR,1\n"  # row 6: the base currency
        "2031-01-01,USD,0.95\n",  # row 7: twice in the file
        admin_user,
    )
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "date"), (4, "currency"), (5, "rate"), (6, "currency"), (7, "date"),
    ]
    assert str(result.errors[0]) == "row 3, column date: “31/01/2031” is not a date: write it as 2031-01-31."
    assert str(result.errors[4]) == "row 7, column date: USD on 2031-01-01 is already on row 2."
    assert (result.ok, result.created) == (False, 0)
    assert diff_tables(before, db_state()) == []


def test_a_missing_column_is_an_error_on_row_1(admin_user):
    result = run("day,currency,rate\n2031-01-01,USD,0.9\n", admin_user)
    assert [(error.row, error.column) for error in result.errors] == [(1, "date")]
    assert ExchangeRate.objects.count() == 0


def test_only_admins_import_rates(account_manager):
    with pytest.raises(PermissionDeniedError):
        run(GOOD, account_manager)
    assert ExchangeRate.objects.count() == 0


def test_a_rate_for_the_base_currency_or_twice_on_a_day_is_refused(admin_user):
    services.exchange_rate_create(actor=admin_user, data={"date": dt.date(2031, 1, 1), "currency": "usd", "rate": Decimal("0.9")})
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_create(actor=admin_user, data={"date": dt.date(2031, 1, 1), "currency": "USD", "rate": Decimal("0.8")})
    assert "date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_create(actor=admin_user, data={"date": dt.date(2031, 1, 1), "currency": "EUR", "rate": Decimal("1")})
    assert error.value.message_dict == {"currency": ["EUR is the base currency: its rate is always 1."]}
    assert stored() == [("2031-01-01", "USD", "0.9000000000")]


def test_an_account_manager_may_not_change_a_rate(admin_user, account_manager):
    rate = services.exchange_rate_create(actor=admin_user, data={"date": dt.date(2031, 1, 1), "currency": "USD", "rate": Decimal("0.9")})
    before = db_state()
    with pytest.raises(PermissionDeniedError):
        services.exchange_rate_update(actor=account_manager, exchange_rate=rate, data={"rate": Decimal("2")})
    assert diff_tables(before, db_state()) == []


# --- tandem import rates FILE ----------------------------------------------------------------


def test_the_cli_imports_a_rates_file_and_again_changes_nothing(tmp_path, capsys, transactional_db):
    from tandem import cli

    path = tmp_path / "rates.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert cli.main(["import", "rates", str(path), "--quiet"]) == 0
    assert "created: 3  updated: 0  unchanged: 0" in capsys.readouterr().out
    assert cli.main(["import", "rates", str(path), "--quiet"]) == 0
    assert "created: 0  updated: 0  unchanged: 3" in capsys.readouterr().out
    assert len(stored()) == 3


def test_the_cli_refuses_a_file_with_errors_naming_row_and_column(tmp_path, capsys, transactional_db):
    from tandem import cli

    path = tmp_path / "rates.csv"
    path.write_text("date,currency,rate\n2031-01-01,USD,0.9\n2031-01-02,USD,abc\n", encoding="utf-8")
    assert cli.main(["import", "rates", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "row 3, column rate: “abc” is not a rate" in err
    assert "rates.csv was refused: 1 problem(s), nothing was written" in err
    assert stored() == []


@pytest.mark.parametrize(
    ("date", "currency", "rate"),
    [("2031-01-01", "USD", "0.9"), ("2031-01-01", "EUR", "1"), ("2031-01-01", "USD", "0"), ("2031-01-01", "usd", "1.5")],
)
def test_the_import_and_the_single_rate_service_accept_and_refuse_the_same_rows(admin_user, date, currency, rate):
    """STYLE rule 12: the bulk path allows exactly what the single-record service allows."""
    try:
        services.exchange_rate_create(
            actor=admin_user, data={"date": dt.date.fromisoformat(date), "currency": currency, "rate": Decimal(rate)}
        )
        single = ("ok", stored())
    except ValidationError:
        single = ("refused", stored())
    ExchangeRate.objects.all().delete()
    result = run(f"date,currency,rate\n{date},{currency},{rate}\n", admin_user)
    assert (("ok" if result.ok else "refused"), stored()) == single
