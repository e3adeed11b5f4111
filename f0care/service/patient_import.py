"""The application service for a station's patient file: check every row, then register all of them or none.

Each row is what `DK <phone> <name>, <year>, <ward>` from a staff member would be (`dialogs.bulk_register`
builds the same effects), applied by the same interpreter (`models.apply`) in ONE unit of work: a row
that fails, or a database error, leaves nothing behind. The welcome SMS are queued as bulk, behind alerts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError, OperationalError

from dialogs import bulk_register
from dialogs.bulk_register import Checked, Plan, SheetRow
from dialogs.program import Program
from dialogs.render import local_today
from f0care.service.decide import new_code
from f0care.service.inbound import ATTEMPTS, UnitsOfWork, transient
from models.apply import apply_admissions
from models.records import StaffNote
from models.uow import UnitOfWork

log = logging.getLogger("f0care.import")
BATCH = 500  # patients written per statement (and per step of the progress bar)
Progress = Callable[[int, int], None]  # (rows registered so far, rows to register)


class ImportFailed(Exception):
    """The database refused the import every time it was tried: nothing was written."""


@dataclass(frozen=True)
class Registrar:
    """Who registers the file's patients: shown as who accepted them, like the staff member of a `DK`."""

    name: str
    phone: str = ""  # the staff member's mobile (web); empty from the command line
    channel: str = "import"  # kept in the audit: "web" from the console, "import" from the command line
    source: str = ""  # the file's name, kept in the audit with each row number


@dataclass(frozen=True)
class Imported:
    """The outcome: the plan (problems, skipped rows), and the patients registered with their new codes."""

    plan: Plan
    codes: tuple[tuple[int, str], ...] = ()  # (row number, patient code)
    queued: tuple[int, ...] = ()  # the welcome SMS, for the outbox

    @property
    def done(self) -> bool:
        return self.plan.importable


def preview(uows: UnitsOfWork, program: Program, rows: Sequence[SheetRow], clinic_id: str, now: datetime) -> Plan:
    """What importing `rows` into `clinic_id` would do; nothing is written."""
    checked = bulk_register.check_rows(rows, clinic_id, program, local_today(now, program.timezone))
    with uows() as uow:
        return _plan(uow, checked, clinic_id)


def import_patients(
    uows: UnitsOfWork,
    program: Program,
    rows: Sequence[SheetRow],
    clinic_id: str,
    by: Registrar,
    now: datetime,
    progress: Progress | None = None,
) -> Imported:
    """Register every row's patient in one transaction, or none when any row has a problem."""
    # Checked before the transaction: SQLite has one writer, and the webhook waits for it.
    checked = bulk_register.check_rows(rows, clinic_id, program, local_today(now, program.timezone))
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _import_once(uows(), program, checked, clinic_id, by, now, progress)
        except IntegrityError as error:  # most likely a code drawn here, taken meanwhile by another registration
            if attempt == ATTEMPTS:
                raise ImportFailed(f"the database refused the patients {ATTEMPTS} times") from error
            log.warning("a patient code was taken during the import; trying again")
        except OperationalError as error:
            if not transient(error) or attempt == ATTEMPTS:
                raise
            log.warning("write conflict during the import; trying again")
    raise AssertionError("unreachable")


def _import_once(
    uow: UnitOfWork,
    program: Program,
    checked: Checked,
    clinic_id: str,
    by: Registrar,
    now: datetime,
    progress: Progress | None,
) -> Imported:
    with uow:
        plan = _plan(uow, checked, clinic_id)
        if not plan.importable:
            return Imported(plan)
        codes = fresh_codes(uow, len(plan.ready))
        today = local_today(now, program.timezone)
        queued: list[int] = []
        admissions = bulk_register.admissions(plan, codes, by.name, by.phone, program, today)
        for start in range(0, len(admissions), BATCH):
            admitted = apply_admissions(uow, admissions[start : start + BATCH], now)
            queued += admitted.queued
            rows = plan.ready[start : start + BATCH]
            notes = [
                (_note(by, code, row.row), admitted.ids[code]) for row, code in zip(rows, codes[start:], strict=False)
            ]
            uow.audit.add_many(notes, by.channel, "registered; welcome SMS queued", now)
            if progress is not None:
                progress(min(start + BATCH, len(admissions)), len(admissions))
        uow.commit()
    registered = tuple((candidate.row, code) for candidate, code in zip(plan.ready, codes, strict=True))
    log.info("imported %d patients into %s (%d skipped)", len(registered), clinic_id, len(plan.skipped))
    return Imported(plan, registered, tuple(queued))


def _note(by: Registrar, code: str, row: int) -> StaffNote:
    """The audit of one registered patient: as a `DK` of the importer, with the file and the row."""
    return StaffNote("register", code, by.name, by.phone, f"import {by.source} row {row}".replace("  ", " "))


def _plan(uow: UnitOfWork, checked: Checked, clinic_id: str) -> Plan:
    on_phones = uow.patients.live_on_phones(checked.phones)
    views = {phone: [ref.view for ref in refs] for phone, refs in on_phones.items()}
    return bulk_register.plan(checked, clinic_id, views)


def fresh_codes(uow: UnitOfWork, count: int) -> list[str]:
    """`count` distinct patient codes no patient has (a race with another registration: IntegrityError)."""
    codes: set[str] = set()
    while len(codes) < count:
        drawn = {new_code() for _ in range(count - len(codes))} - codes
        codes |= drawn - uow.patients.codes_taken(sorted(drawn))
    return list(codes)
