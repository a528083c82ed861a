"""CSV and XLSX export of a list: the rows of a queryset, in declared columns.

Every list page exports through :func:`export_response` with the *same* queryset it
pages through (the selector scoped to the user, with the page's filters and sort), so an
export holds exactly the rows the user may see, never more.

* **CSV** streams (``StreamingHttpResponse`` over ``QuerySet.iterator``): memory stays
  flat whatever the number of rows. UTF-8 with a byte-order mark, so spreadsheet
  programs read accented names correctly.
* **XLSX** uses openpyxl's write-only workbook (rows are written to a temporary file as
  they come, not held as cell objects), at most :data:`XLSX_MAX_ROWS` rows (the sheet
  limit of Excel; a CSV export has no limit).

**Formula injection** (QUALITY R8): a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would run as a formula when the file is opened. Such a
cell gets a leading apostrophe (``'=HYPERLINK(…)``), in both formats; XLSX text cells are
also written with the explicit string type, so no text value ever becomes a formula.
Numbers, dates and booleans are written as values of their type.

File names are built from a slug of the list name and the date: ASCII letters, digits
and hyphens only, whatever the caller passes.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMATS = ("csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
CHUNK_SIZE = 2000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Value = str | int | float | Decimal | bool | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Column:
    """One exported column: its header and how to read a row's value, either a dotted
    attribute path (``"owner.full_name"``; a missing link gives an empty cell) or a
    function of the row."""

    header: str
    value: str | Callable[[Any], Any]

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            if current is None:
                return None
            current = getattr(current, part)
        return current


def neutralise(text: str) -> str:
    """``text`` safe to open in a spreadsheet: a leading apostrophe when it would start
    a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_value(value: Any) -> Value:
    """A value as a spreadsheet cell holds it: numbers, booleans and dates as they are
    (datetimes in the current time zone, without offset), everything else as neutralised
    text."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return value
    return neutralise(str(value))


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_filename(name: str, extension: str, today: dt.date | None = None) -> str:
    """``accounts-2025-03-01.csv``: a slug of ``name`` (ASCII, hyphens) and the date."""
    base = slugify(name)[:60].strip("-") or "export"
    day = (today or timezone.localdate()).isoformat()
    return f"{base}-{day}.{extension}"


def _rows(source: QuerySet[Any] | Iterable[Any]) -> Iterator[Any]:
    if isinstance(source, QuerySet):
        # ``iterator`` keeps memory flat; with a chunk size it still runs the
        # queryset's prefetch_related lookups, once per chunk.
        return source.iterator(chunk_size=CHUNK_SIZE)
    return iter(source)


class _Echo:
    """A file-like object whose ``write`` returns the line (for the streaming writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(source: QuerySet[Any] | Iterable[Any], columns: Sequence[Column]) -> Iterator[str]:
    """The CSV file, line by line: a byte-order mark and the header, then one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(column.header) for column in columns])
    for row in _rows(source):
        yield writer.writerow([_csv_text(cell_value(column.read(row))) for column in columns])


def csv_response(source: QuerySet[Any] | Iterable[Any], columns: Sequence[Column], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(source, columns), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(name, "csv")}"'
    return response


def write_xlsx(source: QuerySet[Any] | Iterable[Any], columns: Sequence[Column], target: Any, *, title: str = "Export") -> int:
    """Write the workbook to ``target`` (a path or binary file); returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(slugify(title)[:31] or "Export"))

    def text_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # never a formula, whatever the text
        return cell

    def cell(value: Value) -> Any:
        if isinstance(value, str):
            return text_cell(value)
        return value

    sheet.append([text_cell(neutralise(column.header)) for column in columns])
    written = 0
    for row in _rows(source):
        if written >= XLSX_MAX_ROWS:
            break
        sheet.append([cell(cell_value(column.read(row))) for column in columns])
        written += 1
    workbook.save(target)
    return written


def xlsx_response(source: QuerySet[Any] | Iterable[Any], columns: Sequence[Column], name: str) -> FileResponse:
    # Spooled: small workbooks stay in memory, big ones go to a temporary file.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(source, columns, buffer, title=name)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=export_filename(name, "xlsx"), content_type=XLSX_CONTENT_TYPE
    )


def export_response(
    source: QuerySet[Any] | Iterable[Any], columns: Sequence[Column], *, name: str, file_format: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The export of ``source`` in ``file_format`` (``"csv"`` or ``"xlsx"``)."""
    if file_format == "csv":
        return csv_response(source, columns, name)
    if file_format == "xlsx":
        return xlsx_response(source, columns, name)
    raise ValueError(f"Unknown export format {file_format!r}")


def requested_format(params: Any) -> str:
    """``"csv"`` or ``"xlsx"`` when the query string asks for an export, else ``""``."""
    value = str(params.get("format", "")).lower()
    return value if value in FORMATS else ""
