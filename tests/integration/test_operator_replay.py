"""The operator's repairs on both databases: failed inbound messages replayed once, undelivered
outbound ones queued again, an opt-out undone with a record of who did it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from f0care import replay as replay_module
from f0care.replay import replay_failed_inbound
from f0care.runtime import Runtime
from f0care.service.inbound import record_failed
from models import operations
from models.ops_tables import OperatorAction
from models.tables import Contact, Message
from sms_gateway.wire import InboundSms
from tests.support.fakes import Clock
from tests.support.phone import Phone

PATIENT = "+84987654321"


def messages(runtime: Runtime, **where: object) -> list[Message]:
    with Session(runtime.db) as session:
        query = select(Message).filter_by(**where).order_by(Message.id)  # type: ignore[arg-type]
        return list(session.scalars(query))


def fail(runtime: Runtime, text: str, sid: str, clock: Clock) -> None:
    """What the service keeps when handling a message raised: status "error", the provider id kept."""
    record_failed(runtime.unit_of_work, InboundSms(PATIENT, text, sid), clock())


def test_a_failed_message_is_replayed_once_and_its_reply_is_queued_for_the_phone(
    runtime: Runtime, clock: Clock
) -> None:
    fail(runtime, "DK", "SMfailed1", clock)
    clock.advance(hours=2)
    done = replay_failed_inbound(runtime.db, runtime.program, None, "ops-anh", clock())
    assert [(r.phone, r.outcome) for r in done] == [(PATIENT, "replied")]
    original = messages(runtime, status="replayed")
    assert len(original) == 1
    assert original[0].provider_sid is None
    assert "ops-anh" in (original[0].error or "")
    rerun = messages(runtime, provider_sid="SMfailed1")
    assert len(rerun) == 1
    assert rerun[0].created_at == clock() - timedelta(hours=2)
    reply = messages(runtime, kind="reply", in_reply_to=rerun[0].id)
    assert [m.status for m in reply] == ["queued"]
    assert reply[0].phone == PATIENT
    assert reply[0].id in done[0].queued
    with Session(runtime.db) as session:
        contact = session.get(Contact, PATIENT)
        assert contact is not None
        assert contact.state != "idle"
    assert replay_failed_inbound(runtime.db, runtime.program, None, "ops-anh", clock()) == []


def test_a_message_another_replay_has_taken_is_skipped(runtime: Runtime, clock: Clock) -> None:
    fail(runtime, "DK", "SMfailed2", clock)
    [failed] = operations.failed_inbound(runtime.db)
    assert operations.take_for_replay(runtime.db, failed, "first", clock())
    assert not operations.take_for_replay(runtime.db, failed, "second", clock())


def test_replay_since_leaves_older_failures_alone(runtime: Runtime, clock: Clock) -> None:
    fail(runtime, "DK", "SMold", clock)
    clock.advance(days=2)
    fail(runtime, "HD", "SMnew", clock)
    done = replay_failed_inbound(runtime.db, runtime.program, clock() - timedelta(hours=1), "ops", clock())
    assert len(done) == 1
    assert [m.provider_sid for m in messages(runtime, status="error")] == ["SMold"]


def test_a_replay_that_fails_again_is_kept_and_never_replayed_by_itself(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail(runtime, "DK", "SMfailed3", clock)

    def still_broken(*_args: object) -> None:
        raise RuntimeError("still broken")

    monkeypatch.setattr(replay_module, "receive", still_broken)
    [done] = replay_failed_inbound(runtime.db, runtime.program, None, "ops", clock())
    assert done.outcome == "failed: RuntimeError"
    assert [m.status for m in messages(runtime, direction="in")] == ["replay-failed"]
    assert replay_failed_inbound(runtime.db, runtime.program, None, "ops", clock()) == []


def undeliverable(runtime: Runtime, clock: Clock, to: str, kind: str, status: str = "failed") -> int:
    with Session(runtime.db) as session:
        row = Message(direction="out", phone=to, body="x", created_at=clock(), kind=kind, status=status, attempts=8)
        row.error, row.error_code = "gave up", 30008
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def test_retry_queues_undelivered_messages_again_but_never_a_one_time_code(runtime: Runtime, clock: Clock) -> None:
    alert = undeliverable(runtime, clock, "+84912000001", "alert")
    welcome = undeliverable(runtime, clock, PATIENT, "welcome", status="undelivered")
    undeliverable(runtime, clock, PATIENT, "otp")
    queued = operations.retry_outbound(runtime.db, (), None, "ops-binh", clock())
    assert queued == [(alert, "+84912000001", "alert"), (welcome, PATIENT, "welcome")]
    requeued = messages(runtime, status="queued")
    assert {m.id for m in requeued} == {alert, welcome}
    assert all(m.attempts == 0 for m in requeued)
    assert [m.kind for m in messages(runtime, status="failed")] == ["otp"]
    with Session(runtime.db) as session:
        [action] = session.scalars(select(OperatorAction)).all()
    assert (action.action, action.by, action.details) == ("outbox-retry", "ops-binh", {"message_ids": [alert, welcome]})
    assert operations.retry_outbound(runtime.db, (), None, "ops-binh", clock()) == []


def test_retry_to_one_number_leaves_the_others_failed(runtime: Runtime, clock: Clock) -> None:
    undeliverable(runtime, clock, "+84912000001", "alert")
    mine = undeliverable(runtime, clock, PATIENT, "welcome")
    assert [row[0] for row in operations.retry_outbound(runtime.db, (), PATIENT, "ops", clock())] == [mine]
    assert [m.phone for m in messages(runtime, status="failed")] == ["+84912000001"]


def test_an_opt_out_is_listed_then_undone_with_who_and_why_recorded(
    runtime: Runtime, clock: Clock, phone: Callable[[str], Phone]
) -> None:
    phone(PATIENT).send("STOP")
    [listed] = operations.opted_out(runtime.db)
    assert listed.phone == PATIENT
    assert listed.since == clock()
    assert operations.undo_optout(runtime.db, PATIENT, "ops-chi", "asked by phone", clock())
    assert operations.opted_out(runtime.db) == []
    with Session(runtime.db) as session:
        contact = session.get(Contact, PATIENT)
        [action] = session.scalars(select(OperatorAction)).all()
    assert contact is not None
    assert not contact.opted_out
    assert (action.action, action.subject, action.by) == ("optout-undo", PATIENT, "ops-chi")
    assert action.details == {"reason": "asked by phone"}
    assert not operations.undo_optout(runtime.db, PATIENT, "ops-chi", "", clock())
