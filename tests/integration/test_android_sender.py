"""Contract: the Android sender against a stub of the phone's API on loopback (real HTTP, the real client library).

The stub checks Basic auth and the JSON the `android-sms-gateway` client sends; the outbox maps
the phone's answers onto the same retry rules as Twilio's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import Message, Patient
from sms_gateway.android_sender import AndroidSender
from sms_gateway.outbox.outbox import Outbox
from sms_gateway.outbox.rules import RateLimiter, RetryPolicy
from tests.support.android_stub import PASSWORD, USERNAME, AndroidStub
from tests.support.fakes import Clock
from tests.support.processes import free_port

PATIENT = "+84987000301"


@pytest.fixture
def stub() -> Iterator[AndroidStub]:
    with AndroidStub() as phone:
        yield phone


def sender_for(stub: AndroidStub, password: str = PASSWORD) -> AndroidSender:
    return AndroidSender(stub.url, USERNAME, password, timeout=5)


def queue(db: Engine, clock: Clock, *numbers: str, priority: int = 0) -> None:
    with Session(db) as s:
        for n in numbers:
            s.add(
                Message(
                    direction="out",
                    phone=n,
                    body=f"Xin chao {n}",
                    created_at=clock.now,
                    kind="notice",
                    status="queued",
                    priority=priority,
                )
            )
        s.commit()


def stored(db: Engine) -> dict[str, Message]:
    with Session(db) as s:
        return {m.phone: m for m in s.exec(select(Message))}


def test_a_message_goes_to_the_phone_as_the_client_library_posts_it_with_basic_auth(stub: AndroidStub) -> None:
    result = sender_for(stub).send(PATIENT, "Xin chao, 98 18 86 37.5 0 0")
    assert result.ok, result
    [sent] = stub.messages
    assert result.provider_sid == sent.id
    assert result.status == "queued"  # the phone's Pending
    assert sent.request["phoneNumbers"] == [PATIENT]
    assert sent.request["textMessage"] == {"text": "Xin chao, 98 18 86 37.5 0 0"}
    assert sent.request["withDeliveryReport"] is True  # receipts come back as sms:delivered
    assert stub.refused == 0


def test_a_wrong_password_is_refused_by_the_phone_and_retried_not_failed(stub: AndroidStub) -> None:
    result = sender_for(stub, password="not-the-password").send(PATIENT, "Xin chao")
    assert stub.refused == 1
    assert stub.messages == []
    assert not result.ok
    assert result.retryable  # the gateway's password is fixed by the operator; the message is fine
    assert "not-the-password" not in (result.error or "")


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(400, False), (404, False), (403, True), (429, True), (500, True), (503, True)],
    ids=["bad-request", "not-found", "forbidden", "too-many", "server-error", "queue-full"],
)
def test_the_phones_http_errors_map_onto_the_retry_rules(stub: AndroidStub, status: int, retryable: bool) -> None:
    stub.fail_next(1, status=status, retry_after=42 if status == 429 else None)
    result = sender_for(stub).send(PATIENT, "Xin chao")
    assert not result.ok
    assert result.retryable is retryable
    assert f"HTTP {status}" in (result.error or "")
    assert result.retry_after == (42.0 if status == 429 else None)


def test_a_phone_that_cannot_be_reached_is_a_transient_failure() -> None:
    result = AndroidSender(f"http://127.0.0.1:{free_port()}", USERNAME, PASSWORD, timeout=2).send(PATIENT, "Xin chao")
    assert not result.ok
    assert result.retryable
    assert (result.error or "").startswith("network error")


def test_a_one_time_code_never_appears_in_a_failure_text(stub: AndroidStub) -> None:
    stub.fail_next(1, status=400)
    result = sender_for(stub).send("", "Ma xac nhan: 482913", sensitive=True)
    assert not result.ok
    assert "482913" not in (result.error or "")


def test_the_outbox_retries_a_phone_outage_then_sends_each_message_once_alerts_first(
    db: Engine, stub: AndroidStub, clock: Clock
) -> None:
    queue(db, clock, "+84987000311", "+84987000312", priority=1)  # bulk prompts
    queue(db, clock, "+84987000313")  # an alert, queued later
    outbox = Outbox(db, sender_for(stub), clock=clock, policy=RetryPolicy(5, 10, 60), limiter=RateLimiter(50))
    stub.fail_next(3, status=503)
    outbox.deliver_pending()
    assert {m.status for m in stored(db).values()} == {"queued"}
    clock.advance(minutes=5)
    outbox.deliver_pending()
    rows = stored(db)
    assert {m.status for m in rows.values()} == {"sent"}
    assert [s.to for s in stub.messages] == ["+84987000313", "+84987000311", "+84987000312"]
    assert {rows[s.to].provider_sid for s in stub.messages} == {s.id for s in stub.messages}
    assert all(m.attempts == 2 for m in rows.values())


def test_a_message_the_phone_refuses_fails_at_once_and_flags_the_patient_for_a_call(
    db: Engine, stub: AndroidStub, clock: Clock
) -> None:
    with Session(db) as s:
        s.add(
            Patient(
                code="ANDR1",
                full_name="Le Van Ba",
                birth_year=1980,
                area="Tran Phu",
                clinic_id="tyt-tran-phu",
                phone=PATIENT,
                registered_by=PATIENT,
                positive_test_date=clock.now.date(),
                status="active",
            )
        )
        s.commit()
    queue(db, clock, PATIENT)
    stub.fail_next(1, status=400)
    Outbox(db, sender_for(stub), clock=clock).deliver_pending()
    assert stored(db)[PATIENT].status == "failed"
    with Session(db) as s:
        assert s.exec(select(Patient.call_needed)).one() is True
