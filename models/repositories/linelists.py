"""The station's line lists (the staff console's dashboard, its exports): who needs attention, per list.

`line_lists(db, clinic_ids, now, timezone)` reads every list for a set of clinics at `now`; the
local day is the service timezone's. Each list holds at most `limit` rows (None: all) and its full
`count`, so a station of thousands of patients gets a page it can read at once.

The big lists (silent, yellow) are worked out from a few narrow reads (the scope's live patients,
today's declarations, yesterday's declarers) rather than per-patient subqueries: at 30,000 patients
that is what keeps the dashboard within its 200 ms (docs/benchmarks.md). Reads take no writer lock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Engine

from dialogs.render import local_today
from models.db import reading
from models.repositories.linelist_rows import (
    LIST_NAMES,
    SILENT_FLAG_DAYS,
    EndingRow,
    LineList,
    LineLists,
    PatientLine,
    PendingRow,
    RedRow,
    SilentRow,
    StoppedRow,
    UndeliverableRow,
    YellowRow,
)
from models.tables import Alert, Contact, Declaration, Patient

__all__ = [
    "LIST_NAMES",
    "EndingRow",
    "LineList",
    "LineLists",
    "PatientLine",
    "PendingRow",
    "RedRow",
    "SilentRow",
    "StoppedRow",
    "UndeliverableRow",
    "YellowRow",
    "line_lists",
]

PATIENT = Patient.__table__  # type: ignore[attr-defined]
DECL = Declaration.__table__  # type: ignore[attr-defined]
ALERT = Alert.__table__  # type: ignore[attr-defined]
CONTACT = Contact.__table__  # type: ignore[attr-defined]
LIVE = ("pending", "active")
CHUNK = 900  # ids per IN (...) when every row is asked for (exports)
# "ORDER BY id + 0": with a LIMIT, PostgreSQL would walk the primary key in id order and filter every
# patient of the service (40 ms at 30,000 when few match); "+ 0" makes it take the clinic's index and sort.
BY_ID = PATIENT.c.id + 0
_COLUMNS = (PATIENT.c.id, PATIENT.c.code, PATIENT.c.full_name, PATIENT.c.phone, PATIENT.c.clinic_id, PATIENT.c.status)


def line_lists(
    db: Engine, clinic_ids: Collection[str], now: datetime, timezone: str, limit: int | None = 100
) -> LineLists:
    """Every line list of `clinic_ids` at `now` (local day of `timezone`), each at most `limit` rows."""
    today = local_today(now, timezone)
    with reading(db) as conn:
        reader = _Reader(conn, sorted(clinic_ids), today, now, limit)
        return LineLists(
            today=today,
            active=reader.active(),
            red=reader.red(),
            yellow=reader.yellow(),
            silent=reader.silent(),
            pending=reader.pending(),
            ending=reader.ending(),
            stopped=reader.stopped(),
            undeliverable=reader.undeliverable(),
        )


def _line(row: Any) -> dict[str, Any]:
    return {
        "code": row.code,
        "full_name": row.full_name,
        "phone": row.phone,
        "clinic_id": row.clinic_id,
        "status": row.status,
    }


class _Reader:
    """Counts and the first rows of each list, in SQL; a day's declarers are an IN (subquery), which
    both databases read once per query (hashed), not once per patient."""

    def __init__(self, conn: Connection, scope: Sequence[str], today: date, now: datetime, limit: int | None) -> None:
        self.conn, self.scope, self.today, self.now, self.limit = conn, scope, today, now, limit

    def declared_on(self, day: date) -> Any:
        return select(DECL.c.patient_id).where(DECL.c.local_date == day)

    def patients(self, *statuses: str) -> Any:
        return and_(PATIENT.c.clinic_id.in_(self.scope), PATIENT.c.status.in_(statuses))

    def count(self, where: Any) -> int:
        return int(self.conn.execute(select(func.count()).select_from(PATIENT).where(where)).scalar() or 0)

    def rows(self, query: Any) -> Sequence[Any]:
        return self.conn.execute(query if self.limit is None else query.limit(self.limit)).all()

    def counted(self, rows: Sequence[Any], where: Any) -> int:
        """How many in all: the rows read, when fewer than the limit (no second query), else a count."""
        if self.limit is None or len(rows) < self.limit:
            return len(rows)
        return self.count(where)

    def active(self) -> int:
        return self.count(self.patients("active"))

    def red(self) -> LineList[RedRow]:
        where = and_(ALERT.c.clinic_id.in_(self.scope), ALERT.c.acknowledged_at.is_(None))
        count = int(self.conn.execute(select(func.count()).select_from(ALERT).where(where)).scalar() or 0)
        columns = (ALERT.c.id.label("alert_id"), ALERT.c.reason, ALERT.c.kind, ALERT.c.created_at)
        query = select(*_COLUMNS, *columns, ALERT.c.escalation_step, ALERT.c.paged_at)
        query = query.join(PATIENT, PATIENT.c.id == ALERT.c.patient_id).where(where)
        rows = self.rows(query.order_by(ALERT.c.created_at, ALERT.c.id))
        return LineList("red", count, tuple(self._red(r) for r in rows))

    def _red(self, r: Any) -> RedRow:
        minutes = max(0, int((self.now - r.created_at).total_seconds() // 60))
        return RedRow(
            **_line(r),
            alert_id=r.alert_id,
            reason=r.reason,
            kind=r.kind,
            raised_at=r.created_at,
            open_minutes=minutes,
            escalation_step=r.escalation_step,
            paged_at=r.paged_at,
        )

    def yellow(self) -> LineList[YellowRow]:
        """Active patients whose latest declaration of today is yellow, latest first.

        Read from the day's yellow declarations (few), whatever plan the database would pick for a join.
        """
        today = DECL.c.local_date == self.today
        query = select(DECL.c.patient_id, DECL.c.started_at, DECL.c.updated_at).where(today, DECL.c.level == "yellow")
        candidates = self.conn.execute(query).all()
        yellow_ids = select(DECL.c.patient_id).where(today, DECL.c.level == "yellow")
        # A later declaration of the day (green, red) replaces a yellow one.
        query = select(DECL.c.patient_id, func.max(DECL.c.started_at)).where(today, DECL.c.patient_id.in_(yellow_ids))
        latest = {row[0]: row[1] for row in self.conn.execute(query.group_by(DECL.c.patient_id)).all()}
        where = and_(self.patients("active"), PATIENT.c.id.in_(yellow_ids))
        mine = set(self.conn.execute(select(PATIENT.c.id).where(where)).scalars())
        yellow = [r for r in candidates if r.patient_id in mine and r.started_at == latest.get(r.patient_id)]
        yellow.sort(key=lambda row: (row.updated_at, row.patient_id), reverse=True)
        shown = [row for row in yellow][: self.limit] if self.limit is not None else yellow
        found = self.details([row.patient_id for row in shown])
        rows = tuple(YellowRow(**_line(found[r.patient_id]), declared_at=r.updated_at) for r in shown)
        return LineList("yellow", len(yellow), rows)

    def details(self, ids: Sequence[int], *extra: Any) -> dict[int, Any]:
        """The columns every list shows (and `extra` ones), of these patients, by id."""
        found: dict[int, Any] = {}
        for start in range(0, len(ids), CHUNK):
            query = select(*_COLUMNS, *extra).where(PATIENT.c.id.in_(list(ids[start : start + CHUNK])))
            found.update({row.id: row for row in self.conn.execute(query).all()})
        return found

    def silent(self) -> LineList[SilentRow]:
        """Active patients without a declaration today; those silent since yesterday too come first.

        A count, then the first rows of each kind: only the rows shown leave the database.
        """
        where = and_(self.patients("active"), PATIENT.c.id.not_in(self.declared_on(self.today)))
        yesterday = PATIENT.c.id.in_(self.declared_on(self.today - timedelta(days=1)))
        ids = select(PATIENT.c.id).order_by(BY_ID)
        shown = list(self.conn.execute(self._limited(ids.where(where, ~yesterday), 0)).scalars())
        if self.limit is None or len(shown) < self.limit:
            shown += self.conn.execute(self._limited(ids.where(where, yesterday), len(shown))).scalars()
        count = len(shown) if self.limit is not None and len(shown) < self.limit else self.count(where)
        found = self.details(shown, PATIENT.c.decided_at, PATIENT.c.created_at)
        last = self._last_declared(shown)
        return LineList("silent", count, tuple(self._silent(found[i], last.get(i)) for i in shown))

    def _limited(self, query: Any, taken: int) -> Any:
        return query if self.limit is None else query.limit(self.limit - taken)

    def _last_declared(self, ids: list[int]) -> dict[int, date]:
        found: dict[int, date] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            query = select(DECL.c.patient_id, func.max(DECL.c.local_date)).where(DECL.c.patient_id.in_(chunk))
            found.update({row[0]: row[1] for row in self.conn.execute(query.group_by(DECL.c.patient_id)).all()})
        return found

    def _silent(self, r: Any, last: date | None) -> SilentRow:
        since = last or (r.decided_at or r.created_at).date()
        days = max(0, (self.today - since).days)
        return SilentRow(**_line(r), last_declared=last, days_silent=days, flagged=days >= SILENT_FLAG_DAYS)

    def pending(self) -> LineList[PendingRow]:
        where = self.patients("pending")
        rows = self.rows(select(*_COLUMNS, PATIENT.c.created_at).where(where).order_by(PATIENT.c.created_at))
        return LineList("pending", self.counted(rows, where), tuple(self._pending(r) for r in rows))

    def _pending(self, r: Any) -> PendingRow:
        hours = int((self.now - r.created_at).total_seconds() // 3600)
        return PendingRow(**_line(r), registered_at=r.created_at, age_hours=max(0, hours))

    def ending(self) -> LineList[EndingRow]:
        where = and_(self.patients("active"), PATIENT.c.monitor_until == self.today)
        rows = self.rows(select(*_COLUMNS).where(where).order_by(BY_ID))
        made = tuple(EndingRow(**_line(r), monitor_until=self.today) for r in rows)
        return LineList("ending", self.counted(rows, where), made)

    def stopped(self) -> LineList[StoppedRow]:
        opted = select(CONTACT.c.phone).where(CONTACT.c.opted_out.is_(True))
        where = and_(self.patients(*LIVE), PATIENT.c.phone.in_(opted))
        query = select(*_COLUMNS, CONTACT.c.opted_out_at).join(CONTACT, CONTACT.c.phone == PATIENT.c.phone)
        rows = self.rows(query.where(where).order_by(BY_ID))
        made = tuple(StoppedRow(**_line(r), opted_out_at=r.opted_out_at) for r in rows)
        return LineList("stopped", self.counted(rows, where), made)

    def undeliverable(self) -> LineList[UndeliverableRow]:
        where = and_(self.patients(*LIVE), PATIENT.c.call_needed.is_(True))
        rows = self.rows(select(*_COLUMNS).where(where).order_by(BY_ID))
        made = tuple(UndeliverableRow(**_line(r)) for r in rows)
        return LineList("undeliverable", self.counted(rows, where), made)
