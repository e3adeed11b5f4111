"""What each job reads, in batches: each batch is one rule call and one transaction.

Every read is its own short read-only transaction, closed before the batch is handed on: on
SQLite no snapshot is held open while the job writes, and the writer lock is taken only to write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import Session

from dialogs.rules.ladder import LAST_STEP
from dialogs.rules.rows import ClinicDay, MonitoredPatient, OpenAlert, Recipient, WaitingRegistration
from models.db import reading
from models.repositories.recipients import recipients
from models.repositories.scheduled import ScheduledRepository
from scheduler.context import JobContext

BATCH = 500  # patients per fan-out transaction: a crash loses at most one uncommitted batch
Households = list[list[Recipient]]


@contextmanager
def read_only(ctx: JobContext) -> Iterator[ScheduledRepository]:
    """The scheduled reads, in one read-only transaction."""
    with reading(ctx.db) as conn, Session(bind=conn) as session:
        yield ScheduledRepository(session)


def open_alerts(ctx: JobContext, now: datetime) -> Iterator[list[OpenAlert]]:
    with read_only(ctx) as repo:
        rows = repo.open_alerts(below_step=LAST_STEP)
    yield rows


def waiting_registrations(ctx: JobContext, now: datetime) -> Iterator[list[WaitingRegistration]]:
    with read_only(ctx) as repo:
        rows = repo.waiting_registrations(created_before=now - ctx.rules.accept_within)
    yield rows


def monitored_patients(ctx: JobContext, now: datetime) -> Iterator[list[MonitoredPatient]]:
    with read_only(ctx) as repo:
        rows = repo.monitored_patients()
    yield rows


def clinic_days(ctx: JobContext, now: datetime) -> Iterator[ClinicDay]:
    """Each clinic's day, one clinic at a time."""
    day = ctx.today(now)
    start, end = ctx.day_bounds(day)
    for clinic in ctx.program.clinics:
        with read_only(ctx) as repo:
            rows = repo.clinic_day(clinic, day, start, end)
        yield rows


def households(only_missing: bool) -> Callable[[JobContext, datetime], Iterator[Households]]:
    """Active, not opted-out patients by phone in batches of about BATCH patients, households whole;
    `only_missing`: those without a complete declaration today."""

    def batches(ctx: JobContext, now: datetime) -> Iterator[Households]:
        batch: Households = []
        size = 0
        for people in recipients(ctx.db, ctx.today(now), only_missing):
            batch.append(people)
            size += len(people)
            if size >= BATCH:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    return batches
