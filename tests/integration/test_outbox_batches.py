"""The outbox records a batch of outcomes at once: every outcome is kept, failures included."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.db import create_schema, make_engine
from models.tables import Contact, Message, Patient
from sms_gateway.outbox.claims import any_due
from sms_gateway.outbox.outbox import Outbox
from sms_gateway.outbox.rules import RateLimiter, RetryPolicy
from sms_gateway.wire import SendResult
from tests.support.fakes import Clock

OK = SendResult(ok=True, provider_sid=None, status="queued", segments=None)


@dataclass
class ScriptedSender:
    """Answers each phone as scripted (default: accepted); `during(to)` runs inside the send."""

    answers: dict[str, SendResult] = field(default_factory=dict)
    during: Callable[[str], None] = lambda to: None
    log: list[str] = field(default_factory=list)

    def send(self, to: str, body: str, *, status_callback: str | None = None, sensitive: bool = False) -> SendResult:
        self.during(to)
        self.log.append(to)
        answer = self.answers.get(to, OK)
        if answer.ok:
            return SendResult(ok=True, provider_sid=f"SM{to[1:]}", status="queued", segments=answer.segments)
        return answer


def queue(db: Engine, clock: Clock, *phones: str, sensitive: frozenset[str] = frozenset()) -> None:
    with Session(db) as s:
        for phone in phones:
            body = "Ma xac nhan 123456" if phone in sensitive else f"Xin chao {phone}"
            s.add(
                Message(
                    direction="out",
                    phone=phone,
                    body=body,
                    created_at=clock.now,
                    kind="otp" if phone in sensitive else "prompt",
                    priority=0 if phone in sensitive else 1,
                    status="queued",
                    sensitive=phone in sensitive,
                )
            )
        s.commit()


def rows(db: Engine) -> dict[str, Message]:
    with Session(db) as s:
        return {m.phone: m for m in s.exec(select(Message).order_by(col(Message.id)))}


def test_a_batch_of_mixed_outcomes_records_each_one_as_the_provider_answered(db: Engine, clock: Clock) -> None:
    phones = [f"+849870000{i:02d}" for i in range(30)]
    transient, permanent, otp = phones[3], phones[7], phones[11]
    with Session(db) as s:
        s.add(
            Patient(
                code="ABCDE",
                full_name="Nguyen Van An",
                birth_year=1980,
                area="Tran Phu",
                clinic_id="tyt-tran-phu",
                phone=permanent,
                registered_by=permanent,
                positive_test_date=clock.now.date(),
                status="active",
                created_at=clock.now,
            )
        )
        s.commit()
    queue(db, clock, *phones, sensitive=frozenset({otp}))
    sender = ScriptedSender(
        {
            transient: SendResult(ok=False, error="Twilio HTTP 503", retryable=True),
            permanent: SendResult(ok=False, error="Twilio HTTP 400, code 21211", error_code=21211),
            phones[20]: SendResult(ok=True, segments=2),
        }
    )
    assert Outbox(db, sender, clock=clock, policy=RetryPolicy(5, 10, 60)).run_once() == 30

    stored = rows(db)
    assert sorted(sender.log) == sorted(phones)
    assert {p: m.status for p, m in stored.items() if m.status != "sent"} == {transient: "queued", permanent: "failed"}
    for phone, m in stored.items():
        assert m.attempts == 1, m
        assert m.claimed_by is None, m
        assert m.claimed_at is None, m
        if m.status == "sent":
            assert m.provider_sid == f"SM{phone[1:]}", m
            assert m.sent_at is not None, m
            assert m.error is None, m
    assert stored[phones[20]].segments == 2
    assert stored[phones[0]].segments == 1
    assert stored[transient].next_attempt_at is not None
    assert stored[transient].error == "Twilio HTTP 503"
    assert stored[permanent].error_code == 21211
    assert "123456" not in stored[otp].body
    with Session(db) as s:
        assert s.exec(select(Patient)).one().call_needed
        assert s.get(Contact, permanent) is None


def test_an_outcome_whose_claim_was_taken_over_mid_batch_is_left_to_the_new_sender(
    db: Engine, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    phones = [f"+849870000{i:02d}" for i in range(5)]
    queue(db, clock, *phones)

    def taken_over(to: str) -> None:
        if to == phones[2]:  # its claim expired and another sender holds it now
            with Session(db) as s:
                row = s.exec(select(Message).where(Message.phone == to)).one()
                row.claimed_by = "other-sender"
                s.add(row)
                s.commit()

    Outbox(db, ScriptedSender(during=taken_over), clock=clock).run_once()
    stored = rows(db)
    assert (stored[phones[2]].status, stored[phones[2]].claimed_by) == ("sending", "other-sender")
    assert {p for p, m in stored.items() if m.status == "sent"} == set(phones) - {phones[2]}
    lost = [r.getMessage() for r in caplog.records if "claim lost" in r.getMessage()]
    assert lost == [f"SMS {stored[phones[2]].id}: claim lost while sending; not recording"]


def test_with_no_delay_allowed_each_outcome_is_stored_before_the_next_send(db: Engine, clock: Clock) -> None:
    phones = [f"+849870000{i:02d}" for i in range(4)]
    queue(db, clock, *phones)
    seen: list[int] = []

    def count_sent(to: str) -> None:
        seen.append(sum(m.status == "sent" for m in rows(db).values()))

    Outbox(db, ScriptedSender(during=count_sent), clock=clock, record_every=0).run_once()
    assert seen == [0, 1, 2, 3]


def test_by_default_a_fast_batch_is_stored_in_one_transaction_at_its_end(db: Engine, clock: Clock) -> None:
    phones = [f"+849870000{i:02d}" for i in range(4)]
    queue(db, clock, *phones)
    seen: list[int] = []

    def count_sent(to: str) -> None:
        seen.append(sum(m.status == "sent" for m in rows(db).values()))

    Outbox(db, ScriptedSender(during=count_sent), clock=clock).run_once()  # the clock does not move
    assert seen == [0, 0, 0, 0]
    assert {m.status for m in rows(db).values()} == {"sent"}


def test_outcomes_already_answered_are_stored_when_the_sender_breaks_mid_batch(db: Engine, clock: Clock) -> None:
    phones = [f"+849870000{i:02d}" for i in range(4)]
    queue(db, clock, *phones)

    def breaks(to: str) -> None:
        if to == phones[2]:
            raise RuntimeError("the sender's process is stopping")

    with pytest.raises(RuntimeError):
        Outbox(db, ScriptedSender(during=breaks), clock=clock).run_once()
    statuses = [m.status for m in rows(db).values()]
    # The one being sent may have reached the gateway: it waits for its claim to expire. The
    # rest never left: they are queued again at once.
    assert statuses == ["sent", "sent", "sending", "queued"]


def test_a_batch_running_past_its_time_puts_the_rest_back_so_an_alert_queued_meanwhile_goes_next(
    db: Engine, clock: Clock
) -> None:
    prompts = [f"+849870000{i:02d}" for i in range(10)]
    queue(db, clock, *prompts)

    def slow_gateway(to: str) -> None:
        clock.advance(seconds=0.2)
        if to == prompts[1]:
            queue_alert(db, clock, "+84912000001")

    sender = ScriptedSender(during=slow_gateway)
    outbox = Outbox(db, sender, clock=clock, batch_seconds=0.5)
    assert outbox.run_once() == 3  # 0.0, 0.2, 0.4 s: the fourth would start 0.6 s into the batch
    assert {m.status for p, m in rows(db).items() if p in prompts[3:]} == {"queued"}
    assert outbox.deliver_pending() == 8
    assert sender.log == [*prompts[:3], "+84912000001", *prompts[3:]]
    assert {m.status for m in rows(db).values()} == {"sent"}


def test_a_rate_limited_sender_claims_only_what_the_gateway_takes_in_a_batch_time(db: Engine, clock: Clock) -> None:
    queue(db, clock, *(f"+849870000{i:02d}" for i in range(30)))
    outbox = Outbox(db, ScriptedSender(), clock=clock, limiter=RateLimiter(10), batch_seconds=0.5)
    assert outbox.run_once() == 5
    assert sum(m.status == "sent" for m in rows(db).values()) == 5


def test_delivering_given_messages_inline_sends_them_all_across_batch_time_limits(db: Engine, clock: Clock) -> None:
    queue(db, clock, *(f"+849870000{i:02d}" for i in range(12)))
    with Session(db) as s:
        ids = [m.id for m in s.exec(select(Message)) if m.id is not None]
    sender = ScriptedSender(during=lambda to: clock.advance(seconds=0.3))
    Outbox(db, sender, clock=clock, batch_seconds=0.5).deliver(ids)
    assert len(sender.log) == 12
    assert {m.status for m in rows(db).values()} == {"sent"}


def queue_alert(db: Engine, clock: Clock, phone: str) -> None:
    with Session(db) as s:
        s.add(
            Message(
                direction="out", phone=phone, body="CANH BAO DO", created_at=clock.now, kind="alert", status="queued"
            )
        )
        s.commit()


def test_an_idle_senders_look_at_the_outbox_does_not_wait_for_the_sqlite_writer(tmp_path: Path, clock: Clock) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'f0care.db'}")
    create_schema(db)
    with Session(db) as writer:  # a webhook in the middle of its transaction
        writer.add(Message(direction="out", phone="+84987000001", body="x", created_at=clock.now, status="queued"))
        writer.flush()
        # Were the look a write, it would queue behind this transaction (here: the same thread, for ever).
        assert any_due(db, clock.now) is False
        writer.commit()
    assert any_due(db, clock.now) is True
    db.dispose()


def test_on_sqlite_the_outbox_is_read_through_its_own_index_without_statistics(tmp_path: Path, clock: Clock) -> None:
    """With no ANALYZE (SQLite's usual state) the poll and the claim still walk ix_message_outbox,
    not ix_message_recent: that one holds every outbound message ever sent."""
    from sqlalchemy import event

    db = make_engine(f"sqlite:///{tmp_path / 'f0care.db'}")
    create_schema(db)
    queue(db, clock, "+84987000001")
    seen: list[tuple[str, Any]] = []

    @event.listens_for(db, "before_cursor_execute")
    def _keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM message" in statement and "status" in statement:
            seen.append((statement, parameters))

    assert any_due(db, clock.now) is True
    assert Outbox(db, ScriptedSender(), clock=clock).run_once() == 1
    event.remove(db, "before_cursor_execute", _keep)
    polls_and_claims = [(sql, params) for sql, params in seen if "next_attempt_at" in sql]
    assert len(polls_and_claims) == 2
    with db.connect() as conn:
        for sql, params in polls_and_claims:
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            assert "ix_message_outbox" in plan
            assert "ix_message_recent" not in plan
    db.dispose()
