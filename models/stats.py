"""What the operators watch, read from the database when asked: the same answer in every process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from models.db import reading
from models.tables import Alert, Declaration, Message, Patient

MESSAGE = Message.__table__  # type: ignore[attr-defined]
PATIENT = Patient.__table__  # type: ignore[attr-defined]
ALERT = Alert.__table__  # type: ignore[attr-defined]
DECLARATION = Declaration.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Snapshot:
    inbound_by_channel: dict[str, int]
    outbound_by_status: dict[str, int]
    queued: int
    oldest_queued_at: datetime | None
    alerts_open: int
    patients_by_status: dict[str, int]
    declarations_by_level: dict[str, int]


def snapshot(db: Engine) -> Snapshot:
    """Counts of messages, patients, declarations and open alerts, and the outbox's oldest message."""
    with reading(db) as conn:
        outbound = _grouped(conn, MESSAGE.c.status, MESSAGE.c.direction == "out")
        return Snapshot(
            inbound_by_channel=_grouped(conn, MESSAGE.c.channel, MESSAGE.c.direction == "in"),
            outbound_by_status=outbound,
            queued=outbound.get("queued", 0),
            oldest_queued_at=_oldest_queued(conn),
            alerts_open=int(conn.execute(select(func.count()).where(ALERT.c.acknowledged_at.is_(None))).scalar() or 0),
            patients_by_status=_grouped(conn, PATIENT.c.status),
            declarations_by_level=_grouped(conn, DECLARATION.c.level),
        )


def oldest_queued_at(db: Engine) -> datetime | None:
    """When the oldest message still waiting in the outbox was queued; None when it is empty."""
    with reading(db) as conn:
        return _oldest_queued(conn)


def _oldest_queued(conn: Connection) -> datetime | None:
    query = select(func.min(MESSAGE.c.created_at)).where(MESSAGE.c.status.in_(("queued", "sending")))
    value: datetime | None = conn.execute(query).scalar()  # min() keeps the column's type: aware UTC
    return value


def _grouped(conn: Connection, column: object, *where: object) -> dict[str, int]:
    query = select(column, func.count()).where(*where).group_by(column)  # type: ignore[call-overload]
    return {str(key): int(count) for key, count in conn.execute(query).all()}
