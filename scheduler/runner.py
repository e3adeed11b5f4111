"""APScheduler wiring: cron triggers in the service timezone, jobs stored in the service database.

Jobs are only triggers: each run calls a job with `now`, and the unique keys of
scheduled sends make a second run (a restart, a second scheduler) send nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from scheduler.context import JobContext, JobReport
from scheduler.jobs import Job, jobs

log = logging.getLogger("f0care.scheduler")
_CONTEXT: JobContext | None = None  # the running process's jobs context (jobs are stored by name)


def run_job(name: str, now: datetime | None = None) -> JobReport:
    """Run one job (APScheduler calls this by reference; operators through `f0care jobs run`)."""
    if _CONTEXT is None:
        raise RuntimeError("the scheduler has not been started in this process")
    return run_named(_CONTEXT, name, now or datetime.now(UTC))


def run_named(ctx: JobContext, name: str, now: datetime) -> JobReport:
    table = jobs(ctx)
    if name not in table:
        raise KeyError(name)
    report = table[name].run(ctx, now)
    log.info("%s", report)
    return report


def trigger(ctx: JobContext, job: Job) -> CronTrigger:
    return CronTrigger(timezone=ctx.tz, **job.cron)


def build(ctx: JobContext) -> BaseScheduler:
    """A scheduler whose jobs live in the service database (missed runs survive a restart)."""
    global _CONTEXT
    _CONTEXT = ctx
    grace = ctx.schedule.misfire_grace_minutes * 60
    options: dict[str, Any] = {
        "jobstores": {"default": SQLAlchemyJobStore(engine=ctx.db, tablename="scheduler_jobs")},
        "timezone": ctx.tz,
        "job_defaults": {"coalesce": True, "misfire_grace_time": grace, "max_instances": 1},
    }
    return BackgroundScheduler(**options)


def install(scheduler: BaseScheduler, ctx: JobContext) -> None:
    """Add each job, keeping a stored one whose trigger is unchanged (so a missed run still fires)."""
    wanted = jobs(ctx)
    for stored in scheduler.get_jobs():
        if stored.id not in wanted:
            stored.remove()
    for name, job in wanted.items():
        new = trigger(ctx, job)
        existing = scheduler.get_job(name)
        if existing is not None and str(existing.trigger) == str(new):
            continue
        scheduler.add_job("scheduler.runner:run_job", new, args=[name], id=name, name=job.about, replace_existing=True)


def start(ctx: JobContext) -> BaseScheduler:
    """Start the jobs on a background thread (paused until they are installed)."""
    scheduler = build(ctx)
    scheduler.start(paused=True)
    install(scheduler, ctx)
    scheduler.resume()
    return scheduler
