"""``GET /api/v1/forecast`` and ``/accounts/{account_id}/mrr``: the contract's exact JSON,
filters, scoping, a missing rate (422 naming currency and date), pinned query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.commercial.factories import make_opportunity, make_revenue
from tests.commercial.forecast_fixtures import EXPECTED, EXPECTED_BEA, build_book, grow_book
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
KEYS = ("month", "contracted", "milestones", "weighted_pipeline", "commit", "best_case", "total")


@pytest.fixture
def book(admin_user, monkeypatch):
    # The API's window starts at the current month: pin "today" to 2031-01-15.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2031, 1, 15))
    return build_book()


def get(user, url):
    response = client_for(user).get(url)
    return response.status_code, json.loads(response.content)


def test_forecast_answers_exactly_the_contract_shape(book, admin_user):
    status, body = get(admin_user, "/api/v1/forecast?months=3")
    assert status == 200
    assert body == {"base_currency": "EUR", "months": [dict(zip(KEYS, row, strict=True)) for row in EXPECTED]}


def test_forecast_defaults_to_twelve_months(book, admin_user):
    status, body = get(admin_user, "/api/v1/forecast")
    assert status == 200
    assert [m["month"] for m in body["months"]][::11] == ["2031-01", "2031-12"]
    assert len(body["months"]) == 12
    assert body["months"][5] == dict(zip(KEYS, ("2031-06", "400.00", *("0.00",) * 4, "400.00"), strict=True)) | {
        "commit": "400.00", "best_case": "400.00",
    }


def test_forecast_owner_and_account_filters(book, admin_user):
    _, body = get(admin_user, f"/api/v1/forecast?months=3&owner={book.bea.pk}")
    assert [tuple(m[k] for k in KEYS) for m in body["months"]] == EXPECTED_BEA
    _, body = get(book.bea, "/api/v1/forecast?months=3&owner=me")
    assert [tuple(m[k] for k in KEYS) for m in body["months"]] == EXPECTED_BEA
    _, body = get(admin_user, f"/api/v1/forecast?months=3&account={book.charlie.pk}")
    assert [tuple(m[k] for k in KEYS) for m in body["months"]] == EXPECTED_BEA


def test_forecast_of_an_account_the_caller_may_not_see_is_a_422_on_account(book):
    status, body = get(book.bea, f"/api/v1/forecast?months=3&account={book.alpha.pk}")
    assert status == 422
    assert list(body["error"]["fields"]) == ["account"]


def test_forecast_refuses_bad_parameters(book, admin_user):
    for query in ("months=0", "months=37", "owner=bob", "account=x"):
        assert get(admin_user, f"/api/v1/forecast?{query}")[0] == 422, query


def test_a_missing_rate_answers_422_naming_currency_and_date(book, admin_user):
    make_opportunity(account=book.alpha, amount=Decimal("100.00"), currency="JPY", probability=20,
                     forecast_category="pipeline", expected_close_date=dt.date(2031, 2, 3))
    status, body = get(admin_user, "/api/v1/forecast?months=3")
    assert status == 422
    assert body["error"]["code"] == "missing_exchange_rate"
    assert "JPY" in body["error"]["message"] and "2031-02-03" in body["error"]["message"]


def test_forecast_query_count_is_fixed(book, admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    client.get("/api/v1/forecast?months=1")
    # session + user, the calendar, the contracted sums, the month sums (milestones and
    # deals), rates
    with django_assert_num_queries(7):
        assert client.get("/api/v1/forecast?months=12").status_code == 200
    with django_assert_num_queries(7):
        assert client.get("/api/v1/forecast?months=36").status_code == 200
    grow_book(book, 30)
    with django_assert_num_queries(7):
        assert client.get("/api/v1/forecast?months=12").status_code == 200
    # an account's: the account asked for, and contracts, milestones and deals of the records
    with django_assert_num_queries(9):
        assert client.get(f"/api/v1/forecast?months=12&account={book.bravo.pk}").status_code == 200


def test_account_mrr(book, admin_user):
    contract = book.records["c2"]
    make_revenue(account=book.bravo, contract=contract, kind="recurring", month=dt.date(2031, 1, 1),
                 amount=Decimal("500.00"), currency="USD")
    status, body = get(admin_user, f"/api/v1/accounts/{book.bravo.pk}/mrr?months=2")
    assert status == 200
    assert body == {
        "base_currency": "EUR", "account": {"id": book.bravo.pk, "name": "Bravo"},
        "months": [{"month": "2030-12", "mrr": "0.00"}, {"month": "2031-01", "mrr": "450.00"}],
    }
    assert get(book.bea, f"/api/v1/accounts/{book.bravo.pk}/mrr")[0] == 404
