"""Claiming due messages and recording what the provider answered, a batch per statement.

A claim is one UPDATE ... RETURNING (PostgreSQL: of rows picked `FOR UPDATE SKIP LOCKED`).
The outcomes of a batch are recorded in one transaction: the plain successes (most of a
fan-out) in one UPDATE, failures and sensitive messages row by row, as they need rules.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import reading, update_rows
from models.redact import mask, redact
from models.tables import Contact, Message, Patient
from sms_gateway.outbox.rules import NEEDS_CALL, OPTED_OUT, RetryPolicy
from sms_gateway.wire import SendResult

log = logging.getLogger("f0care.outbox")
MESSAGE = Message.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    """A message a sender holds: what it needs to send it and to record the outcome."""

    id: int
    phone: str
    body: str
    segments: int
    sensitive: bool
    attempts: int


@dataclass(frozen=True)
class Outcome:
    message: Claimed
    result: SendResult
    at: datetime  # when the provider answered


def _due(now: datetime) -> ColumnElement[bool]:
    """Due outbound messages. The direction is compared as `direction || ''`, which no index can
    serve, so the queue is always read through ix_message_outbox (status, priority, id).

    SQLite keeps no statistics unless told to ANALYZE. With none, it read the queue through
    ix_message_recent (direction, created_at), that is every outbound message ever sent. An idle
    sender's poll then held a read snapshot for milliseconds. Under load, SQLite could not finish a
    checkpoint past that snapshot, so the WAL grew and every process slowed (`docs/benchmarks.md`,
    fifth round).
    """
    m = MESSAGE
    return and_(
        m.c.direction.concat("") == "out",
        m.c.status == "queued",
        or_(m.c.next_attempt_at.is_(None), m.c.next_attempt_at <= now),
    )


def _due_ids(now: datetime) -> Select[tuple[int]]:
    return select(MESSAGE.c.id).where(_due(now))


def any_due(db: Engine, now: datetime) -> bool:
    """Whether a message is waiting, read without a write transaction (an idle sender's poll)."""
    with reading(db) as conn:
        return conn.execute(_due_ids(now).limit(1)).first() is not None


def claim(db: Engine, name: str, now: datetime, limit: int, ids: Sequence[int] | None = None) -> list[Claimed]:
    """Mark up to `limit` due messages as being sent by `name` (priority, then age); what was claimed."""
    m = MESSAGE
    due = _due_ids(now)
    if ids is not None:
        due = due.where(m.c.id.in_(ids))
    due = due.order_by(m.c.priority, m.c.id).limit(limit)
    if db.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    picked = due.cte("due")  # a locking CTE runs once: no more than `limit` rows, none locked by another
    statement = (
        update(m)
        .where(m.c.id == picked.c.id)
        .values(status="sending", claimed_at=now, claimed_by=name)
        .returning(m.c.id, m.c.phone, m.c.body, m.c.segments, m.c.sensitive, m.c.attempts, m.c.priority)
    )
    with db.begin() as conn:
        if db.dialect.name == "postgresql":
            # Walk ix_message_outbox in order and stop at `limit`. Right after a fan-out is queued the
            # statistics say the queue is nearly empty, and the planner would fetch and sort all of it
            # (20,000 rows: 5 ms a claim, growing with the queue); ordered, it is 1 ms at any size.
            conn.execute(text("SET LOCAL enable_sort = off"))
        rows = sorted(conn.execute(statement), key=lambda r: (r.priority, r.id))  # RETURNING keeps no order
    return [Claimed(r.id, r.phone, r.body, r.segments, r.sensitive, r.attempts) for r in rows]


def release(db: Engine, name: str, ids: Sequence[int]) -> None:
    """Put back claimed messages that were never handed to the gateway."""
    if not ids:
        return
    with db.begin() as conn:
        conn.execute(
            update(MESSAGE)
            .where(MESSAGE.c.id.in_(ids), MESSAGE.c.claimed_by == name, MESSAGE.c.status == "sending")
            .values(status="queued", claimed_at=None, claimed_by=None)
        )


def record(db: Engine, name: str, outcomes: Sequence[Outcome], policy: RetryPolicy) -> None:
    """Record a batch of outcomes in one transaction; those whose claim `name` lost are left alone."""
    if not outcomes:
        return
    plain = [o for o in outcomes if o.result.ok and not o.message.sensitive]
    with Session(db) as session:
        ours = (MESSAGE.c.claimed_by == name, MESSAGE.c.status == "sending")
        if update_rows(session, MESSAGE, "id", [_sent(o) for o in plain], *ours) < len(plain):
            _warn_lost(session, plain)
        for o in outcomes:
            if not o.result.ok or o.message.sensitive:
                _record_one(session, name, o, policy)
        session.commit()


def _warn_lost(session: Session, plain: Sequence[Outcome]) -> None:
    """The claim expired and another sender took the message: its outcome is theirs."""
    stored = dict(
        session.execute(
            select(MESSAGE.c.id, MESSAGE.c.provider_sid).where(MESSAGE.c.id.in_([o.message.id for o in plain]))
        ).all()
    )
    for o in plain:
        if stored.get(o.message.id) != o.result.provider_sid:
            log.warning("SMS %s: claim lost while sending; not recording", o.message.id)


def _sent(o: Outcome) -> dict[str, object]:
    return {
        "id": o.message.id,
        "status": "sent",
        "provider_sid": o.result.provider_sid,
        "sent_at": o.at,
        "segments": o.result.segments or o.message.segments,
        "attempts": o.message.attempts + 1,
        "claimed_at": None,
        "claimed_by": None,
        "error": None,
    }


def _record_one(session: Session, name: str, o: Outcome, policy: RetryPolicy) -> None:
    """A failure (retried with backoff, or failed and flagged) or a sensitive message (redacted)."""
    row = session.get(Message, o.message.id, with_for_update=True)
    if row is None or row.claimed_by != name or row.status != "sending":
        log.warning("SMS %s: claim lost while sending; not recording", o.message.id)
        return
    result, now = o.result, o.at
    row.attempts += 1
    row.claimed_at, row.claimed_by = None, None
    if result.ok:
        row.status, row.provider_sid, row.sent_at, row.error = "sent", result.provider_sid, now, None
        row.segments = result.segments or row.segments
    else:
        row.error = mask(result.error or "send failed")[:300]  # provider texts may name the full number
        row.error_code = result.error_code
        retry_at = policy.next_attempt(row.attempts, now, result.retry_after) if result.retryable else None
        row.status = "queued" if retry_at else "failed"
        row.next_attempt_at = retry_at
        if row.status == "failed":
            _flag(session, row, now)
        log.warning("SMS %s to %s not sent (%s): %s", row.id, row.phone[:6] + "***", row.status, row.error)
    if row.sensitive and row.status in ("sent", "failed"):
        row.body = redact(row.body)
    session.add(row)


def _flag(session: Session, row: Message, now: datetime) -> None:
    """A message that cannot be delivered: the station should phone the patient."""
    if row.error_code == OPTED_OUT:
        contact = session.get(Contact, row.phone) or Contact(phone=row.phone)
        contact.opted_out, contact.opted_out_at = True, now
        session.add(contact)
    if row.error_code in NEEDS_CALL or row.error_code == OPTED_OUT or not row.error_code:
        session.execute(update(Patient).where(Patient.phone == row.phone).values(call_needed=True))  # type: ignore[arg-type]
