"""Reading a station's patient file: CSV as Excel and LibreOffice save it, XLSX, and every file we must refuse."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from dialogs.bulk_register import Column
from f0care.exchange import read
from f0care.exchange.messages import TEXTS, say
from f0care.exchange.read import FileProblem, read_patient_file

VIETNAMESE = "STT,Họ và tên,Năm sinh,Số điện thoại,Phường/Xã,Ngày xét nghiệm,Yếu tố nguy cơ\n"
ROW = "1,Nguyễn Văn An,1980,0987654321,Trần Phú,24/11/2026,13\n"


def xlsx(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(data: bytes) -> FileProblem:
    with pytest.raises(FileProblem) as caught:
        read_patient_file(data)
    return caught.value


def test_a_utf8_csv_with_vietnamese_headers_is_read_by_column_name_not_position() -> None:
    patients = read_patient_file((VIETNAMESE + ROW).encode())
    (row,) = patients.rows
    assert row.number == 2
    assert row.get(Column.NAME) == "Nguyễn Văn An"
    assert row.get(Column.PHONE) == "0987654321"
    assert row.get(Column.WARD) == "Trần Phú"
    assert row.get(Column.TEST_DATE) == "24/11/2026"
    assert row.get(Column.RISKS) == "13"
    assert patients.header.names[Column.PHONE] == "Số điện thoại"
    assert patients.header.ignored == ("STT",)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_as_excel_saves_it_in_any_encoding_and_separator_is_read(encoding: str, delimiter: str) -> None:
    text = (VIETNAMESE + ROW).replace(",", delimiter)
    (row,) = read_patient_file(text.encode(encoding)).rows
    assert row.get(Column.NAME) == "Nguyễn Văn An"
    assert row.get(Column.BIRTH) == "1980"


def test_a_windows_1258_csv_has_its_tone_marks_composed() -> None:
    data = b"phone;full name;year of birth;ward\n0987654321;Tr\xe2\xccn V\xe3n An;1980;Tr\xe2\xccn Ph\xfa\n"
    (row,) = read_patient_file(data).rows
    assert (row.get(Column.NAME), row.get(Column.WARD)) == ("Trần Văn An", "Trần Phú")


def test_english_headers_a_title_above_them_and_blank_lines_are_fine() -> None:
    text = (
        "Patients of 25/11,,,\n,,,\nPhone,Full name,Year of birth,Ward\n"
        "0987654321,An,1980,Tran Phu\n,,,\n0987654322,Binh,1981,Tran Phu\n"
    )
    rows = read_patient_file(text.encode()).rows
    assert [(r.number, r.get(Column.NAME)) for r in rows] == [(4, "An"), (6, "Binh")]


def test_a_quoted_cell_keeps_its_commas() -> None:
    (row,) = read_patient_file(
        b'phone,full name,year of birth,ward,risk factors\n0987654321,An,1980,Tran Phu,"1, 3"\n'
    ).rows
    assert row.get(Column.RISKS) == "1, 3"


def test_an_xlsx_sheet_gives_the_text_a_person_sees_in_its_cells() -> None:
    data = xlsx(
        ["Danh sách F0"],
        ["Họ tên", "SĐT", "Ngày sinh", "Phường", "Ngày XN", "Nguy cơ"],
        ["Phạm Văn Dũng", 987111222, 1975.0, "Pham Ngu Lao", datetime(2026, 11, 24), 13],
        ["Hoàng Thị E", "0987111333", datetime(1992, 5, 4), "Tran Phu", None, None],
    )
    first, second = read_patient_file(data).rows
    assert first.number == 3
    assert (first.get(Column.PHONE), first.get(Column.BIRTH)) == ("987111222", "1975")
    assert (first.get(Column.TEST_DATE), first.get(Column.RISKS)) == ("24/11/2026", "13")
    assert (second.get(Column.BIRTH), second.get(Column.TEST_DATE)) == ("04/05/1992", "")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04 not really a workbook", "xlsx_unreadable"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00", "format"),
        (b"name,age\nAn,40\n", "no_header"),
        (b"phone,full name\n0987654321,An\n", "missing_columns"),
        (b"phone,full name,year of birth,ward\n", "no_rows"),
        (b"phone,full name,year of birth,ward\n,,,\n", "no_rows"),
    ],
)
def test_a_file_that_cannot_be_imported_says_why(data: bytes, key: str) -> None:
    assert refused(data).key == key


def test_missing_columns_are_named() -> None:
    problem = refused("Số điện thoại,Họ tên,Ghi chú\n0987654321,An,x\n".encode())
    assert problem.detail == "birth_year, ward"


def test_a_file_too_large_or_too_long_is_refused_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 100)
    assert refused(b"phone,full name,year of birth,ward\n" + b"0987654321,An,1980,Tran Phu\n" * 5).key == "too_large"
    monkeypatch.setattr(read, "MAX_BYTES", 10_000)
    monkeypatch.setattr(read, "MAX_ROWS", 3)
    assert (
        refused(b"phone,full name,year of birth,ward\n" + b"0987654321,An,1980,Tran Phu\n" * 4).key == "too_many_rows"
    )


def test_every_problem_and_file_refusal_has_a_text_in_both_languages() -> None:
    keys = {
        "phone_missing", "phone_invalid", "phone_landline", "name_missing", "name_invalid", "name_contact",
        "birth_missing", "birth_invalid", "ward_missing", "ward_unknown", "ward_other_clinic", "test_date_invalid",
        "risks_invalid", "duplicate_in_file", "registered_elsewhere", "empty", "format", "xls", "xlsx_unreadable",
        "too_large", "too_many_rows", "no_header", "missing_columns", "no_rows",
    }  # fmt: skip
    for key in keys:
        assert set(TEXTS[key]) == {"vi", "en"}, key
        assert say(key, "vi", "x", "y") != say(key, "en", "x", "y")
