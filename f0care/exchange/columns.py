"""The columns of a station's patient file: the header names accepted, in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dialogs.bulk_register import REQUIRED, Column, Problem
from dialogs.text import normalize

# Headers compared without accents, case or punctuation ("Số điện thoại" = "SO DIEN THOAI").
ALIASES: dict[Column, tuple[str, ...]] = {
    Column.PHONE: (
        "SO DIEN THOAI", "DIEN THOAI", "SDT", "SO DT", "DT", "DI DONG", "SO DI DONG",
        "PHONE", "PHONE NUMBER", "MOBILE", "MOBILE NUMBER", "TEL",
    ),
    Column.NAME: ("HO TEN", "HO VA TEN", "TEN", "TEN BENH NHAN", "FULL NAME", "NAME", "PATIENT NAME"),
    Column.BIRTH: (
        "NAM SINH", "NGAY SINH", "NGAY THANG NAM SINH", "SINH NAM",
        "YEAR OF BIRTH", "BIRTH YEAR", "DATE OF BIRTH", "BIRTH DATE", "DOB", "BORN",
    ),
    Column.WARD: (
        "PHUONG XA", "PHUONG", "XA", "XA PHUONG", "DIA BAN", "PHUONG XA THI TRAN",
        "WARD", "COMMUNE", "WARD COMMUNE", "AREA",
    ),
    Column.TEST_DATE: (
        "NGAY XET NGHIEM", "NGAY XN", "NGAY TEST", "NGAY DUONG TINH", "NGAY XET NGHIEM DUONG TINH",
        "TEST DATE", "POSITIVE TEST DATE", "DATE OF POSITIVE TEST", "DATE OF TEST", "TESTED ON",
    ),
    Column.RISKS: ("YEU TO NGUY CO", "NGUY CO", "RISK FACTORS", "RISK FACTOR", "RISKS"),
}  # fmt: skip
_BY_ALIAS = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
HEADER_SEARCH_ROWS = 10  # a title or a blank line may sit above the header


@dataclass(frozen=True)
class Header:
    """Where the header is (`row`, as the spreadsheet numbers it) and which column holds what."""

    row: int
    index: dict[Column, int]  # the column's position in the row
    names: dict[Column, str]  # the header as written in the file
    ignored: tuple[str, ...]  # headers we do not read (a row number, notes)


def header_key(text: str) -> str:
    """A header compared as the aliases are: no accents, case, punctuation or extra spaces."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in normalize(text)).split())


def column_of(text: str) -> Column | None:
    return _BY_ALIAS.get(header_key(text))


def read_header(number: int, cells: Sequence[str]) -> Header | None:
    """The header, when this row names at least two of our columns; else None (a title, data)."""
    index: dict[Column, int] = {}
    names: dict[Column, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        column = column_of(cell)
        if column is None or column in index:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        index[column], names[column] = position, cell.strip()
    if len(index) < 2:
        return None
    return Header(number, index, names, tuple(ignored))


def missing(header: Header) -> list[Column]:
    return [column for column in REQUIRED if column not in header.index]


def in_file_order(problems: Iterable[Problem], header: Header) -> list[Problem]:
    """Problems by row, then in the order of the file's columns (a problem of the file as a whole first)."""
    last = len(header.index) + 1
    return sorted(problems, key=lambda p: (p.row, header.index.get(p.column, last) if p.column else -1))
