"""Salesforce opportunities (Data Loader and report exports) and HubSpot deals, imported
end to end on the database after the accounts they belong to."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from tandem.clients.models import Account
from tandem.commercial.models import Opportunity
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.integrations.importing import commercial as opportunity_importers
from tandem.integrations.importing.commercial import salesforce_id_18
from tandem.integrations.importing.files import FileRejected
from tandem.integrations.importing.runner import run_import
from tandem.integrations.models import ImportJob
from tests.clients.factories import make_account
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

# Data Export of Account: 18-character ids.
SF_ACCOUNTS = (
    '"Id","Name","Type","BillingCity","BillingCountry","Industry","OwnerId"\n'
    '"0015g00000AbCdEAAV","Acme Corp","Customer - Direct","London","United Kingdom","Manufacturing","am@example.test"\n'
    '"0015g00000AbCdFAAV","Globex","Prospect","Berlin","Germany","Energy","am@example.test"\n'
)
# Data Loader export of Opportunity with upper-case API names; the first row's ids are
# in the 15-character form (a report's), the others 18-character.
SF_OPPORTUNITIES = (
    "ID,ACCOUNTID,NAME,STAGENAME,AMOUNT,PROBABILITY,CLOSEDATE,TYPE,LEADSOURCE,FORECASTCATEGORYNAME,"
    "ISCLOSED,ISWON,OWNERID,CURRENCYISOCODE,NEXTSTEP\n"
    "0065g00000XyZaB,0015g00000AbCdE,Acme – Platform renewal 2027,Negotiation/Review,48000,70,2027-03-31,"
    "Renewal,Partner,Commit,false,false,0055g00000OwNeRAAA,EUR,Send the redlined MSA\n"
    "0065g00000XyZaCAAV,0015g00000AbCdEAAV,Acme – Analytics add-on,Closed Won,12000.50,100,2026-11-15,"
    "Existing Customer - Upgrade,Web,Closed,true,true,am@example.test,USD,\n"
    "0065g00000XyZaDAAV,0015g00000AbCdFAAV,Globex – Field service pilot,Closed Lost,9000,0,2026-10-01,"
    "New Business,Trade Show,Omitted,true,false,am@example.test,GBP,\n"
    "0065g00000XyZaEAAV,0015g00000AbCdFAAV,Globex – Data platform,Prospecting,5000,10,2027-06-30,"
    "New Business,Web,Pipeline,false,false,am@example.test,EUR,Discovery call\n"
)
# A Salesforce report export: field labels, accounts by name, no record ids.
SF_REPORT = (
    "Account Name,Account Owner,Billing State/Province,Employees,Annual Revenue,Opportunity Name,Stage,"
    "Amount,Close Date,Probability (%),Opportunity Owner,Next Step\n"
    'Acme Corp,Alan Account,,250,"$12,500,000.00",Acme – Support upsell,Proposal/Price Quote,'
    '"EUR 15,000.00",3/31/2027,50%,Alan Account,Demo booked for 12/1\n'
    'Globex,Alan Account,,12,,Globex – Training,Closed Won,"GBP 2,400.00",11/20/2026,100%,Alan Account,\n'
)
HUBSPOT_COMPANIES = (
    "Record ID,Company name,Company owner,Create Date,City,Country/Region,Industry,Company Domain Name\n"
    "9001,Umbrella,Alan Account,2025-01-01 09:00,Raccoon City,United States,Pharma,umbrella.example\n"
    "9002,Hooli,Alan Account,2025-01-02 09:00,Palo Alto,United States,Technology,hooli.example\n"
)
HUBSPOT_DEALS = (
    "Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Deal owner,Create Date,Deal Type,"
    "Associated Company IDs,Associated Contact IDs\n"
    "7001,Umbrella – Analytics,closedwon,default,25000,2026-09-30 17:00,Alan Account,2026-05-01 09:00,"
    "newbusiness,9001,501\n"
    "7002,Hooli – Pilot,Contract Sent,Sales Pipeline,8000,2027-01-15,,2026-10-01 09:00,existingbusiness,"
    "9002;9001,\n"
    "7003,Umbrella – Training,closedlost,default,3000,2026-08-01,Alan Account,2026-06-01 09:00,,9001,\n"
    "7004,Umbrella – Expansion,appointmentscheduled,default,,2027-02-28,Alan Account,2026-11-01 09:00,"
    "existingbusiness,9001,\n"
)


@pytest.fixture
def am(db):
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Alan Account",
                     team=make_team(name="Sales"))


def _opportunity(external_id):
    return Opportunity.objects.select_related("stage", "account", "owner").get(external_id=external_id)


def _fields(opportunity):
    return (opportunity.account.name, opportunity.name, opportunity.stage.name, opportunity.status, opportunity.amount,
            opportunity.currency, opportunity.probability, opportunity.expected_close_date, opportunity.closed_on,
            opportunity.type, opportunity.forecast_category, opportunity.owner.email, opportunity.next_step)


def _salesforce(am):
    job = run_import(actor=am, source="salesforce", data=SF_ACCOUNTS.encode(), file_name="Account.csv")
    assert (job.status, job.created_count) == ("done", 2)
    return run_import(actor=am, source="salesforce", data=SF_OPPORTUNITIES.encode(), file_name="Opportunity.csv")


def test_salesforce_data_loader_export_with_upper_case_headers(am):
    job = _salesforce(am)
    assert (job.object, job.status, job.created_count, job.error_count, job.errors) == ("opportunities", "done", 4, 0, [])
    # The 15-character ids of row 2 are kept in their 18-character form and find the
    # account imported under its 18-character id.
    assert _fields(_opportunity("0065g00000XyZaBAAV")) == (
        "Acme Corp", "Acme – Platform renewal 2027", "Negotiation", "open", Decimal("48000.00"), "EUR", 70,
        dt.date(2027, 3, 31), None, "renewal", "commit", "am@example.test", "Send the redlined MSA",
    )
    assert _fields(_opportunity("0065g00000XyZaCAAV")) == (
        "Acme Corp", "Acme – Analytics add-on", "Closed won", "won", Decimal("12000.50"), "USD", 100,
        dt.date(2026, 11, 15), dt.date(2026, 11, 15), "upsell", "closed", "am@example.test", "",
    )
    assert _fields(_opportunity("0065g00000XyZaDAAV")) == (
        "Globex", "Globex – Field service pilot", "Closed lost", "lost", Decimal("9000.00"), "GBP", 0,
        dt.date(2026, 10, 1), dt.date(2026, 10, 1), "new", "omitted", "am@example.test", "",
    )
    assert _fields(_opportunity("0065g00000XyZaEAAV")) == (
        "Globex", "Globex – Data platform", "Qualification", "open", Decimal("5000.00"), "EUR", 10,
        dt.date(2027, 6, 30), None, "new", "pipeline", "am@example.test", "Discovery call",
    )
    # Salesforce user ids match nobody here: a warning, and the importing account manager owns it.
    assert job.warnings == [{"row": 2, "column": "OWNERID", "message": "owner '0055g00000OwNeRAAA' is not an account manager here; assigned to you"}]
    created = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Opportunity), action="create")
    assert created.count() == 4 and {entry.actor_id for entry in created} == {am.pk}


def test_salesforce_ids_in_both_forms():
    assert salesforce_id_18("0015g00000AbCdE") == "0015g00000AbCdEAAV"
    assert salesforce_id_18("0015g00000AbCdEAAV") == "0015g00000AbCdEAAV"
    assert salesforce_id_18("0065g00000XyZaB") == "0065g00000XyZaBAAV"
    assert salesforce_id_18("006BENCH0000000000") == "006BENCH0000000000"  # no valid checksum: as it is
    assert salesforce_id_18("7001") == "7001"
    assert opportunity_importers.salesforce_id_forms("0015g00000AbCdE") == ("0015g00000AbCdE", "0015g00000AbCdEAAV")
    assert opportunity_importers.salesforce_id_forms("0015g00000AbCdEAAV") == ("0015g00000AbCdEAAV", "0015g00000AbCdE")


def test_reimport_changes_nothing_and_a_changed_row_updates_only_what_changed(am):
    _salesforce(am)
    before = AuditEntry.objects.count()
    again = run_import(actor=am, source="salesforce", data=SF_OPPORTUNITIES.encode(), file_name="Opportunity.csv")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    assert AuditEntry.objects.count() == before and Opportunity.objects.count() == 4
    # The renewal moved on to won at a higher amount; the 15-character id finds the same record.
    changed = SF_OPPORTUNITIES.replace(
        "Negotiation/Review,48000,70,2027-03-31,Renewal,Partner,Commit,false,false",
        "Closed Won,50000,100,2027-02-28,Renewal,Partner,Closed,true,true",
    )
    job = run_import(actor=am, source="salesforce", data=changed.encode(), file_name="Opportunity.csv")
    assert (job.created_count, job.updated_count, job.unchanged_count, job.error_count) == (0, 1, 3, 0)
    renewal = _opportunity("0065g00000XyZaBAAV")
    assert (renewal.stage.name, renewal.status, renewal.amount, renewal.closed_on, renewal.probability,
            renewal.forecast_category, renewal.version) == (
        "Closed won", "won", Decimal("50000.00"), dt.date(2027, 2, 28), 100, "closed", 2)
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.actor_id == am.pk and entry.changes["status"] == ["open", "won"]


def test_salesforce_report_export_links_accounts_by_name(am):
    run_import(actor=am, source="salesforce", data=SF_ACCOUNTS.encode(), file_name="Account.csv")
    job = run_import(actor=am, source="salesforce", data=SF_REPORT.encode(), file_name="report1700000000000.csv",
                     object_name="opportunities")
    assert (job.status, job.created_count, job.errors, job.warnings) == ("done", 2, [], [])
    upsell, training = Opportunity.objects.select_related("stage", "account", "owner").order_by("name")
    assert _fields(upsell) == (
        "Acme Corp", "Acme – Support upsell", "Proposal", "open", Decimal("15000.00"), "EUR", 50,
        dt.date(2027, 3, 31), None, "new", "best_case", "am@example.test", "Demo booked for 12/1",
    )
    assert _fields(training) == (
        "Globex", "Globex – Training", "Closed won", "won", Decimal("2400.00"), "GBP", 100,
        dt.date(2026, 11, 20), dt.date(2026, 11, 20), "new", "closed", "am@example.test", "",
    )
    assert upsell.external_id.startswith("rpt-") and upsell.source == "salesforce"
    # No record ids in a report: the account and the name keep a re-import idempotent.
    again = run_import(actor=am, source="salesforce", data=SF_REPORT.encode(), file_name="report1700000000000.csv",
                       object_name="opportunities")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)


def test_hubspot_deals_with_internal_stage_ids_and_labels(am):
    run_import(actor=am, source="hubspot", data=HUBSPOT_COMPANIES.encode(),
               file_name="hubspot-crm-exports-all-companies-2026-12-01.csv")
    job = run_import(actor=am, source="hubspot", data=HUBSPOT_DEALS.encode(),
                     file_name="hubspot-crm-exports-all-deals-2026-12-01.csv")
    assert (job.object, job.status, job.created_count, job.errors) == ("opportunities", "done", 4, [])
    assert _fields(_opportunity("7001")) == (
        "Umbrella", "Umbrella – Analytics", "Closed won", "won", Decimal("25000.00"), "EUR", 100,
        dt.date(2026, 9, 30), dt.date(2026, 9, 30), "new", "closed", "am@example.test", "",
    )
    # "Contract Sent" is a label of the default pipeline; the first associated company is the account.
    assert _fields(_opportunity("7002")) == (
        "Hooli", "Hooli – Pilot", "Negotiation", "open", Decimal("8000.00"), "EUR", 75,
        dt.date(2027, 1, 15), None, "upsell", "commit", "am@example.test", "",
    )
    assert _fields(_opportunity("7003"))[2:5] == ("Closed lost", "lost", Decimal("3000.00"))
    assert _fields(_opportunity("7004"))[2:5] == ("Qualification", "open", Decimal("0.00"))


def test_the_object_is_recognised_from_the_headers(am):
    run_import(actor=am, source="salesforce", data=SF_ACCOUNTS.encode(), file_name="Account.csv")
    job = run_import(actor=am, source="salesforce", data=SF_OPPORTUNITIES.encode(), file_name="export.csv", dry_run=True)
    assert (job.object, job.status, job.created_count, job.updated_count) == ("opportunities", "validated", 4, 0)
    assert Opportunity.objects.count() == 0


BAD_OPPORTUNITIES = (
    "Id,AccountId,Name,StageName,Amount,Probability,CloseDate,Type,ForecastCategoryName,IsClosed,IsWon,CurrencyIsoCode\n"
    "0065g00000XyZaBAAV,0015g00000AbCdEAAV,Good one,Prospecting,100,10,2027-01-31,New Business,Pipeline,false,false,EUR\n"
    "0065g00000XyZaCAAV,0015g00000AbCdEAAV,Bad cells,Prospecting,lots,150,31/02/2027,Barter,Maybe,false,false,EUR\n"
    "0065g00000XyZaDAAV,0015g00000ZZZZZAAA,Unknown account,Prospecting,100,10,2027-01-31,,,false,false,EUR\n"
    "0065g00000XyZaEAAV,0015g00000AbCdEAAV,Unknown stage,Solution Design,100,10,2027-01-31,,,false,false,EUR\n"
    "0065g00000XyZaFAAV,0015g00000AbCdEAAV,Bad currency,Prospecting,100,10,2027-01-31,,,false,false,Euro\n"
    "0065g00000XyZaGAAV,0015g00000AbCdEAAV,Won but open,Closed Won,100,10,2027-01-31,,,false,false,EUR\n"
    "0065g00000XyZaBAAV,0015g00000AbCdEAAV,Same id again,Prospecting,100,10,2027-01-31,,,false,false,EUR\n"
    "0065g00000XyZaHAAV,0015g00000AbCdEAAV,,Prospecting,-5,10,2027-01-31,,,false,false,EUR\n"
)


def test_a_dry_run_names_row_and_column_of_every_problem_and_writes_nothing(am):
    run_import(actor=am, source="salesforce", data=SF_ACCOUNTS.encode(), file_name="Account.csv")
    job = run_import(actor=am, source="salesforce", data=BAD_OPPORTUNITIES.encode(), file_name="Opportunity.csv",
                     dry_run=True)
    assert (job.status, job.created_count, job.error_count) == ("invalid", 1, 13)
    assert job.errors == [
        {"row": 3, "column": "Amount", "message": "'lots' is not a number"},
        {"row": 3, "column": "CloseDate", "message": "'31/02/2027' is not a date (write 2026-03-31)"},
        {"row": 3, "column": "ForecastCategoryName", "message": "'Maybe' is not a known forecast category (Pipeline, Best Case, Commit, Closed, Omitted)"},
        {"row": 3, "column": "Probability", "message": "'150' is not a probability (0–100 %)"},
        {"row": 3, "column": "Type", "message": "'Barter' is not a known opportunity type (New Business, Existing Customer - Upgrade, Renewal…)"},
        {"row": 4, "column": "AccountId", "message": "No account with record id '0015g00000ZZZZZAAA' from this source."},
        {"row": 5, "column": "StageName", "message": "No stage named 'Solution Design'; the stages are Qualification, Discovery, Proposal, Negotiation, Closed won, Closed lost."},
        {"row": 6, "column": "CurrencyIsoCode", "message": "Use a three-letter ISO 4217 code in capitals, e.g. EUR."},
        {"row": 6, "column": "CurrencyIsoCode", "message": "Ensure this value has at most 3 characters (it has 4)."},
        {"row": 7, "column": "StageName", "message": "The stage 'Closed Won' is won here but the file says open."},
        {"row": 8, "column": "Id", "message": "same record id as row 2"},
        {"row": 9, "column": "Amount", "message": "Constraint “opportunity_amount_positive” is violated."},
        {"row": 9, "column": "Name", "message": "This field cannot be blank."},
    ]
    assert Opportunity.objects.count() == 0
    refused = run_import(actor=am, source="salesforce", data=BAD_OPPORTUNITIES.encode(), file_name="Opportunity.csv")
    assert (refused.status, Opportunity.objects.count()) == ("invalid", 0)
    partial = run_import(actor=am, source="salesforce", data=BAD_OPPORTUNITIES.encode(), file_name="Opportunity.csv",
                         skip_invalid=True)
    assert (partial.status, partial.created_count) == ("done", 1)
    assert list(Opportunity.objects.values_list("name", flat=True)) == ["Good one"]


def test_an_account_hidden_from_the_importer_is_answered_like_a_missing_one(am):
    other = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test", full_name="Olga Other",
                      team=make_team(name="North"))
    run_import(actor=other, source="hubspot", data=HUBSPOT_COMPANIES.encode(),
               file_name="hubspot-crm-exports-all-companies-2026-12-01.csv")
    deals = HUBSPOT_DEALS.replace(",9001,", ",9009,", 1)  # 9009 does not exist at all
    job = run_import(actor=am, source="hubspot", data=deals.encode(), file_name="hubspot-crm-exports-all-deals-1.csv")
    assert job.status == "invalid" and Opportunity.objects.count() == 0
    messages = {error["row"]: error["message"] for error in job.errors}
    assert messages[2] == "No account with record id '9009' from this source."
    assert messages[3] == "No account with record id '9002' from this source."
    assert messages[4] == "No account with record id '9001' from this source."
    assert {error["column"] for error in job.errors} == {"Associated Company IDs"}


def test_an_account_the_importer_sees_but_may_not_change_is_refused_with_the_create_message(am):
    account = make_account(name="Acme Corp", owner=make_user(role=Role.ACCOUNT_MANAGER, email="x@example.test",
                                                            full_name="Xavier X"))
    executive_am = make_user(roles=[Role.ACCOUNT_MANAGER, Role.EXECUTIVE], email="ea@example.test",
                             full_name="Exec Am")
    job = run_import(actor=executive_am, source="salesforce", data=SF_REPORT.encode(), file_name="report.csv",
                     object_name="opportunities")
    assert job.errors[0] == {"row": 2, "column": "Account Name", "message": f"You may not add opportunities to {account}."}
    assert Opportunity.objects.count() == 0


def test_an_interrupted_import_resumes_from_the_last_committed_batch(am, monkeypatch):
    make_account(name="Acme Corp", owner=am)
    lines = ["Opportunity Name,Account Name,Stage,Close Date,Amount"]
    lines += [f"Deal {n:03d},Acme Corp,Prospecting,2027-01-{n % 28 + 1:02d},{n}00" for n in range(25)]
    data = ("\n".join(lines) + "\n").encode()
    original = opportunity_importers.OpportunityImporter.write
    calls = {"n": 0}

    def flaky(self, context, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return original(self, context, rows)

    monkeypatch.setattr(opportunity_importers.OpportunityImporter, "write", flaky)
    with pytest.raises(KeyboardInterrupt):
        run_import(actor=am, source="salesforce", data=data, file_name="Opportunities.csv", batch_size=10)
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, Opportunity.objects.count()) == ("failed", 20, 20)
    monkeypatch.setattr(opportunity_importers.OpportunityImporter, "write", original)
    resumed = run_import(actor=am, source="salesforce", data=data, file_name="Opportunities.csv", batch_size=10)
    assert resumed.pk == job.pk
    assert (resumed.status, resumed.rows_done, resumed.created_count) == ("done", 25, 25)
    assert Opportunity.objects.count() == 25


def test_a_file_without_an_account_column_is_refused(am):
    with pytest.raises(FileRejected, match="no account column"):
        run_import(actor=am, source="salesforce", data=b"Id,Name,StageName,CloseDate\n006A,X,Prospecting,2027-01-01\n",
                   file_name="Opportunity.csv")
    assert ImportJob.objects.count() == 0


def test_a_member_may_not_import_opportunities(member):
    from tandem.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        run_import(actor=member, source="salesforce", data=SF_REPORT.encode(), file_name="Opportunity.csv")
    assert Opportunity.objects.count() == 0 and ImportJob.objects.count() == 0
    assert Account.objects.count() == 0


def test_parsing_dates_and_probabilities():
    parse_date, parse_probability = opportunity_importers.parse_date, opportunity_importers.parse_probability
    assert parse_date("2026-03-31") == parse_date("2026-03-31 17:00") == dt.date(2026, 3, 31)
    assert parse_date("3/31/2026") == parse_date("31/3/2026") == parse_date("31.03.2026") == dt.date(2026, 3, 31)
    assert parse_date("4/5/2026") == dt.date(2026, 4, 5)  # month first (Salesforce's default report locale)
    assert parse_date("") is None
    assert [parse_probability(v) for v in ("40", "40%", "40.0", "0.4", "1", "")] == [40, 40, 40, 40, 1, None]


def test_a_remembered_parse_answers_and_refuses_like_the_parser():
    """The importer parses each distinct number, date or code text once; a refused text
    is refused again, every time, with the same message."""
    importer = opportunity_importers.OpportunityImporter()
    parse_date = dict(importer.parsers)["expected_close_date"]
    assert parse_date("31.03.2026") == parse_date("31.03.2026") == dt.date(2026, 3, 31)
    for _ in range(2):
        with pytest.raises(opportunity_importers.CellError, match=r"^'31.13.2026' is not a date \(write 2026-03-31\)$"):
            parse_date("31.13.2026")
    amount = dict(importer.parsers)["amount"]
    assert [amount("1,250.00"), amount("1,250.00"), amount("")] == [Decimal("1250.00"), Decimal("1250.00"), None]


def test_a_reimport_keeps_what_was_changed_in_tandem_unless_the_file_says_otherwise(am):
    from tandem.commercial.services import opportunity_update

    run_import(actor=am, source="hubspot", data=HUBSPOT_COMPANIES.encode(), file_name="hubspot-crm-exports-all-companies-1.csv")
    run_import(actor=am, source="hubspot", data=HUBSPOT_DEALS.encode(), file_name="hubspot-crm-exports-all-deals-1.csv")
    pilot = _opportunity("7002")
    opportunity_update(actor=am, opportunity=pilot, data={"probability": 60, "forecast_category": "best_case",
                                                          "next_step": "Workshop"})
    again = run_import(actor=am, source="hubspot", data=HUBSPOT_DEALS.encode(), file_name="hubspot-crm-exports-all-deals-2.csv")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    pilot.refresh_from_db()
    assert (pilot.probability, pilot.forecast_category, pilot.next_step) == (60, "best_case", "Workshop")
    # A move to another stage takes that stage's defaults, as opportunity_move does.
    moved = HUBSPOT_DEALS.replace("Hooli – Pilot,Contract Sent", "Hooli – Pilot,presentationscheduled")
    job = run_import(actor=am, source="hubspot", data=moved.encode(), file_name="hubspot-crm-exports-all-deals-3.csv")
    assert (job.updated_count, job.unchanged_count) == (1, 3)
    pilot.refresh_from_db()
    assert (pilot.stage.name, pilot.probability, pilot.forecast_category) == ("Proposal", 50, "best_case")


def test_hubspot_deals_as_an_xlsx_workbook(am):
    import csv
    import io

    from openpyxl import Workbook

    run_import(actor=am, source="hubspot", data=HUBSPOT_COMPANIES.encode(), file_name="hubspot-crm-exports-all-companies-1.csv")
    workbook = Workbook()
    sheet = workbook.active
    for number, row in enumerate(csv.reader(io.StringIO(HUBSPOT_DEALS))):
        # Excel keeps numbers and dates as such: the reader turns them back into text.
        if number and row[4]:
            row[4] = float(row[4])  # type: ignore[call-overload]
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(actor=am, source="hubspot", data=buffer.getvalue(), file_name="hubspot-crm-exports-all-deals-1.xlsx")
    assert (job.object, job.status, job.created_count, job.errors) == ("opportunities", "done", 4, [])
    assert _opportunity("7001").amount == Decimal("25000.00")
