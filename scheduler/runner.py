"""The runner: query -> rule -> apply the effects in one transaction -> deliver; and the APScheduler
wiring (cron triggers in the service timezone, jobs stored in the service database).

APScheduler is only a trigger: each run calls a job with `now`, and the unique keys of
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
from sqlmodel import Session

from dialogs.rules.household import still_due
from models.apply_scheduled import Done, apply_scheduled
from models.scheduled import claim_keys
from scheduler.context import JobContext, JobReport
from scheduler.jobs import AnyJob, FanOut, Job, Task, jobs

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
    report = execute(table[name], ctx, now)
    log.info("%s", report)
    return report


def execute(job: AnyJob, ctx: JobContext, now: datetime) -> JobReport:
    """Run one job at `now`: batch by batch, read, decide, apply and commit, then deliver."""
    report = JobReport(job.name)
    if job.quiet and ctx.quiet(now):
        report.skipped = "quiet hours"
        return report
    match job:
        case FanOut():
            _fan_out(job, ctx, now, report)
        case Job():
            _run(job, ctx, now, report)
        case Task():
            ids = job.run(ctx, now)
            ctx.deliver(ids)
            report.queued += len(ids)
    return report


def _run(job: Job[Any], ctx: JobContext, now: datetime, report: JobReport) -> None:
    settings = ctx.rules
    report.details.update({name: 0 for name, _kind in job.details})
    for batch in job.query(ctx, now):
        effects = job.rule(batch, now, settings)
        if not effects:
            continue
        with Session(ctx.db) as session:
            done = apply_scheduled(session, effects, now)
            session.commit()
        _delivered(ctx, done, report)
        for name, kind in job.details:
            report.details[name] += done.applied[kind]


def _fan_out(job: FanOut, ctx: JobContext, now: datetime, report: JobReport) -> None:
    """Per batch: claim each patient's key, queue what is still due; a re-run sends only the rest."""
    rule = job.rule(ctx.today(now), ctx.rules)
    for households in job.query(ctx, now):
        ready = [rule.messages(people) for people in households]  # before the transaction: SQLite has one writer
        with Session(ctx.db) as session:
            fresh = claim_keys(session, [rule.key(p) for people in households for p in people], now)
            done = apply_scheduled(session, still_due(rule, households, ready, fresh), now)
            session.commit()
        _delivered(ctx, done, report)


def _delivered(ctx: JobContext, done: Done, report: JobReport) -> None:
    ctx.deliver(done.queued)
    report.queued += len(done.queued)


def trigger(ctx: JobContext, job: AnyJob) -> CronTrigger:
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
