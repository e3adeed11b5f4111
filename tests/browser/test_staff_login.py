"""A staff member logs in from Chromium with the code the test gateway delivered to her phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from tests.support.browser import LiveServer


def test_a_nurse_logs_in_with_the_sms_code_and_lands_on_the_dashboard(
    page: Page, live: LiveServer, login_staff: Callable[[Page, str], None]
) -> None:
    login_staff(page, "0912000002")
    assert page.url == live.url("/staff/")
    assert page.locator("[data-list=red]").count() == 1
    assert "+84912000002" in live.sender.sent
