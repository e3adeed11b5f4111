"""What the patient web portal reads: a phone's patients, their declarations, a conversation's state.

Reads only, on read-only connections (`models.db.reading`: on SQLite no writer lock is taken); the
portal writes through the application service, as every channel does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from dialogs.state import DaySummary
from models.db import reading
from models.records import PatientRef, view_of
from models.repositories.declarations import latest_per_day
from models.repositories.patients import SqlPatients
from models.tables import Contact, Declaration, Message, Patient

CONTACT = Contact.__table__  # type: ignore[attr-defined]
MESSAGE = Message.__table__  # type: ignore[attr-defined]
SHOWN = ("pending", "active", "discharged")  # a closed monitoring period stays readable


@dataclass(frozen=True)
class LatestDeclaration:
    """A patient's latest declaration: what the result page shows."""

    local_date: date
    level: str
    complete: bool
    answers: dict[str, float | str | None]
    updated_at: datetime


def conversation_state(db: Engine, phone: str) -> str:
    """The phone's dialog state as stored (`idle` for a phone never seen)."""
    with reading(db) as conn:
        state = conn.execute(select(CONTACT.c.state).where(CONTACT.c.phone == phone)).scalar()
    return str(state or "idle")


def live_patients(db: Engine, phone: str) -> list[PatientRef]:
    """The phone's pending and active patients, oldest first (as the SMS dialog sees them)."""
    with reading(db) as conn, Session(bind=conn) as session:
        return SqlPatients(session).live_on_phone(phone)


def patients_on_phone(db: Engine, phone: str) -> list[PatientRef]:
    """The phone's patients a portal session may open: live ones and those whose monitoring ended."""
    query = orm_select(Patient).where(Patient.phone == phone, col(Patient.status).in_(SHOWN)).order_by(col(Patient.id))
    with reading(db) as conn, Session(bind=conn) as session:
        return [PatientRef(row.id, view_of(row)) for row in session.exec(query) if row.id is not None]


def days_of(db: Engine, patient: PatientRef, since: date) -> tuple[DaySummary, ...]:
    """Each local day's declaration since `since` (its latest complete one, as `LS` shows it)."""
    query = (
        orm_select(Declaration)
        .where(Declaration.patient_id == patient.id, Declaration.local_date >= since)
        .order_by(col(Declaration.started_at))
    )
    with reading(db) as conn, Session(bind=conn) as session:
        return latest_per_day((patient.code, row) for row in session.exec(query)).get(patient.code, ())


def latest_declaration(db: Engine, patient_id: int, since: datetime) -> LatestDeclaration | None:
    """The patient's declaration written or updated at or after `since`, the latest first."""
    query = (
        orm_select(Declaration)
        .where(Declaration.patient_id == patient_id, col(Declaration.updated_at) >= since)
        .order_by(col(Declaration.updated_at).desc(), col(Declaration.id).desc())
        .limit(1)
    )
    with reading(db) as conn, Session(bind=conn) as session:
        row = session.exec(query).first()
    if row is None:
        return None
    return LatestDeclaration(row.local_date, row.level, row.complete, dict(row.answers), row.updated_at)


def web_messages_since(db: Engine, phone: str, since: datetime) -> int:
    """Messages a phone's web pages sent to the service since `since` (the portal's own rate limit)."""
    query = select(func.count()).where(
        MESSAGE.c.phone == phone,
        MESSAGE.c.direction == "in",
        MESSAGE.c.channel == "web",
        MESSAGE.c.created_at >= since,
    )
    with reading(db) as conn:
        return int(conn.execute(query).scalar() or 0)
