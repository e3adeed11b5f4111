"""Daily declarations: written with Core statements built once (the webhook runs them for every answer)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from dialogs.effects import RecordDeclaration
from dialogs.state import DaySummary
from models.records import PatientRef
from models.tables import Declaration

DECLARATIONS = Declaration.__table__  # type: ignore[attr-defined]
_INSERT = insert(DECLARATIONS)
_UPDATE = update(DECLARATIONS).where(
    DECLARATIONS.c.patient_id == bindparam("b_patient"), DECLARATIONS.c.started_at == bindparam("b_started")
)


class SqlDeclarations:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, effect: RecordDeclaration, patient_id: int, now: datetime) -> None:
        """Insert a new declaration, or update the one this answer continues (same start)."""
        values = {
            "answers": dict(effect.answers),
            "complete": effect.complete,
            "level": effect.level.value,
            "updated_at": now,
        }
        connection = self._session.connection()
        if not effect.new:
            key = {"b_patient": patient_id, "b_started": effect.started_at}
            if connection.execute(_UPDATE, {**key, **values}).rowcount:
                return
        start = {"patient_id": patient_id, "local_date": effect.local_date, "started_at": effect.started_at}
        connection.execute(_INSERT, {**start, **values})

    def history(self, patients: Iterable[PatientRef], since: date) -> dict[str, tuple[DaySummary, ...]]:
        """What `LS` shows of each local day since `since`, per patient code (see `latest_per_day`)."""
        by_id = {p.id: p.code for p in patients}
        query = (
            select(Declaration)
            .where(col(Declaration.patient_id).in_(list(by_id)), Declaration.local_date >= since)
            .order_by(col(Declaration.started_at))
        )
        return latest_per_day((by_id[row.patient_id], row) for row in self._session.exec(query))


def latest_per_day(rows: Iterable[tuple[str, Declaration]]) -> dict[str, tuple[DaySummary, ...]]:
    """Of declarations in start order, the one each (patient code, local day) is shown with.

    A day's latest complete declaration wins: a partial answer sent after it never hides it.
    A day with only partial declarations shows the latest, marked partial.
    """
    latest: dict[tuple[str, date], DaySummary] = {}
    for code, row in rows:
        key = (code, row.local_date)
        shown = latest.get(key)
        if shown is None or row.complete or not shown.complete:
            latest[key] = DaySummary(row.local_date, dict(row.answers), row.level, row.complete)
    out: dict[str, list[DaySummary]] = {}
    for (code, _day), summary in latest.items():
        out.setdefault(code, []).append(summary)
    return {code: tuple(days) for code, days in out.items()}
