"""The job table: each job's name, when it runs, and what it calls. Every job takes `now`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from scheduler.context import JobContext, JobReport, parse_hhmm
from scheduler.digest import deadline
from scheduler.escalation import ack_watch, pending_watch
from scheduler.monitoring import end_of_monitoring
from scheduler.prompts import morning_prompts, reminder

JobFn = Callable[[JobContext, datetime], JobReport]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFn
    cron: dict[str, str]  # APScheduler CronTrigger fields (hour, minute), in the service timezone
    about: str


def daily(hhmm: str) -> dict[str, str]:
    moment = parse_hhmm(hhmm)
    return {"hour": str(moment.hour), "minute": str(moment.minute)}


def jobs(ctx: JobContext) -> dict[str, Job]:
    """Every job, with its times from `schedule:` in config.yaml."""
    s = ctx.schedule
    table = [
        Job("morning-prompts", partial(_prompt, slot=s.morning_prompt), daily(s.morning_prompt), "the daily questions"),
        Job("reminder", reminder, daily(s.reminder), "a nudge to those who have not declared"),
        Job("deadline", deadline, daily(s.deadline), "digest to each clinic; 2 silent days = red"),
        Job("ack-watch", ack_watch, {"minute": f"*/{s.ack_watch_minutes}"}, "re-send unacknowledged red alerts"),
        Job("end-of-monitoring", end_of_monitoring, daily(s.end_of_monitoring), "rapid test on day N"),
        Job("pending-watch", pending_watch, {"minute": "15"}, "remind staff of waiting registrations"),
    ]
    for extra in s.checkins[1:]:
        name = f"checkin-{extra.replace(':', '')}"
        table.append(Job(name, partial(_prompt, slot=extra), daily(extra), "an extra daily check-in"))
    return {job.name: job for job in table}


def _prompt(ctx: JobContext, now: datetime, slot: str) -> JobReport:
    return morning_prompts(ctx, now, slot)
