"""Queries the application services need, kept out of views and dialogs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from dialogs.state import DaySummary, PatientView
from models.tables import Alert, Contact, Declaration, Message, Patient

LIVE = ("pending", "active")
CONTACTS = Contact.__table__  # type: ignore[attr-defined]
PATIENTS = Patient.__table__  # type: ignore[attr-defined]
# The webhook's statements, built once: building one per call costs more than running it.
_CONTACT = core_select(CONTACTS).where(CONTACTS.c.phone == bindparam("b_phone")).with_for_update()
_CONTACT_UPDATE = update(CONTACTS).where(CONTACTS.c.phone == bindparam("b_phone"))
_CONTACT_INSERT = insert(CONTACTS)
_VIEW_COLUMNS = [
    "id",
    "code",
    "full_name",
    "phone",
    "clinic_id",
    "status",
    "birth_year",
    "birth_date",
    "area",
    "risk_factors",
    "registered_by",
    "language",
    "decided_by",
    "decided_at",
    "test_asked_on",
    "monitor_until",
    "positive_test_date",
]
_LIVE_ON_PHONE = (
    core_select(*(PATIENTS.c[name] for name in _VIEW_COLUMNS))
    .where(PATIENTS.c.phone == bindparam("b_phone"), PATIENTS.c.status.in_(LIVE))
    .order_by(PATIENTS.c.id)
)


@dataclass
class ContactRow:
    """A phone's contact row, read and written with Core statements (the webhook's hot path)."""

    phone: str
    language: str
    opted_out: bool = False
    opted_out_at: datetime | None = None
    state: str = "idle"
    state_data: dict[str, Any] = field(default_factory=dict)
    state_updated_at: datetime | None = None
    stored: bool = False  # False: first contact, inserted by `save_contact`


@dataclass(frozen=True)
class PatientRef:
    """A patient the effects only read: its id, and the dialogs' view of it."""

    id: int
    view: PatientView

    @property
    def code(self) -> str:
        return self.view.code

    @property
    def clinic_id(self) -> str:
        return self.view.clinic_id

    @property
    def phone(self) -> str:
        return self.view.phone

    @property
    def status(self) -> str:
        return self.view.status


def view(patient: Patient) -> PatientView:
    """The dialogs' read-only picture of a patient row."""
    return _view_of(patient)


def _view_of(patient: Any) -> PatientView:
    """A PatientView of an ORM patient or a Core row (same attribute names)."""
    return PatientView(
        code=patient.code,
        full_name=patient.full_name,
        phone=patient.phone,
        clinic_id=patient.clinic_id,
        status=patient.status,
        birth_year=patient.birth_year,
        birth_date=patient.birth_date,
        area=patient.area,
        risk_factors=tuple(patient.risk_factors or ()),
        registered_by=patient.registered_by,
        language=patient.language,
        decided_by=patient.decided_by or "",
        decided_at=patient.decided_at,
        test_asked_on=patient.test_asked_on,
        monitor_until=patient.monitor_until,
        positive_test_date=patient.positive_test_date,
    )


def contact_for_update(session: Session, phone: str, language: str) -> ContactRow:
    """The phone's contact, locked for this transaction (new, unsaved, on first contact)."""
    row = session.connection().execute(_CONTACT, {"b_phone": phone}).first()
    if row is None:
        return ContactRow(phone=phone, language=language)
    return ContactRow(
        phone=row.phone,
        language=row.language,
        opted_out=row.opted_out,
        opted_out_at=row.opted_out_at,
        state=row.state,
        state_data=dict(row.state_data or {}),
        state_updated_at=row.state_updated_at,
        stored=True,
    )


def save_contact(session: Session, contact: ContactRow) -> None:
    """Insert the contact on first contact, else update it (the caller holds its lock)."""
    values = {
        "language": contact.language,
        "opted_out": contact.opted_out,
        "opted_out_at": contact.opted_out_at,
        "state": contact.state,
        "state_data": contact.state_data,
        "state_updated_at": contact.state_updated_at,
    }
    if contact.stored:
        session.connection().execute(_CONTACT_UPDATE, {"b_phone": contact.phone, **values})
    else:
        session.connection().execute(_CONTACT_INSERT, {"phone": contact.phone, **values})
        contact.stored = True


def patients_on_phone(session: Session, phone: str) -> list[PatientRef]:
    """The phone's pending and active patients, oldest first."""
    return [
        PatientRef(row.id, _view_of(row)) for row in session.connection().execute(_LIVE_ON_PHONE, {"b_phone": phone})
    ]


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


def history(
    session: Session, patients: Iterable[Patient | PatientRef], since: date
) -> dict[str, tuple[DaySummary, ...]]:
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
