"""Red alerts to the clinic: raised with a Core insert (the hot path), acknowledged as ORM rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from dialogs.effects import RaiseAlert
from dialogs.staff_context import AlertNote
from models.tables import Alert

ALERTS = Alert.__table__  # type: ignore[attr-defined]
_INSERT = insert(ALERTS)
# Read on every red answer (is an alert open?): built once, like the other hot-path statements.
_OPEN_PAGED = sa_select(ALERTS.c.patient_id, ALERTS.c.paged_at, ALERTS.c.created_at, ALERTS.c.reason).where(
    ALERTS.c.patient_id.in_(bindparam("ids", expanding=True)), ALERTS.c.acknowledged_at.is_(None)
)


class SqlAlerts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, effect: RaiseAlert, patient_id: int, clinic_id: str, now: datetime) -> None:
        """Raise one alert; a key raised already fails with IntegrityError."""
        values = {
            "patient_id": patient_id,
            "clinic_id": clinic_id,
            "level": effect.level.value,
            "reason": effect.reason[:300],
            "kind": effect.kind,
            "dedupe_key": effect.key,
            "created_at": now,
            "paged_at": now,
        }
        self._session.connection().execute(_INSERT, values)

    def count_open(self, patient_id: int) -> int:
        query = select(func.count()).where(Alert.patient_id == patient_id, col(Alert.acknowledged_at).is_(None))
        return int(self._session.exec(query).one())

    def acknowledge_open(self, patient_id: int, now: datetime, by_name: str, by_phone: str | None) -> None:
        """Every open alert of the patient is answered (by staff, or closed with monitoring)."""
        query = select(Alert).where(Alert.patient_id == patient_id, col(Alert.acknowledged_at).is_(None))
        for alert in self._session.exec(query):
            alert.acknowledged_at = now
            alert.acknowledged_by = by_name
            alert.acknowledged_by_phone = by_phone
            self._session.add(alert)

    def latest_open(self, patient_id: int) -> AlertNote | None:
        """The patient's latest alert nobody has acknowledged, for staff commands."""
        query = (
            select(Alert)
            .where(Alert.patient_id == patient_id, col(Alert.acknowledged_at).is_(None))
            .order_by(col(Alert.created_at).desc(), col(Alert.id).desc())
        )
        row = self._session.exec(query).first()
        return None if row is None else AlertNote(row.reason, row.created_at)

    def latest_acknowledged(self, patient_id: int) -> AlertNote | None:
        """The patient's most recently acknowledged alert: who answered it and when."""
        query = (
            select(Alert)
            .where(Alert.patient_id == patient_id, col(Alert.acknowledged_at).is_not(None))
            .order_by(col(Alert.acknowledged_at).desc(), col(Alert.id).desc())
        )
        row = self._session.exec(query).first()
        if row is None:
            return None
        return AlertNote(row.reason, row.created_at, row.acknowledged_by or "", row.acknowledged_at)

    def open_paged(self, patient_ids: Sequence[int]) -> dict[int, tuple[datetime, str]]:
        """For each patient with an open alert: when staff were last sent an SMS about it, and its reasons."""
        if not patient_ids:
            return {}
        paged: dict[int, tuple[datetime, str]] = {}
        rows = self._session.connection().execute(_OPEN_PAGED, {"ids": list(patient_ids)})
        for patient_id, paged_at, created_at, reason in rows:
            when = paged_at or created_at
            if patient_id not in paged or when > paged[patient_id][0]:
                paged[patient_id] = (when, reason)
        return paged

    def add_to_open(self, patient_id: int, reason: str, now: datetime, paged: bool) -> None:
        """A new red sign joins the patient's open alert (its reasons, and when staff were told)."""
        query = select(Alert).where(Alert.patient_id == patient_id, col(Alert.acknowledged_at).is_(None))
        alert = self._session.exec(query.order_by(col(Alert.id).desc())).first()
        if alert is None:
            return
        if reason not in alert.reason:
            alert.reason = f"{alert.reason}; {reason}"[:300]
        if paged:
            alert.paged_at = now
        self._session.add(alert)
