"""`/staff/import` and `/staff/export.csv|xlsx` through the Flask client, on both databases: a dry run with
every row's problems, then all rows or none; exports of the staff member's scope only; CSRF on the upload."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session, col
from werkzeug.test import TestResponse

from f0care.runtime import Runtime
from f0care.web.staff import imports
from models.tables import Message, Patient
from models.web_tables import StaffAction
from tests.integration.journeys import DOCTOR, NURSE, OTHER_DOCTOR
from tests.support.fakes import RecordingSender
from tests.support.phone import Phone
from tests.support.web import log_in, token

HEADER = "Họ và tên,Năm sinh,Số điện thoại,Phường/Xã,Ngày xét nghiệm,Yếu tố nguy cơ\n"
GOOD = "Nguyễn Văn An,1980,0987654321,Trần Phú,24/11/2026,13\nLê Thị Bình,1990,0987654322,Nguyễn Trãi,,\n"
BAD = "Phạm Văn Dũng,3000,0220 3852 000,Quang Trung,,\n"
DISTRICT = "+84912000099"  # PYT Hoa, district officer of every clinic of tp-hai-duong
CONTENT = re.compile(r'name="content" value="([^"]*)"')


def upload(client: FlaskClient, text: str, name: str = "danh-sach.csv", **fields: str) -> TestResponse:
    data = {"csrf_token": token(client, "/staff/import"), "file": (io.BytesIO(text.encode()), name), **fields}
    return client.post("/staff/import", data=data, content_type="multipart/form-data")


def confirm(client: FlaskClient, checked: TestResponse) -> TestResponse:
    """Press "import" on the preview page: the file the page carries back, with its token."""
    page = checked.get_data(as_text=True)
    found = CONTENT.search(page)
    assert found, page
    form = {"csrf_token": token(client, "/staff/import"), "confirm": "1", "content": found.group(1)}
    return client.post("/staff/import", data={**form, "filename": "danh-sach.csv"})


def count(runtime: Runtime, table: type[Patient] | type[Message] | type[StaffAction]) -> int:
    with Session(runtime.db) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_dry_run_shows_every_rows_problems_and_registers_nobody(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    log_in(client, sender, NURSE, NURSE)
    checked = upload(client, HEADER + GOOD + BAD)
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert 'data-import-result="problems"' in page
    assert '<tr data-row="4" data-column="Năm sinh">' in page
    assert '<tr data-row="4" data-column="Số điện thoại">' in page
    assert "Tram Y te phuong Quang Trung" in page  # the ward's clinic, as the SMS command names it
    assert 'data-import="confirm"' not in page
    assert count(runtime, Patient) == 0


def test_a_clean_file_is_checked_then_every_patient_is_registered_as_dk_registers_them(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    log_in(client, sender, NURSE, NURSE)
    checked = upload(client, HEADER + GOOD)
    assert 'data-import-result="ready"' in checked.get_data(as_text=True)
    assert count(runtime, Patient) == 0
    done = confirm(client, checked)
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert 'data-import-result="done"' in page
    with Session(runtime.db) as session:
        patients = session.execute(select(Patient).order_by(col(Patient.phone))).scalars().all()
    assert [(p.phone, p.status, p.decided_by, p.clinic_id) for p in patients] == [
        ("+84987654321", "active", "DD Mai", "tyt-tran-phu"),
        ("+84987654322", "active", "DD Mai", "tyt-tran-phu"),
    ]
    assert f'data-code="{patients[0].code}"' in page
    welcome = sender.sent["+84987654321"]
    assert len(welcome) == 1
    assert f"Ma BN: {patients[0].code}" in welcome[0]
    with Session(runtime.db) as session:
        audit = session.execute(select(StaffAction).order_by(col(StaffAction.id))).scalars().all()
    assert next((a.action, a.by_phone, a.channel, a.detail) for a in audit) == (
        "register",
        NURSE,
        "web",
        "import danh-sach.csv row 2",
    )


def test_a_station_sized_file_passes_the_apps_64_kib_limit_on_upload_and_on_confirm(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    rows = [
        f"Nguyen Van {letters[i % 26].upper()}{letters[i // 26 % 26]}{letters[i // 676]},1980,0987{i:06d},Tran Phu,,\n"
        for i in range(1600)
    ]
    text = HEADER + "".join(rows)
    assert len(text.encode()) > 64 * 1024
    log_in(client, sender, NURSE, NURSE)
    runtime.outbox.mode = "external"  # as under gunicorn: the senders deliver 1,600 welcomes, not this request
    checked = upload(client, text)
    assert checked.status_code == 200, checked.get_data(as_text=True)[:500]
    assert confirm(client, checked).status_code == 200
    assert count(runtime, Patient) == 1600


def test_a_file_over_the_limit_gets_the_page_saying_so(
    client: FlaskClient, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(client, sender, NURSE, NURSE)
    monkeypatch.setattr(imports, "FORM_BYTES", 2000)
    answer = upload(client, HEADER + GOOD * 40)
    assert answer.status_code == 413
    assert "Tệp quá lớn" in answer.get_data(as_text=True)


def test_confirming_the_same_file_twice_registers_nobody_twice(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    log_in(client, sender, NURSE, NURSE)
    checked = upload(client, HEADER + GOOD)
    confirm(client, checked)
    again = confirm(client, checked).get_data(as_text=True)
    assert "data-skipped" in again
    assert count(runtime, Patient) == 2


def test_a_nurse_of_another_clinic_cannot_import_into_this_one(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    log_in(client, sender, "0912000004", OTHER_DOCTOR)
    page = upload(client, HEADER + GOOD).get_data(as_text=True)
    assert 'data-import-result="problems"' in page  # Tran Phu's wards are another station's for her
    assert page.count("Tram Y te phuong Tran Phu") >= 2
    assert upload(client, HEADER + GOOD, clinic="tyt-tran-phu").status_code == 404
    assert count(runtime, Patient) == 0


def test_a_patient_of_another_clinic_is_never_named_to_an_importer(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    reply = phone(DOCTOR).send("DK 0987654321 Nguyen Van An, 1980, Tran Phu")
    code = re.search(r"Da dang ky ([A-Z2-9]{5})", reply)
    assert code, reply
    log_in(client, sender, "0912000004", OTHER_DOCTOR)
    page = upload(client, HEADER + "Nguyễn Văn An,1980,0987654321,Quang Trung,,\n").get_data(as_text=True)
    assert "trạm khác theo dõi" in page
    assert code.group(1) not in page


def test_a_bad_file_is_refused_with_what_to_do(client: FlaskClient, sender: RecordingSender) -> None:
    log_in(client, sender, NURSE, NURSE)
    for content, said in (("", "Hãy chọn một tệp"), ("phone,name\n0987654321,An\n", "Thiếu cột")):
        answer = upload(client, content) if content else upload(client, "x", name="")
        assert answer.status_code == 400
        assert said in answer.get_data(as_text=True)
    xls = {
        "csrf_token": token(client, "/staff/import"),
        "file": (io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 64), "a.xls"),
    }
    answer = client.post("/staff/import", data=xls, content_type="multipart/form-data")
    assert "(.xls)" in answer.get_data(as_text=True)


def test_an_upload_without_the_csrf_token_is_refused(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    log_in(client, sender, NURSE, NURSE)
    answer = client.post(
        "/staff/import",
        data={"file": (io.BytesIO((HEADER + GOOD).encode()), "a.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert count(runtime, Patient) == 0


def test_a_district_officer_reads_but_does_not_import(client: FlaskClient, sender: RecordingSender) -> None:
    log_in(client, sender, DISTRICT, DISTRICT)
    assert upload(client, HEADER + GOOD).status_code == 403


def test_import_and_export_need_a_staff_login(client: FlaskClient) -> None:
    for path in ("/staff/import", "/staff/export", "/staff/export.csv", "/staff/export.xlsx"):
        assert client.get(path).status_code == 302


def export_rows(client: FlaskClient, query: str = "") -> list[list[str]]:
    answer = client.get(f"/staff/export.csv{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))


def test_the_export_holds_the_scopes_line_lists_and_declarations_and_nothing_of_other_clinics(
    client: FlaskClient, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    ours = phone(DOCTOR).send("DK 0987654321 Nguyen Van An, 1980, Tran Phu")
    theirs = phone(OTHER_DOCTOR).send("DK 0987654322 =HYPERLINK(1), 1980, Quang Trung")  # refused: not a name
    phone(OTHER_DOCTOR).send("DK 0987654323 Tran Thi Xa, 1980, Quang Trung")
    phone("+84987654321").send("94 24 86 37,5 0 0")  # red
    phone("+84987654323").send("98 18 86 37 0 0")
    code = re.search(r"Da dang ky ([A-Z2-9]{5})", ours)
    assert code
    assert "Da dang ky" not in theirs
    log_in(client, sender, NURSE, NURSE)
    rows = export_rows(client, "?lang=en")
    assert rows[0][:3] == ["List", "Patient code", "Full name"]
    lists = {(row[0], row[1]) for row in rows[1:]}
    assert ("red", code.group(1)) in lists
    assert ("declarations", "2026-11-25") in {(row[0], row[rows[0].index("Date")]) for row in rows[1:]}
    assert "Tran Thi Xa" not in str(rows)
    spo2 = rows[0].index("SpO2 (%)")
    assert [row[spo2] for row in rows if row[0] == "declarations"] == ["94"]


def test_the_workbook_has_a_sheet_per_list_and_one_of_declarations_in_the_page_language(
    client: FlaskClient, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    phone(DOCTOR).send("DK 0987654321 Nguyen Van An, 1980, Tran Phu")
    phone("+84987654321").send("98 18 86 37 0 0")
    log_in(client, sender, NURSE, NURSE)
    answer = client.get("/staff/export.xlsx?from=2026-11-20&to=2026-11-25")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames[0] == "Đỏ chưa xử lý"
    assert book.sheetnames[-1] == "Khai báo"
    declared = book["Khai báo"]
    assert [c.value for c in declared[1]][:3] == ["Ngày", "Giờ", "Mã BN"]
    assert declared["D2"].value == "Nguyen Van An"


def test_a_district_officer_exports_every_clinic_of_her_district(
    client: FlaskClient, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    phone(DOCTOR).send("DK 0987654321 Nguyen Van An, 1980, Tran Phu")
    phone(OTHER_DOCTOR).send("DK 0987654323 Tran Thi Xa, 1980, Quang Trung")
    for patient in ("+84987654321", "+84987654323"):
        phone(patient).send("98 18 86 37 0 0")
    log_in(client, sender, DISTRICT, DISTRICT)
    rows = export_rows(client)
    names = {row[rows[0].index("Họ tên")] for row in rows[1:] if row[0] == "declarations"}
    assert names == {"Nguyen Van An", "Tran Thi Xa"}


def test_a_range_that_cannot_be_exported_is_a_400_saying_why(client: FlaskClient, sender: RecordingSender) -> None:
    log_in(client, sender, NURSE, NURSE)
    answer = client.get("/staff/export.csv?from=2026-11-25&to=2026-11-01")
    assert answer.status_code == 400
    assert "after" in answer.get_data(as_text=True)
    assert client.get("/staff/export.csv?from=2026-01-01").status_code == 400
