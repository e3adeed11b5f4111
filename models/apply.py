"""Write what a dialog step decided: patients, declarations, alerts, the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

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
from models.store import patient_by_code
from models.tables import Alert, Contact, Declaration, Message, Patient


@dataclass
class Applied:
    """What the host needs after the transaction: the reply and the outbox rows to deliver."""

    reply: str | None = None
    queued: list[Message] = field(default_factory=list)
    patients: dict[str, Patient] = field(default_factory=dict)


def apply_effects(
    session: Session,
    effects: Iterable[Effect],
    now: datetime,
    contact: Contact | None = None,
    known: Iterable[Patient] = (),
) -> Applied:
    """Persist `effects` in `session` (the caller commits)."""
    done = Applied(patients={p.code: p for p in known})
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
            _declare(session, effect, now, _patient(session, effect.code, done))
        elif isinstance(effect, RaiseAlert):
            patient = _patient(session, effect.code, done)
            assert patient.id is not None
            session.add(
                Alert(
                    patient_id=patient.id,
                    clinic_id=patient.clinic_id,
                    level=effect.level.value,
                    reason=effect.reason[:300],
                    kind=effect.kind,
                    dedupe_key=effect.key,
                    created_at=now,
                )
            )
        elif isinstance(effect, AcknowledgeAlerts):
            _acknowledge(session, effect, now, _patient(session, effect.code, done))
        elif isinstance(effect, SetOptOut) and contact is not None:
            contact.opted_out = effect.opted_out
            contact.opted_out_at = now if effect.opted_out else None
        elif isinstance(effect, SetLanguage) and contact is not None:
            contact.language = effect.language
            for patient in done.patients.values():
                if patient.phone == contact.phone:
                    patient.language = effect.language
                    session.add(patient)
    done.reply = "\n".join(replies) if replies else None
    return done


def _patient(session: Session, code: str, done: Applied) -> Patient:
    patient = done.patients.get(code) or patient_by_code(session, code)
    if patient is None:
        raise LookupError(f"effect names unknown patient {code}")
    done.patients[code] = patient
    return patient


def _queue(session: Session, effect: SendSms, now: datetime, done: Applied) -> Message:
    patient = done.patients.get(effect.patient_code or "")
    message = Message(
        direction="out",
        phone=effect.to,
        body=effect.text,
        created_at=now,
        patient_id=patient.id if patient else None,
        kind=effect.kind,
        status="queued",
        sensitive=effect.sensitive,
        segments=segments(effect.text),
    )
    session.add(message)
    return message


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


def _declare(session: Session, effect: RecordDeclaration, now: datetime, patient: Patient) -> None:
    assert patient.id is not None
    query = select(Declaration).where(Declaration.patient_id == patient.id, Declaration.started_at == effect.started_at)
    row = None if effect.new else session.exec(query).first()
    if row is None:
        row = Declaration(
            patient_id=patient.id,
            local_date=effect.local_date,
            started_at=effect.started_at,
            updated_at=now,
            level=effect.level.value,
        )
    row.answers = {k: v for k, v in effect.answers.items()}
    row.complete = effect.complete
    row.level = effect.level.value
    row.updated_at = now
    session.add(row)


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
