"""The job table: which jobs quiet hours hold, and that every check-in is a job of its own."""

from __future__ import annotations

from typing import cast

from sqlalchemy.engine import Engine

from dialogs.program import Program
from scheduler.context import JobContext, Schedule
from scheduler.jobs import jobs


def table(program: Program) -> JobContext:
    schedule = Schedule(checkins=("07:00", "15:00"))
    return JobContext(db=cast(Engine, None), program=program, schedule=schedule)


def test_quiet_hours_hold_what_goes_to_patients_but_never_the_ladder_or_the_digest(program: Program) -> None:
    quiet = {name for name, job in jobs(table(program)).items() if job.quiet}
    assert quiet == {"morning-prompts", "reminder", "end-of-monitoring", "pending-watch", "checkin-1500"}


def test_each_job_runs_at_its_configured_time(program: Program) -> None:
    table_ = jobs(table(program))
    assert table_["morning-prompts"].cron == {"hour": "7", "minute": "0"}
    assert table_["checkin-1500"].cron == {"hour": "15", "minute": "0"}
    assert table_["deadline"].cron == {"hour": "10", "minute": "0"}
    assert table_["ack-watch"].cron == {"minute": "*/5"}
