"""The scheduled jobs' reads (rows for the rules) and their guarded writes.

A guarded write changes a row only while it is as the rule read it (an alert not yet
acknowledged nor climbed, a test still unanswered) and says whether it did: an OK or an answer
that arrives between the read and the write stops the change, and the messages it carries.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from dialogs.program import Clinic
from dialogs.rules.rows import ClinicDay, ClinicPatient, MonitoredPatient, OpenAlert, WaitingRegistration
from models import store
from models.tables import Alert, Contact, Declaration, Message, Patient


class ScheduledRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_alerts(self, below_step: int) -> list[OpenAlert]:
        """Unacknowledged alerts of pending or active patients that can still climb."""
        query = (
            select(Alert, Patient)
            .join(Patient, col(Patient.id) == col(Alert.patient_id))
            .where(
                col(Alert.acknowledged_at).is_(None),
                col(Alert.escalation_step) < below_step,
                col(Patient.status).in_(("pending", "active")),
            )
            .order_by(col(Alert.id))
        )
        return [
            OpenAlert(
                alert_id=_id(alert.id),
                step=alert.escalation_step,
                since=alert.last_escalated_at or alert.created_at,
                reason=alert.reason,
                patient_id=_id(patient.id),
                code=patient.code,
                full_name=patient.full_name,
                phone=patient.phone,
                clinic_id=patient.clinic_id,
            )
            for alert, patient in self.session.exec(query)
        ]

    def waiting_registrations(self, created_before: datetime) -> list[WaitingRegistration]:
        """Registrations still pending that were made at or before `created_before`."""
        query = select(Patient).where(Patient.status == "pending", col(Patient.created_at) <= created_before)
        return [
            WaitingRegistration(
                _id(p.id), p.code, p.full_name, p.area, p.phone, p.clinic_id, p.created_at, *self._declared(_id(p.id))
            )
            for p in self.session.exec(query.order_by(col(Patient.id)))
        ]

    def _declared(self, patient_id: int) -> tuple[str, str]:
        """The latest declaration of a pending patient: its answers in order, and its colour."""
        query = select(Declaration).where(Declaration.patient_id == patient_id)
        latest = self.session.exec(query.order_by(col(Declaration.updated_at).desc())).first()
        if latest is None:
            return "", ""
        shown = ("?" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in latest.answers.values())
        return " ".join(shown), latest.level

    def monitored_patients(self) -> list[MonitoredPatient]:
        """Every active patient, with its pending test and whether its phone opted out."""
        opted = self._opted_out()
        query = select(Patient).where(Patient.status == "active").order_by(col(Patient.id))
        return [
            MonitoredPatient(_id(p.id), store.view(p), p.test_result, p.phone in opted)
            for p in self.session.exec(query)
        ]

    def clinic_day(self, clinic: Clinic, day: date, start: datetime, end: datetime) -> ClinicDay:
        """One clinic's active patients and their declarations of `day` and the day before; `start`
        and `end` bound the day for the messages that failed to arrive."""
        opted = self._opted_out()
        query = select(Patient).where(Patient.clinic_id == clinic.id, Patient.status == "active")
        patients = list(self.session.exec(query.order_by(col(Patient.id))))
        ids = [_id(p.id) for p in patients]
        yesterday = day - timedelta(days=1)
        declared: dict[tuple[int, date], str] = {}
        rows = select(Declaration).where(col(Declaration.patient_id).in_(ids), col(Declaration.local_date) >= yesterday)
        for row in self.session.exec(rows.order_by(col(Declaration.started_at))):
            if row.complete:
                declared[(row.patient_id, row.local_date)] = row.level
        quiet = [i for i in ids if (i, day) not in declared and (i, yesterday) not in declared]
        alerted = select(Alert.patient_id).where(Alert.clinic_id == clinic.id, col(Alert.acknowledged_at).is_(None))
        return ClinicDay(
            clinic=clinic,
            day=day,
            patients=tuple(
                ClinicPatient(_id(p.id), store.view(p), p.created_at, p.phone in opted, p.call_needed) for p in patients
            ),
            declared=declared,
            last_declared=self._last_declared(quiet),
            alerted=frozenset(self.session.exec(alerted)),
            undelivered=self._undelivered({p.phone for p in patients}, start, end),
        )

    def _last_declared(self, ids: list[int]) -> dict[int, date]:
        if not ids:
            return {}
        last = (
            select(Declaration.patient_id, func.max(Declaration.local_date))
            .where(col(Declaration.patient_id).in_(ids), col(Declaration.complete))
            .group_by(col(Declaration.patient_id))
        )
        return {patient_id: day for patient_id, day in self.session.exec(last)}

    def _undelivered(self, phones: set[str], start: datetime, end: datetime) -> frozenset[str]:
        query = select(Message.phone).where(
            Message.direction == "out",
            col(Message.status).in_(("failed", "undelivered")),
            col(Message.created_at) >= start,
            col(Message.created_at) < end,
            col(Message.phone).in_(list(phones)),
        )
        return frozenset(self.session.exec(query))

    def _opted_out(self) -> set[str]:
        return set(self.session.exec(select(Contact.phone).where(col(Contact.opted_out))))

    # --- guarded writes: each says whether the row was still as read ---

    def escalate(self, alert_id: int, from_step: int, to_step: int, now: datetime) -> bool:
        """Move the alert up, unless it was acknowledged or moved meanwhile."""
        return self._update(
            update(Alert)
            .where(
                col(Alert.id) == alert_id,
                col(Alert.escalation_step) == from_step,
                col(Alert.acknowledged_at).is_(None),  # an OK that just arrived stops it here
            )
            .values(escalation_step=to_step, last_escalated_at=now)
        )

    def set_monitor_until(self, patient_id: int, until: date) -> bool:
        where = (col(Patient.id) == patient_id, col(Patient.monitor_until).is_(None))
        return self._update(update(Patient).where(*where).values(monitor_until=until))

    def ask_for_test(self, patient_id: int, day: date) -> bool:
        """The test is asked for on `day` (no result yet), unless a test is asked for already."""
        where = (col(Patient.id) == patient_id, col(Patient.test_asked_on).is_(None), col(Patient.status) == "active")
        return self._update(update(Patient).where(*where).values(test_asked_on=day, test_result=None))

    def postpone_test(self, patient_id: int, asked_on: date, until: date) -> bool:
        """Ask again on `until`, unless the test asked on `asked_on` was answered meanwhile."""
        where = (
            col(Patient.id) == patient_id,
            col(Patient.test_asked_on) == asked_on,
            col(Patient.test_result).is_(None),
        )
        return self._update(update(Patient).where(*where).values(monitor_until=until, test_asked_on=None))

    def _update(self, statement: Any) -> bool:
        return bool(getattr(self.session.execute(statement), "rowcount", 1))


def _id(value: int | None) -> int:
    assert value is not None
    return value
