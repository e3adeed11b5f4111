"""The operator alarms' host: read the outbox, let `dialogs.alarms` decide, keep incidents, queue the SMS.

Run `check_alarms` every minute (a scheduled job, or cron with `f0care alarms check`). An incident
is a row whose `open_kind` is unique while open, and every alarm SMS carries a key of the incident
and the phone, so two checkers running at once announce each incident once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialogs.alarms import CloseIncident, Failure, Observation, OpenIncident, Thresholds, Wording, decide
from models.db import reading
from models.ops_tables import AlarmIncident
from models.scheduled import Outgoing, enqueue, insert_ignoring
from models.stats import oldest_queued_at
from models.tables import Message

MESSAGE = Message.__table__  # type: ignore[attr-defined]
INCIDENT = AlarmIncident.__table__  # type: ignore[attr-defined]
RECENT_SENDS = 1000  # the latest successful send is looked for among this many latest outbound messages
MAX_FAILURES = 200


@dataclass(frozen=True)
class AlarmSettings:
    thresholds: Thresholds
    notify: tuple[str, ...]  # E.164 phones
    wording: Wording


def observe(db: Engine) -> Observation:
    """The outbox as the alarms see it: its oldest message, the latest send, the failures since."""
    with reading(db) as conn:
        recent = (
            select(MESSAGE.c.sent_at)
            .where(MESSAGE.c.direction == "out", MESSAGE.c.attempts > 0)  # through a provider, not a TwiML reply
            .order_by(MESSAGE.c.id.desc())
            .limit(RECENT_SENDS)
            .subquery()
        )
        last_sent: datetime | None = conn.execute(select(func.max(recent.c.sent_at))).scalar()
        failed = select(MESSAGE.c.created_at, MESSAGE.c.error_code).where(
            MESSAGE.c.status.in_(("queued", "failed")),
            MESSAGE.c.direction == "out",
            MESSAGE.c.attempts > 0,
            MESSAGE.c.error.is_not(None),
        )
        if last_sent is not None:
            failed = failed.where(MESSAGE.c.created_at > last_sent)
        rows = conn.execute(failed.order_by(MESSAGE.c.id).limit(MAX_FAILURES)).all()
    return Observation(oldest_queued_at(db), last_sent, tuple(Failure(row[0], row[1]) for row in rows))


def open_incidents(db: Engine) -> dict[str, datetime]:
    """The kind and start of each open incident."""
    with reading(db) as conn:
        rows = conn.execute(select(INCIDENT.c.kind, INCIDENT.c.since).where(INCIDENT.c.open_kind.is_not(None))).all()
    return {kind: since for kind, since in rows}


def check_alarms(db: Engine, settings: AlarmSettings, now: datetime) -> list[int]:
    """Open or close incidents as the outbox now warrants; returns the ids of the alarm SMS queued."""
    effects = decide(observe(db), open_incidents(db), settings.thresholds, now, settings.wording)
    queued: list[int] = []
    for effect in effects:
        with Session(db) as session:
            incident = _open(session, effect, now) if isinstance(effect, OpenIncident) else _close(session, effect, now)
            if incident is None:  # another checker got there first
                continue
            phase = "open" if isinstance(effect, OpenIncident) else "clear"
            items = [
                Outgoing(f"alarm:{incident}:{phase}:{phone}", phone, effect.text, "alarm") for phone in settings.notify
            ]
            queued += enqueue(session, items, now)
            session.commit()
    return queued


def _open(session: Session, effect: OpenIncident, now: datetime) -> int | None:
    values = {"kind": effect.kind, "open_kind": effect.kind, "since": effect.since, "opened_at": now}
    statement = insert_ignoring(session, AlarmIncident, "open_kind").values(values).returning(INCIDENT.c.id)
    found: int | None = session.execute(statement).scalar()
    return found


def _close(session: Session, effect: CloseIncident, now: datetime) -> int | None:
    statement = (
        update(INCIDENT)
        .where(INCIDENT.c.open_kind == effect.kind)
        .values(open_kind=None, closed_at=now)
        .returning(INCIDENT.c.id)
    )
    found: int | None = session.execute(statement).scalar()
    return found
