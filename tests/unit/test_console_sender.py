"""The console sender stands in for a phone network: it logs, and never logs an OTP."""

from __future__ import annotations

import logging

import pytest

from sms_gateway.senders import ConsoleSender


def test_the_console_sender_logs_each_message_with_its_segment_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="f0care.sms")

    result = ConsoleSender().send("+84912345678", "Hom nay ban co sot khong?")

    assert result.ok
    assert result.status == "sent"
    assert (result.provider_sid or "").startswith("CONSOLE-")
    assert result.segments == 1
    assert caplog.messages == ["SMS to +84912345678 (1 seg): Hom nay ban co sot khong?"]


def test_an_otp_code_never_reaches_the_log_but_reaches_the_phone_screen(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    screen: list[tuple[str, str]] = []
    body = "Ma xac thuc F0 cua ban la 482913. Het han sau 5 phut."

    ConsoleSender(sink=lambda to, text: screen.append((to, text))).send("+84912345678", body, sensitive=True)

    assert "482913" not in caplog.text
    assert "******" in caplog.text
    assert screen == [("+84912345678", body)]


def test_a_message_that_is_not_sensitive_keeps_its_digits_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="f0care.sms")

    ConsoleSender().send("+84912345678", "Goi 19009095 neu kho tho")

    assert "19009095" in caplog.text
