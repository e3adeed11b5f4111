"""Write what a dialog step decided, through the repositories: patients, declarations, alerts, the outbox.

One `case` per effect type; `assert_never` makes a new effect type that nobody applies a type error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import assert_never

from sqlmodel import Session

from dialogs.effects import (
    AcknowledgeAlerts,
    AddToAlert,
    CallMade,
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
from models.records import ContactRow, PatientRef
from models.tables import Patient
from models.uow import Repositories, SqlRepositories


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
    return apply(SqlRepositories(session), effects, now, contact, known)


def apply(
    repos: Repositories,
    effects: Iterable[Effect],
    now: datetime,
    contact: ContactRow | None = None,
    known: Iterable[Patient | PatientRef] = (),
) -> Applied:
    """Persist `effects` through `repos` (the caller commits); `known` patients need no lookup."""
    done = Applied()
    for patient in known:
        if isinstance(patient, PatientRef):
            done.refs[patient.code] = patient
        else:
            done.patients[patient.code] = patient
    replies: list[str] = []
    for effect in effects:
        match effect:
            case Reply():
                replies.append(effect.text)
            case SendSms():
                patient_id = done.id_of(effect.patient_code) if effect.patient_code else None
                done.queued.append(repos.messages.queue(effect, patient_id, now))
            case CreatePatient():
                done.patients[effect.code] = repos.patients.create(effect, now)
            case SetPatientStatus():
                _set_status(repos, effect, now, _patient(repos, effect.code, done))
            case RecordTestResult() | EndMonitoring() | ExtendMonitoring():
                _monitoring(repos, effect, now, _patient(repos, effect.code, done))
            case RecordDeclaration():
                repos.declarations.record(effect, _id(_read(repos, effect.code, done)), now)
            case RaiseAlert() | AddToAlert() | AcknowledgeAlerts() | CallMade():
                _alerting(repos, effect, now, done)
            case SetOptOut() | SetLanguage():
                _contact(repos, effect, now, contact, done)
            case _:
                assert_never(effect)
    done.reply = "\n".join(replies) if replies else None
    return done


@dataclass
class Admitted:
    """Patients registered at once: their ids by code, and the outbox ids of their SMS."""

    ids: dict[str, int]
    queued: list[int]


def apply_admissions(repos: Repositories, admissions: Sequence[Sequence[Effect]], now: datetime) -> Admitted:
    """Many patients registered at once (a file import): the rows `apply` writes for each admission's
    CreatePatient and SendSms, in one statement each. Other effects are refused."""
    creates: list[CreatePatient] = []
    sends: list[SendSms] = []
    for effect in (effect for admission in admissions for effect in admission):
        match effect:
            case CreatePatient():
                creates.append(effect)
            case SendSms():
                sends.append(effect)
            case _:
                raise TypeError(f"{type(effect).__name__} is not part of an admission")
    ids = repos.patients.create_many(creates, now)
    items = [(send, ids.get(send.patient_code) if send.patient_code else None) for send in sends]
    return Admitted(ids, repos.messages.queue_many(items, now))


def _alerting(
    repos: Repositories, effect: RaiseAlert | AddToAlert | AcknowledgeAlerts | CallMade, now: datetime, done: Applied
) -> None:
    """Alerts raised, added to, acknowledged; a patient phoned by staff."""
    match effect:
        case RaiseAlert():
            read = _read(repos, effect.code, done)
            repos.alerts.add(effect, _id(read), read.clinic_id, now)  # a key raised already: IntegrityError
        case AddToAlert():
            repos.alerts.add_to_open(_id(_read(repos, effect.code, done)), effect.reason, now, effect.paged)
        case AcknowledgeAlerts():
            patient_id = _id(_patient(repos, effect.code, done))
            repos.alerts.acknowledge_open(patient_id, now, effect.by_name, effect.by_phone)
        case CallMade():
            called = _patient(repos, effect.code, done)
            called.call_needed = False
            repos.patients.save(called)
        case _:
            assert_never(effect)


def _contact(
    repos: Repositories, effect: SetOptOut | SetLanguage, now: datetime, contact: ContactRow | None, done: Applied
) -> None:
    """The sender's phone: opted out or in, its language (and its patients' language)."""
    if contact is None:
        return
    match effect:
        case SetOptOut():
            contact.opted_out = effect.opted_out
            contact.opted_out_at = now if effect.opted_out else None
        case SetLanguage():
            contact.language = effect.language
            _set_language(repos, done, contact.phone, effect.language)
        case _:
            assert_never(effect)


def _patient(repos: Repositories, code: str, done: Applied) -> Patient:
    """The patient's ORM row, for effects that change it."""
    patient = done.patients.get(code) or repos.patients.by_code(code)
    if patient is None:
        raise LookupError(f"effect names unknown patient {code}")
    done.patients[code] = patient
    return patient


def _read(repos: Repositories, code: str, done: Applied) -> Patient | PatientRef:
    """The patient, for effects that only need its id and clinic."""
    return done.patients.get(code) or done.refs.get(code) or _patient(repos, code, done)


def _id(patient: Patient | PatientRef) -> int:
    assert patient.id is not None  # a stored or flushed row
    return patient.id


def _set_status(repos: Repositories, effect: SetPatientStatus, now: datetime, patient: Patient) -> None:
    """Staff accepted or refused a registration; a refused patient's open alerts are closed."""
    patient.status = effect.status
    patient.decided_at = now
    patient.decided_by = effect.by_name
    patient.decided_by_phone = effect.by_phone
    patient.rejected_reason = effect.reason
    patient.monitor_until = effect.monitor_until or patient.monitor_until
    repos.patients.save(patient)
    if effect.status == "rejected":
        _close_alerts(repos, patient, now, effect.by_name)


def _set_language(repos: Repositories, done: Applied, phone: str, language: str) -> None:
    """The phone's patients read their texts in the contact's language."""
    for patient in done.patients.values():
        if patient.phone == phone:
            patient.language = language
            repos.patients.save(patient)
    ids = [ref.id for code, ref in done.refs.items() if ref.phone == phone and code not in done.patients]
    if ids:
        repos.patients.set_language(ids, language)


def _monitoring(
    repos: Repositories, effect: RecordTestResult | EndMonitoring | ExtendMonitoring, now: datetime, patient: Patient
) -> None:
    match effect:
        case RecordTestResult():
            patient.test_result = effect.result
        case EndMonitoring():
            patient.status = "discharged"
            patient.ended_at = now
            patient.ended_by = effect.by
            _close_alerts(repos, patient, now, effect.by)
        case ExtendMonitoring():
            patient.monitor_until = effect.until
            patient.test_asked_on = None
        case _:
            assert_never(effect)
    repos.patients.save(patient)


def _close_alerts(repos: Repositories, patient: Patient, now: datetime, by: str) -> None:
    """Monitoring ended or the registration was refused: open alerts must not climb to on-call."""
    repos.alerts.acknowledge_open(_id(patient), now, f"{by} (closed)"[:80], None)
