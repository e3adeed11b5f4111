"""Writes for scheduled sends: each carries a unique key, so a job run twice sends nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from dialogs.text import segments
from models.db import update_rows
from models.tables import Message, ScheduledSend

BULK = frozenset({"prompt", "reminder", "digest"})  # sent after alerts, codes and replies


@dataclass(frozen=True)
class Outgoing:
    key: str  # job:subject:local date:step
    to: str
    text: str
    kind: str
    patient_id: int | None = None
    covers: tuple[str, ...] = ()  # per-patient keys this message fulfils (claimed with `claim_keys`)


def insert_ignoring(session: Session, model: Any, unique: str) -> Insert:
    """INSERT ... ON CONFLICT (unique) DO NOTHING, on PostgreSQL and SQLite."""
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=[unique])
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=[unique])


def claim_keys(session: Session, keys: Sequence[str], now: datetime) -> set[str]:
    """Record scheduled-send keys; returns those that were new (the others were sent already)."""
    if not keys:
        return set()
    statement = insert_ignoring(session, ScheduledSend, "key")
    result = session.execute(
        statement.returning(ScheduledSend.__table__.c.key),  # type: ignore[attr-defined]
        [{"key": key, "created_at": now} for key in keys],
    )
    return {row[0] for row in result}


def enqueue(session: Session, items: Sequence[Outgoing], now: datetime) -> list[int]:
    """Queue the messages whose key is new; returns the ids queued (the caller commits)."""
    if not items:
        return []
    counts = {text: segments(text) for text in {item.text for item in items}}  # a fan-out repeats one text
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
            "segments": counts[item.text],
            "attempts": 0,
            "dedupe_key": item.key,
            "priority": 1 if item.kind in BULK else 0,
        }
        for item in items
    ]
    table = Message.__table__  # type: ignore[attr-defined]
    statement = insert_ignoring(session, Message, "dedupe_key")
    result = session.execute(statement.returning(table.c.id, table.c.dedupe_key), rows)
    ids = {key: message_id for message_id, key in result}
    links = [{"key": key, "message_id": ids[item.key]} for item in items if item.key in ids for key in item.covers]
    update_rows(session, ScheduledSend.__table__, "key", links)  # type: ignore[attr-defined]
    return list(ids.values())
