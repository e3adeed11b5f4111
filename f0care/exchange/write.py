"""Tables to CSV (UTF-8 with a BOM, for Excel) and XLSX, safe to open: no cell is ever run as a formula.

A text cell starting with = + - @ (or a tab or carriage return) is written with a leading apostrophe,
as OWASP advises against CSV injection: a patient's name or answer cannot become a formula on a
nurse's computer. Numbers, dates and times stay values.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | int | float | bool | date | datetime | None
BOM = "\ufeff"
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Table:
    """One list to export: its name (a sheet of the workbook; the `list` column of the CSV), columns, rows."""

    name: str
    title: str  # the sheet's name as people read it
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]


def safe_text(value: str) -> str:
    """`value`, with an apostrophe in front when a spreadsheet could read it as a formula."""
    return "'" + value if value.startswith(_RISKY_START) else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return safe_text(str(value)) if isinstance(value, str) else str(value)


def to_csv(tables: Iterable[Table], list_column: str) -> bytes:
    """Every table in one sheet: a first column naming the list, then the union of the tables' columns."""
    tables = list(tables)
    columns: list[str] = []
    for table in tables:
        columns += [name for name in table.columns if name not in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(list_column), *(safe_text(name) for name in columns)])
    for table in tables:
        where = [columns.index(name) for name in table.columns]
        for row in table.rows:
            cells = [""] * len(columns)
            for position, value in zip(where, row, strict=True):
                cells[position] = _csv_cell(value)
            writer.writerow([safe_text(table.name), *cells])
    return (BOM + out.getvalue()).encode("utf-8")


def to_xlsx(tables: Iterable[Table]) -> bytes:
    """A workbook with a sheet per table: a bold, frozen header, dates as dates."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(sheet_title(table.title))
        _fill(sheet, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_title(title: str) -> str:
    """A legal sheet name: at most 31 characters, none of [ ] : * ? / \\."""
    return _SHEET_NAME.sub(" ", title).strip()[:31] or "Sheet"


def _fill(sheet: WriteOnlyWorksheet, table: Table) -> None:
    sheet.freeze_panes = "A2"
    for index, name in enumerate(table.columns, start=1):
        width = max(10, min(40, len(name) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]  # stubs lag
    bold = Font(bold=True)
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(sheet, value=safe_text(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell) -> Cell | SheetCell:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=datetime.combine(value, time()))
        cell.number_format = "dd/mm/yyyy"
        return cell
    return value
