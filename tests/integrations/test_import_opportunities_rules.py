"""STYLE rule 12: the same opportunities fed to ``opportunity_create`` (one by one) and
to ``opportunities_import`` (the bulk path) are allowed or refused alike, and the
records written are the same."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tandem.commercial.models import Opportunity, Stage
from tandem.commercial.services import opportunity_create
from tandem.commercial.services.imports import (
    OpportunityImportRow,
    opportunities_import,
    opportunity_import_session,
)
from tandem.core.errors import PermissionDeniedError
from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

COMPARED = (
    "account_id", "name", "type", "stage_id", "status", "probability", "amount", "currency", "amount_from_lines",
    "expected_close_date", "closed_on", "owner_id", "next_step", "forecast_category", "lost_reason",
    "pricing_strategy", "description", "source", "version",
)


@pytest.fixture
def people(db):
    team = make_team(name="Sales")
    return {
        "am": make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Alan Account", team=team),
        "admin": make_user(role=Role.ADMIN, email="admin@example.test", full_name="Ada Admin"),
        "member": make_user(role=Role.MEMBER, email="mel@example.test", full_name="Mel Member", team=team),
        # Reads every account (an executive) but changes only their own (an account manager).
        "reader": make_user(roles=[Role.ACCOUNT_MANAGER, Role.EXECUTIVE], email="sam@example.test",
                            full_name="Sam Stranger", team=make_team(name="North")),
    }


def _stage(name):
    return Stage.objects.get(name=name)


def _cases(people):
    close = dt.date(2027, 3, 31)
    base = {"name": "Platform renewal", "amount": Decimal("48000.00"), "expected_close_date": close}
    return [
        ("open, explicit probability and category", "am", "Negotiation", None,
         {**base, "probability": 35, "forecast_category": "best_case", "currency": "usd", "type": "renewal",
          "next_step": "Send the MSA", "owner": people["am"]}),
        ("won on a given day", "am", "Closed won", dt.date(2027, 2, 1), {**base, "probability": 20}),
        ("lost with a reason", "am", "Closed lost", dt.date(2027, 1, 5), {**base, "lost_reason": "Price"}),
        ("an administrator: the account's owner owns it", "admin", "Qualification", None, dict(base)),
        ("owner not an account manager", "am", "Proposal", None, {**base, "owner": people["member"]}),
        ("negative amount", "am", "Proposal", None, {**base, "amount": Decimal("-5.00")}),
        ("currency not an ISO code", "am", "Proposal", None, {**base, "currency": "euro"}),
        ("no name", "am", "Proposal", None, {**base, "name": ""}),
        ("probability above 100", "am", "Proposal", None, {**base, "probability": 150}),
        ("a stage no longer in use", "am", "Retired", None, dict(base)),
        ("an account the actor sees but may not change", "reader", "Proposal", None, dict(base)),
    ]


def _single(actor, account, stage, closed_on, data, external_id):
    try:
        created = opportunity_create(actor=actor, account=account, data=dict(data), stage=stage, closed_on=closed_on,
                                     source="salesforce", external_id=external_id)
    except ValidationError as exc:
        return None, sorted(message for messages in exc.message_dict.values() for message in messages)
    except PermissionDeniedError as exc:
        return None, [str(exc)]
    return created, []


def _bulk(actor, account, stage, closed_on, data, external_id):
    session = opportunity_import_session(actor=actor, source="salesforce")
    row = OpportunityImportRow(row=2, external_id=external_id, data=dict(data), stage_names=(stage.name,),
                               closed_on=closed_on, account_name=account.name)
    outcome = opportunities_import(actor=actor, rows=[row], session=session)
    if outcome.problems:
        return None, sorted(problem.message for problem in outcome.problems)
    assert outcome.created == 1
    return Opportunity.objects.get(source="salesforce", external_id=external_id), []


def test_the_single_record_service_and_the_bulk_import_agree(people):
    account = make_account(name="Acme Corp", owner=people["am"], currency="GBP")
    Stage.objects.create(name="Retired", order=50, probability=30, is_active=False)
    for number, (case, actor_key, stage_name, closed_on, data) in enumerate(_cases(people)):
        actor, stage = people[actor_key], _stage(stage_name)
        single, single_errors = _single(actor, account, stage, closed_on, data, f"S-{number}")
        bulk, bulk_errors = _bulk(actor, account, stage, closed_on, data, f"B-{number}")
        assert bulk_errors == single_errors, case
        assert (single is None) == (bulk is None), case
        if single is not None:
            assert bulk is not None
            bulk.refresh_from_db()
            assert {name: getattr(bulk, name) for name in COMPARED} == {
                name: getattr(single, name) for name in COMPARED
            }, case


def test_the_cases_cover_both_outcomes(people):
    """The agreement test above is only worth something if some rows pass and some fail."""
    account = make_account(name="Acme Corp", owner=people["am"], currency="GBP")
    Stage.objects.create(name="Retired", order=50, probability=30, is_active=False)
    results = [_single(people[actor], account, _stage(stage), closed_on, data, f"S-{number}")
               for number, (_case, actor, stage, closed_on, data) in enumerate(_cases(people))]
    assert [created is not None for created, _errors in results] == [True] * 4 + [False] * 7
    assert results[10][1] == ["You may not add opportunities to Acme Corp."]
    assert results[9][1] == ["The stage Retired is no longer in use."]


def test_an_update_by_import_agrees_with_opportunity_update_and_opportunity_move(people):
    from tandem.commercial.services import (
        opportunity_line_create,
        opportunity_move,
        opportunity_update,
    )

    am = people["am"]
    account = make_account(name="Acme Corp", owner=am, currency="GBP")
    data = {"name": "Platform", "amount": Decimal("1000.00"), "expected_close_date": dt.date(2027, 3, 31)}
    by_service, by_import = (
        opportunity_create(actor=am, account=account, data=dict(data), stage=_stage("Proposal"),
                           source="salesforce", external_id=external_id)
        for external_id in ("S-1", "B-1")
    )
    # Moved to won on a given day, at a new amount.
    opportunity_move(actor=am, opportunity=by_service, stage=_stage("Closed won"), closed_on=dt.date(2027, 2, 1))
    by_service = opportunity_update(actor=am, opportunity=Opportunity.objects.get(pk=by_service.pk),
                                    data={"amount": Decimal("1200.00")})
    row = OpportunityImportRow(row=2, external_id="B-1", data={**data, "amount": Decimal("1200.00")},
                               stage_names=("Closed won",), outcome="won", closed_on=dt.date(2027, 2, 1),
                               account_name="Acme Corp")
    outcome = opportunities_import(actor=am, rows=[row], session=opportunity_import_session(actor=am, source="salesforce"))
    assert (outcome.updated, outcome.problems) == (1, [])
    by_import = Opportunity.objects.get(pk=by_import.pk)
    compared = [name for name in COMPARED if name != "version"]
    assert {name: getattr(by_import, name) for name in compared} == {
        name: getattr(by_service, name) for name in compared
    }
    # An amount kept as the sum of the lines is refused with opportunity_update's message.
    opportunity_line_create(actor=am, opportunity=by_import, data={"description": "Licences", "unit_price": Decimal("10")})
    with pytest.raises(ValidationError) as refused:
        opportunity_update(actor=am, opportunity=Opportunity.objects.get(pk=by_import.pk),
                           data={"amount": Decimal("999.00")})
    changed = OpportunityImportRow(row=2, external_id="B-1", data={**data, "amount": Decimal("999.00")},
                                   stage_names=("Closed won",), outcome="won", closed_on=dt.date(2027, 2, 1),
                                   account_name="Acme Corp")
    outcome = opportunities_import(actor=am, rows=[changed],
                                   session=opportunity_import_session(actor=am, source="salesforce"))
    assert [problem.message for problem in outcome.problems] == refused.value.messages


def _checked_then_written(people, count, django_assert_num_queries=None):
    """A check pass (dry run) then the write of the same rows in one session, as
    ``run_import`` does; the write's queries are counted when asked."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Opportunity)  # cached, as after the first batch
    session = opportunity_import_session(actor=people["am"], source="salesforce")
    rows = [
        OpportunityImportRow(row=number + 2, external_id=f"W-{count}-{number}",
                             data={"name": f"Deal {number}", "expected_close_date": dt.date(2027, 3, 31)},
                             stage_names=("Proposal",), account_name="Acme Corp")
        for number in range(count)
    ]
    checked = opportunities_import(actor=people["am"], rows=rows, session=session, dry_run=True)
    assert (checked.created, checked.problems) == (count, [])
    assert not Opportunity.objects.filter(external_id__startswith=f"W-{count}-").exists()
    if django_assert_num_queries is None:
        return opportunities_import(actor=people["am"], rows=rows, session=session)
    from django.db import connection

    # SQLite: the opportunities, then the history entries; PostgreSQL: the ids (both COPYs
    # are not in the query log). No account, stage or record id is looked up again.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        return opportunities_import(actor=people["am"], rows=rows, session=session)


def test_rows_checked_as_new_are_written_with_one_history_entry_each_without_looking_them_up_again(
    people, django_assert_num_queries
):
    """The write after the check pass takes the values the rules cleaned (the same
    queries for 2 rows as for 5, none of them a look-up), and each opportunity gets its
    one "created" history entry by the importing user."""
    from tandem.core.models import AuditAction, AuditEntry

    make_account(name="Acme Corp", owner=people["am"])
    for count in (2, 5):
        written = _checked_then_written(people, count, django_assert_num_queries)
        assert (written.created, written.updated, written.problems) == (count, 0, [])
    created = Opportunity.objects.filter(external_id__startswith="W-").order_by("pk")
    assert [(item.name, item.stage.name, item.owner_id) for item in created] == [
        (f"Deal {number}", "Proposal", people["am"].pk) for number in (0, 1, 0, 1, 2, 3, 4)
    ]
    entries = AuditEntry.objects.filter(content_type__model="opportunity", action=AuditAction.CREATE)
    assert sorted(entry.object_id for entry in entries) == sorted(str(item.pk) for item in created)
    assert {entry.actor_id for entry in entries} == {people["am"].pk}
