"""`POST /sms/android`: signed JSON events from the phone in, replies out through the outbox and the phone's API.

Runs on both databases; the phone's API is the loopback stub, reached through the real client library.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from f0care.app import create_app
from f0care.config import Config
from f0care.runtime import Runtime, build_runtime
from models.clock import utcnow
from models.db import make_engine
from models.tables import Message
from tests.support import android_events
from tests.support.android_events import WEBHOOK, Events
from tests.support.android_service import AndroidPhone, android_config
from tests.support.android_stub import AndroidStub
from tests.support.fakes import Clock
from tests.support.signing import webhook_signature

PATIENT = "+84987000201"
TWILIO_TOKEN = "tw-token-" + "77" * 10


@pytest.fixture
def stub() -> Iterator[AndroidStub]:
    with AndroidStub() as phone:
        yield phone


@pytest.fixture
def android(config: Config, db: Engine, stub: AndroidStub, clock: Clock) -> AndroidPhone:
    runtime = build_runtime(android_config(config, stub.url, TWILIO_TOKEN), db=db, clock=clock)
    events = Events(clock=lambda: clock.now.timestamp())
    return AndroidPhone(create_app(runtime).test_client(), events, stub, runtime)


def test_an_sms_to_the_phone_is_answered_by_an_sms_the_phone_sends(android: AndroidPhone) -> None:
    response = android.sms(PATIENT, "DK")
    assert response.status_code == 204
    [reply] = android.replies(PATIENT)
    assert "1/7" in reply
    [inbound] = android.rows(Message.direction == "in")
    assert (inbound.channel, inbound.phone, inbound.body) == ("android", PATIENT, "DK")
    [stored] = android.rows(Message.kind == "reply")
    assert stored.in_reply_to == inbound.id
    assert stored.status == "sent"
    assert stored.provider_sid == android.stub.messages[0].id  # receipts find it by the phone's id
    assert stored.channel == "android"


def test_a_local_number_from_the_phone_is_read_as_the_same_patient(android: AndroidPhone) -> None:
    assert android.sms("0987000202", "TRO GIUP").status_code == 204
    assert android.replies("+84987000202")
    assert [m.phone for m in android.rows(Message.direction == "in")] == ["+84987000202"]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Signature": "0" * 64},
        {"X-Timestamp": ""},
        {"X-Signature": ""},
        {"X-Timestamp": "soon"},
    ],
    ids=["forged", "no-timestamp", "no-signature", "not-a-timestamp"],
)
def test_a_bad_signature_is_refused_with_401_and_nothing_is_stored(
    android: AndroidPhone, headers: dict[str, str]
) -> None:
    body, signed = android.events.signed("sms:received", android_events.received(PATIENT, "CUU"))
    response = android.client.post(WEBHOOK, data=body, headers={**signed, **headers})
    assert response.status_code == 401
    assert android.rows() == []
    assert android.stub.messages == []


def test_a_body_signed_with_another_key_or_changed_after_signing_is_refused(android: AndroidPhone) -> None:
    body = android.events.body("sms:received", android_events.received(PATIENT, "CUU"))
    other = android.events.headers(body, secret="another-phones-signing-key")
    assert android.client.post(WEBHOOK, data=body, headers=other).status_code == 401
    tampered = body.replace(b"CUU", b"HUY")
    assert android.client.post(WEBHOOK, data=tampered, headers=android.events.headers(body)).status_code == 401
    assert android.rows() == []


@pytest.mark.parametrize(("skew", "status"), [(-301, 401), (301, 401), (-299, 204), (299, 204)])
def test_a_timestamp_more_than_five_minutes_away_is_refused(
    android: AndroidPhone, clock: Clock, skew: int, status: int
) -> None:
    body = android.events.body("sms:received", android_events.received(PATIENT, "TRO GIUP"))
    headers = android.events.headers(body, timestamp=int(clock.now.timestamp()) + skew)
    assert android.client.post(WEBHOOK, data=body, headers=headers).status_code == status
    assert len(android.rows(Message.direction == "in")) == (1 if status == 204 else 0)


def test_an_event_posted_again_is_stored_and_answered_once(android: AndroidPhone) -> None:
    assert android.sms(PATIENT, "DK", event_id="evt-repeat").status_code == 204
    assert android.sms(PATIENT, "DK", event_id="evt-repeat").status_code == 204
    assert len(android.rows(Message.direction == "in")) == 1
    assert len(android.replies(PATIENT)) == 1


def test_two_events_with_the_same_message_id_are_two_messages(android: AndroidPhone) -> None:
    """The app derives a received SMS's messageId from its content: the same text twice has the same one."""
    android.sms(PATIENT, "TRO GIUP", message_id="same-content-hash")
    android.sms(PATIENT, "TRO GIUP", message_id="same-content-hash")
    assert len(android.rows(Message.direction == "in")) == 2
    assert len(android.replies(PATIENT)) == 2


def test_receipts_move_the_status_forward_and_never_back(android: AndroidPhone) -> None:
    android.sms(PATIENT, "DK")
    sent = android.stub.messages[0]

    def status() -> str:
        return android.rows(Message.kind == "reply")[0].status

    assert android.post("sms:sent", android_events.receipt(sent.id, PATIENT, "sms:sent")).status_code == 204
    assert status() == "sent"
    assert android.post("sms:delivered", android_events.receipt(sent.id, PATIENT, "sms:delivered")).status_code == 204
    assert status() == "delivered"
    assert android.post("sms:sent", android_events.receipt(sent.id, PATIENT, "sms:sent")).status_code == 204
    assert status() == "delivered"  # a late receipt does not move it back


def test_a_failed_receipt_marks_the_message_failed(android: AndroidPhone) -> None:
    android.sms(PATIENT, "DK")
    sent = android.stub.messages[0]
    assert android.post("sms:failed", android_events.receipt(sent.id, PATIENT, "sms:failed")).status_code == 204
    assert android.rows(Message.kind == "reply")[0].status == "failed"


def test_a_receipt_for_a_message_we_never_sent_changes_nothing(android: AndroidPhone) -> None:
    assert android.post("sms:delivered", android_events.receipt("unknown", PATIENT, "sms:delivered")).status_code == 204
    assert android.rows() == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"event": "sms:received", "payload": {}}', b'{"id": "e1", "event": 5}', b"\xff\xfe"],
    ids=["broken", "a-list", "no-id", "event-not-text", "not-utf8"],
)
def test_a_body_that_is_no_event_is_a_client_error(android: AndroidPhone, body: bytes) -> None:
    response = android.client.post(WEBHOOK, data=body, headers=android.events.headers(body))
    assert response.status_code == 400
    assert android.rows() == []


def test_an_sms_event_without_a_sender_or_text_is_a_client_error(android: AndroidPhone) -> None:
    assert android.post("sms:received", {"messageId": "m", "message": "DK"}).status_code == 400
    assert android.post("sms:received", {"messageId": "m", "sender": PATIENT}).status_code == 400
    assert android.post("sms:delivered", {"recipient": PATIENT}).status_code == 400
    assert android.rows() == []


@pytest.mark.parametrize("event", ["system:ping", "sms:data-received", "mms:received", "app:started"])
def test_an_event_the_service_has_no_use_for_is_ignored_with_2xx(android: AndroidPhone, event: str) -> None:
    assert android.post(event, {"messageId": "m", "sender": PATIENT, "data": "AAE="}).status_code == 204
    assert android.rows() == []


def test_a_named_sender_is_kept_as_rejected_and_not_answered(android: AndroidPhone) -> None:
    """Carriers text the SIM from names ("Viettel"): kept, no conversation, and 2xx so the app stops retrying."""
    assert android.sms("Viettel", "Tai khoan cua ban con 5.000d").status_code == 204
    [row] = android.rows()
    assert (row.status, row.channel) == ("rejected", "android")
    assert android.stub.messages == []


def test_a_body_over_64_kib_is_refused_with_413(android: AndroidPhone) -> None:
    body = android.events.body("sms:received", android_events.received(PATIENT, "x" * 70_000))
    assert android.client.post(WEBHOOK, data=body, headers=android.events.headers(body)).status_code == 413
    assert android.rows() == []


def test_while_the_database_is_down_an_event_gets_503_so_the_phone_sends_it_again(android: AndroidPhone) -> None:
    runtime: Runtime = android.runtime
    working, runtime.db = runtime.db, make_engine("sqlite:////nonexistent-f0care-dir/sub/f0care.db")
    try:
        response = android.sms(PATIENT, "98 18 86 37 0 0", event_id="evt-during-outage")
    finally:
        runtime.db.dispose()
        runtime.db = working
    assert response.status_code == 503
    assert android.sms(PATIENT, "98 18 86 37 0 0", event_id="evt-during-outage").status_code == 204
    assert len(android.rows(Message.direction == "in")) == 1


def test_twilio_inbound_keeps_working_beside_the_phone_and_codes_go_out_through_the_phone(
    android: AndroidPhone,
) -> None:
    config = android.runtime.config
    steps = ("DK", "Le Thi Hoa", "1975", "Quang Trung", "NAY", "hom nay", "C", "K")
    for n, text in enumerate(steps):
        params = {"From": "+84987000222", "Body": text, "MessageSid": f"SM{n:032x}"}
        signature = webhook_signature(config.webhook_auth_token, config.service.public_url, params)
        response = android.client.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
        assert response.mimetype == "text/xml"
    assert config.webhook_auth_token == TWILIO_TOKEN
    [code] = android.replies("+84987000222")  # the one-time code: sent through the configured provider
    assert "ma xac nhan" in code.lower()
    assert {m.channel for m in android.rows(Message.direction == "in")} == {"twilio"}


def test_without_a_twilio_token_the_twilio_webhook_accepts_nothing(
    config: Config, db: Engine, stub: AndroidStub, clock: Clock
) -> None:
    only_android = android_config(config, stub.url)
    client: FlaskClient = create_app(build_runtime(only_android, db=db, clock=clock)).test_client()
    params = {"From": PATIENT, "Body": "CUU", "MessageSid": "SM" + "1" * 32}
    for token in ("", only_android.gateway.dev_auth_token):
        signature = webhook_signature(token, only_android.service.public_url, params)
        assert client.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_the_wall_clock_is_what_the_signature_window_is_checked_against_in_production(
    config: Config, db: Engine, stub: AndroidStub
) -> None:
    runtime = build_runtime(android_config(config, stub.url), db=db, clock=utcnow)
    phone = AndroidPhone(create_app(runtime).test_client(), Events(), stub, runtime)
    assert phone.sms(PATIENT, "TRO GIUP").status_code == 204
    assert phone.replies(PATIENT)  # answered through the phone
