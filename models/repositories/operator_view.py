"""The supervisors' operator view, limited to their clinics: the outbox by status, provider errors, opt-outs.

A message belongs to a clinic through its patient, or through the staff phone it went to.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import reading
from models.operations import UNDELIVERED, OptOut, opted_out
from models.redact import redact
from models.tables import Message, Patient

MESSAGE = Message.__table__  # type: ignore[attr-defined]
PATIENT = Patient.__table__  # type: ignore[attr-defined]
STATUSES = ("queued", "sent", "failed")  # failed: failed or undelivered


@dataclass(frozen=True)
class OutboxLine:
    id: int
    to: str
    kind: str
    status: str
    created_at: datetime
    body: str  # one-time codes redacted
    attempts: int
    error: str | None
    error_code: int | None


def _mine(clinic_ids: Collection[str], staff_phones: Collection[str]) -> Any:
    patients = select(PATIENT.c.id).where(PATIENT.c.clinic_id.in_(list(clinic_ids)))
    return or_(MESSAGE.c.patient_id.in_(patients), MESSAGE.c.phone.in_(list(staff_phones)))


def _status(status: str) -> Any:
    return MESSAGE.c.status.in_(UNDELIVERED) if status == "failed" else MESSAGE.c.status == status


def counts(db: Engine, clinic_ids: Collection[str], staff_phones: Collection[str]) -> dict[str, int]:
    """Outbound messages of these clinics per status (queued, sent, failed)."""
    found = {}
    with reading(db) as conn, Session(bind=conn) as session:
        for status in STATUSES:
            where = (MESSAGE.c.direction == "out", _status(status), _mine(clinic_ids, staff_phones))
            found[status] = int(session.execute(select(func.count()).select_from(MESSAGE).where(*where)).scalar() or 0)
    return found


def outbox(
    db: Engine, clinic_ids: Collection[str], staff_phones: Collection[str], status: str, limit: int = 50
) -> list[OutboxLine]:
    """The latest outbound messages of these clinics with `status`, newest first."""
    where = (MESSAGE.c.direction == "out", _status(status), _mine(clinic_ids, staff_phones))
    with reading(db) as conn, Session(bind=conn) as session:
        rows = session.execute(select(MESSAGE).where(*where).order_by(MESSAGE.c.id.desc()).limit(limit)).all()
    return [
        OutboxLine(
            r.id,
            r.phone,
            r.kind,
            r.status,
            r.created_at,
            redact(r.body) if r.sensitive else r.body,
            r.attempts,
            r.error,
            r.error_code,
        )
        for r in rows
    ]


def provider_errors(
    db: Engine, clinic_ids: Collection[str], staff_phones: Collection[str], limit: int = 20
) -> list[OutboxLine]:
    """The latest outbound messages a provider answered with an error (failed or still retried)."""
    where = (MESSAGE.c.direction == "out", MESSAGE.c.error.is_not(None), _mine(clinic_ids, staff_phones))
    with reading(db) as conn, Session(bind=conn) as session:
        rows = session.execute(select(MESSAGE).where(*where).order_by(MESSAGE.c.id.desc()).limit(limit)).all()
    return [
        OutboxLine(r.id, r.phone, r.kind, r.status, r.created_at, "", r.attempts, r.error, r.error_code) for r in rows
    ]


def opted_out_in(db: Engine, clinic_ids: Collection[str]) -> list[OptOut]:
    """The opted-out phones that have a patient of these clinics."""
    with reading(db) as conn, Session(bind=conn) as session:
        phones = set(
            session.execute(select(PATIENT.c.phone).where(PATIENT.c.clinic_id.in_(list(clinic_ids)))).scalars()
        )
    return [row for row in opted_out(db) if row.phone in phones]
