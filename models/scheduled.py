"""Writes for scheduled sends: each carries a unique key, so a job run twice sends nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from dialogs.text import segments
from models.tables import Message


@dataclass(frozen=True)
class Outgoing:
    key: str  # job:subject:local date:step
    to: str
    text: str
    kind: str
    patient_id: int | None = None


def enqueue(session: Session, items: Sequence[Outgoing], now: datetime) -> list[int]:
    """Queue the messages whose key is new; returns the ids queued (the caller commits)."""
    if not items:
        return []
    rows = [
        {
            "direction": "out",
            "phone": item.to,
            "body": item.text,
            "created_at": now,
            "patient_id": item.patient_id,
            "kind": item.kind,
            "status": "queued",
            "channel": "sms",
            "sensitive": False,
            "segments": segments(item.text),
            "attempts": 0,
            "dedupe_key": item.key,
        }
        for item in items
    ]
    dialect = session.get_bind().dialect.name
    table = Message.__table__  # type: ignore[attr-defined]
    statement: Insert
    if dialect == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    else:  # pragma: no cover - other databases are not supported
        statement = insert(table)
    result = session.execute(statement.returning(table.c.id), rows)
    return [row[0] for row in result]
