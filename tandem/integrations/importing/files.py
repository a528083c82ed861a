"""Reading uploaded tables safely: CSV (UTF-8, with or without BOM, UTF-16 with BOM)
and XLSX, with limits on size, zip expansion and row width.

Every refusal raises :class:`FileRejected` with a message for the person who uploaded
the file. Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed ÷ compressed, per member: more is a zip bomb
MAX_COLUMNS = 500
MAX_CELL_CHARS = 100_000
HEADER_SEARCH_ROWS = 10

csv.field_size_limit(MAX_CELL_CHARS)


class FileRejected(Exception):
    """The file cannot be read as what it claims to be; nothing was imported."""


@dataclass
class Table:
    """A table read from a file: the header row and an iterator of data rows.

    ``first_row_number`` is the 1-based line number of the first data row in the file,
    so error reports point at the row a person sees in a spreadsheet.
    """

    headers: list[str]
    rows: Iterator[list[str]]
    first_row_number: int
    file_name: str


def _sniff_format(head: bytes, file_name: str) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRejected(f"{file_name} is named like an Excel file but is not one (no XLSX signature).")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(f"{file_name} is an old .xls workbook; save it as .xlsx or CSV first.")
    return "csv"


def _decode_text(data: bytes, file_name: str) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRejected(f"{file_name} claims UTF-16 (byte order mark) but is not valid UTF-16.") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"{file_name} is not UTF-8 text (first bad byte 0x{data[exc.start]:02x} on line {line}). "
            "Export it again as 'CSV UTF-8', or choose the file's encoding."
        ) from exc


def _header_index(rows: list[list[str]]) -> int:
    """The first row that looks like a header: at least two non-empty cells. Exports
    such as Asana's may have spacer rows above it."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in row if cell.strip()) >= 2:
            return index
    raise FileRejected("No header row found: the file has no row with at least two column names.")


def _check_headers(headers: list[str], file_name: str) -> list[str]:
    if len(headers) > MAX_COLUMNS:
        raise FileRejected(f"{file_name} has {len(headers)} columns; at most {MAX_COLUMNS} are accepted.")
    cleaned = [header.strip() for header in headers]
    return cleaned


def _guess_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the most columns, consistently.

    (``csv.Sniffer`` is thrown off by spacer rows above the header.)
    """
    lines = [line for line in sample.splitlines()[:25] if line.strip()]
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t", "|"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [count for count in counts if count > 1]
        if not wide:
            continue
        most_common = max(set(wide), key=wide.count)
        score = wide.count(most_common) * most_common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, file_name: str, *, encoding: str | None = None) -> Table:
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise FileRejected(f"{file_name} cannot be read as {encoding}: {exc}") from exc
    else:
        text = _decode_text(data, file_name)
    # The whole text, not its head: one C-level scan, cheap even for 200 MiB.
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise FileRejected(f"{file_name} contains a NUL character (line {line}): it is not a CSV text file.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_guess_delimiter(text[:65536]))
    head: list[list[str]] = []
    try:
        for row in reader:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise FileRejected(f"{file_name} is not a readable CSV file: {exc}") from exc
    if not head:
        raise FileRejected(f"{file_name} is empty.")
    index = _header_index(head)
    headers = _check_headers(head[index], file_name)
    buffered = head[index + 1 :]

    def rows() -> Iterator[list[str]]:
        yield from buffered
        try:
            yield from reader
        except csv.Error as exc:
            raise FileRejected(f"{file_name}: unreadable CSV at line {reader.line_num}: {exc}") from exc

    return Table(headers=headers, rows=rows(), first_row_number=index + 2, file_name=file_name)


def _check_zip(data: bytes, file_name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"{file_name} is not a valid XLSX (zip) file.") from exc
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if member.compress_size and member.file_size / member.compress_size > MAX_ZIP_RATIO and member.file_size > 10 * 1024 * 1024:
            raise FileRejected(f"{file_name} expands suspiciously ({member.filename}); refused as a possible zip bomb.")
        if total > MAX_XLSX_UNCOMPRESSED:
            raise FileRejected(f"{file_name} expands to more than {MAX_XLSX_UNCOMPRESSED // 2**20} MiB; refused.")
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise FileRejected(f"{file_name} is a zip file but not an Excel workbook.")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, file_name: str) -> Table:
    _check_zip(data, file_name)
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # openpyxl parses through defusedxml when it is installed
        raise FileRejected("XLSX import needs the defusedxml package; refusing to parse unsafely.")

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise FileRejected(f"{file_name} could not be opened as a workbook: {exc}") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    head: list[list[str]] = []
    try:
        for row in iterator:
            head.append([_cell_text(value) for value in row[:MAX_COLUMNS + 1]])
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except Exception as exc:  # damaged sheet XML (see rows() below)
        workbook.close()
        raise FileRejected(
            f"{file_name}: the first sheet cannot be read (its XML is damaged: {type(exc).__name__})."
        ) from exc
    if not head:
        raise FileRejected(f"{file_name} has an empty first sheet.")
    index = _header_index(head)
    headers = _check_headers(head[index], file_name)
    while headers and not headers[-1]:
        headers.pop()
    buffered = head[index + 1 :]

    def rows() -> Iterator[list[str]]:
        for row in buffered:
            yield row[: len(headers)]
        number = index + 1 + len(buffered)
        try:
            for raw in iterator:
                number += 1
                yield [_cell_text(value) for value in raw[: len(headers)]]
        except Exception as exc:  # the sheet's XML breaks further down: openpyxl and the XML parser raise many kinds
            raise FileRejected(
                f"{file_name}: the first sheet cannot be read after row {number} "
                f"(its XML is damaged: {type(exc).__name__}). Save the workbook again, or export it as CSV."
            ) from exc
        finally:
            workbook.close()

    return Table(headers=headers, rows=rows(), first_row_number=index + 2, file_name=file_name)


def read_table(source: bytes | Path | IO[bytes], file_name: str | None = None, *, encoding: str | None = None) -> Table:
    """Read a CSV or XLSX file (told apart by content, not by name)."""
    if isinstance(source, Path):
        file_name = file_name or source.name
        if source.stat().st_size > MAX_FILE_BYTES:
            raise FileRejected(f"{file_name} is larger than {MAX_FILE_BYTES // 2**20} MiB.")
        data = source.read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    file_name = file_name or "upload"
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected(f"{file_name} is larger than {MAX_FILE_BYTES // 2**20} MiB.")
    if not data.strip():
        raise FileRejected(f"{file_name} is empty.")
    if _sniff_format(data[:8], file_name) == "xlsx":
        return read_xlsx(data, file_name)
    return read_csv(data, file_name, encoding=encoding)
