"""Reading hostile and odd files: every refusal names the problem, nothing is written."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.integrations.importing.clients import AccountImporter
from tandem.integrations.importing.files import FileRejected, read_table
from tandem.integrations.importing.mapping import auto_mapping, normalise_header


def test_utf8_bom_and_semicolon_delimiter_and_spacer_rows():
    data = "\ufeff;\n\nId;Name;Website\n001;Zoë GmbH;zoe.example\n".encode()
    table = read_table(data, "accounts.csv")
    assert table.headers == ["Id", "Name", "Website"]
    assert list(table.rows) == [["001", "Zoë GmbH", "zoe.example"]]
    assert table.first_row_number == 4


def test_utf16_with_bom_is_read():
    data = "Id,Name\n1,Ünïcode\n".encode("utf-16")
    table = read_table(data, "export.csv")
    assert list(table.rows) == [["1", "Ünïcode"]]


def test_latin1_file_is_refused_with_line_number():
    data = "Id,Name\n1,Caf\xe9\n".encode("latin-1")
    with pytest.raises(FileRejected) as error:
        read_table(data, "accounts.csv")
    assert "not UTF-8" in str(error.value) and "line 2" in str(error.value)
    table = read_table(data, "accounts.csv", encoding="latin-1")
    assert list(table.rows) == [["1", "Café"]]


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "a.csv", "empty"),
        (b"just one column\nvalue\n", "a.csv", "No header row"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.xls", ".xls"),
        (b"Id,Name\n1,a\n", "a.xlsx", "not one"),
        (b"PK\x03\x04garbage", "a.xlsx", "not a valid XLSX"),
    ],
)
def test_files_that_are_not_what_they_claim(data, name, fragment):
    with pytest.raises(FileRejected) as error:
        read_table(data, name)
    assert fragment in str(error.value)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bomb_pretending_to_be_xlsx_is_refused_before_parsing():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(FileRejected) as error:
        read_table(bomb, "hubspot-crm-exports-all-companies.xlsx")
    assert "zip bomb" in str(error.value)


def test_zip_that_is_not_a_workbook_is_refused():
    with pytest.raises(FileRejected) as error:
        read_table(_zip({"readme.txt": b"hello"}), "companies.xlsx")
    assert "not an Excel workbook" in str(error.value)


def test_real_xlsx_is_read():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Record ID", "Company name", "Number of Employees"])
    sheet.append([12, "Initech", 40])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "hubspot-crm-exports-all-companies-2026.xlsx")
    assert table.headers == ["Record ID", "Company name", "Number of Employees"]
    assert list(table.rows) == [["12", "Initech", "40"]]


def test_xml_entity_expansion_in_xlsx_is_refused():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Id", "Name"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    members["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' + body
    )
    with pytest.raises(FileRejected) as error:
        table = read_table(_zip(members), "companies.xlsx")
        list(table.rows)
    assert "could not be" in str(error.value) or "refused" in str(error.value)


def test_header_normalisation_joins_api_names_and_labels():
    assert normalise_header("BillingCity") == normalise_header("Billing City") == "billingcity"
    assert normalise_header("Country/Region") == "countryregion"
    mapping = auto_mapping(["ACCOUNTNAME", "Name", "Billing City"], AccountImporter.fields)
    assert mapping["name"] == "Name" and mapping["city"] == "Billing City"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=12),
    cells=st.lists(st.lists(st.text(max_size=40), max_size=14), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_arbitrary_csv_is_read_or_refused_never_crashes(headers, cells, delimiter):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(cells)
    try:
        table = read_table(buffer.getvalue().encode(), "fuzz.csv")
        rows = list(table.rows)
    except FileRejected as exc:
        assert str(exc)
        return
    assert isinstance(table.headers, list)
    assert all(isinstance(row, list) for row in rows)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_read_or_refused_never_crash(data):
    try:
        table = read_table(data, "fuzz.csv")
        list(table.rows)
    except FileRejected as exc:
        assert str(exc)
