"""R4 for quotes: parallel creators draw distinct numbers, and two people accepting or
revising the same quote at once leave exactly one winner.

Each worker is a thread with its own database connection (the pattern of
tests/core/test_concurrency.py), so the writes really race: on PostgreSQL the sequence
row lock queues the creators, on SQLite the IMMEDIATE transactions do.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial import services
from tandem.commercial.models import Opportunity, Quote
from tandem.core.errors import ConflictError
from tandem.core.models import Sequence
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_line, make_opportunity, seed_stages
from tests.core.test_concurrency import WORKERS, run_in_threads
from tests.factories import make_user

ISSUED = dt.date(2031, 3, 1)
VALID = dt.date(2031, 3, 31)


def _opportunity() -> tuple[object, Opportunity]:
    seed_stages()  # a transactional test starts from a flushed database
    am = make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test")
    opportunity = make_opportunity(account=make_account(owner=am), stage_name="Proposal")
    make_line(opportunity=opportunity, unit_price=Decimal("2500.00"))
    return am, opportunity


@pytest.mark.django_db(transaction=True)
def test_parallel_creators_get_distinct_numbers() -> None:
    am, opportunity = _opportunity()

    def work(index: int) -> str:
        row = Opportunity.objects.get(pk=opportunity.pk)
        return services.quote_create(actor=am, opportunity=row, valid_until=VALID, issued_on=ISSUED).number

    results = run_in_threads(work)
    assert [result for result in results if isinstance(result, BaseException)] == []
    assert sorted(results) == [f"Q-2031-{number:04d}" for number in range(1, WORKERS + 1)]
    assert Quote.objects.count() == WORKERS
    assert Sequence.objects.get(name="quote-2031").value == WORKERS


@pytest.mark.django_db(transaction=True)
def test_parallel_accepts_of_one_quote_have_one_winner() -> None:
    am, opportunity = _opportunity()
    quote = services.quote_create(actor=am, opportunity=opportunity, valid_until=dt.date(2999, 1, 1))

    def work(index: int) -> Quote:
        row = Quote.objects.get(pk=quote.pk)
        return services.quote_accept(actor=am, quote=row, accepted_by_name=f"Signer {index}", expected_version=1)

    results = run_in_threads(work)
    accepted = [result for result in results if isinstance(result, Quote)]
    refused = [result for result in results if isinstance(result, ConflictError | ValidationError)]
    assert len(accepted) == 1
    assert len(refused) == WORKERS - 1
    stored = Quote.objects.get(pk=quote.pk)
    assert (stored.status, stored.version, stored.accepted_by_name) == ("accepted", 2, accepted[0].accepted_by_name)
    won = Opportunity.objects.get(pk=opportunity.pk)
    assert (won.status, won.version) == ("won", opportunity.version + 1)


@pytest.mark.django_db(transaction=True)
def test_parallel_revisions_of_one_quote_make_one_revision() -> None:
    am, opportunity = _opportunity()
    quote = services.quote_create(actor=am, opportunity=opportunity, valid_until=dt.date(2999, 1, 1))

    def work(index: int) -> Quote:
        row = Quote.objects.get(pk=quote.pk)
        return services.quote_revise(actor=am, quote=row, expected_version=1)

    results = run_in_threads(work)
    revised = [result for result in results if isinstance(result, Quote)]
    others = [result for result in results if not isinstance(result, Quote | ConflictError | ValidationError)]
    assert others == []
    assert len(revised) == 1
    assert list(Quote.objects.order_by("revision").values_list("revision", "status")) == [(1, "superseded"), (2, "draft")]
