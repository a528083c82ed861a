"""P5O: a 200,000-row opportunity import, measured like the contacts import (P5, in
:mod:`tandem.bench.measures.clients`).

A Salesforce Data Loader export of Opportunity (upper-case API names, the stage names of
Salesforce's standard picklist, won and lost rows, three currencies) is imported end to
end by :func:`tandem.integrations.importing.runner.run_import` (read, recognise, map,
parse, dedupe, resolve accounts and stages, check every row under the rules of
``opportunity_create``, insert with one audit entry per opportunity) after its 2,000
accounts (not timed). Its rate in rows/s is divided by the rate of inserting the same
rows raw, ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), into a scratch table with
the opportunity table's columns, indexes and unique constraints (the database's own share
of the work; the rate without indexes is reported beside it), by the scaffolding P5 uses
too (:mod:`tandem.bench.import_ratio`). Everything happens in a transaction that is
rolled back. Target: at least 0.4, as P5.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from tandem.bench.import_ratio import Getter, ImportRatio, account_export, import_ratio
from tandem.bench.registry import BenchError, Result, Target, measure
from tandem.bench.runner import BenchContext
from tandem.commercial.models import Opportunity, Stage

P5O_ROWS = 200_000
P5O_ACCOUNTS = 2_000
TARGET = Target(0.4, at_most=False)

P5O_HEADERS = (
    "ID", "ACCOUNTID", "NAME", "STAGENAME", "AMOUNT", "PROBABILITY", "CLOSEDATE", "TYPE", "LEADSOURCE",
    "FORECASTCATEGORYNAME", "ISCLOSED", "ISWON", "CURRENCYISOCODE", "NEXTSTEP",
)  # fmt: skip

# StageName, Tandem stage, probability, ForecastCategoryName, IsClosed, IsWon
_STAGES = (
    ("Prospecting", "Qualification", "10", "Pipeline", "false", "false"),
    ("Needs Analysis", "Discovery", "25", "Pipeline", "false", "false"),
    ("Proposal/Price Quote", "Proposal", "50", "Best Case", "false", "false"),
    ("Negotiation/Review", "Negotiation", "75", "Commit", "false", "false"),
    ("Closed Won", "Closed won", "100", "Closed", "true", "true"),
    ("Closed Lost", "Closed lost", "0", "Omitted", "true", "false"),
)
_TYPES = (("New Business", "new"), ("Existing Customer - Upgrade", "upsell"), ("Renewal", "renewal"))
_CURRENCIES = ("EUR", "USD", "GBP")


def _p5o_files(rows: int, accounts: int) -> tuple[bytes, bytes]:
    """A Salesforce Account export of ``accounts`` rows and an Opportunity export of
    ``rows`` rows spread over them (deterministic)."""
    opportunity_file = io.StringIO()
    writer = csv.writer(opportunity_file)
    writer.writerow(P5O_HEADERS)
    start = dt.date(2026, 1, 1)
    for number in range(rows):
        stage = _STAGES[number % len(_STAGES)]
        writer.writerow([
            f"006BENCH{number:010d}", f"001BENCH{number % accounts:010d}", f"Bench deal {number:06d}", stage[0],
            f"{(number % 97 + 1) * 250}.00", stage[2], (start + dt.timedelta(days=number % 730)).isoformat(),
            _TYPES[number % len(_TYPES)][0], "Web", stage[3], stage[4], stage[5],
            _CURRENCIES[number % len(_CURRENCIES)], "Call back",
        ])  # fmt: skip
    return account_export(accounts, "Bench Opportunity Account"), opportunity_file.getvalue().encode()


def _p5o_values(account_ids: dict[str, int]) -> dict[str, Getter]:
    """The opportunity columns an import of the P5O file writes, from a row of it."""
    now = timezone.now()
    stages = {stage.name: stage for stage in Stage.objects.filter(is_active=True)}
    if any(item[1] not in stages for item in _STAGES):
        raise BenchError("the default pipeline stages (Qualification … Closed lost) are missing: load the demo data")
    by_salesforce = {item[0]: stages[item[1]] for item in _STAGES}
    types = dict(_TYPES)
    categories = {"Pipeline": "pipeline", "Best Case": "best_case", "Commit": "commit", "Closed": "closed",
                  "Omitted": "omitted"}

    def closed_on(row: dict[str, str]) -> dt.date | None:
        return dt.date.fromisoformat(row["CLOSEDATE"]) if row["ISCLOSED"] == "true" else None

    return {
        "created_at": lambda row: now,
        "updated_at": lambda row: now,
        "version": lambda row: 1,
        "account": lambda row: account_ids[row["ACCOUNTID"]],
        "name": lambda row: row["NAME"],
        "type": lambda row: types[row["TYPE"]],
        "stage": lambda row: by_salesforce[row["STAGENAME"]].pk,
        "status": lambda row: by_salesforce[row["STAGENAME"]].outcome,
        "probability": lambda row: int(row["PROBABILITY"]),
        "amount": lambda row: Decimal(row["AMOUNT"]),
        "currency": lambda row: row["CURRENCYISOCODE"],
        "expected_close_date": lambda row: dt.date.fromisoformat(row["CLOSEDATE"]),
        "closed_on": closed_on,
        "next_step": lambda row: row["NEXTSTEP"],
        "forecast_category": lambda row: categories[row["FORECASTCATEGORYNAME"]],
        "source": lambda row: "salesforce",
        "external_id": lambda row: row["ID"],
    }


@measure("P5O", title="CSV opportunities import rows/s / raw insert rows/s", target=TARGET)
def opportunity_import_throughput(ctx: BenchContext) -> Result:
    """Import a 200,000-row Salesforce opportunities file (after its 2,000 accounts, not
    timed) as an administrator with ``run_import``, against inserting the same rows raw
    into a scratch table (:mod:`tandem.bench.import_ratio`)."""
    account_data, data = _p5o_files(P5O_ROWS, min(P5O_ACCOUNTS, P5O_ROWS))
    return import_ratio(ctx, ImportRatio(
        name="P5O", target=TARGET, model=Opportunity, rows=P5O_ROWS, account_data=account_data, data=data,
        file_name="Opportunity.csv", values_of=_p5o_values,
    ))
