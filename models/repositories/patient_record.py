"""One patient's whole record for the staff console: who, the household, declarations, and a timeline of
every message in and out, declaration, alert, acknowledgement and staff action, with who and when."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import reading
from models.tables import Alert, Contact, Declaration, Message, Patient
from models.web_tables import StaffAction

PATIENT = Patient.__table__  # type: ignore[attr-defined]
DECL = Declaration.__table__  # type: ignore[attr-defined]
ALERT = Alert.__table__  # type: ignore[attr-defined]
MESSAGE = Message.__table__  # type: ignore[attr-defined]
CONTACT = Contact.__table__  # type: ignore[attr-defined]
ACTION = StaffAction.__table__  # type: ignore[attr-defined]
TIMELINE_LIMIT = 1000  # events shown, latest first


@dataclass(frozen=True)
class DeclarationPoint:
    local_date: date
    at: datetime  # last answer
    answers: dict[str, Any]
    level: str
    complete: bool


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    at: datetime
    kind: str  # in, out, declaration, alert, ack, action
    text: str
    by: str = ""  # who: a staff member, the phone, the service
    detail: str = ""  # channel, status, level ...


@dataclass(frozen=True)
class Housemate:
    code: str
    full_name: str
    status: str


@dataclass(frozen=True)
class PatientRecord:
    patient: Patient
    household: tuple[Housemate, ...]  # the other patients on the same phone
    opted_out: bool
    open_alerts: int
    declarations: tuple[DeclarationPoint, ...]  # oldest first
    timeline: tuple[Event, ...]  # latest first


def patient_record(db: Engine, code: str, clinic_ids: Collection[str]) -> PatientRecord | None:
    """The record of the patient `code`, or None when there is none in `clinic_ids`."""
    with reading(db) as conn, Session(bind=conn) as session:
        found = _id(session, code, clinic_ids)
        patient = session.get(Patient, found) if found is not None else None
        if patient is None or patient.id is None:
            return None
        pid = patient.id
        mates = session.execute(
            select(PATIENT.c.code, PATIENT.c.full_name, PATIENT.c.status)
            .where(PATIENT.c.phone == patient.phone, PATIENT.c.id != pid)
            .order_by(PATIENT.c.id)
        ).all()
        opted = session.execute(select(CONTACT.c.opted_out).where(CONTACT.c.phone == patient.phone)).scalar()
        declarations = _declarations(session, pid)
        alerts = session.execute(select(ALERT).where(ALERT.c.patient_id == pid).order_by(ALERT.c.id)).all()
        timeline = _messages(session, patient) + _alerts(alerts) + _actions(session, pid)
        timeline += [Event(d.at, "declaration", _answers(d.answers), detail=d.level) for d in declarations]
        timeline.sort(key=lambda e: e.at, reverse=True)
        return PatientRecord(
            patient=patient,
            household=tuple(Housemate(m.code, m.full_name, m.status) for m in mates),
            opted_out=bool(opted),
            open_alerts=sum(1 for a in alerts if a.acknowledged_at is None),
            declarations=tuple(declarations),
            timeline=tuple(timeline[:TIMELINE_LIMIT]),
        )


def _id(session: Session, code: str, clinic_ids: Collection[str]) -> int | None:
    query = select(PATIENT.c.id).where(PATIENT.c.code == code, PATIENT.c.clinic_id.in_(list(clinic_ids)))
    found = session.execute(query).scalar()
    return int(found) if found is not None else None


def _declarations(session: Session, pid: int) -> list[DeclarationPoint]:
    rows = session.execute(select(DECL).where(DECL.c.patient_id == pid).order_by(DECL.c.started_at)).all()
    return [DeclarationPoint(r.local_date, r.updated_at, dict(r.answers or {}), r.level, r.complete) for r in rows]


def _answers(answers: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in answers.items() if value is not None)


def _messages(session: Session, patient: Patient) -> list[Event]:
    mine = or_(
        MESSAGE.c.patient_id == patient.id,
        and_(MESSAGE.c.patient_id.is_(None), MESSAGE.c.phone == patient.phone),
    )
    query = select(MESSAGE).where(mine).order_by(MESSAGE.c.id.desc()).limit(TIMELINE_LIMIT)
    events = []
    for m in session.execute(query).all():
        kind = "in" if m.direction == "in" else "out"
        detail = f"{m.channel} · {m.kind} · {m.status}"
        events.append(Event(m.created_at, kind, m.body, by=m.phone, detail=detail))
    return events


def _alerts(alerts: Any) -> list[Event]:
    events = []
    for a in alerts:
        events.append(Event(a.created_at, "alert", a.reason, detail=f"{a.level} · {a.kind}"))
        if a.acknowledged_at is not None:
            events.append(Event(a.acknowledged_at, "ack", a.reason, by=a.acknowledged_by or ""))
    return events


def _actions(session: Session, pid: int) -> list[Event]:
    rows = session.execute(select(ACTION).where(ACTION.c.patient_id == pid).order_by(ACTION.c.id)).all()
    return [
        Event(
            r.at,
            "action",
            f"{r.action} {r.detail}".strip(),
            by=f"{r.by_name} ({r.by_phone})",
            detail=f"{r.channel} · {r.outcome}",
        )
        for r in rows
    ]


def in_scope(db: Engine, code: str, clinic_ids: Collection[str]) -> bool:
    """Whether the patient `code` belongs to one of `clinic_ids`."""
    with reading(db) as conn, Session(bind=conn) as session:
        return _id(session, code, clinic_ids) is not None
