"""The opportunity pages: the list with its totals and filters, the record page with
its lines edited in place, create / edit, win / lose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.commercial import services as commercial_services
from tandem.commercial.models import Opportunity, OpportunityLine
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity, make_product, stage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def account(account_manager):
    return make_account(owner=account_manager, currency="EUR", name="Acme")


@pytest.fixture
def am_client(account_manager):
    return client_for(account_manager)


def test_the_list_shows_the_filtered_rows_with_their_totals(account, am_client):
    make_opportunity(account=account, name="Phase 2", amount=Decimal("10000.00"), probability=10)
    make_opportunity(account=account, name="Licences", amount=Decimal("4000.00"), probability=50, stage_name="Proposal")
    make_opportunity(account=account, name="Old deal", stage_name="Closed lost", amount=Decimal("999.00"))
    response = am_client.get(reverse("commercial:opportunity_list"), {"status": "open"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Phase 2" in body and "Licences" in body and "Old deal" not in body
    totals = response.context["totals"]
    assert (totals.count, totals.amount_base, totals.weighted_base) == (2, Decimal("14000.00"), Decimal("3000.00"))
    assert "€14,000.00" in body and "€3,000.00" in body


def test_an_account_manager_opens_on_their_open_pipeline(account, account_manager, am_client):
    make_opportunity(account=account, name="Mine", owner=account_manager)
    make_opportunity(account=account, name="Won one", stage_name="Closed won", owner=account_manager)
    response = am_client.get(reverse("commercial:opportunity_list"))
    assert [row["name"] for row in response.context["rows"]] == ["Mine"]


def test_the_list_query_count_is_pinned(account, am_client, django_assert_num_queries):
    for number in range(3):
        make_opportunity(account=account, name=f"Deal {number}")
    url = reverse("commercial:opportunity_list")
    am_client.get(url, {"status": "open"})  # warm caches (content types)
    # session, user, roles; the stages and the owners of the filter form; the base
    # currency; the count with the totals (one query, their rates checked only when one is
    # missing); rows; the saved views; the top bar's badge
    with django_assert_num_queries(10):
        am_client.get(url, {"status": "open"})
    for number in range(3, 20):
        make_opportunity(account=account, name=f"Deal {number}")
    with django_assert_num_queries(10):
        am_client.get(url, {"status": "open"})


def test_the_export_has_the_filtered_rows(account, am_client):
    make_opportunity(account=account, name="Phase 2")
    make_opportunity(account=account, name="Gone", stage_name="Closed lost")
    response = am_client.get(reverse("commercial:opportunity_list"), {"status": "open", "format": "csv"})
    content = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "Phase 2" in content and "Gone" not in content


def test_the_record_page_shows_the_facts_and_history(account, am_client):
    opportunity = make_opportunity(account=account, name="Phase 2", amount=Decimal("8000.00"), probability=25)
    response = am_client.get(reverse("commercial:opportunity_detail", kwargs={"opportunity_id": opportunity.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "€8,000.00" in body and "€2,000.00" in body  # weighted 8,000 × 25 %


def test_someone_elses_opportunity_is_not_found(account, member):
    opportunity = make_opportunity(account=account)
    response = client_for(member).get(reverse("commercial:opportunity_detail", kwargs={"opportunity_id": opportunity.pk}))
    assert response.status_code == 404


def test_create_from_an_account(account, am_client, account_manager):
    url = reverse("commercial:opportunity_create") + f"?account={account.pk}"
    assert am_client.get(url).status_code == 200
    response = am_client.post(url, {
        "account": account.pk, "name": "Support renewal", "type": "renewal", "stage": stage("Discovery").pk,
        "amount": "1200.00", "currency": "eur", "expected_close_date": "2031-06-30", "pricing_strategy": "subscription",
    })
    opportunity = Opportunity.objects.get(name="Support renewal")
    assert response.status_code == 302
    assert (opportunity.stage.name, opportunity.probability, opportunity.currency, opportunity.owner) == (
        "Discovery", 25, "EUR", account_manager,
    )


def test_edit_with_a_stale_version_is_a_conflict_and_changes_nothing(account, am_client):
    opportunity = make_opportunity(account=account, name="Phase 2")
    url = reverse("commercial:opportunity_edit", kwargs={"opportunity_id": opportunity.pk})
    data = {"name": "Renamed", "type": "new", "amount": "10.00", "currency": "EUR", "expected_close_date": "2031-06-30",
            "pricing_strategy": "fixed_fee", "version": opportunity.version - 1 if opportunity.version > 1 else 99}
    response = am_client.post(url, data)
    assert response.status_code == 409
    opportunity.refresh_from_db()
    assert opportunity.name == "Phase 2"
    data["version"] = opportunity.version
    assert am_client.post(url, data).status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.amount) == ("Renamed", Decimal("10.00"))


def test_lines_are_added_edited_and_removed_in_place(account, am_client):
    product = make_product(name="Training day", list_price=Decimal("900.00"))
    opportunity = make_opportunity(account=account, name="Phase 2", amount=Decimal("0"))
    add = reverse("commercial:opportunity_line_create", kwargs={"opportunity_id": opportunity.pk})
    response = am_client.post(add, {"product": product.pk, "quantity": "3", "unit_price": "", "discount_percent": "10"}, **HTMX)
    assert response.status_code == 200
    line = OpportunityLine.objects.get(opportunity=opportunity)
    assert (line.description, line.unit_price, line.amount) == ("Training day", Decimal("900.00"), Decimal("2430.00"))
    opportunity.refresh_from_db()
    assert (opportunity.amount, opportunity.amount_from_lines) == (Decimal("2430.00"), True)
    assert 'hx-swap-oob="true"' in response.content.decode()

    edit = reverse("commercial:opportunity_line_edit", kwargs={"opportunity_line_id": line.pk})
    assert am_client.get(edit, **HTMX).status_code == 200
    response = am_client.post(edit, {"product": product.pk, "description": "Training day", "quantity": "2",
                                     "unit_price": "1000", "discount_percent": "0", "version": line.version}, **HTMX)
    assert response.status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("2000.00")

    remove = reverse("commercial:opportunity_line_delete", kwargs={"opportunity_line_id": line.pk})
    assert am_client.post(remove, **HTMX).status_code == 200
    opportunity.refresh_from_db()
    assert (opportunity.amount, opportunity.amount_from_lines, opportunity.lines.count()) == (Decimal("0.00"), False, 0)


def test_a_line_without_price_or_product_is_refused_next_to_the_field(account, am_client):
    opportunity = make_opportunity(account=account)
    add = reverse("commercial:opportunity_line_create", kwargs={"opportunity_id": opportunity.pk})
    response = am_client.post(add, {"description": "Days", "quantity": "1", "unit_price": ""}, **HTMX)
    assert response.status_code == 422
    assert "Give the unit price" in response.content.decode()
    assert not OpportunityLine.objects.exists()


def test_a_member_cannot_add_lines(account, member):
    opportunity = make_opportunity(account=account)
    line = make_line(opportunity=opportunity)
    add = reverse("commercial:opportunity_line_create", kwargs={"opportunity_id": opportunity.pk})
    response = client_for(member).post(add, {"description": "Days", "quantity": "1", "unit_price": "5"})
    assert response.status_code == 404
    assert list(OpportunityLine.objects.all()) == [line]


def test_win_and_lose(account, am_client):
    won = make_opportunity(account=account, name="Win me")
    response = am_client.post(reverse("commercial:opportunity_win", kwargs={"opportunity_id": won.pk}), {"version": won.version})
    won.refresh_from_db()
    assert (response.status_code, won.status, won.probability) == (302, "won", 100)

    lost = make_opportunity(account=account, name="Lose me")
    url = reverse("commercial:opportunity_lose", kwargs={"opportunity_id": lost.pk})
    assert am_client.post(url, {"lost_reason": "", "version": lost.version}).status_code == 200
    lost.refresh_from_db()
    assert lost.status == "open"
    assert am_client.post(url, {"lost_reason": "Price", "version": lost.version}).status_code == 302
    lost.refresh_from_db()
    assert (lost.status, lost.lost_reason, lost.closed_on is not None) == ("lost", "Price", True)


def test_stage_settings_are_for_admins(admin_user, am_client):
    assert am_client.get(reverse("commercial:stage_settings")).status_code == 403
    admin = client_for(admin_user)
    assert admin.get(reverse("commercial:stage_settings")).status_code == 200


def test_dates_stay_iso(account, am_client):
    make_opportunity(account=account, name="Q", expected_close_date=dt.date(2031, 5, 1))
    response = am_client.get(reverse("commercial:opportunity_list"), {"close_from": "2031-04-01", "close_to": "2031-06-30"})
    assert [row["name"] for row in response.context["rows"]] == ["Q"]


def test_controls_show_only_to_those_who_may_use_them(account, am_client, executive):
    opportunity = make_opportunity(account=account, name="Phase 2")
    make_line(opportunity=opportunity)
    url = reverse("commercial:opportunity_detail", kwargs={"opportunity_id": opportunity.pk})
    controls = ('data-testid="edit-record"', 'data-testid="win"', 'data-testid="lose"', 'data-testid="line-add"', ">Remove<")
    owner_body = am_client.get(url).content.decode()
    assert all(control in owner_body for control in controls)
    reader_body = client_for(executive).get(url).content.decode()
    assert not [control for control in controls if control in reader_body]


def test_a_product_line_without_a_price_takes_the_price_that_applies_to_the_account(account, am_client):
    product = make_product(name="Audit", list_price=Decimal("1000.00"), currency=account.currency)
    commercial_services.account_price_create(
        actor=None, account=account,
        data={"product": product, "unit_price": Decimal("800.00"), "discount_percent": Decimal("5")},
    )
    opportunity = make_opportunity(account=account, amount=Decimal("0"))
    add = reverse("commercial:opportunity_line_create", kwargs={"opportunity_id": opportunity.pk})
    response = am_client.post(add, {"product": product.pk, "quantity": "2", "unit_price": "", "discount_percent": ""}, **HTMX)
    assert response.status_code == 200
    line = OpportunityLine.objects.get(opportunity=opportunity)
    # The negotiated 800.00 with its 5 % discount: 2 × 800 × 0.95.
    assert (line.unit_price, line.discount_percent, line.amount) == (Decimal("800.00"), Decimal("5.00"), Decimal("1520.00"))


def test_a_product_priced_in_another_currency_asks_for_the_price(account, am_client):
    other = "USD" if account.currency != "USD" else "GBP"
    product = make_product(name="Licence", list_price=Decimal("100.00"), currency=other)
    opportunity = make_opportunity(account=account, amount=Decimal("0"))
    add = reverse("commercial:opportunity_line_create", kwargs={"opportunity_id": opportunity.pk})
    response = am_client.post(add, {"product": product.pk, "quantity": "1", "unit_price": "", "discount_percent": ""}, **HTMX)
    assert f"priced in {other}" in response.content.decode()
    assert not OpportunityLine.objects.filter(opportunity=opportunity).exists()


def test_a_plain_visit_to_a_line_edit_lands_on_the_opportunity_page(account, am_client):
    opportunity = make_opportunity(account=account)
    line = make_line(opportunity=opportunity)
    response = am_client.get(reverse("commercial:opportunity_line_edit", kwargs={"opportunity_line_id": line.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("commercial:opportunity_detail", kwargs={"opportunity_id": opportunity.pk}) + "#opportunity-lines"
