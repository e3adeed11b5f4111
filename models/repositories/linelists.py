"""The station's line lists (the staff console's dashboard, its exports): who needs attention, per list.

`line_lists(db, clinic_ids, now, timezone)` reads every list for a set of clinics at `now`; the
local day is the service timezone's. Each list holds at most `limit` rows (None: all) and its full
`count`, so a station of thousands of patients gets a page it can read at once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialogs.render import local_today
from models.tables import Alert, Contact, Declaration, Patient

PATIENT = Patient.__table__  # type: ignore[attr-defined]
DECL = Declaration.__table__  # type: ignore[attr-defined]
ALERT = Alert.__table__  # type: ignore[attr-defined]
CONTACT = Contact.__table__  # type: ignore[attr-defined]
LIST_NAMES = ("red", "yellow", "silent", "pending", "ending", "stopped", "undeliverable")
LIVE = ("pending", "active")
SILENT_FLAG_DAYS = 2  # "2 days silent": highlighted


@dataclass(frozen=True)
class PatientLine:
    """A patient as every list shows it."""

    code: str
    full_name: str
    phone: str
    clinic_id: str
    status: str


@dataclass(frozen=True)
class RedRow(PatientLine):
    alert_id: int
    reason: str
    kind: str  # answers, sos, not_reporting
    raised_at: datetime
    open_minutes: int  # how long it has been open at `now`
    escalation_step: int  # 0-1: the clinic's staff were paged; 2 and more: the on-call list too
    paged_at: datetime | None  # staff last sent an SMS about it


@dataclass(frozen=True)
class YellowRow(PatientLine):
    declared_at: datetime  # the day's latest declaration, yellow


@dataclass(frozen=True)
class SilentRow(PatientLine):
    last_declared: date | None  # None: never declared
    days_silent: int  # days without a declaration, counted from acceptance when none yet
    flagged: bool  # SILENT_FLAG_DAYS or more


@dataclass(frozen=True)
class PendingRow(PatientLine):
    registered_at: datetime
    age_hours: int  # how long it has waited at `now`


@dataclass(frozen=True)
class EndingRow(PatientLine):
    monitor_until: date


@dataclass(frozen=True)
class StoppedRow(PatientLine):
    opted_out_at: datetime | None


@dataclass(frozen=True)
class UndeliverableRow(PatientLine):
    pass


Row = TypeVar("Row")


@dataclass(frozen=True)
class LineList(Generic[Row]):
    name: str
    count: int  # every patient (alert) in the list, shown or not
    rows: tuple[Row, ...]  # oldest / most urgent first, at most the limit asked for


@dataclass(frozen=True)
class LineLists:
    today: date
    active: int  # patients being monitored in the scope
    red: LineList[RedRow]
    yellow: LineList[YellowRow]
    silent: LineList[SilentRow]
    pending: LineList[PendingRow]
    ending: LineList[EndingRow]
    stopped: LineList[StoppedRow]
    undeliverable: LineList[UndeliverableRow]

    def by_name(self, name: str) -> LineList[Any]:
        """One list by its `data-list` name."""
        if name not in LIST_NAMES:
            raise KeyError(name)
        found: LineList[Any] = getattr(self, name)
        return found


def line_lists(
    db: Engine, clinic_ids: Collection[str], now: datetime, timezone: str, limit: int | None = 100
) -> LineLists:
    """Every line list of `clinic_ids` at `now` (local day of `timezone`), each at most `limit` rows."""
    today = local_today(now, timezone)
    scope = sorted(clinic_ids)
    with Session(db) as session:
        reader = _Reader(session, scope, today, now, limit)
        return LineLists(
            today=today,
            active=reader.count(_patients(scope, "active")),
            red=reader.red(),
            yellow=reader.yellow(),
            silent=reader.silent(),
            pending=reader.pending(),
            ending=reader.ending(),
            stopped=reader.stopped(),
            undeliverable=reader.undeliverable(),
        )


def _patients(scope: Sequence[str], *statuses: str) -> Any:
    return and_(PATIENT.c.clinic_id.in_(scope), PATIENT.c.status.in_(statuses))


def _line(row: Any) -> dict[str, Any]:
    return {
        "code": row.code,
        "full_name": row.full_name,
        "phone": row.phone,
        "clinic_id": row.clinic_id,
        "status": row.status,
    }


_COLUMNS = (PATIENT.c.code, PATIENT.c.full_name, PATIENT.c.phone, PATIENT.c.clinic_id, PATIENT.c.status)


class _Reader:
    def __init__(self, session: Session, scope: Sequence[str], today: date, now: datetime, limit: int | None) -> None:
        self.session, self.scope, self.today, self.now, self.limit = session, scope, today, now, limit

    def count(self, where: Any, *joins: Any) -> int:
        query = select(func.count()).select_from(PATIENT)
        for table, on in joins:
            query = query.join(table, on)
        return int(self.session.execute(query.where(where)).scalar() or 0)

    def rows(self, query: Select[Any]) -> Sequence[Any]:
        if self.limit is not None:
            query = query.limit(self.limit)
        return self.session.execute(query).all()

    def red(self) -> LineList[RedRow]:
        where = and_(ALERT.c.clinic_id.in_(self.scope), ALERT.c.acknowledged_at.is_(None))
        count = int(self.session.execute(select(func.count()).select_from(ALERT).where(where)).scalar() or 0)
        columns = (ALERT.c.id, ALERT.c.reason, ALERT.c.kind, ALERT.c.created_at, ALERT.c.escalation_step)
        query = select(*_COLUMNS, *columns, ALERT.c.paged_at).join(PATIENT, PATIENT.c.id == ALERT.c.patient_id)
        rows = self.rows(query.where(where).order_by(ALERT.c.created_at, ALERT.c.id))
        return LineList("red", count, tuple(self._red(r) for r in rows))

    def _red(self, r: Any) -> RedRow:
        minutes = max(0, int((self.now - r.created_at).total_seconds() // 60))
        return RedRow(
            **_line(r),
            alert_id=r.id,
            reason=r.reason,
            kind=r.kind,
            raised_at=r.created_at,
            open_minutes=minutes,
            escalation_step=r.escalation_step,
            paged_at=r.paged_at,
        )

    def yellow(self) -> LineList[YellowRow]:
        later = DECL.alias("later")
        superseded = exists().where(
            later.c.patient_id == DECL.c.patient_id,
            later.c.local_date == self.today,
            later.c.started_at > DECL.c.started_at,
        )
        where = and_(_patients(self.scope, "active"), DECL.c.local_date == self.today, DECL.c.level == "yellow")
        where = and_(where, ~superseded)
        joined = (DECL, DECL.c.patient_id == PATIENT.c.id)
        query = select(*_COLUMNS, DECL.c.updated_at).join(*joined).where(where).order_by(DECL.c.updated_at.desc())
        rows = self.rows(query)
        return LineList(
            "yellow", self.count(where, joined), tuple(YellowRow(**_line(r), declared_at=r.updated_at) for r in rows)
        )

    def _declared_on(self, day: date) -> Any:
        return exists().where(DECL.c.patient_id == PATIENT.c.id, DECL.c.local_date == day)

    def silent(self) -> LineList[SilentRow]:
        where = and_(_patients(self.scope, "active"), ~self._declared_on(self.today))
        yesterday = self._declared_on(self.today - timedelta(days=1))
        query = select(*_COLUMNS, PATIENT.c.id, PATIENT.c.decided_at, PATIENT.c.created_at).where(where)
        rows = self.rows(query.order_by(yesterday, PATIENT.c.id))  # false first: two days silent
        last = self._last_declared([r.id for r in rows])
        return LineList("silent", self.count(where), tuple(self._silent(r, last.get(r.id)) for r in rows))

    def _last_declared(self, ids: list[int]) -> dict[int, date]:
        if not ids:
            return {}
        query = select(DECL.c.patient_id, func.max(DECL.c.local_date)).where(DECL.c.patient_id.in_(ids))
        return {row[0]: row[1] for row in self.session.execute(query.group_by(DECL.c.patient_id)).all()}

    def _silent(self, r: Any, last: date | None) -> SilentRow:
        since = last or (r.decided_at or r.created_at).date()
        days = (self.today - since).days if last else max(0, (self.today - since).days)
        return SilentRow(**_line(r), last_declared=last, days_silent=days, flagged=days >= SILENT_FLAG_DAYS)

    def pending(self) -> LineList[PendingRow]:
        where = _patients(self.scope, "pending")
        rows = self.rows(select(*_COLUMNS, PATIENT.c.created_at).where(where).order_by(PATIENT.c.created_at))
        made = tuple(
            PendingRow(
                **_line(r), registered_at=r.created_at, age_hours=int((self.now - r.created_at).total_seconds() // 3600)
            )
            for r in rows
        )
        return LineList("pending", self.count(where), made)

    def ending(self) -> LineList[EndingRow]:
        where = and_(_patients(self.scope, "active"), PATIENT.c.monitor_until == self.today)
        rows = self.rows(select(*_COLUMNS, PATIENT.c.monitor_until).where(where).order_by(PATIENT.c.id))
        return LineList(
            "ending", self.count(where), tuple(EndingRow(**_line(r), monitor_until=r.monitor_until) for r in rows)
        )

    def stopped(self) -> LineList[StoppedRow]:
        joined = (CONTACT, CONTACT.c.phone == PATIENT.c.phone)
        where = and_(_patients(self.scope, *LIVE), CONTACT.c.opted_out.is_(True))
        query = select(*_COLUMNS, CONTACT.c.opted_out_at).join(*joined).where(where).order_by(PATIENT.c.id)
        rows = self.rows(query)
        return LineList(
            "stopped",
            self.count(where, joined),
            tuple(StoppedRow(**_line(r), opted_out_at=r.opted_out_at) for r in rows),
        )

    def undeliverable(self) -> LineList[UndeliverableRow]:
        where = and_(_patients(self.scope, *LIVE), PATIENT.c.call_needed.is_(True))
        rows = self.rows(select(*_COLUMNS).where(where).order_by(PATIENT.c.id))
        return LineList("undeliverable", self.count(where), tuple(UndeliverableRow(**_line(r)) for r in rows))
