"""The operator's writes and reads: failed inbound messages to replay, outbound ones to retry, opt-outs.

Every change is guarded by the state it expects (`WHERE status = 'error'`, `... AND opted_out`),
so two operators running the same command at once change each row once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.ops_tables import OperatorAction
from models.tables import Contact, Message, Patient

MESSAGE = Message.__table__  # type: ignore[attr-defined]
UNDELIVERED = ("failed", "undelivered")
NOT_RETRIED = ("otp",)  # a one-time code is stale by the time an operator retries it


@dataclass(frozen=True)
class Failed:
    """An inbound message the service failed on, as it was received."""

    id: int
    phone: str
    body: str
    provider_sid: str | None
    channel: str
    received_at: datetime


@dataclass(frozen=True)
class OptOut:
    phone: str
    since: datetime | None
    patients: tuple[str, ...]  # codes of the phone's patients


def record_action(session: Session, action: str, subject: str, by: str, details: dict[str, Any], now: datetime) -> None:
    """Keep who did what (the caller commits)."""
    session.add(OperatorAction(at=now, action=action, subject=subject[:120], by=by[:80], details=details))


def failed_inbound(db: Engine, since: datetime | None = None, limit: int = 1000) -> list[Failed]:
    """Inbound messages stored as failed (status "error"), oldest first."""
    query = select(MESSAGE).where(MESSAGE.c.direction == "in", MESSAGE.c.status == "error")
    if since is not None:
        query = query.where(MESSAGE.c.created_at >= since)
    with Session(db) as session:
        rows = session.execute(query.order_by(MESSAGE.c.id).limit(limit)).all()
    return [Failed(r.id, r.phone, r.body, r.provider_sid, r.channel, r.created_at) for r in rows]


def take_for_replay(db: Engine, message: Failed, by: str, now: datetime) -> bool:
    """Mark a failed message "replayed" (its provider id freed for the replay); False if another run took it."""
    with Session(db) as session:
        marked = session.execute(
            update(MESSAGE)
            .where(MESSAGE.c.id == message.id, MESSAGE.c.status == "error")
            .values(status="replayed", provider_sid=None, error=f"replayed by {by}; sid {message.provider_sid}"[:300])
            .returning(MESSAGE.c.id)
        ).first()
        if marked is None:
            return False
        record_action(session, "inbound-replay", message.phone, by, {"message_id": message.id}, now)
        session.commit()
    return True


def replay_failed(db: Engine, message_id: int, reason: str) -> None:
    """The replay failed too: kept as "replay-failed", never replayed again by itself."""
    with Session(db) as session:
        session.execute(
            update(MESSAGE).where(MESSAGE.c.id == message_id).values(status="replay-failed", error=reason[:300])
        )
        session.commit()


def queue_replies(db: Engine, provider_sid: str, now: datetime) -> list[int]:
    """The replies given to a replayed message went back to nobody (no webhook answer): queue them."""
    with Session(db) as session:
        inbound = session.execute(select(MESSAGE.c.id).where(MESSAGE.c.provider_sid == provider_sid)).scalar()
        if inbound is None:
            return []
        where = (MESSAGE.c.in_reply_to == inbound, MESSAGE.c.kind == "reply", MESSAGE.c.status == "sent")
        ids = list(session.execute(select(MESSAGE.c.id).where(*where)).scalars())
        if ids:
            session.execute(
                update(MESSAGE)
                .where(MESSAGE.c.id.in_(ids))
                .values(status="queued", sent_at=None, created_at=now, attempts=0, next_attempt_at=None)
            )
        session.commit()
    return ids


def retry_outbound(
    db: Engine, ids: Sequence[int], to: str | None, by: str, now: datetime
) -> list[tuple[int, str, str]]:
    """Queue undelivered outbound messages again (all of them, or those `ids`, or those to `to`).

    Returns (id, phone, kind) of each message queued; one-time codes are left alone.
    """
    where = [
        MESSAGE.c.direction == "out",
        MESSAGE.c.status.in_(UNDELIVERED),
        MESSAGE.c.kind.not_in(NOT_RETRIED),
    ]
    if ids:
        where.append(MESSAGE.c.id.in_(list(ids)))
    if to:
        where.append(MESSAGE.c.phone == to)
    with Session(db) as session:
        found = session.execute(
            update(MESSAGE)
            .where(*where)
            .values(status="queued", attempts=0, next_attempt_at=None, claimed_at=None, claimed_by=None)
            .returning(MESSAGE.c.id, MESSAGE.c.phone, MESSAGE.c.kind)
        ).all()
        if found:
            record_action(session, "outbox-retry", to or "", by, {"message_ids": [row.id for row in found]}, now)
        session.commit()
    return sorted((row.id, row.phone, row.kind) for row in found)


def opted_out(db: Engine, phone: str | None = None) -> list[OptOut]:
    """The phones that asked for no more scheduled messages, latest first, with their patients' codes."""
    contacts = select(Contact.phone, Contact.opted_out_at).where(col(Contact.opted_out).is_(True))  # type: ignore[call-overload]
    if phone:
        contacts = contacts.where(Contact.phone == phone)
    with Session(db) as session:
        rows = session.execute(contacts.order_by(col(Contact.opted_out_at).desc(), col(Contact.phone))).all()
        codes: dict[str, list[str]] = {}
        phones = [row.phone for row in rows]
        patients = select(Patient.phone, Patient.code).where(col(Patient.phone).in_(phones)).order_by(col(Patient.id))  # type: ignore[call-overload]
        for patient_phone, code in session.execute(patients).all() if phones else ():
            codes.setdefault(patient_phone, []).append(code)
    return [OptOut(row.phone, row.opted_out_at, tuple(codes.get(row.phone, ()))) for row in rows]


def undo_optout(db: Engine, phone: str, by: str, reason: str, now: datetime) -> bool:
    """Scheduled messages to `phone` again, recorded with who did it; False when it was not opted out."""
    contacts = Contact.__table__  # type: ignore[attr-defined]
    with Session(db) as session:
        changed = session.execute(
            update(contacts)
            .where(contacts.c.phone == phone, contacts.c.opted_out.is_(True))
            .values(opted_out=False, opted_out_at=None)
            .returning(contacts.c.phone)
        ).first()
        if changed is None:
            return False
        record_action(session, "optout-undo", phone, by, {"reason": reason} if reason else {}, now)
        session.commit()
    return True
