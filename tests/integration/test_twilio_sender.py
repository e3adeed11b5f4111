"""The real TwilioSender, through the twilio SDK, against a Twilio-compatible stub on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from sms_gateway.senders import TwilioSender
from tests.support.twilio_stub import TwilioStub

ACCOUNT_SID = "AC" + "1f" * 16
AUTH_TOKEN = "s3cr3t-token-that-must-not-leak"
FROM = "+84901000111"
TO = "+84912345678"


@pytest.fixture
def stub() -> Iterator[TwilioStub]:
    with TwilioStub(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN) as running:
        yield running


def sender_for(url: str, token: str = AUTH_TOKEN) -> TwilioSender:
    return TwilioSender(ACCOUNT_SID, token, FROM, api_base_url=url, timeout=2.0)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_message_reaches_twilio_with_to_from_body_and_status_callback(
    stub: TwilioStub,
) -> None:
    result = sender_for(stub.url).send(
        TO,
        "Chao ban, hom nay ban co sot khong?",
        status_callback="https://f0.example/status",
    )

    assert stub.wait_for(1, timeout=2)
    [message] = stub.messages
    assert message["To"] == TO
    assert message["From"] == FROM
    assert message["Body"] == "Chao ban, hom nay ban co sot khong?"
    assert message["StatusCallback"] == "https://f0.example/status"
    assert result.ok
    assert result.provider_sid == message["sid"]
    assert result.status == "queued"
    assert result.segments == 1


def test_a_long_vietnamese_message_reports_its_ucs2_segment_count(
    stub: TwilioStub,
) -> None:
    result = sender_for(stub.url).send(TO, "Đ" * 71)

    assert result.ok
    assert result.segments == 2


def test_a_wrong_auth_token_fails_without_retry(stub: TwilioStub) -> None:
    result = sender_for(stub.url, token="wrong-token").send(TO, "hello")

    assert not result.ok
    assert not result.retryable
    assert result.error_code == 20003
    assert stub.messages == []


def test_a_server_error_is_retryable(stub: TwilioStub) -> None:
    stub.fail_next(1, status=500)

    result = sender_for(stub.url).send(TO, "hello")

    assert not result.ok
    assert result.retryable
    assert result.error


def test_too_many_requests_is_retryable_after_the_retry_after_delay(
    stub: TwilioStub,
) -> None:
    stub.fail_next(1, status=429, retry_after=7)

    result = sender_for(stub.url).send(TO, "hello")

    assert not result.ok
    assert result.retryable
    assert result.error_code == 20429
    assert result.retry_after == 7.0


def test_the_sender_works_again_once_the_injected_faults_are_used_up(
    stub: TwilioStub,
) -> None:
    stub.fail_next(1, status=503)
    sender = sender_for(stub.url)

    assert not sender.send(TO, "first").ok
    assert sender.send(TO, "second").ok
    assert [m["Body"] for m in stub.messages] == ["second"]


@pytest.mark.parametrize("code", [21211, 21610])
def test_a_rejected_number_is_a_permanent_failure_with_its_twilio_code(stub: TwilioStub, code: int) -> None:
    stub.reject_numbers[TO] = code

    result = sender_for(stub.url).send(TO, "hello")

    assert not result.ok
    assert not result.retryable
    assert result.error_code == code


def test_an_unreachable_api_is_a_retryable_failure_not_an_exception() -> None:
    result = sender_for(f"http://127.0.0.1:{closed_port()}").send(TO, "hello")

    assert not result.ok
    assert result.retryable
    assert result.error


def test_the_auth_token_never_appears_in_an_error(stub: TwilioStub) -> None:
    stub.fail_next(1, status=500)
    errors = [
        sender_for(stub.url).send(TO, "hello").error,
        sender_for(stub.url, token=AUTH_TOKEN + "x").send(TO, "hello").error,
        sender_for(f"http://127.0.0.1:{closed_port()}").send(TO, "hello").error,
    ]

    assert all(errors)
    assert not any(AUTH_TOKEN in (error or "") for error in errors)


def test_a_sensitive_body_never_appears_in_an_error(stub: TwilioStub) -> None:
    stub.reject_numbers[TO] = 21211

    result = sender_for(stub.url).send(TO, "Ma xac thuc F0: 482913", sensitive=True)

    assert result.error
    assert "482913" not in result.error
