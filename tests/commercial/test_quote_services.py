"""The quote services: numbering, lines copied, revisions, send, accept (wins the
opportunity), decline, and the refusals with the field they name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import Opportunity, Quote, QuoteLine
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tests.authz import db_state, diff_tables
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity, make_product
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2031, 1, 5)
VALID = dt.date(2031, 2, 4)


@pytest.fixture
def am():
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test")


@pytest.fixture
def opportunity(am):
    account = make_account(owner=am, currency="GBP")
    opportunity = make_opportunity(account=account, name="Data platform", currency="GBP", stage_name="Proposal")
    product = make_product(name="Discovery workshop", unit="day", list_price=Decimal("1200"))
    make_line(opportunity=opportunity, product=product, description="Discovery workshop", quantity=Decimal("3"),
              unit_price=Decimal("1200.00"), discount_percent=Decimal("10"), amount=Decimal("3240.00"), position=0)
    make_line(opportunity=opportunity, description="Travel", unit_price=Decimal("450.50"), position=1)
    return opportunity


def create(am, opportunity, **kwargs):
    kwargs.setdefault("valid_until", VALID)
    kwargs.setdefault("issued_on", ISSUED)
    return services.quote_create(actor=am, opportunity=opportunity, **kwargs)


def test_a_quote_copies_the_lines_and_is_numbered_by_its_year(am, opportunity):
    quote = create(am, opportunity, terms="Payment within 30 days.", notes="Ask for the PO number.")
    assert (quote.number, quote.revision, quote.status) == ("Q-2031-0001", 1, "draft")
    assert (quote.currency, quote.total, quote.valid_until) == ("GBP", Decimal("3690.50"), VALID)
    assert (quote.terms, quote.notes) == ("Payment within 30 days.", "Ask for the PO number.")
    lines = list(QuoteLine.objects.filter(quote=quote).values_list(
        "description", "quantity", "unit", "unit_price", "discount_percent", "amount", "position"))
    assert lines == [
        ("Discovery workshop", Decimal("3.00"), "day", Decimal("1200.00"), Decimal("10.00"), Decimal("3240.00"), 0),
        ("Travel", Decimal("1.00"), "", Decimal("450.50"), Decimal("0.00"), Decimal("450.50"), 1),
    ]
    second = create(am, opportunity)
    next_year = create(am, opportunity, issued_on=dt.date(2032, 1, 2), valid_until=dt.date(2032, 2, 1))
    assert (second.number, next_year.number) == ("Q-2031-0002", "Q-2032-0001")


def test_a_sent_quote_keeps_its_lines_when_the_opportunity_changes(am, opportunity):
    quote = create(am, opportunity)
    line = opportunity.lines.get(description="Travel")
    services.opportunity_line_update(actor=am, line=line, data={"unit_price": Decimal("999.00")})
    assert QuoteLine.objects.get(quote=quote, description="Travel").unit_price == Decimal("450.50")
    assert Quote.objects.get(pk=quote.pk).total == Decimal("3690.50")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"valid_until": None}, "valid_until", "Give the last day the client may accept the quote."),
        ({"valid_until": dt.date(2031, 1, 4)}, "valid_until", "The quote must stay valid at least until its day of issue (05 Jan 2031)."),
        ({"terms": "x" * 10_001}, "terms", "Keep the terms under 10,000 characters."),
    ],
)
def test_create_refusals_name_the_field(am, opportunity, kwargs, field, message):
    before = db_state()
    with pytest.raises(ValidationError) as error:
        create(am, opportunity, **kwargs)
    assert error.value.message_dict == {field: [message]}
    assert diff_tables(before, db_state()) == []


def test_an_opportunity_without_lines_or_closed_cannot_be_quoted(am):
    account = make_account(owner=am)
    empty = make_opportunity(account=account)
    with pytest.raises(ValidationError) as error:
        create(am, empty)
    assert error.value.message_dict == {
        "opportunity": ["The opportunity has no lines yet: add what you are offering, then quote it."]
    }
    lost = make_opportunity(account=account, stage_name="Closed lost", lost_reason="Budget")
    make_line(opportunity=lost)
    with pytest.raises(ValidationError) as error:
        create(am, lost)
    assert error.value.message_dict == {"opportunity": ["The opportunity is lost: quote an open one."]}
    assert Quote.objects.count() == 0


def test_someone_who_may_not_change_the_opportunity_cannot_quote_it(opportunity):
    other = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    member = make_user(role=Role.MEMBER, email="member@example.test")
    before = db_state()
    for actor in (other, member):
        with pytest.raises(PermissionDeniedError):
            create(actor, opportunity)
    assert diff_tables(before, db_state()) == []


def test_a_revision_keeps_the_number_and_supersedes_the_previous_one(am, opportunity):
    first = create(am, opportunity, terms="Net 30")
    services.quote_send(actor=am, quote=first, expected_version=1)
    make_line(opportunity=opportunity, description="Training", unit_price=Decimal("500.00"), position=2)
    second = services.quote_revise(actor=am, quote=first, expected_version=2, issued_on=dt.date(2031, 1, 20))
    assert (second.number, second.revision, second.status, second.terms) == ("Q-2031-0001", 2, "draft", "Net 30")
    # Valid as many days as the first one (30).
    assert (second.issued_on, second.valid_until, second.total) == (dt.date(2031, 1, 20), dt.date(2031, 2, 19), Decimal("4190.50"))
    assert second.lines.count() == 3
    first.refresh_from_db()
    assert (first.status, first.version) == ("superseded", 3)
    with pytest.raises(ValidationError) as error:
        services.quote_revise(actor=am, quote=first)
    assert error.value.message_dict == {"revision": ["Revision 2 of Q-2031-0001 replaces this one: work on that one."]}
    assert str(second) == "Q-2031-0001 rev. 2"


def test_a_stale_revision_is_a_conflict_and_writes_nothing(am, opportunity):
    quote = create(am, opportunity)
    services.quote_send(actor=am, quote=Quote.objects.get(pk=quote.pk))
    before = db_state()
    with pytest.raises(ConflictError):
        services.quote_revise(actor=am, quote=Quote.objects.get(pk=quote.pk), expected_version=1)
    assert diff_tables(before, db_state()) == []


def test_accepting_wins_the_opportunity_and_supersedes_the_other_open_quotes(am, opportunity):
    other = create(am, opportunity)
    quote = create(am, opportunity)
    services.quote_send(actor=am, quote=quote)
    accepted_at = dt.datetime(2031, 1, 10, 9, 30, tzinfo=dt.UTC)
    accepted = services.quote_accept(
        actor=am, quote=Quote.objects.get(pk=quote.pk), accepted_by_name="  Jo Client ", expected_version=2,
        accepted_at=accepted_at,
    )
    assert (accepted.status, accepted.accepted_by_name, accepted.accepted_at) == ("accepted", "Jo Client", accepted_at)
    won = Opportunity.objects.get(pk=opportunity.pk)
    assert (won.status, won.stage.name, won.probability, won.forecast_category) == ("won", "Closed won", 100, "closed")
    assert won.closed_on is not None
    assert Quote.objects.get(pk=other.pk).status == "superseded"
    assert AuditEntry.objects.filter(object_id=str(quote.pk), content_type__model="quote").count() == 3


@pytest.mark.parametrize(
    ("prepare", "field", "message"),
    [
        ("expired", "valid_until", "The quote expired on 04 Feb 2031: revise it with a new valid-until day."),
        ("declined", "status", "The quote is declined: it cannot be accepted."),
        ("won_elsewhere", "opportunity", "The opportunity is already won: the quote cannot be accepted."),
        ("revised", "revision", "Revision 2 of Q-2031-0001 replaces this one: work on that one."),
        ("no_name", "accepted_by_name", "Say who accepted the quote for the client."),
    ],
)
def test_accept_refusals_name_the_field(am, opportunity, monkeypatch, prepare, field, message):
    quote = create(am, opportunity)
    name = "Jo Client"
    if prepare == "expired":
        monkeypatch.setattr("tandem.commercial.services.quotes._today", lambda: dt.date(2031, 2, 5))
    elif prepare == "declined":
        services.quote_decline(actor=am, quote=quote)
    elif prepare == "won_elsewhere":
        services.opportunity_mark_won(actor=am, opportunity=opportunity)
    elif prepare == "revised":
        services.quote_revise(actor=am, quote=quote)
    elif prepare == "no_name":
        name = " "
    quote = Quote.objects.get(pk=quote.pk)
    before = db_state()
    with pytest.raises(ValidationError) as error:
        services.quote_accept(actor=am, quote=quote, accepted_by_name=name)
    assert error.value.message_dict == {field: [message]}
    assert diff_tables(before, db_state()) == []


def test_accepting_on_the_last_valid_day_works(am, opportunity, monkeypatch):
    quote = create(am, opportunity)
    monkeypatch.setattr("tandem.commercial.services.quotes._today", lambda: VALID)
    assert services.quote_accept(actor=am, quote=quote, accepted_by_name="Jo").status == "accepted"


def test_a_read_only_viewer_cannot_accept_and_nothing_changes(am, opportunity):
    quote = create(am, opportunity)
    executive = make_user(role=Role.EXECUTIVE, email="exec@example.test")
    before = db_state()
    with pytest.raises(PermissionDeniedError):
        services.quote_accept(actor=executive, quote=quote, accepted_by_name="Jo")
    assert diff_tables(before, db_state()) == []


def test_send_and_decline(am, opportunity):
    quote = create(am, opportunity)
    sent = services.quote_send(actor=am, quote=quote, expected_version=1)
    assert (sent.status, sent.version) == ("sent", 2)
    with pytest.raises(ValidationError) as error:
        services.quote_send(actor=am, quote=sent)
    assert error.value.message_dict == {"status": ["The quote is sent: it cannot be sent."]}
    declined = services.quote_decline(actor=am, quote=sent, expected_version=2)
    assert declined.status == "declined"
    assert Opportunity.objects.get(pk=opportunity.pk).status == "open"
    revised = services.quote_revise(actor=am, quote=declined)
    assert (revised.revision, revised.status) == (2, "draft")


def test_the_opportunity_owner_may_quote_it(opportunity):
    owner = make_user(role=Role.ACCOUNT_MANAGER, email="owner@example.test")
    Opportunity.objects.filter(pk=opportunity.pk).update(owner=owner)
    quote = create(owner, Opportunity.objects.get(pk=opportunity.pk))
    assert quote.number == "Q-2031-0001"
