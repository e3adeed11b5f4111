"""Write what a dialog step decided: patients, declarations, alerts, the outbox.

The effects of a daily answer (a declaration, an alert, queued SMS) are written with Core
statements: the webhook runs them for every message and the ORM's unit of work costs more than
the SQL. Effects that change a patient load its ORM row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from dialogs.effects import (
    AcknowledgeAlerts,
    CreatePatient,
    Effect,
    EndMonitoring,
    ExtendMonitoring,
    RaiseAlert,
    RecordDeclaration,
    RecordTestResult,
    Reply,
    SendSms,
    SetLanguage,
    SetOptOut,
    SetPatientStatus,
)
from dialogs.text import segments
from models.store import ContactRow, PatientRef, patient_by_code
from models.tables import Alert, Declaration, Message, Patient

ALERTS = Alert.__table__  # type: ignore[attr-defined]
DECLARATIONS = Declaration.__table__  # type: ignore[attr-defined]
MESSAGES = Message.__table__  # type: ignore[attr-defined]
PATIENTS = Patient.__table__  # type: ignore[attr-defined]
# Built once: building a statement per call costs more than running it.
_INSERT_ALERT = insert(ALERTS)
_INSERT_DECLARATION = insert(DECLARATIONS)
_UPDATE_DECLARATION = update(DECLARATIONS).where(
    DECLARATIONS.c.patient_id == bindparam("b_patient"), DECLARATIONS.c.started_at == bindparam("b_started")
)
_QUEUE = insert(MESSAGES).returning(MESSAGES.c.id)


@dataclass
class Applied:
    """What the host needs after the transaction: the reply and the outbox ids to deliver."""

    reply: str | None = None
    queued: list[int] = field(default_factory=list)
    patients: dict[str, Patient] = field(default_factory=dict)  # ORM rows loaded or created
    refs: dict[str, PatientRef] = field(default_factory=dict)  # patients only read

    def id_of(self, code: str) -> int | None:
        """The id of a patient the effects named, or None."""
        found: Patient | PatientRef | None = self.patients.get(code) or self.refs.get(code)
        return found.id if found is not None else None


def apply_effects(
    session: Session,
    effects: Iterable[Effect],
    now: datetime,
    contact: ContactRow | None = None,
    known: Iterable[Patient | PatientRef] = (),
) -> Applied:
    """Persist `effects` in `session` (the caller commits)."""
    done = Applied()
    for patient in known:
        if isinstance(patient, PatientRef):
            done.refs[patient.code] = patient
        else:
            done.patients[patient.code] = patient
    replies: list[str] = []
    for effect in effects:
        if isinstance(effect, Reply):
            replies.append(effect.text)
        elif isinstance(effect, SendSms):
            done.queued.append(_queue(session, effect, now, done))
        elif isinstance(effect, CreatePatient):
            done.patients[effect.code] = _create(session, effect, now)
        elif isinstance(effect, SetPatientStatus):
            patient = _patient(session, effect.code, done)
            patient.status = effect.status
            patient.decided_at = now
            patient.decided_by = effect.by_name
            patient.decided_by_phone = effect.by_phone
            patient.rejected_reason = effect.reason
            patient.monitor_until = effect.monitor_until or patient.monitor_until
            session.add(patient)
            if effect.status == "rejected":
                _close_alerts(session, patient, now, effect.by_name)
        elif isinstance(effect, RecordTestResult | EndMonitoring | ExtendMonitoring):
            _monitoring(session, effect, now, _patient(session, effect.code, done))
        elif isinstance(effect, RecordDeclaration):
            _declare(session, effect, now, _read(session, effect.code, done).id)
        elif isinstance(effect, RaiseAlert):
            read = _read(session, effect.code, done)
            values = {
                "patient_id": read.id,
                "clinic_id": read.clinic_id,
                "level": effect.level.value,
                "reason": effect.reason[:300],
                "kind": effect.kind,
                "dedupe_key": effect.key,
                "created_at": now,
            }
            session.connection().execute(_INSERT_ALERT, values)  # a key raised already fails here (IntegrityError)
        elif isinstance(effect, AcknowledgeAlerts):
            _acknowledge(session, effect, now, _patient(session, effect.code, done))
        elif isinstance(effect, SetOptOut) and contact is not None:
            contact.opted_out = effect.opted_out
            contact.opted_out_at = now if effect.opted_out else None
        elif isinstance(effect, SetLanguage) and contact is not None:
            contact.language = effect.language
            _set_language(session, done, contact.phone, effect.language)
    done.reply = "\n".join(replies) if replies else None
    return done


def _patient(session: Session, code: str, done: Applied) -> Patient:
    """The patient's ORM row, for effects that change it."""
    patient = done.patients.get(code) or patient_by_code(session, code)
    if patient is None:
        raise LookupError(f"effect names unknown patient {code}")
    done.patients[code] = patient
    return patient


def _read(session: Session, code: str, done: Applied) -> Patient | PatientRef:
    """The patient, for effects that only need its id and clinic."""
    return done.patients.get(code) or done.refs.get(code) or _patient(session, code, done)


def _set_language(session: Session, done: Applied, phone: str, language: str) -> None:
    """The phone's patients read their texts in the contact's language."""
    for patient in done.patients.values():
        if patient.phone == phone:
            patient.language = language
            session.add(patient)
    ids = [ref.id for code, ref in done.refs.items() if ref.phone == phone and code not in done.patients]
    if ids:
        session.execute(update(PATIENTS).where(PATIENTS.c.id.in_(ids)).values(language=language))


def _queue(session: Session, effect: SendSms, now: datetime, done: Applied) -> int:
    """Queue one SMS; returns its outbox id."""
    patient_id = done.id_of(effect.patient_code) if effect.patient_code else None
    values: dict[str, Any] = {
        "direction": "out",
        "phone": effect.to,
        "body": effect.text,
        "created_at": now,
        "patient_id": patient_id,
        "kind": effect.kind,
        "status": "queued",
        "sensitive": effect.sensitive,
        "segments": segments(effect.text),
    }
    return int(session.connection().execute(_QUEUE, values).scalar_one())


def _create(session: Session, effect: CreatePatient, now: datetime) -> Patient:
    patient = Patient(
        code=effect.code,
        full_name=effect.full_name,
        birth_year=effect.birth_year,
        birth_date=effect.birth_date,
        area=effect.area,
        clinic_id=effect.clinic_id,
        phone=effect.phone,
        registered_by=effect.registered_by,
        positive_test_date=effect.positive_test_date,
        symptoms=effect.symptoms,
        risk_factors=list(effect.risk_factors),
        status=effect.status,
        language=effect.language,
        created_at=now,
        decided_at=now if effect.accepted_by else None,
        decided_by=effect.accepted_by,
        decided_by_phone=effect.registered_by if effect.accepted_by else None,
        monitor_until=effect.monitor_until,
    )
    session.add(patient)
    session.flush()  # the id, for the messages and alerts that follow; a taken code fails here
    return patient


def _declare(session: Session, effect: RecordDeclaration, now: datetime, patient_id: int | None) -> None:
    """Insert a new declaration, or update the one this answer continues (same start)."""
    assert patient_id is not None
    values = {
        "answers": dict(effect.answers),
        "complete": effect.complete,
        "level": effect.level.value,
        "updated_at": now,
    }
    if not effect.new:
        key = {"b_patient": patient_id, "b_started": effect.started_at}
        if session.connection().execute(_UPDATE_DECLARATION, {**key, **values}).rowcount:
            return
    start = {"patient_id": patient_id, "local_date": effect.local_date, "started_at": effect.started_at}
    session.connection().execute(_INSERT_DECLARATION, {**start, **values})


def _acknowledge(session: Session, effect: AcknowledgeAlerts, now: datetime, patient: Patient) -> None:
    query = select(Alert).where(Alert.patient_id == patient.id, col(Alert.acknowledged_at).is_(None))
    for alert in session.exec(query):
        alert.acknowledged_at = now
        alert.acknowledged_by = effect.by_name
        alert.acknowledged_by_phone = effect.by_phone
        session.add(alert)


def _monitoring(
    session: Session, effect: RecordTestResult | EndMonitoring | ExtendMonitoring, now: datetime, patient: Patient
) -> None:
    if isinstance(effect, RecordTestResult):
        patient.test_result = effect.result
    elif isinstance(effect, EndMonitoring):
        patient.status = "discharged"
        patient.ended_at = now
        patient.ended_by = effect.by
        _close_alerts(session, patient, now, effect.by)
    else:
        patient.monitor_until = effect.until
        patient.test_asked_on = None
    session.add(patient)


def _close_alerts(session: Session, patient: Patient, now: datetime, by: str) -> None:
    """Monitoring ended or the registration was refused: open alerts must not climb to on-call."""
    query = select(Alert).where(Alert.patient_id == patient.id, col(Alert.acknowledged_at).is_(None))
    for alert in session.exec(query):
        alert.acknowledged_at, alert.acknowledged_by = now, f"{by} (closed)"[:80]
        session.add(alert)
