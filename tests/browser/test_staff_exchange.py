"""Import and export in Chromium: a file with problems is shown row by row and registers nobody; a clean
file is checked, confirmed and registered (the welcome SMS sent); the exported CSV and XLSX hold the lists."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, FilePayload, Page

from tests.support.browser import LiveServer

DOCTOR = "+84912000001"
HEADER = "Họ và tên,Năm sinh,Số điện thoại,Phường/Xã,Ngày xét nghiệm,Yếu tố nguy cơ\n"
GOOD = "Nguyễn Văn Nhập,1980,0987300001,Trần Phú,24/11/2026,13\nLê Thị Tệp,1990,0987300002,P. Nguyễn Trãi,,\n"
BAD = "Phạm Văn Sai,3000,0220 3852 000,Quang Trung,,\n"


@pytest.fixture(scope="module")
def nurse(browser: Browser, live: LiveServer) -> Iterator[Page]:
    """A page logged in as DD Mai (nurse, Tran Phu), downloads allowed."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live.url("/staff/login"))
    page.fill("input[name=phone]", "0912000002")
    page.click("button[type=submit]")
    page.fill("input[name=code]", live.last_code("+84912000002"))
    page.click("button[type=submit]")
    page.wait_for_url(live.url("/staff/"))
    yield page
    context.close()


def choose(page: Page, live: LiveServer, text: str, name: str = "danh-sach.csv") -> None:
    page.goto(live.url("/staff/import"))
    file: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    page.set_input_files("input[name=file]", files=[file])
    page.click("[data-import=check]")


def test_a_file_with_problems_shows_each_row_and_column_and_registers_nobody(nurse: Page, live: LiveServer) -> None:
    choose(nurse, live, HEADER + GOOD + BAD)
    assert nurse.locator("[data-import-result=problems]").is_visible()
    problems = nurse.locator("[data-problems] tr[data-row]")
    assert {row.get_attribute("data-row") for row in problems.all()} == {"4"}
    columns = [row.get_attribute("data-column") for row in problems.all()]
    assert columns == ["Năm sinh", "Số điện thoại", "Phường/Xã"]
    assert "Tram Y te phuong Quang Trung" in problems.nth(2).inner_text()
    assert nurse.locator("[data-import=confirm]").count() == 0
    assert live.sms_to("+84987300001") == []


def test_a_clean_file_is_checked_then_imported_and_every_patient_welcomed(nurse: Page, live: LiveServer) -> None:
    choose(nurse, live, HEADER + GOOD)
    assert nurse.locator("[data-import-result=ready]").is_visible()
    assert nurse.locator("[data-ready] tr[data-row]").count() == 2
    assert live.sms_to("+84987300001") == []  # checked only
    nurse.click("[data-import=confirm]")
    assert nurse.locator("[data-import-result=done]").is_visible()
    codes = [row.get_attribute("data-code") or "" for row in nurse.locator("[data-imported] tr[data-row]").all()]
    assert len(codes) == 2
    (welcome,) = live.sms_to("+84987300001")
    assert f"Ma BN: {codes[0]}" in welcome
    nurse.click(f"[data-imported] a:text('{codes[0]}')")
    assert nurse.url == live.url(f"/staff/patients/{codes[0]}")
    assert "Nguyễn Văn Nhập" in nurse.inner_text("h1")


def download(page: Page, button: str) -> bytes:
    with page.expect_download() as waiting:
        page.click(f"[data-export={button}]")
    path = waiting.value.path()
    return Path(path).read_bytes()


def test_the_exported_csv_and_workbook_hold_the_line_lists_and_declarations(nurse: Page, live: LiveServer) -> None:
    reply = live.sms(DOCTOR, "DK 0987300009 Tran Van Xuat, 1980, Tran Phu")
    code = re.search(r"([A-Z][A-Z2-9]{4}) ", reply)
    assert code, reply
    live.sms("+84987300009", "94 24 86 37,5 0 0")  # red
    nurse.goto(live.url("/staff/export"))
    rows = list(csv.reader(io.StringIO(download(nurse, "csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["Danh sách", "Mã BN", "Họ tên"]
    assert ["red", code.group(1), "Tran Van Xuat"] in [row[:3] for row in rows]
    assert any(row[0] == "declarations" and code.group(1) in row for row in rows)
    book = load_workbook(io.BytesIO(download(nurse, "xlsx")))
    red = book["Đỏ chưa xử lý"]
    assert [red["A2"].value, red["B2"].value] == [code.group(1), "Tran Van Xuat"]
    assert book["Khai báo"]["C2"].value == code.group(1)
