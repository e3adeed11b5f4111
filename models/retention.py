"""Retention: the records of patients closed long ago are exported, then deleted; counts are kept.

A patient is closed when discharged (`ended_at`) or rejected (`decided_at`). Their messages,
declarations, alerts and the patient row go, a batch at a time: each batch is written to the
run's JSON-lines export and flushed to disk before the transaction that deletes it commits, so
nothing is deleted that is not in the export. The phone's contact row (language, opt-out) stays.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, Table, delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.operations import record_action
from models.tables import Alert, Declaration, Message, Patient, ScheduledSend
from models.web_tables import StaffAction

PATIENT: Table = Patient.__table__  # type: ignore[attr-defined]
MESSAGE: Table = Message.__table__  # type: ignore[attr-defined]
DECLARATION: Table = Declaration.__table__  # type: ignore[attr-defined]
ALERT: Table = Alert.__table__  # type: ignore[attr-defined]
SCHEDULED: Table = ScheduledSend.__table__  # type: ignore[attr-defined]
STAFF_ACTION: Table = StaffAction.__table__  # type: ignore[attr-defined]
RECORDS = (("message", MESSAGE), ("declaration", DECLARATION), ("alert", ALERT), ("staff_action", STAFF_ACTION))
Progress = Callable[[int, int], None]  # (patients done, patients in all)


@dataclass(frozen=True)
class RetentionPolicy:
    days_after_close: int
    export_dir: Path
    batch_size: int = 200


@dataclass
class PurgeReport:
    cutoff: datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=lambda: {name: 0 for name in ("patient", *dict(RECORDS))})
    export: Path | None = None


def _closed(cutoff: datetime) -> Select[tuple[int]]:
    """The patients discharged or rejected before `cutoff`."""
    closed_at = func.coalesce(PATIENT.c.ended_at, PATIENT.c.decided_at, PATIENT.c.created_at)
    return select(PATIENT.c.id).where(
        or_(PATIENT.c.status == "discharged", PATIENT.c.status == "rejected"), closed_at < cutoff
    )


def closed_before(db: Engine, cutoff: datetime) -> list[int]:
    """Ids of the patients discharged or rejected before `cutoff`."""
    with Session(db) as session:
        return list(session.execute(_closed(cutoff).order_by(PATIENT.c.id)).scalars())


def purge(
    db: Engine,
    policy: RetentionPolicy,
    now: datetime,
    *,
    dry_run: bool = False,
    by: str = "retention",
    progress: Progress | None = None,
) -> PurgeReport:
    """Export then delete the records of patients closed more than `policy.days_after_close` days ago."""
    report = PurgeReport(now - timedelta(days=policy.days_after_close), dry_run)
    if dry_run:
        report.counts = _count(db, report.cutoff)
        return report
    ids = closed_before(db, report.cutoff)
    if not ids:
        return report
    report.export = _export_path(policy.export_dir, now)
    with _private_file(report.export) as out:
        for start in range(0, len(ids), policy.batch_size):
            batch = ids[start : start + policy.batch_size]
            for table, count in _purge_batch(db, batch, out).items():
                report.counts[table] += count
            if progress is not None:
                progress(start + len(batch), len(ids))
    with Session(db) as session:
        details: dict[str, Any] = {**report.counts, "cutoff": report.cutoff.isoformat(), "export": report.export.name}
        record_action(session, "purge", report.export.name, by, details, now)
        session.commit()
    return report


def _purge_batch(db: Engine, ids: Sequence[int], out: IO[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with Session(db) as session:
        for name, table in (("patient", PATIENT), *RECORDS):
            key = table.c.id if table is PATIENT else table.c.patient_id
            rows = session.execute(select(table).where(key.in_(ids)).order_by(table.c.id)).mappings().all()
            for row in rows:
                out.write(json.dumps({"table": name, "row": dict(row)}, default=_plain, ensure_ascii=False) + "\n")
            counts[name] = len(rows)
        out.flush()
        os.fsync(out.fileno())  # on disk before anything is deleted
        messages = select(MESSAGE.c.id).where(MESSAGE.c.patient_id.in_(ids)).scalar_subquery()
        session.execute(update(SCHEDULED).where(SCHEDULED.c.message_id.in_(messages)).values(message_id=None))
        for _name, table in RECORDS:
            session.execute(delete(table).where(table.c.patient_id.in_(ids)))
        session.execute(delete(PATIENT).where(PATIENT.c.id.in_(ids)))
        session.commit()
    return counts


def _count(db: Engine, cutoff: datetime) -> dict[str, int]:
    closed = _closed(cutoff)
    counts = {}
    with Session(db) as session:
        for name, table in (("patient", PATIENT), *RECORDS):
            key = table.c.id if table is PATIENT else table.c.patient_id
            query = select(func.count()).select_from(table).where(key.in_(closed.scalar_subquery()))
            counts[name] = int(session.execute(query).scalar() or 0)
    return counts


def _export_path(directory: Path, now: datetime) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / f"purge-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.jsonl"


def _private_file(path: Path) -> IO[str]:
    """A new file only its owner can read (health data); an existing one is never overwritten."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8")


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
