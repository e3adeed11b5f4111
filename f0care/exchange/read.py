"""Read a station's patient file (CSV or XLSX) into rows of text; a file we cannot read says why.

Nothing here raises anything but `FileProblem` for a bad file: wrong format, empty, no header,
missing columns, too large. Row numbers are those the spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook

from dialogs.bulk_register import Column, SheetRow
from f0care.exchange.columns import HEADER_SEARCH_ROWS, Header, missing, read_header

MAX_BYTES = 5 * 1024 * 1024  # 5,000 rows are about 0.5 MB as CSV, 0.3 MB as XLSX
MAX_ROWS = 10_000
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the Excel 97-2003 .xls format (and encrypted .xlsx)
_DELIMITERS = ",;\t"


class FileProblem(Exception):
    """The file as a whole cannot be imported: `key` names why (see `f0care.exchange.messages`)."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


@dataclass(frozen=True)
class PatientFile:
    """The rows of a patient file, and what its header says."""

    header: Header
    rows: tuple[SheetRow, ...]


def read_patient_file(data: bytes) -> PatientFile:
    """The rows of a CSV (UTF-8, UTF-16 or Windows-1258; comma, semicolon or tab) or XLSX file."""
    if not data.strip():
        raise FileProblem("empty")
    if len(data) > MAX_BYTES:
        raise too_large()
    if data.startswith(_OLE):
        raise FileProblem("xls")
    lines = _xlsx_rows(data) if data.startswith(_ZIP) else _csv_rows(data)
    return _table(lines)


def too_large() -> FileProblem:
    """The file is over `MAX_BYTES`: the problem, with the limit as people write it."""
    limit = f"{MAX_BYTES / (1024 * 1024):g} MB" if MAX_BYTES >= 1024 * 1024 else f"{-(-MAX_BYTES // 1024)} KB"
    return FileProblem("too_large", limit)


def _table(lines: Iterable[tuple[int, list[str]]]) -> PatientFile:
    header: Header | None = None
    rows: list[SheetRow] = []
    for number, cells in lines:
        if header is None:
            header = read_header(number, cells)
            if header is None and number >= HEADER_SEARCH_ROWS:
                raise FileProblem("no_header")
            continue
        if not any(cell.strip() for cell in cells):
            if number > 2 * MAX_ROWS:  # a sheet of a million formatted blank lines
                raise FileProblem("too_many_rows", f"{MAX_ROWS:,}")
            continue  # a blank line between groups of patients
        if len(rows) >= MAX_ROWS:
            raise FileProblem("too_many_rows", f"{MAX_ROWS:,}")
        found = {column: cells[i] for column, i in header.index.items() if i < len(cells)}
        rows.append(SheetRow(number, found))
    if header is None:
        raise FileProblem("no_header")
    absent = missing(header)
    if absent:
        raise FileProblem("missing_columns", ", ".join(column.value for column in absent))
    if not rows:
        raise FileProblem("no_rows")
    return PatientFile(header, tuple(rows))


def _decode(data: bytes) -> str:
    """The text, composed (NFC): Windows-1258 writes most Vietnamese letters as a letter and a tone mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")  # Excel's "Unicode text"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1258", errors="replace")  # Excel's CSV on Vietnamese Windows
    return unicodedata.normalize("NFC", text)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    if "\x00" in text:
        raise FileProblem("format")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error as error:
        raise FileProblem("format", str(error)) from error


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a zip that is not a workbook, a damaged one: openpyxl raises many kinds
        raise FileProblem("xlsx_unreadable", type(error).__name__) from error
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees: dates as dd/mm/yyyy, 1980.0 as 1980."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column_names(header: Header, columns: Sequence[Column]) -> dict[Column, str]:
    """The file's own names of `columns` (the value of the column where the file has none)."""
    return {column: header.names.get(column, column.value) for column in columns}
