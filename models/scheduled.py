"""Writes for scheduled sends: each carries a unique key, so a job run twice sends nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, column, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from dialogs.rules.effects import ScheduledSms
from dialogs.text import segments
from models.db import update_rows
from models.tables import Message, ScheduledSend

BULK = frozenset({"prompt", "reminder", "digest"})  # sent after alerts, codes and replies


Outgoing = ScheduledSms  # the name the outbox tests and the fan-out knew it by


def insert_ignoring(session: Session, model: Any, unique: str) -> Insert:
    """INSERT ... ON CONFLICT (unique) DO NOTHING, on PostgreSQL and SQLite."""
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=[unique])
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=[unique])


def insert_new(
    session: Session, model: Any, unique: str, rows: Sequence[dict[str, Any]], *returning: ColumnElement[Any]
) -> list[Row[Any]]:
    """INSERT the rows whose `unique` value is new; `returning` of the rows inserted.

    PostgreSQL gets INSERT ... SELECT FROM unnest(<one array per column>): the same SQL for any
    number of rows, a few parameters instead of one per value (a batch of 500 prompts had 7,500).
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        return list(session.execute(insert_ignoring(session, model, unique).returning(*returning), rows))
    table = model.__table__
    names = list(rows[0])
    arrays = [bindparam(f"p_{name}", type_=postgresql.ARRAY(table.c[name].type)) for name in names]
    given = func.unnest(*arrays).table_valued(*(column(name) for name in names)).render_derived(name="v")
    statement = (
        postgresql.insert(table).from_select(names, select(*given.c)).on_conflict_do_nothing(index_elements=[unique])
    )
    params = {f"p_{name}": [row[name] for row in rows] for name in names}
    return list(session.execute(statement.returning(*returning), params))


def claim_keys(session: Session, keys: Sequence[str], now: datetime) -> set[str]:
    """Record scheduled-send keys; returns those that were new (the others were sent already)."""
    if not keys:
        return set()
    sent = ScheduledSend.__table__  # type: ignore[attr-defined]
    rows = insert_new(session, ScheduledSend, "key", [{"key": key, "created_at": now} for key in keys], sent.c.key)
    return {row[0] for row in rows}


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
    inserted = insert_new(session, Message, "dedupe_key", rows, table.c.id, table.c.dedupe_key)
    ids = {row.dedupe_key: row.id for row in inserted}
    links = [{"key": key, "message_id": ids[item.key]} for item in items if item.key in ids for key in item.covers]
    update_rows(session, ScheduledSend.__table__, "key", links)  # type: ignore[attr-defined]
    return list(ids.values())
