"""The patient portal in Debian's Chromium at 360x640: register, log in, a red report, history, guidance.

One live server per module (a SQLite file); the codes are read from the recording sender, as a
patient reads them on her phone. Screenshots go to docs/screenshots/portal-*.png for the README.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from models.portal_reads import live_patients
from tests.conftest import T0
from tests.support.browser import LiveServer
from tests.support.processes import ROOT

SHOTS = ROOT / "docs" / "screenshots"
MOTHER = "+84987654321"
NEIGHBOUR = "+84903111222"
STRANGER = "+84977000111"
DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A 360x640 phone."""
    return {**browser_context_args, "viewport": {"width": 360, "height": 640}}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS / f"portal-{name}.png")), full_page=True)


def _register(page: Page, live: LiveServer, phone: str, name: str, shot: bool = False) -> str:
    """Fill /register, then /register/verify with the code the phone got; the patient code."""
    page.goto(live.url("/register"))
    page.fill("input[name=name]", name)
    page.fill("input[name=dob]", "1980")
    page.fill("input[name=area]", "Trần Phú")
    page.fill("input[name=phone]", "0" + phone[3:])
    page.fill("input[name=test_date]", "hom nay")
    page.check("input[name=symptoms][value=no]")
    page.check("input[name=risks][value=chronic]")
    if shot:
        _shot(page, "register")
    page.click("button[type=submit]")
    page.wait_for_url(live.url("/register/verify"))
    page.fill("input[name=code]", live.last_code(phone))
    page.click("form:has(input[name=code]) button[type=submit]")
    registered = page.locator("[data-registered]")
    expect(registered).to_be_visible()
    code = registered.get_attribute("data-registered")
    assert code
    return code


def _login(page: Page, live: LiveServer, phone: str) -> None:
    page.goto(live.url("/login"))
    page.fill("input[name=phone]", "0" + phone[3:])
    page.click("button[type=submit]")
    page.fill("input[name=code]", live.last_code(phone))
    page.click("button[type=submit]")
    page.wait_for_url(live.url("/today"))


def test_register_log_in_report_red_and_see_the_alert_history_and_guidance(page: Page, live: LiveServer) -> None:
    live.clock.now = T0 - timedelta(days=3)  # registered three days ago, then a report a day by SMS
    page.goto(live.url("/"))
    expect(page.locator("a[href='tel:115']").first).to_be_visible()
    _shot(page, "home")
    code = _register(page, live, MOTHER, "Nguyễn Văn An", shot=True)
    assert f"DK moi {code}" in live.sms_to(DOCTOR)[-1]
    live.sms(DOCTOR, f"DUYET {code}")
    for spo2 in ("98", "97", "96"):
        live.sms(MOTHER, f"{spo2} 18 84 37.2 0 0")
        live.clock.now += timedelta(days=1)
    assert live.clock.now == T0
    page.context.clear_cookies()
    _login(page, live, MOTHER)
    page.fill("input[name=spo2]", "93")
    page.fill("input[name=breaths]", "24")
    page.fill("input[name=pulse]", "100")
    page.fill("input[name=temperature]", "37,8")
    page.check("input[name=breathless][value=yes]")
    page.check("input[name=signs][value='1']")
    _shot(page, "today")
    alerts_before = len(live.sms_to(DOCTOR))
    page.click("form:has(input[name=spo2]) button[type=submit]")
    expect(page.locator("[data-level=red]")).to_be_visible()
    expect(page.locator("a.urgent[href='tel:115']")).to_be_visible()
    _shot(page, "result-red")
    alerts = live.sms_to(DOCTOR)[alerts_before:]
    assert any(code in text and "CANH BAO" in text.upper() for text in alerts), alerts
    page.goto(live.url("/history"))
    expect(page.locator("tr[data-level=red]")).to_have_count(2)  # 96 by SMS, 93 on the web
    expect(page.locator("tr[data-level=green]")).to_have_count(2)
    expect(page.locator("svg.chart")).to_be_visible()
    _shot(page, "history")
    page.goto(live.url("/guidance"))
    topics = live.runtime.program.guidance
    expect(page.locator("[data-topic]")).to_have_count(len(topics))
    expect(page.locator("[data-topic='1'] h2")).to_contain_text(topics[0].title["vi"])
    _shot(page, "guidance")


def test_a_second_phone_cannot_see_the_first_phones_patients(page: Page, live: LiveServer) -> None:
    for text in ("DK", "Le Van Cuong", "1975", "Tran Phu", "NAY", "hom nay", "K", "K"):
        live.sms(STRANGER, text)
    live.sms(STRANGER, live.last_code(STRANGER))
    (first,) = [p.code for p in live_patients(live.runtime.db, STRANGER)]
    theirs = _register(page, live, NEIGHBOUR, "Trần Thị Bình")
    page.context.clear_cookies()
    _login(page, live, NEIGHBOUR)
    page.goto(live.url("/history"))
    expect(page.locator(f"[data-history='{theirs}']")).to_be_visible()
    body = page.content()
    mine = re.findall(r"data-history=\"([A-Z0-9]{5})\"", body)
    assert mine == [theirs]
    assert "Le Van Cuong" not in body
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    response = page.request.post(live.url("/choose"), form={"csrf_token": token, "patient": first})
    assert first not in response.text()
    page.goto(live.url("/history"))
    assert first not in page.content()
