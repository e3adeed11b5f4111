"""The export files: CSV for Excel (BOM, one table with a list column), XLSX (a sheet per list), no formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from dialogs.program import Program
from f0care.exchange.export import DateRange, RangeProblem, date_range, declarations_of
from f0care.exchange.write import Table, safe_text, sheet_title, to_csv, to_xlsx
from models.exports import DeclarationRow
from tests.unit.conftest import TODAY

RED = Table("red", "Đỏ", ("Mã BN", "Họ tên"), [("K7M2Q", '=HYPERLINK("http://x")'), ("B2C3D", "Lê Thị Bình")])
DECLARED = Table("declarations", "Khai báo", ("Mã BN", "Ngày", "SpO2"), [("K7M2Q", date(2026, 11, 24), 95)])


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("risky", ["=1+1", "+84912", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_text_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(risky: str) -> None:
    assert safe_text(risky) == "'" + risky
    assert safe_text("Nguyễn Văn An") == "Nguyễn Văn An"


def test_the_csv_is_one_table_whose_first_column_names_the_list() -> None:
    rows = csv_rows(to_csv([RED, DECLARED], "Danh sách"))
    assert rows[0] == ["Danh sách", "Mã BN", "Họ tên", "Ngày", "SpO2"]
    assert rows[1] == ["red", "K7M2Q", '\'=HYPERLINK("http://x")', "", ""]
    assert rows[2] == ["red", "B2C3D", "Lê Thị Bình", "", ""]
    assert rows[3] == ["declarations", "K7M2Q", "", "2026-11-24", "95"]


def test_the_workbook_has_a_sheet_per_list_with_values_not_formulas() -> None:
    book = load_workbook(io.BytesIO(to_xlsx([RED, DECLARED])))
    assert book.sheetnames == ["Đỏ", "Khai báo"]
    red, declared = book["Đỏ"], book["Khai báo"]
    assert [c.value for c in red[1]] == ["Mã BN", "Họ tên"]
    assert red["B2"].value == '\'=HYPERLINK("http://x")'
    assert red["B2"].data_type == "s"
    assert declared["B2"].value == datetime(2026, 11, 24)
    assert declared["B2"].number_format == "dd/mm/yyyy"
    assert declared["C2"].value == 95


def test_sheet_names_are_what_excel_allows() -> None:
    assert sheet_title("Khai báo 01/12 - 07/12 [tạm]: tất cả?") == "Khai báo 01 12 - 07 12  tạm   t"
    assert len(sheet_title("x" * 40)) == 31


def test_the_range_defaults_to_the_monitoring_period_up_to_today() -> None:
    assert date_range(None, None, TODAY, 7) == DateRange(date(2026, 11, 19), TODAY)
    assert date_range("2026-11-01", "24/11/2026", TODAY, 7) == DateRange(date(2026, 11, 1), date(2026, 11, 24))


@pytest.mark.parametrize(
    ("first", "last", "said"),
    [("2026-11-24", "2026-11-20", "after"), ("yesterday", None, "not a date"), ("2026-01-01", None, "at most 31")],
)
def test_a_range_that_cannot_be_exported_says_why(first: str, last: str | None, said: str) -> None:
    with pytest.raises(RangeProblem, match=said):
        date_range(first, last, TODAY, 7)


def test_declarations_are_rows_with_local_times_national_phones_and_answers_as_numbers(program: Program) -> None:
    row = DeclarationRow(
        code="K7M2Q",
        full_name="Nguyễn Văn An",
        phone="+84987654321",
        area="Tran Phu",
        clinic_id="tyt-tran-phu",
        local_date=date(2026, 11, 24),
        started_at=datetime(2026, 11, 24, 0, 30, tzinfo=UTC),
        updated_at=datetime(2026, 11, 24, 0, 42, tzinfo=UTC),
        answers={"spo2": 95.0, "breaths": 18.0, "pulse": 86.0, "temperature": 37.5, "breathless": 0.0, "signs": "13"},
        complete=True,
        level="red",
    )
    vi = declarations_of([row], program, "vi")
    assert vi.columns[:8] == ("Ngày", "Giờ", "Mã BN", "Họ tên", "Số điện thoại", "Phường/xã", "Mức", "Đủ câu trả lời")
    assert vi.columns[8] == "SpO2 (%)"
    fixed = [date(2026, 11, 24), "07:42", "K7M2Q", "Nguyễn Văn An", "0987654321", "Tran Phu", "đỏ", 1]
    assert list(vi.rows[0]) == [*fixed, 95, 18, 86, 37.5, 0, "13"]
    en = declarations_of([row], program, "en")
    assert en.columns[:3] == ("Date", "Time", "Patient code")
    assert en.rows[0][6] == "red"
