"""Outbound delivery through the real twilio SDK against the stub: failures lose nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import Contact, Message, Patient
from sms_gateway.outbox.outbox import Outbox
from sms_gateway.outbox.rules import RetryPolicy
from sms_gateway.senders import TwilioSender
from tests.support.fakes import Clock
from tests.support.twilio_stub import TwilioStub

SID, TOKEN = "AC" + "a" * 32, "stub-token"


@pytest.fixture
def stub() -> Iterator[TwilioStub]:
    with TwilioStub(SID, TOKEN) as server:
        yield server


def queue(db: Engine, *numbers: str, clock: Clock) -> list[int]:
    with Session(db) as s:
        rows = [
            Message(
                direction="out", phone=n, body=f"Xin chao {n}", created_at=clock.now, kind="notice", status="queued"
            )
            for n in numbers
        ]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows if r.id is not None]


def outbox_for(db: Engine, stub: TwilioStub, clock: Clock, attempts: int = 5) -> Outbox:
    sender = TwilioSender(SID, TOKEN, "+84900000000", stub.url, timeout=5)
    return Outbox(db, sender, clock=clock, policy=RetryPolicy(attempts, 10, 60))


def statuses(db: Engine) -> dict[str, str]:
    with Session(db) as s:
        return {m.phone: m.status for m in s.exec(select(Message))}


def test_an_outage_of_500s_and_429s_then_recovery_delivers_every_message_exactly_once(
    db: Engine, stub: TwilioStub, clock: Clock
) -> None:
    numbers = [f"+8498700{i:04d}" for i in range(12)]
    queue(db, *numbers, clock=clock)
    outbox = outbox_for(db, stub, clock, attempts=8)
    stub.fail_next(8, status=500)
    stub.fail_next(4, status=429, retry_after=30)
    for _ in range(8):  # the sender keeps trying as time passes
        outbox.deliver_pending()
        clock.advance(minutes=5)
    assert set(statuses(db).values()) == {"sent"}
    delivered = [m["To"] for m in stub.messages]
    assert sorted(delivered) == sorted(numbers)  # each exactly once


def test_a_transient_failure_waits_for_its_backoff_before_the_next_try(
    db: Engine, stub: TwilioStub, clock: Clock
) -> None:
    queue(db, "+84987000001", clock=clock)
    outbox = outbox_for(db, stub, clock)
    stub.fail_next(1, status=503)
    outbox.deliver_pending()
    assert statuses(db) == {"+84987000001": "queued"}
    outbox.deliver_pending()  # not due yet
    assert stub.messages == []
    clock.advance(minutes=2)
    outbox.deliver_pending()
    assert len(stub.messages) == 1
    assert statuses(db) == {"+84987000001": "sent"}


def test_after_the_last_attempt_the_message_fails_and_says_why(db: Engine, stub: TwilioStub, clock: Clock) -> None:
    queue(db, "+84987000001", clock=clock)
    outbox = outbox_for(db, stub, clock, attempts=2)
    stub.fail_next(5, status=500)
    for _ in range(3):
        outbox.deliver_pending()
        clock.advance(minutes=5)
    with Session(db) as s:
        message = s.exec(select(Message)).one()
    assert message.status == "failed"
    assert message.attempts == 2
    assert message.error


@pytest.mark.parametrize("code", [21211, 21614, 30007])
def test_a_permanent_error_fails_at_once_and_flags_the_patient_for_a_call(
    db: Engine, stub: TwilioStub, clock: Clock, code: int
) -> None:
    with Session(db) as s:
        s.add(
            Patient(
                code="ABCDE",
                full_name="Nguyen Van An",
                birth_year=1980,
                area="Tran Phu",
                clinic_id="tyt-tran-phu",
                phone="+84987000001",
                registered_by="+84987000001",
                positive_test_date=clock.now.date(),
                status="active",
                created_at=clock.now,
            )
        )
        s.commit()
    queue(db, "+84987000001", clock=clock)
    stub.reject_numbers["+84987000001"] = code
    outbox_for(db, stub, clock).deliver_pending()
    clock.advance(hours=1)
    outbox_for(db, stub, clock).deliver_pending()
    with Session(db) as s:
        message = s.exec(select(Message)).one()
        assert (message.status, message.error_code, message.attempts) == ("failed", code, 1)
        assert s.exec(select(Patient)).one().call_needed


def test_a_number_that_opted_out_at_the_provider_is_recorded_as_opted_out(
    db: Engine, stub: TwilioStub, clock: Clock
) -> None:
    queue(db, "+84987000001", clock=clock)
    stub.reject_numbers["+84987000001"] = 21610
    outbox_for(db, stub, clock).deliver_pending()
    with Session(db) as s:
        contact = s.get(Contact, "+84987000001")
    assert contact is not None
    assert contact.opted_out


def test_a_claim_left_by_a_dead_sender_is_released_after_the_timeout(
    db: Engine, stub: TwilioStub, clock: Clock
) -> None:
    (message_id,) = queue(db, "+84987000001", clock=clock)
    with Session(db) as s:
        row = s.get(Message, message_id)
        assert row is not None
        row.status, row.claimed_at, row.claimed_by = "sending", clock.now, "dead-worker"
        s.add(row)
        s.commit()
    outbox = outbox_for(db, stub, clock)
    assert outbox.release_stale_claims() == 0
    clock.advance(minutes=16)
    assert outbox.release_stale_claims() == 1
    outbox.deliver_pending()
    assert len(stub.messages) == 1


def test_failed_messages_are_listed_for_staff_in_the_outbox_command(db: Engine, clock: Clock) -> None:
    from models import store

    queue(db, "+84987000001", "+84987000002", clock=clock)
    with Session(db) as s:
        first = s.exec(select(Message).where(Message.phone == "+84987000001")).one()
        first.status = "failed"
        s.add(first)
        s.commit()
        failed = store.outbox(s, failed=True)
    assert [m.phone for m in failed] == ["+84987000001"]


def test_an_alert_queued_after_a_thousand_prompts_is_sent_before_them(db: Engine, clock: Clock) -> None:
    from models.scheduled import Outgoing, enqueue
    from tests.support.fakes import RecordingSender

    with Session(db) as s:
        prompts = [Outgoing(f"p{i}", f"+849870{i:05d}", "Hom nay...", "prompt") for i in range(1000)]
        enqueue(s, prompts, clock.now)
        s.add(
            Message(
                direction="out",
                phone="+84912000001",
                body="CANH BAO DO",
                created_at=clock.now,
                kind="alert",
                status="queued",
            )
        )
        s.commit()
    sender = RecordingSender()
    Outbox(db, sender, clock=clock).run_once()
    assert sender.log[0] == ("+84912000001", "CANH BAO DO")
