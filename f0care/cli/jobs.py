"""`f0care jobs list|run`, `f0care scheduler` and `f0care report`."""

from __future__ import annotations

import signal
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from sqlmodel import Session

from f0care.cli.common import load, prepare_database
from f0care.config import Config
from f0care.runtime import build_runtime, job_context
from scheduler.context import JobContext
from scheduler.digest import collect
from scheduler.jobs import jobs as table
from scheduler.leader import Leadership, wait_for_leadership
from scheduler.runner import run_named, start, trigger
from sms_gateway.outbox.outbox import Outbox, OutboxMode


def _context(config: Config, mode: OutboxMode = "inline") -> tuple[JobContext, Outbox]:
    """Jobs wired to the configured database and gateway."""
    runtime = build_runtime(config, outbox_mode=mode)
    prepare_database(runtime.db)
    return job_context(runtime), runtime.outbox


def parse_at(text: str | None, timezone: str) -> datetime | None:
    """'2026-11-25T07:00' in the service timezone; None for now."""
    if text is None:
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise click.BadParameter(f'"{text}" is not YYYY-MM-DDTHH:MM (local time), e.g. 2026-11-25T07:00') from None
    return moment.replace(tzinfo=ZoneInfo(timezone))


@click.group("jobs")
def jobs_group() -> None:
    """The scheduled jobs."""


@jobs_group.command("list")
@click.pass_context
def jobs_list(ctx: click.Context) -> None:
    """Each job, when it runs, and its next run time."""
    config = load(ctx)
    jctx, _outbox = _context(config)
    now = datetime.now(jctx.tz)
    for name, job in table(jctx).items():
        nxt = trigger(jctx, job).get_next_fire_time(None, now)
        when = " ".join(f"{k}={v}" for k, v in job.cron.items())
        click.echo(f"{name:20} {when:18} next {nxt:%Y-%m-%d %H:%M %Z}  {job.about}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--at", "at", default=None, help="run as if at this local time: YYYY-MM-DDTHH:MM")
@click.pass_context
def jobs_run(ctx: click.Context, name: str, at: str | None) -> None:
    """Run one job now (or as if at --at), then deliver what it queued."""
    config = load(ctx)
    jctx, outbox = _context(config)
    names = table(jctx)
    if name not in names:
        raise click.UsageError(f'no job "{name}"; jobs: {", ".join(names)}')
    moment = parse_at(at, config.service.timezone) or datetime.now(jctx.tz)
    click.echo(str(run_named(jctx, name, moment)))
    # Also what an earlier, interrupted run queued (its keys stop this run from queueing it again).
    left = outbox.deliver_pending()
    if left:
        click.echo(f"delivered {left} message(s) left in the outbox")


@click.command("scheduler")
@click.pass_context
def scheduler_cmd(ctx: click.Context) -> None:
    """Run the scheduler alone (production: one such process; web workers run none)."""
    config = load(ctx)
    jctx, _outbox = _context(config, "external")  # `f0care worker` or `serve` delivers
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    lead = Leadership(jctx.db)
    while wait_for_leadership(lead, stop):
        sched = start(jctx)
        click.echo("scheduler active; jobs: " + ", ".join(j.id for j in sched.get_jobs()))
        while not stop.wait(5.0) and lead.still_held():
            pass
        sched.shutdown(wait=True)
        lead.release()


@click.command("report")
@click.option("--clinic", "clinic_id", default=None, help="one clinic id (default: all)")
@click.option("--date", "day_text", default=None, help="local date YYYY-MM-DD (default: today)")
@click.pass_context
def report(ctx: click.Context, clinic_id: str | None, day_text: str | None) -> None:
    """The full daily digest per clinic: who has not declared, yellow, open red alerts, ..."""
    config = load(ctx)
    jctx, _outbox = _context(config)
    try:
        day = date.fromisoformat(day_text) if day_text else datetime.now(jctx.tz).date()
    except ValueError:
        raise click.BadParameter(f'"{day_text}" is not a date YYYY-MM-DD') from None
    clinics = [c for c in jctx.program.clinics if clinic_id in (None, c.id)]
    if not clinics:
        raise click.UsageError(f'no clinic "{clinic_id}"; clinics: {", ".join(c.id for c in jctx.program.clinics)}')
    for clinic in clinics:
        with Session(jctx.db) as session:
            d = collect(session, clinic, day, jctx)
        click.echo(f"== {clinic.name} ({clinic.id}) {day}: declared {d.reported}/{d.total}")
        for title, items in (
            ("open red alerts", d.red),
            ("call needed, SMS do not reach them (DAGOI <CODE> once phoned)", d.call_needed),
            ("no declaration today", d.missing),
            ("yellow", d.yellow),
            ("undeliverable", d.failed),
            ("opted out", d.opted_out),
        ):
            click.echo(f"  {title} ({len(items)}): " + ("; ".join(items) if items else "-"))


def register(main: click.Group) -> None:
    """Add the scheduling commands to the `f0care` group."""
    for command in (jobs_group, scheduler_cmd, report):
        main.add_command(command)
