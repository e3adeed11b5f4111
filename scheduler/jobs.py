"""The job table: each job's name, when it runs, whether quiet hours hold it, what it reads, its rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from dialogs.rules import ladder, monitoring_end, pending, silent_days
from dialogs.rules.effects import AskForTest, Escalate, PostponeTest, RaiseOnce, ScheduledEffect
from dialogs.rules.household import FanOutRule, MorningPrompt, Reminder
from dialogs.rules.settings import RuleSettings
from models.alarm_checks import check_alarms
from models.retention import purge
from scheduler import queries
from scheduler.context import JobContext, parse_hhmm

Batch = TypeVar("Batch")


@dataclass(frozen=True)
class Job(Generic[Batch]):
    """Read batches; for each, the rule's effects are applied in one transaction, then delivered."""

    name: str
    cron: dict[str, str]  # APScheduler CronTrigger fields (hour, minute), in the service timezone
    about: str
    quiet: bool  # skipped in quiet hours (no scheduled message to patients)
    query: Callable[[JobContext, datetime], Iterable[Batch]]
    rule: Callable[[Batch, datetime, RuleSettings], Sequence[ScheduledEffect]]
    details: tuple[tuple[str, type], ...] = ()  # report: how many effects of a type took hold


@dataclass(frozen=True)
class FanOut:
    """Households in batches; each batch claims its keys and queues what is still due."""

    name: str
    cron: dict[str, str]
    about: str
    query: Callable[[JobContext, datetime], Iterable[queries.Households]]
    rule: Callable[[date, RuleSettings], FanOutRule]
    quiet: bool = True


@dataclass(frozen=True)
class Task:
    """An operator's job with no patient rule: it reads, decides and writes itself, returns outbox ids."""

    name: str
    cron: dict[str, str]
    about: str
    run: Callable[[JobContext, datetime], list[int]]
    quiet: bool = False


AnyJob = Job[Any] | FanOut | Task


def _alarms(ctx: JobContext, now: datetime) -> list[int]:
    return check_alarms(ctx.db, ctx.alarms, now) if ctx.alarms is not None else []


def _purge(ctx: JobContext, now: datetime) -> list[int]:
    if ctx.retention is not None:
        purge(ctx.db, ctx.retention, now)
    return []


def daily(hhmm: str) -> dict[str, str]:
    moment = parse_hhmm(hhmm)
    return {"hour": str(moment.hour), "minute": str(moment.minute)}


def prompt_at(slot: str) -> Callable[[date, RuleSettings], FanOutRule]:
    return lambda day, settings: MorningPrompt(day, slot, settings)


def jobs(ctx: JobContext) -> dict[str, AnyJob]:
    """Every job, with its times from `schedule:` in config.yaml."""
    s = ctx.schedule
    table: list[AnyJob] = [
        FanOut(
            "morning-prompts",
            daily(s.morning_prompt),
            "the daily questions",
            query=queries.households(only_missing=False),
            rule=prompt_at(s.morning_prompt),
        ),
        FanOut(
            "reminder",
            daily(s.reminder),
            "a nudge to those who have not declared",
            query=queries.households(only_missing=True),
            rule=Reminder,
        ),
        Job(
            "deadline",
            daily(s.deadline),
            "digest to each clinic; 2 silent days = red",
            quiet=False,
            query=queries.clinic_days,
            rule=silent_days.deadline,
            details=(("not_reporting", RaiseOnce),),
        ),
        Job(
            "ack-watch",
            {"minute": f"*/{s.ack_watch_minutes}"},
            "re-send unacknowledged red alerts",
            quiet=False,
            query=queries.open_alerts,
            rule=ladder.climb,
            details=(("escalated", Escalate),),
        ),
        Job(
            "end-of-monitoring",
            daily(s.end_of_monitoring),
            "rapid test on day N",
            quiet=True,
            query=queries.monitored_patients,
            rule=monitoring_end.end_of_monitoring,
            details=(("asked", AskForTest), ("extended", PostponeTest)),
        ),
        Job(
            "pending-watch",
            {"minute": "15"},
            "remind staff of waiting registrations",
            quiet=True,
            query=queries.waiting_registrations,
            rule=pending.remind,
        ),
    ]
    table += [
        Task("alarms", {"minute": "*"}, "SMS the operators when sending fails or lags (alarms:)", _alarms),
        Task("retention", daily("03:30"), "export then delete records closed long ago (retention:)", _purge),
    ]
    for extra in s.checkins[1:]:
        name = f"checkin-{extra.replace(':', '')}"
        prompts = queries.households(only_missing=False)
        table.append(FanOut(name, daily(extra), "an extra daily check-in", query=prompts, rule=prompt_at(extra)))
    return {job.name: job for job in table}
