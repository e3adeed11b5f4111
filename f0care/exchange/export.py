"""What `/staff/export.csv|xlsx` holds: the line lists of the staff member's scope and the declarations of a
date range, as tables with headers in the page's language (`f0care.exchange.write` makes the files)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from dialogs.program import Program
from dialogs.render import national
from f0care.exchange.write import Cell, Table
from models.exports import DeclarationRow, declarations_between

MAX_DAYS = 31  # a month of declarations at most in one file
LEVELS = {
    "vi": {"red": "đỏ", "yellow": "vàng", "green": "xanh"},
    "en": {"red": "red", "yellow": "yellow", "green": "green"},
}
HEADERS = {
    "vi": {
        "list": "Danh sách", "declarations": "Khai báo", "date": "Ngày", "time": "Giờ", "code": "Mã BN",
        "name": "Họ tên", "phone": "Số điện thoại", "ward": "Phường/xã", "clinic": "Trạm", "level": "Mức",
        "complete": "Đủ câu trả lời",
    },
    "en": {
        "list": "List", "declarations": "Declarations", "date": "Date", "time": "Time", "code": "Patient code",
        "name": "Full name", "phone": "Phone", "ward": "Ward", "clinic": "Clinic", "level": "Level",
        "complete": "Complete",
    },
}  # fmt: skip


class RangeProblem(ValueError):
    """The date range asked for cannot be exported (the message says why, in English)."""


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def date_range(first: str | None, last: str | None, today: date, monitoring_days: int) -> DateRange:
    """`from`/`to` as YYYY-MM-DD or DD/MM/YYYY; by default the monitoring period up to today."""
    end = _day(last, "to") if last else today
    start = _day(first, "from") if first else end - timedelta(days=monitoring_days - 1)
    if start > end:
        raise RangeProblem(f"from ({start:%Y-%m-%d}) is after to ({end:%Y-%m-%d})")
    if (end - start).days + 1 > MAX_DAYS:
        raise RangeProblem(f"at most {MAX_DAYS} days in one file; ask for a shorter range")
    return DateRange(start, end)


def _day(text: str, name: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise RangeProblem(f'{name}: "{text[:20]}" is not a date; write YYYY-MM-DD, e.g. 2026-11-25')


def declarations_table(db: Engine, program: Program, scope: Collection[str], days: DateRange, language: str) -> Table:
    """The declarations of the scope's patients on the range's local days, a row each, answers as numbers."""
    rows = declarations_between(db, scope, days.first, days.last)
    return declarations_of(rows, program, language)


def declarations_of(rows: Iterable[DeclarationRow], program: Program, language: str) -> Table:
    words = HEADERS.get(language, HEADERS["en"])
    levels = LEVELS.get(language, LEVELS["en"])
    questions = program.questions
    columns = (
        *(words[key] for key in ("date", "time", "code", "name", "phone", "ward", "level", "complete")),
        *(q.label.get(language) or q.label.get("en") or q.key for q in questions),
    )
    zone = ZoneInfo(program.timezone)
    table: list[list[Cell]] = []
    for row in rows:
        at = row.updated_at.astimezone(zone)
        fixed: list[Cell] = [row.local_date, f"{at:%H:%M}", row.code, row.full_name, national(row.phone), row.area]
        fixed += [levels.get(row.level, row.level), 1 if row.complete else 0]
        table.append(fixed + [_answer(row.answers.get(q.key)) for q in questions])
    return Table("declarations", words["declarations"], columns, table)


def _answer(value: object) -> Cell:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float | str):
        return value
    return None
