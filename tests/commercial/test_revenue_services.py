"""Revenue entries: manual one-off and T&M entries, what may not be edited by hand,
``revenue_time_record`` (delivery's replace-by-source-key), and the revenue API."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import RevenueEntry
from tandem.core.errors import PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract, make_revenue
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def am(team):
    return make_user(role=Role.ACCOUNT_MANAGER, email="rev-am@example.test", full_name="Rita Revenue", team=team)


@pytest.fixture
def account(am):
    return make_account(owner=am, name="Alpha", currency="USD")


def test_a_manual_entry_takes_the_month_start_and_the_account_currency(am, account):
    entry = services.revenue_entry_create(
        actor=am, account=account, data={"month": dt.date(2031, 4, 17), "amount": D("1250.50"), "description": "Workshop"}
    )
    assert (entry.kind, entry.month, entry.amount, entry.currency) == ("one_off", dt.date(2031, 4, 1), D("1250.50"), "USD")


@pytest.mark.parametrize("kind", ["recurring", "milestone"])
def test_recurring_and_milestone_revenue_are_not_entered_by_hand(am, account, kind):
    with pytest.raises(ValidationError) as error:
        services.revenue_entry_create(actor=am, account=account, data={"kind": kind, "month": dt.date(2031, 4, 1), "amount": D("1")})
    assert "kind" in error.value.message_dict
    assert not RevenueEntry.objects.exists()


def test_amount_must_be_above_zero(am, account):
    with pytest.raises(ValidationError) as error:
        services.revenue_entry_create(actor=am, account=account, data={"month": dt.date(2031, 4, 1), "amount": D("0")})
    assert "amount" in error.value.message_dict


def test_recurring_entries_change_with_their_contract_not_by_hand(am, account):
    contract = make_contract(account=account, status="active", monthly_amount=D("100.00"))
    entry = make_revenue(account=account, contract=contract, kind="recurring", amount=D("100.00"))
    with pytest.raises(ValidationError):
        services.revenue_entry_update(actor=am, entry=entry, data={"amount": D("5")})
    with pytest.raises(ValidationError):
        services.revenue_entry_delete(actor=am, entry=entry)
    entry.refresh_from_db()
    assert (entry.amount, entry.version) == (D("100.00"), 1)


def test_someone_elses_account_is_refused_and_nothing_changes(account, executive):
    other = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    entry = make_revenue(account=account, amount=D("10.00"))
    audits = AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.revenue_entry_create(actor=other, account=account, data={"month": dt.date(2031, 4, 1), "amount": D("1")})
    with pytest.raises(PermissionDeniedError):
        services.revenue_entry_update(actor=executive, entry=entry, data={"amount": D("5")})
    entry.refresh_from_db()
    assert (RevenueEntry.objects.count(), entry.amount, AuditEntry.objects.count()) == (1, D("10.00"), audits)


def test_time_record_replaces_the_entries_of_the_same_source_key(account):
    first = services.revenue_time_record(
        actor=None, account=account, month=dt.date(2031, 5, 9), amount=D("800.00"), currency="usd", source_key="time:42:2031-05",
    )
    assert first is not None
    assert (first.kind, first.month, first.currency) == ("time_and_materials", dt.date(2031, 5, 1), "USD")
    again = services.revenue_time_record(
        actor=None, account=account, month=dt.date(2031, 5, 1), amount=D("950.00"), currency="USD", source_key="time:42:2031-05",
    )
    other = services.revenue_time_record(
        actor=None, account=account, month=dt.date(2031, 5, 1), amount=D("10.00"), currency="USD", source_key="time:43:2031-05",
    )
    assert sorted(RevenueEntry.objects.values_list("source_key", "amount")) == [
        ("time:42:2031-05", D("950.00")), ("time:43:2031-05", D("10.00")),
    ]
    assert again is not None and other is not None
    with pytest.raises(ValidationError):  # delivery's entries change when the time is billed again
        services.revenue_entry_update(actor=account.owner, entry=again, data={"amount": D("1")})
    assert services.revenue_time_record(
        actor=None, account=account, month=dt.date(2031, 5, 1), amount=D("0"), currency="USD", source_key="time:42:2031-05",
    ) is None
    assert list(RevenueEntry.objects.values_list("source_key", flat=True)) == ["time:43:2031-05"]


# --- API ---------------------------------------------------------------------------------


def call(user, method, url, body=None):
    client = client_for(user)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (json.loads(response.content) if response.content else None)


def test_revenue_api_create_read_update_delete(am, account):
    status, body = call(am, "post", "/api/v1/revenue", {
        "account_id": account.pk, "kind": "time_and_materials", "month": "2031-03-20", "amount": "1500.25",
        "description": "March consulting",
    })
    assert status == 201, body
    entry_id = body["id"]
    assert {k: body[k] for k in ("kind", "month", "amount", "currency", "description", "version")} == {
        "kind": "time_and_materials", "month": "2031-03", "amount": "1500.25", "currency": "USD",
        "description": "March consulting", "version": 1,
    }
    status, body = call(am, "patch", f"/api/v1/revenue/{entry_id}", {"version": 1, "amount": 1600})
    assert (status, body["amount"], body["version"]) == (200, "1600.00", 2)
    assert call(am, "patch", f"/api/v1/revenue/{entry_id}", {"version": 1, "amount": 1})[0] == 409
    assert call(am, "patch", f"/api/v1/revenue/{entry_id}", {"version": 2, "kind": "recurring"})[0] == 422
    assert call(am, "post", "/api/v1/revenue", {"account_id": account.pk, "month": "2031-03-01", "amount": 1,
                                                "contract_id": 1})[0] == 422
    assert call(am, "delete", f"/api/v1/revenue/{entry_id}?version=2")[0] == 204
    assert not RevenueEntry.objects.exists()


def test_revenue_api_is_scoped_and_refuses_hidden_accounts(am, account, member):
    entry = make_revenue(account=account, amount=D("10.00"))
    assert call(member, "get", f"/api/v1/revenue/{entry.pk}")[0] == 404
    status, body = call(member, "post", "/api/v1/revenue", {"account_id": account.pk, "month": "2031-03-01", "amount": 1})
    assert (status, list(body["error"]["fields"])) == (422, ["account_id"])
    assert call(member, "get", "/api/v1/revenue")[1]["count"] == 0
    assert RevenueEntry.objects.count() == 1


def test_revenue_api_list_filters_and_query_count(am, account, django_assert_num_queries):
    other = make_account(owner=am, name="Bravo", currency="EUR")
    for month in (1, 2, 3):
        make_revenue(account=account, month=dt.date(2031, month, 1), amount=D(month * 100))
    make_revenue(account=other, kind="time_and_materials", month=dt.date(2031, 2, 1), amount=D("5.00"))
    client = client_for(am)
    client.get("/api/v1/revenue")
    with django_assert_num_queries(5):  # session, user, roles, count, rows (account and contract joined)
        body = json.loads(client.get("/api/v1/revenue?month_from=2031-02-10&month_to=2031-03-31").content)
    assert [(i["account"]["name"], i["month"], i["amount"]) for i in body["items"]] == [
        ("Alpha", "2031-03", "300.00"), ("Bravo", "2031-02", "5.00"), ("Alpha", "2031-02", "200.00"),
    ]
    body = json.loads(client.get(f"/api/v1/revenue?kind=time_and_materials&account_id={other.pk}").content)
    assert body["count"] == 1
