"""What the scheduled rules need of the configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from dialogs.program import Program


@dataclass(frozen=True)
class RuleSettings:
    program: Program
    ack_timeout_minutes: int = 30
    accept_within_hours: int = 12
    morning_prompt: str = "07:00"  # local time of the first daily prompt
    deadline: str = "10:00"  # local time of the digest, named in the reminder
    oncall: tuple[str, ...] = ()  # phones of the province on-call list

    @property
    def ack_timeout(self) -> timedelta:
        return timedelta(minutes=self.ack_timeout_minutes)

    @property
    def accept_within(self) -> timedelta:
        return timedelta(hours=self.accept_within_hours)
