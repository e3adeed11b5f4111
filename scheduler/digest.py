"""The deadline digest as `f0care report` prints it: one clinic's day, read and summarized."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from dialogs.program import Clinic
from dialogs.rules.digest import Digest, summarize
from models.repositories.scheduled import ScheduledRepository
from scheduler.context import JobContext


def collect(session: Session, clinic: Clinic, day: date, ctx: JobContext) -> Digest:
    """The day's picture of one clinic, as of the deadline."""
    start, end = ctx.day_bounds(day)
    rows = ScheduledRepository(session).clinic_day(clinic, day, start, end)
    return summarize(rows, ctx.rules)
