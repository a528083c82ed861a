"""The client measures of ``tandem bench`` (P2C, P3C, P4, P5) at a tiny scale.

Timings are never asserted (the machine is shared and noisy); the line format, the
exact query counts, their equality at both sizes and page sizes, and that every
measure leaves the data as it found it are.
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection

from tandem.bench import runner
from tandem.bench.measures import clients as client_measures
from tandem.bench.measures import commercial as commercial_measures
from tandem.clients.models import Account, Contact, Inquiry, Interaction
from tandem.core import demo
from tandem.core.models import AuditEntry
from tandem.integrations.models import ImportJob

LINE = re.compile(
    r"^(?P<name>P\d+C?): ratio=(?P<ratio>\d+\.\d\d) target=(?P<target>(<=|>=)\d+(\.\d+)?)"
    r"(?P<details>( [a-z_:]+=[^ ]+)*) status=(?P<status>ok|missed)$"
)
TINY = 0.01  # 1,000 accounts, about 10,000 interactions


def parse(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match, f"not a bench line: {line!r}"
    fields = dict(pair.split("=", 1) for pair in match["details"].split())
    return {**fields, "name": match["name"], "ratio": match["ratio"], "target": match["target"]}


def snapshot() -> tuple[int, ...]:
    return (
        Account.objects.count(),
        Contact.objects.count(),
        Interaction.objects.count(),
        Inquiry.objects.count(),
        AuditEntry.objects.count(),
        ImportJob.objects.count(),
    )


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo.run_demo(scale=TINY, seed=1, reset=True)
        yield
        demo.wipe_business_tables()


def run(names: list[str], repeat: int = 2) -> list[dict[str, str]]:
    out = io.StringIO()
    runner.run(runner.select_measures(names), repeat=repeat, out=out)
    return [parse(line) for line in out.getvalue().splitlines()]


def test_the_client_measures_are_registered_in_order():
    names = [item.name for item in runner.select_measures()]
    assert names == ["P2", "P3", "P4", "P5", "P6", "P7", "P2C", "P2D", "P2H", "P2R", "P2S", "P3C", "P3D", "P3H", "P3R", "P3S", "P4D", "P4G", "P4S", "P5O", "P6M"]
    assert runner.discover()["P5"].target.at_most is False


@pytest.mark.django_db
def test_p2c_times_the_four_client_list_pages(demo_data):
    before = snapshot()
    (line,) = run(["P2C"])
    assert (line["name"], line["target"], line["repeat"], line["accounts"]) == (
        "P2C",
        "<=6",
        "2",
        "1000",
    )
    assert line["worst"] in {"account_list", "contact_list", "interaction_list", "inquiry_queue"}
    for page in ("account_list", "contact_list", "interaction_list", "inquiry_queue"):
        assert float(line[f"{page}_ms"]) > 0
    assert snapshot() == before


@pytest.mark.django_db
def test_p3c_query_counts_are_the_same_at_both_sizes_and_page_sizes(demo_data):
    before = snapshot()
    (line,) = run(["P3C"])
    assert (line["ratio"], line["target"], line["page_sizes"]) == ("1.00", "<=1", "10/100")
    small, large = (int(size) for size in line["interactions"].split("/"))
    assert large == small * 10
    endpoints = (
        "account_list", "contact_list", "interaction_list", "inquiry_queue",
        "api_accounts", "api_contacts", "api_interactions", "api_inquiries",
    )  # fmt: skip
    for endpoint in endpoints:
        counts = [int(count) for count in line[endpoint].split(",")]
        assert len(counts) == 4  # two data sizes x two page sizes
        assert len(set(counts)) == 1, f"{endpoint} changes its query count: {counts}"
        assert counts[0] <= 12
    assert int(line["max_queries"]) <= 12
    assert snapshot() == before  # the growth was rolled back


@pytest.mark.django_db
def test_p4_compares_each_page_with_a_hundredth_of_the_data(demo_data):
    before = snapshot()
    (line,) = run(["P4"])
    assert (line["name"], line["target"], line["repeat"]) == ("P4", "<=1.3", "2")
    assert line["accounts"] == "1000/10"  # one account in a hundred, by id
    for page in ("account_list", "contact_list", "interaction_list", "inquiry_queue"):
        full, small = (float(value) for value in line[f"{page}_ms"].split("/"))
        assert full > 0 and small > 0
    assert snapshot() == before  # the shrinking was rolled back


@pytest.mark.django_db
def test_shrink_keeps_one_account_in_a_hundred_with_its_rows(demo_data):
    kept = set(range(100, 1001, 100))
    assert set(Account.objects.filter(pk__in=kept).values_list("pk", flat=True)) == kept
    # The sales rows go first (the sales shrink then calls the clients one): the test's
    # teardown checks every foreign key, and the demo has sales rows on every account.
    commercial_measures.shrink(100)  # rolled back with the test's transaction
    assert set(Account.objects.values_list("pk", flat=True)) == kept
    for model in (Contact, Interaction, Inquiry):
        remaining = set(model.objects.values_list("account_id", flat=True))
        assert remaining and remaining <= kept


@pytest.mark.django_db
def test_p5_imports_a_contacts_file_and_compares_with_raw_inserts(demo_data, monkeypatch):
    monkeypatch.setattr(client_measures, "P5_ROWS", 600)
    monkeypatch.setattr(client_measures, "P5_ACCOUNTS", 40)
    before = snapshot()
    (line,) = run(["P5"], repeat=1)
    assert (line["name"], line["target"], line["rows"], line["raw"]) == (
        "P5",
        ">=0.4",
        "600",
        "copy" if connection.vendor == "postgresql" else "executemany",
    )
    import_rate, raw_rate = int(line["import_rows_per_s"]), int(line["raw_rows_per_s"])
    assert import_rate > 0 and raw_rate > 0
    assert abs(float(line["ratio"]) - import_rate / raw_rate) < 0.01
    assert snapshot() == before  # the import and the scratch table were rolled back


def test_p5_files_are_a_salesforce_export():
    accounts, contacts = client_measures._p5_files(5, 2)
    assert accounts.decode().splitlines() == [
        "Id,Name,Type,BillingCity,BillingCountry,Industry",
        "001BENCH0000000000,Bench Account 00000,Customer - Direct,Leeds,United Kingdom,Retail",
        "001BENCH0000000001,Bench Account 00001,Customer - Direct,Leeds,United Kingdom,Retail",
    ]
    lines = contacts.decode().splitlines()
    assert lines[0] == ",".join(client_measures.P5_HEADERS)
    assert len(lines) == 6
    assert lines[5].split(",")[:4] == [
        "003BENCH0000000004",
        "001BENCH0000000000",
        "Sam",
        "Contact000004",
    ]
