"""The quote pages: detail, printable page (no app chrome, print stylesheet), create and
revise forms, the send / accept / decline actions, the list (pinned queries) and the
quotes section of the opportunity page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from tandem.commercial import services
from tandem.commercial.models import Opportunity, Quote
from tandem.core.roles import Role
from tests.authz import db_state, diff_tables
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity, make_product
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

VALID = dt.date(2999, 1, 31)


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Alan Account")


@pytest.fixture
def opportunity(am):
    account = make_account(owner=am, name="Acme & Sons", currency="EUR", city="Lyon", country="France")
    opportunity = make_opportunity(account=account, name="Rollout", stage_name="Proposal")
    product = make_product(name="Implementation", unit="day")
    make_line(opportunity=opportunity, product=product, description="Implementation", quantity=Decimal("12.5"),
              unit_price=Decimal("1100.00"), discount_percent=Decimal("10"), amount=Decimal("12375.00"))
    return opportunity


@pytest.fixture
def quote(am, opportunity):
    return services.quote_create(actor=am, opportunity=opportunity, valid_until=VALID, terms="Net 30 days")


def test_detail_shows_the_lines_total_and_the_opportunity_status(am, quote):
    response = client_for(am).get(f"/sales/quotes/{quote.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="page-title">' + quote.number + "</h1>" in html
    assert "12.5 days" in html
    assert "EUR 1,100.00" in html and "10 %" in html and "EUR 12,375.00" in html
    assert 'data-testid="opportunity-status">Open</span>' in html
    assert 'data-testid="quote-status">Draft</span>' in html
    assert "Mark sent" in html and "Mark accepted" in html and "Net 30 days" in html


def test_accepting_on_the_page_wins_the_opportunity(am, quote):
    client = client_for(am)
    response = client.post(f"/sales/quotes/{quote.pk}/accept/", {"accepted_by_name": "Jo Client", "version": 1})
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=quote.opportunity_id).status == "won"
    html = client.get(f"/sales/quotes/{quote.pk}/").content.decode()
    assert 'data-testid="opportunity-status">Won</span>' in html
    assert "Accepted by Jo Client" in html
    assert "Mark accepted" not in html


def test_accept_without_a_name_says_so_next_to_the_field(am, quote):
    before = db_state()
    response = client_for(am).post(f"/sales/quotes/{quote.pk}/accept/", {"accepted_by_name": "", "version": 1})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert diff_tables(before, db_state()) == []


def test_a_stale_accept_is_a_conflict(am, quote):
    services.quote_send(actor=am, quote=quote)
    response = client_for(am).post(f"/sales/quotes/{quote.pk}/accept/", {"accepted_by_name": "Jo", "version": 1})
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == "sent"


def test_send_and_decline_buttons(am, quote):
    client = client_for(am)
    assert client.post(f"/sales/quotes/{quote.pk}/send/", {"version": 1}).status_code == 302
    assert Quote.objects.get(pk=quote.pk).status == "sent"
    response = client.post(f"/sales/quotes/{quote.pk}/send/", {"version": 2})
    assert response.status_code == 200
    assert "The quote is sent: it cannot be sent." in response.content.decode()
    assert client.post(f"/sales/quotes/{quote.pk}/decline/", {"version": 2}).status_code == 302
    assert Quote.objects.get(pk=quote.pk).status == "declined"


def test_printable_page_has_no_app_chrome_and_a_print_stylesheet(am, quote):
    response = client_for(am).get(f"/sales/quotes/{quote.pk}/print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "commercial/print-quote.css" in html
    assert "app-sidebar" not in html and "global-search" not in html and "tabler" not in html
    assert "Acme &amp; Sons" in html and "Lyon, France" in html
    assert f'data-testid="print-number">{quote.number}</dd>' in html
    assert 'data-testid="print-total">EUR 12,375.00</td>' in html
    assert "Alan Account" in html and "Net 30 days" in html


def test_print_stylesheet_is_a4_and_hides_the_toolbar():
    from django.contrib.staticfiles import finders

    css = open(finders.find("commercial/print-quote.css"), encoding="utf-8").read()  # noqa: SIM115
    assert "size: A4;" in css
    assert "@media print" in css and ".print-toolbar { display: none; }" in css


def test_create_form_copies_the_lines(am, opportunity):
    client = client_for(am)
    page = client.get(f"/sales/opportunities/{opportunity.pk}/quotes/new/")
    assert page.status_code == 200
    assert "Implementation × 12.5" in page.content.decode()
    response = client.post(f"/sales/opportunities/{opportunity.pk}/quotes/new/", {"valid_until": "2001-01-01"})
    assert response.status_code == 200
    assert "The quote must stay valid at least until its day of issue" in response.content.decode()
    response = client.post(f"/sales/opportunities/{opportunity.pk}/quotes/new/", {"valid_until": "2999-01-31", "terms": "Net 45"})
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sales/quotes/{quote.pk}/"
    assert (quote.terms, quote.total) == ("Net 45", Decimal("12375.00"))


def test_revise_form(am, quote):
    client = client_for(am)
    assert client.get(f"/sales/quotes/{quote.pk}/revise/").status_code == 200
    response = client.post(f"/sales/quotes/{quote.pk}/revise/", {"valid_until": "2999-02-28", "terms": "Net 60", "version": 1})
    revision = Quote.objects.get(revision=2)
    assert response["Location"] == f"/sales/quotes/{revision.pk}/"
    assert (revision.number, revision.terms) == (quote.number, "Net 60")
    html = client.get(f"/sales/quotes/{quote.pk}/").content.decode()
    assert "see revision 2" in html and "Superseded" in html


def test_others_cannot_act(am, quote):
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    stranger = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    before = db_state()
    assert client_for(executive).get(f"/sales/quotes/{quote.pk}/").status_code == 200
    assert "Mark accepted" not in client_for(executive).get(f"/sales/quotes/{quote.pk}/").content.decode()
    assert client_for(executive).post(f"/sales/quotes/{quote.pk}/accept/", {"accepted_by_name": "X", "version": 1}).status_code == 403
    assert client_for(stranger).get(f"/sales/quotes/{quote.pk}/").status_code == 404
    assert client_for(stranger).get(f"/sales/quotes/{quote.pk}/print/").status_code == 404
    assert diff_tables(before, db_state()) == []


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_is_fixed(am, opportunity, django_assert_num_queries, size):
    for _ in range(size):
        services.quote_create(actor=am, opportunity=opportunity, valid_until=VALID)
    client = client_for(am)
    client.get("/sales/quotes/")
    with django_assert_num_queries(7):  # session, user, roles, capped count, rows, saved views, notifications
        response = client.get("/sales/quotes/?per_page=25")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="list-row"') == min(size, 25)


def test_list_filters(am, quote, opportunity):
    services.quote_revise(actor=am, quote=quote)
    client = client_for(am)
    html = client.get("/sales/quotes/").content.decode()
    assert html.count('data-testid="list-row"') == 1  # the superseded revision is left out
    assert f"{quote.number} rev. 2" in html
    assert client.get("/sales/quotes/?status=any").content.decode().count('data-testid="list-row"') == 2
    assert client.get("/sales/quotes/?q=nothing-like-it").content.decode().count('data-testid="list-row"') == 0
    # Hidden filters from links (home cards, the opportunity page); junk is no filter.
    assert client.get(f"/sales/quotes/?opportunity={opportunity.pk}&view=all").content.decode().count('data-testid="list-row"') == 1
    assert client.get(f"/sales/quotes/?account={opportunity.account_id}&owner=me").content.decode().count('data-testid="list-row"') == 1
    assert client.get("/sales/quotes/?account=x&opportunity=&owner=zz").status_code == 200
    assert client.get("/sales/quotes/").status_code == 200


def test_opportunity_section_lists_quotes_and_offers_create(am, quote, opportunity):
    request = RequestFactory().get("/")
    request.user = am
    html = render_to_string("commercial/quotes/_opportunity_quotes.html", {"opportunity": opportunity, "user": am}, request=request)
    assert 'data-testid="create-quote"' in html
    assert f"/sales/opportunities/{opportunity.pk}/quotes/new/" in html
    assert f">{quote.number}</a>" in html and "EUR 12,375.00" in html
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    html = render_to_string("commercial/quotes/_opportunity_quotes.html", {"opportunity": opportunity, "user": executive})
    assert 'data-testid="create-quote"' not in html and f">{quote.number}</a>" in html


def test_list_exports_the_filtered_quotes(am, quote):
    response = client_for(am).get("/sales/quotes/?format=csv&view=all")
    assert response.status_code == 200
    rows = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig").splitlines()
    assert rows[0] == "Number,Revision,Status,Account,Opportunity,Issued on,Valid until,Currency,Total,Accepted by"
    assert rows[1].startswith(f"{quote.number},1,Draft,Acme & Sons,Rollout,")
    assert rows[1].endswith(",2999-01-31,EUR,12375.00,")
