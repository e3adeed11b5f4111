"""The rows of the line lists (`models.repositories.linelists`): frozen, typed, one class per list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

LIST_NAMES = ("red", "yellow", "silent", "pending", "ending", "stopped", "undeliverable")
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
