"""The staff console in Chromium: the red list after a red SMS, acknowledging and accepting from the patient
page (the same SMS as the SMS commands), the charts, scope, CSRF, and the README's screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.support.browser import LiveServer
from tests.support.processes import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"
DOCTOR = "+84912000001"
PATIENT = "+84987100001"
REGISTRANT = "+84987100002"
RED = "94 24 86 37,5 0 0"
GREEN = "98 16 80 37 0 0"


def staff_context(browser: Browser, live: LiveServer, typed: str, e164: str, **options: object) -> BrowserContext:
    """A browser context logged in as the staff member with phone `typed`."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(live.url("/staff/login"))
    page.fill("input[name=phone]", typed)
    page.click("button[type=submit]")
    page.fill("input[name=code]", live.last_code(e164))
    page.click("button[type=submit]")
    page.wait_for_url(live.url("/staff/"))
    page.close()
    return context


@pytest.fixture(scope="module")
def nurse(browser: Browser, live: LiveServer) -> Iterator[Page]:
    """One page logged in as DD Mai (nurse, Tran Phu), reused by the module's tests."""
    context = staff_context(browser, live, "0912000002", "+84912000002", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def direct(live: LiveServer, number: str, name: str) -> str:
    """A patient registered and accepted at once by BS Lan (`DK`); returns the patient code."""
    reply = live.sms(DOCTOR, f"DK {number} {name}, 1980, Tran Phu")
    found = re.search(r"([A-Z][A-Z2-9]{4}) ", reply)
    assert found, reply
    return found.group(1)


def self_registered(live: LiveServer, phone: str, name: str) -> str:
    """A registration by SMS, waiting for the station; returns the patient code."""
    for text in ("DK", name, "1975", "Tran Phu", "NAY", "hom nay", "K", "K"):
        live.sms(phone, text)
    reply = live.sms(phone, live.last_code(phone))
    found = re.search(r"\b(?:ma|code) ([A-Z][A-Z2-9]{4})\b", reply)
    assert found, reply
    return found.group(1)


def red_list(page: Page) -> list[str]:
    return [row.get_attribute("data-code") or "" for row in page.locator("[data-list=red] tr[data-code]").all()]


def test_a_red_sms_lists_the_patient_and_ack_from_the_patient_page_tells_the_patient(
    nurse: Page, live: LiveServer
) -> None:
    code = direct(live, PATIENT, "Nguyen Van Do")
    live.clock.advance(hours=20)
    live.sms(PATIENT, GREEN)
    live.clock.advance(hours=22)
    live.sms(PATIENT, RED)
    nurse.goto(live.url("/staff/"))
    assert red_list(nurse) == [code]

    nurse.click(f"[data-list=red] a:text('{code}')")
    assert nurse.url == live.url(f"/staff/patients/{code}")
    assert nurse.locator("svg.chart").count() == 4  # SpO2, breaths, pulse, temperature
    assert nurse.locator("[data-chart=spo2] circle.point").count() == 2
    assert nurse.locator("[data-chart=spo2] line.threshold").get_attribute("data-threshold") == "96.0"
    before = len(live.sms_to(PATIENT))
    nurse.click("[data-action=ack]")

    assert "Da nhan 1 canh bao" in nurse.locator("[data-flash=reply]").inner_text()
    told = live.sms_to(PATIENT)[before:]
    assert len(told) == 1
    assert "da nhan canh bao" in told[0]
    assert nurse.locator("[data-event=action]").first.inner_text().count("DD Mai") == 1  # the audit
    nurse.goto(live.url("/staff/"))
    assert red_list(nurse) == []


def test_accepting_a_pending_registration_sends_the_welcome(nurse: Page, live: LiveServer) -> None:
    code = self_registered(live, REGISTRANT, "Tran Thi Cho")
    nurse.goto(live.url("/staff/"))
    assert code in nurse.locator("[data-list=pending]").inner_text()
    nurse.goto(live.url(f"/staff/patients/{code}"))
    nurse.click("[data-action=accept]")
    assert "Da duyet" in nurse.locator("[data-flash=reply]").inner_text()
    assert "Ma BN: " + code in live.sms_to(REGISTRANT)[-1]
    assert nurse.locator("[data-status]").get_attribute("data-status") == "active"


def test_a_post_without_the_csrf_token_is_refused(nurse: Page, live: LiveServer) -> None:
    code = direct(live, "+84987100003", "Le Van Token")
    answer = nurse.request.post(live.url(f"/staff/patients/{code}/action"), form={"action": "discharge"})
    assert answer.status == 400
    nurse.goto(live.url(f"/staff/patients/{code}"))
    assert nurse.locator("[data-status]").get_attribute("data-status") == "active"


def test_a_nurse_of_another_clinic_gets_404_for_the_patient_page(browser: Browser, live: LiveServer) -> None:
    code = direct(live, "+84987100004", "Pham Van Xa")
    context = staff_context(browser, live, "0912000005", "+84912000005")  # YS Thu, Quang Trung
    page = context.new_page()
    answer = page.goto(live.url(f"/staff/patients/{code}"))
    assert answer is not None
    assert answer.status == 404
    assert page.request.post(live.url(f"/staff/patients/{code}/action"), form={"action": "ack"}).status in (400, 404)
    context.close()


def test_screenshots_of_the_dashboard_and_the_patient_page(browser: Browser, live: LiveServer) -> None:
    code = direct(live, "+84987100005", "Hoang Thi Anh")
    live.sms("+84987100005", GREEN)
    live.clock.advance(days=1)
    live.sms("+84987100005", "95 22 96 38,2 0 0")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((360, 640), (1280, 800)):
        context = staff_context(browser, live, "0912000001", DOCTOR, viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(live.url("/staff/"))
        shot(page, SCREENSHOTS / f"staff-dashboard-{width}.png")
        page.goto(live.url(f"/staff/patients/{code}"))
        shot(page, SCREENSHOTS / f"staff-patient-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        context.close()


def shot(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
