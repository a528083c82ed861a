"""tandem.core.bulk and the bulk audit writer: raw inserts that round-trip every column
type, hand back saved instances in order, and audit exactly like the single-row path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.clients.models import Account, Lifecycle
from tandem.core import audit, bulk
from tandem.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 31, 14, 5, 9, 123456, tzinfo=dt.UTC)


def _account_rows(count: int) -> tuple[list[str], list[tuple]]:
    return bulk.complete_rows(
        Account,
        [
            {
                "name": f"Bulk {number:03d} ‘quoted’ O'Neil",
                "annual_revenue": Decimal("1234567.89") if number % 2 else None,
                "lifecycle": Lifecycle.ACTIVE,
                "lifecycle_changed_at": NOW,
                "customer_since": dt.date(2025, 1, number % 28 + 1),
                "created_at": NOW,
                "updated_at": NOW,
                "source": "salesforce",
                "external_id": f"001B{number:05d}",
            }
            for number in range(count)
        ],
    )


def test_insert_rows_returns_saved_instances_in_order_and_every_type_round_trips():
    columns, rows = _account_rows(1203)  # more than two statements' worth of rows
    created = bulk.insert_rows(Account, columns, rows)
    assert len(created) == 1203
    assert [obj.external_id for obj in created] == [f"001B{number:05d}" for number in range(1203)]
    assert all(obj.pk is not None and obj._state.adding is False for obj in created)
    stored = {obj.external_id: obj for obj in Account.objects.filter(source="salesforce")}
    assert len(stored) == 1203
    for obj in created:
        row = stored[obj.external_id]
        assert row.pk == obj.pk
        assert row.name == obj.name
        assert row.annual_revenue == obj.annual_revenue
        assert row.lifecycle_changed_at == NOW
        assert row.customer_since == obj.customer_since
        assert row.version == 1


def test_many_rows_go_through_a_temporary_table_on_sqlite(monkeypatch):
    """SQLite, from ``STAGE_FROM_ROWS`` rows: one ``executemany`` into a temporary table,
    one ``INSERT … SELECT`` in the rows' order, the temporary table emptied; the same rows
    and ids as without it; a failure writes nothing and leaves the temporary table empty."""
    from django.db import IntegrityError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes with COPY")
    monkeypatch.setattr(bulk, "MAX_ROWS_PER_STATEMENT", 2)
    monkeypatch.setattr(bulk, "STAGE_FROM_ROWS", 5)
    columns, rows = _account_rows(12)
    with CaptureQueriesContext(connection) as captured:
        created = bulk.insert_rows(Account, columns, rows[:6])
    statements = [query["sql"] for query in captured.captured_queries]
    assert [sql.split(" (")[0].split(" AS ")[0] for sql in statements] == [
        'SELECT max("id") FROM "clients_account"',
        'CREATE TEMP TABLE IF NOT EXISTS "bulk_clients_account_' + statements[1].split("_account_")[1][:8] + '"',
        "6 times: INSERT INTO temp." + statements[1].split(" AS ")[0].split(" EXISTS ")[1],
        'INSERT INTO "clients_account"',
        "DELETE FROM temp." + statements[1].split(" AS ")[0].split(" EXISTS ")[1],
        statements[5].split(" (")[0],
    ]
    assert statements[3].endswith("ORDER BY rowid")
    stored = dict(Account.objects.filter(source="salesforce").values_list("external_id", "pk"))
    assert [obj.pk for obj in created] == [stored[f"001B{number:05d}"] for number in range(6)]
    assert [obj.pk for obj in created] == sorted(obj.pk for obj in created)
    stage = statements[1].split(" AS ")[0].split(" EXISTS ")[1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM temp.{stage}")
        assert cursor.fetchone()[0] == 0
    # Plain rows (nothing read back) the same way; a duplicate record id fails the whole batch.
    assert bulk.insert_plain(Account, columns, rows[6:]) == 6
    assert Account.objects.filter(source="salesforce").count() == 12
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_plain(Account, columns, [*rows[6:11], rows[0]])
    assert Account.objects.filter(source="salesforce").count() == 12
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM temp.{stage}")
        assert cursor.fetchone()[0] == 0


def test_insert_rows_picks_the_fewest_statements_and_hands_back_the_new_ids_in_order(
    django_assert_num_queries, monkeypatch
):
    """SQLite: up to two statements' worth of rows go in as multi-row ``INSERT …
    RETURNING``; more as one ``executemany`` between reading the largest id and the ids
    above it (three statements). PostgreSQL: the ids from the sequence, then ``COPY``
    (which the query log does not see)."""
    from django.db import connection

    monkeypatch.setattr(bulk, "MAX_ROWS_PER_STATEMENT", 2)
    columns, rows = _account_rows(9)
    postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(1 if postgres else 2):  # SQLite: two INSERT … RETURNING of 2 rows
        first = bulk.insert_rows(Account, columns, rows[:4])
    Account.objects.filter(pk=first[-1].pk).delete()  # the largest id is free again
    with django_assert_num_queries(1 if postgres else 3):
        later = bulk.insert_rows(Account, columns, rows[4:])
    assert [obj.external_id for obj in [*first, *later]] == [f"001B{number:05d}" for number in range(9)]
    stored = dict(Account.objects.filter(source="salesforce").values_list("external_id", "pk"))
    assert [obj.pk for obj in later] == [stored[f"001B{number:05d}"] for number in range(4, 9)]
    assert [obj.pk for obj in later] == sorted(obj.pk for obj in later)
    assert later[0].pk > first[-1].pk


def test_insert_rows_with_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert_rows(Account, ["name"], []) == []
        assert bulk.insert_plain(AuditEntry, ["action"], []) == 0


def test_unknown_columns_are_named():
    with pytest.raises(ValueError, match="Account has no column for nonsense"):
        bulk.insert_rows(Account, ["name", "nonsense"], [("x", 1)])
    with pytest.raises(ValueError, match="Account has no column for colour"):
        bulk.complete_rows(Account, [{"name": "x"}, {"name": "y", "colour": "red"}])


def test_bulk_audit_entries_match_the_single_row_entries(admin_user):
    columns, rows = _account_rows(3)
    created = bulk.insert_rows(Account, columns, rows)
    assert audit.record_created_many(actor=admin_user, instances=created) == 3
    single = Account.objects.create(
        name=created[1].name, annual_revenue=Decimal("1234567.89"), lifecycle=Lifecycle.ACTIVE,
        lifecycle_changed_at=NOW, customer_since=created[1].customer_since, created_at=timezone.now(),
        updated_at=timezone.now(), source="hubspot", external_id=created[1].external_id,
    )  # fmt: skip
    audit.record_create(actor=admin_user, instance=single)
    entries = {entry.object_id: entry for entry in AuditEntry.objects.filter(action=AuditAction.CREATE)}
    bulk_entry, single_entry = entries[str(created[1].pk)], entries[str(single.pk)]
    assert bulk_entry.actor_id == admin_user.pk
    assert bulk_entry.object_repr == single_entry.object_repr == str(single)
    expected = dict(single_entry.changes)
    expected["source"] = [None, "salesforce"]
    assert bulk_entry.changes == expected
    assert bulk_entry.changes["annual_revenue"] == [None, "1234567.89"]
    assert bulk_entry.changes["lifecycle_changed_at"] == [None, NOW.isoformat()]


def test_repeated_values_are_adapted_once_and_equal_decimals_store_alike(admin_user):
    """Dates, decimals and moments repeat in a bulk load: each distinct value is adapted
    once; an equal decimal of another scale (1.5, 1.50) is stored and audited alike."""
    columns, rows = bulk.complete_rows(Account, [
        {"name": f"Repeat {number}", "annual_revenue": Decimal("1.5") if number % 2 else Decimal("1.50"),
         "customer_since": dt.date(2025, 1, 1), "created_at": NOW, "updated_at": NOW,
         "source": "salesforce", "external_id": f"001R{number}"}
        for number in range(4)
    ])  # fmt: skip
    created = bulk.insert_rows(Account, columns, rows)
    assert audit.record_created_many(actor=admin_user, instances=created) == 4
    stored = list(Account.objects.filter(external_id__startswith="001R").order_by("pk").values_list(
        "annual_revenue", "customer_since", "created_at"))
    assert stored == [(Decimal("1.50"), dt.date(2025, 1, 1), NOW)] * 4
    entries = AuditEntry.objects.filter(content_type__model="account", object_id__in=[str(obj.pk) for obj in created])
    changes = [entry.changes for entry in entries]
    assert [item["annual_revenue"] for item in changes] == [[None, "1.50"]] * 4
    assert [item["customer_since"] for item in changes] == [[None, "2025-01-01"]] * 4


def test_insert_objects_writes_built_instances_and_sets_their_ids(django_assert_num_queries):
    """The demo's writer: instances as built (auto_now fields as set), foreign keys
    assigned before their object was saved, primary keys set in order."""
    from tandem.clients.models import Interaction

    account = Account(name="Later saved", lifecycle=Lifecycle.ACTIVE)
    interactions = [
        Interaction(account=account, kind="call", direction="outbound", occurred_at=NOW - dt.timedelta(days=n),
                    subject=f"Call {n}", created_at=NOW, updated_at=NOW)
        for n in range(3)
    ]
    account.save()  # after the interactions were built: their account_id is still empty
    with django_assert_num_queries(1):
        assert bulk.insert_objects(Interaction, interactions) == 3
    assert [item.pk for item in interactions] == sorted(item.pk for item in interactions)
    assert all(item._state.adding is False for item in interactions)
    stored = list(Interaction.objects.filter(pk__in=[item.pk for item in interactions]).order_by("pk"))
    assert [(row.subject, row.account_id, row.created_at, row.occurred_at) for row in stored] == [
        (f"Call {n}", account.pk, NOW, NOW - dt.timedelta(days=n)) for n in range(3)
    ]
    link = Interaction.users.through
    assert bulk.insert_objects(link, []) == 0


def test_bulk_audit_changes_are_the_single_row_changes_as_json(admin_user):
    """The bulk writer encodes each entry's changes column by column: the same JSON as
    the single-row entry's dict (texts with quotes and non-ASCII letters, empty texts and
    missing values left out, numbers, decimals, dates, moments), on every row."""
    columns, rows = bulk.complete_rows(Account, [
        {"name": f'Ünïcode "{number}" \\ {chr(0x1F600)}', "annual_revenue": Decimal("2.5") if number % 3 else None,
         "employee_count": number * 7 if number % 2 else None, "city": "" if number % 2 else "Köln",
         "customer_since": dt.date(2025, 1, number % 3 + 1), "created_at": NOW, "updated_at": NOW,
         "lifecycle": Lifecycle.ACTIVE, "lifecycle_changed_at": NOW, "source": "salesforce",
         "external_id": f"001J{number}"}
        for number in range(12)
    ])  # fmt: skip
    created = bulk.insert_rows(Account, columns, rows)
    assert audit.record_created_many(actor=admin_user, instances=created) == 12
    stored = {entry.object_id: entry.changes for entry in AuditEntry.objects.filter(content_type__model="account")}
    for instance in created:
        expected = {name: [None, value] for name, value in audit.snapshot(instance).items() if value not in (None, "")}
        assert stored[str(instance.pk)] == expected


def test_bulk_audit_reads_the_written_rows_like_the_instances(admin_user):
    """Given the rows it wrote, the bulk writer encodes the same changes as from the
    saved instances' attributes (and the single-row entry)."""
    columns, rows = _account_rows(6)
    created = bulk.insert_rows(Account, columns, rows)
    assert audit.record_created_many(actor=admin_user, instances=created, columns=columns, rows=rows) == 6
    entries = AuditEntry.objects.filter(content_type__model="account", action=AuditAction.CREATE)
    stored = {entry.object_id: (entry.actor_id, entry.changes) for entry in entries}
    assert len(stored) == 6
    for instance in created:
        expected = {name: [None, value] for name, value in audit.snapshot(instance).items() if value not in (None, "")}
        assert stored[str(instance.pk)] == (admin_user.pk, expected)


def test_bulk_audit_dates_repeated_over_batches_are_the_single_row_changes(admin_user):
    """A date column's members are kept from one bulk write to the next (the batches of
    one import repeat their dates): every batch's entries still hold each row's own
    date, as the single-row entry would."""
    batches = []
    for batch in range(3):
        columns, rows = bulk.complete_rows(Account, [
            {"name": f"Dated {batch}-{number}", "customer_since": dt.date(2025, 1 + (number + batch) % 3, 1),
             "created_at": NOW, "updated_at": NOW, "source": "salesforce", "external_id": f"001D{batch}{number}"}
            for number in range(6)
        ] + [{"name": f"Undated {batch}", "created_at": NOW, "updated_at": NOW, "source": "salesforce",
              "external_id": f"001U{batch}"}])  # fmt: skip
        created = bulk.insert_rows(Account, columns, rows)
        assert audit.record_created_many(actor=admin_user, instances=created, columns=columns, rows=rows) == 7
        batches.append(created)
    stored = {entry.object_id: entry.changes for entry in AuditEntry.objects.filter(content_type__model="account")}
    for created in batches:
        for instance in created:
            expected = {name: [None, value] for name, value in audit.snapshot(instance).items() if value not in (None, "")}
            assert stored[str(instance.pk)] == expected
    assert [stored[str(instance.pk)].get("customer_since") for instance in batches[2]] == [
        [None, "2025-03-01"], [None, "2025-01-01"], [None, "2025-02-01"], [None, "2025-03-01"], [None, "2025-01-01"],
        [None, "2025-02-01"], None,
    ]  # fmt: skip


def test_saved_instances_refuse_a_row_of_the_wrong_width():
    with pytest.raises(ValueError):
        bulk._saved_instances(Account, ["id", "name"], [1], [("a", "b")])
