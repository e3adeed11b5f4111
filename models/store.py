"""Queries the application services need, kept out of views and dialogs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from dialogs.state import DaySummary, PatientView
from models.tables import Alert, Contact, Declaration, Message, Patient

LIVE = ("pending", "active")


def view(patient: Patient) -> PatientView:
    """The dialogs' read-only picture of a patient row."""
    return PatientView(
        code=patient.code,
        full_name=patient.full_name,
        phone=patient.phone,
        clinic_id=patient.clinic_id,
        status=patient.status,
        birth_year=patient.birth_year,
        birth_date=patient.birth_date,
        area=patient.area,
        risk_factors=tuple(patient.risk_factors),
        registered_by=patient.registered_by,
        language=patient.language,
        decided_by=patient.decided_by or "",
        decided_at=patient.decided_at,
        test_asked_on=patient.test_asked_on,
        monitor_until=patient.monitor_until,
        positive_test_date=patient.positive_test_date,
    )


def contact_for_update(session: Session, phone: str, language: str) -> Contact:
    """The phone's contact row, locked for this transaction (created on first contact)."""
    contact = session.get(Contact, phone, with_for_update=True)
    if contact is None:
        contact = Contact(phone=phone, language=language)
        session.add(contact)
    return contact


def patients_on_phone(session: Session, phone: str) -> list[Patient]:
    query = select(Patient).where(Patient.phone == phone, col(Patient.status).in_(LIVE)).order_by(col(Patient.id))
    return list(session.exec(query))


def patient_by_code(session: Session, code: str, lock: bool = False) -> Patient | None:
    query = select(Patient).where(Patient.code == code)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def open_alerts(session: Session, patient_id: int) -> list[Alert]:
    query = select(Alert).where(Alert.patient_id == patient_id, col(Alert.acknowledged_at).is_(None))
    return list(session.exec(query))


def otp_sent_since(session: Session, phone: str, since: datetime) -> int:
    query = select(func.count()).where(
        Message.phone == phone, Message.kind == "otp", Message.direction == "out", Message.created_at >= since
    )
    return int(session.exec(query).one())


def reply_to(session: Session, provider_sid: str) -> str | None:
    """The reply already given to an inbound message (a retried webhook gets the same answer)."""
    inbound = session.exec(select(Message.id).where(Message.provider_sid == provider_sid)).first()
    if inbound is None:
        return None
    query = select(Message.body).where(Message.in_reply_to == inbound, Message.kind == "reply")
    return session.exec(query).first() or ""


def history(session: Session, patients: Iterable[Patient], since: date) -> dict[str, tuple[DaySummary, ...]]:
    """The latest declaration of each local day since `since`, per patient code."""
    by_id = {p.id: p.code for p in patients}
    query = (
        select(Declaration)
        .where(col(Declaration.patient_id).in_(list(by_id)), Declaration.local_date >= since)
        .order_by(col(Declaration.started_at))
    )
    latest: dict[tuple[str, date], DaySummary] = {}
    for row in session.exec(query):
        code = by_id[row.patient_id]
        latest[(code, row.local_date)] = DaySummary(row.local_date, dict(row.answers), row.level)
    out: dict[str, list[DaySummary]] = {}
    for (code, _day), summary in latest.items():
        out.setdefault(code, []).append(summary)
    return {code: tuple(days) for code, days in out.items()}


def outbox(session: Session, to: str | None = None, limit: int = 50, failed: bool = False) -> list[Message]:
    query = select(Message).where(Message.direction == "out")
    if to:
        query = query.where(Message.phone == to)
    if failed:
        query = query.where(col(Message.status).in_(("failed", "undelivered")))
    return list(session.exec(query.order_by(col(Message.id).desc()).limit(limit)))
