"""Twilio's delivery receipts update the stored message and never move it backwards."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, select

from f0care.config import Config
from f0care.runtime import Runtime
from models.tables import Message
from tests.support.phone import Phone
from tests.support.signing import webhook_signature

STATUS = "/sms/twilio/status"


def post_status(client: FlaskClient, config: Config, sid: str, status: str, error: str = "") -> int:
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC1"}
    if error:
        params["ErrorCode"] = error
    headers = {
        "X-Twilio-Signature": webhook_signature(config.webhook_auth_token, config.service.public_url, params, STATUS)
    }
    return client.post(STATUS, data=params, headers=headers).status_code


def sent_otp(runtime: Runtime) -> Message:
    with Session(runtime.db) as s:
        return s.exec(select(Message).where(Message.kind == "otp")).one()


def start_registration(p: Phone) -> None:
    for text in ("DK", "Le Thi Hoa", "1975", "Quang Trung", "NAY", "hom nay", "C", "K"):
        p.send(text)


def test_a_receipt_moves_the_status_forward_and_a_late_one_does_not_move_it_back(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Callable[[str], Phone]
) -> None:
    start_registration(phone("+84987000111"))
    sid = sent_otp(runtime).provider_sid
    assert sid
    assert post_status(client, config, sid, "delivered") == 204
    assert sent_otp(runtime).status == "delivered"
    assert post_status(client, config, sid, "sent") == 204
    assert sent_otp(runtime).status == "delivered"


def test_an_undelivered_receipt_keeps_the_error_code(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Callable[[str], Phone]
) -> None:
    start_registration(phone("+84987000112"))
    sid = sent_otp(runtime).provider_sid
    assert sid
    post_status(client, config, sid, "undelivered", "30003")
    row = sent_otp(runtime)
    assert row.status == "undelivered"
    assert row.error_code == 30003


def test_a_receipt_with_a_forged_signature_is_refused(client: FlaskClient) -> None:
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    assert client.post(STATUS, data=params, headers={"X-Twilio-Signature": "bad"}).status_code == 403
