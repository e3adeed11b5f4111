"""The audit of staff actions: one row per staff command (SMS or web), with who, when, what and the answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session

from models.records import StaffNote
from models.web_tables import StaffAction

STAFF_ACTION = StaffAction.__table__  # type: ignore[attr-defined]


class SqlAudit:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, note: StaffNote, patient_id: int | None, channel: str, outcome: str, now: datetime) -> None:
        """Keep one staff action (the caller commits)."""
        self._session.connection().execute(
            insert(STAFF_ACTION).values(
                at=now,
                patient_id=patient_id,
                patient_code=note.patient_code[:16],
                action=note.action[:16],
                by_name=note.by_name[:80],
                by_phone=note.by_phone[:20],
                channel=channel[:16],
                detail=note.detail[:500],
                outcome=outcome[:500],
            )
        )
