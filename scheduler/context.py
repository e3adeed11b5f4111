"""What every job receives: the database, the program, the schedule, and a way to deliver."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from dialogs.program import OnCall, Program
from dialogs.rules.settings import RuleSettings
from models.alarm_checks import AlarmSettings
from models.retention import RetentionPolicy


@dataclass(frozen=True)
class Schedule:
    """`schedule:` of config.yaml, as the jobs need it."""

    morning_prompt: str = "07:00"
    reminder: str = "09:00"
    deadline: str = "10:00"
    end_of_monitoring: str = "08:00"
    ack_timeout_minutes: int = 30
    accept_within_hours: int = 12
    quiet_hours: tuple[str, str] = ("21:00", "06:00")
    checkins: tuple[str, ...] = ("07:00",)
    misfire_grace_minutes: int = 60
    ack_watch_minutes: int = 5


@dataclass(frozen=True)
class JobContext:
    db: Engine
    program: Program
    schedule: Schedule
    oncall: tuple[OnCall, ...] = ()
    deliver: Callable[[Iterable[int]], None] = field(default=lambda ids: None)
    alarms: AlarmSettings | None = None  # the operator alarms (outbox failing or lagging)
    retention: RetentionPolicy | None = None  # the daily purge, when `retention.enabled`

    @property
    def rules(self) -> RuleSettings:
        """What the scheduled rules need of the configuration."""
        s = self.schedule
        return RuleSettings(
            program=self.program,
            ack_timeout_minutes=s.ack_timeout_minutes,
            accept_within_hours=s.accept_within_hours,
            morning_prompt=s.morning_prompt,
            deadline=s.deadline,
            oncall=tuple(o.phone for o in self.oncall),
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.program.timezone)

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.tz)

    def today(self, now: datetime) -> date:
        return self.local(now).date()

    def at(self, day: date, hhmm: str) -> datetime:
        """A local wall-clock time on `day`, as an aware datetime."""
        return datetime.combine(day, parse_hhmm(hhmm), self.tz)

    def quiet(self, now: datetime) -> bool:
        """Inside quiet hours: no scheduled message to patients."""
        start, end = (parse_hhmm(t) for t in self.schedule.quiet_hours)
        moment = self.local(now).time()
        if start <= end:
            return start <= moment < end
        return moment >= start or moment < end

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), self.tz)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = self.midnight(day)
        return start, start + timedelta(days=1)


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass
class JobReport:
    """What a run did, for the log and `f0care jobs run`."""

    job: str
    queued: int = 0
    skipped: str = ""
    details: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in self.details.items())
        head = f"{self.job}: {self.queued} message(s) queued"
        if self.skipped:
            head += f" (skipped: {self.skipped})"
        return head + (f"; {extra}" if extra else "")
