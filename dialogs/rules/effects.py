"""What a scheduled rule asks the host to do. The host applies one rule's effects in one transaction.

A change guarded by what the rule read (an alert's step, a patient's pending test) carries the
messages it announces: they are queued only when the guarded change was still to be made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dialogs.effects import Effect
from dialogs.state import PatientView


@dataclass(frozen=True)
class ScheduledSms:
    """A message queued once per key: a second run (a restart, a second scheduler) sends nothing twice."""

    key: str  # job:subject:local date:step
    to: str
    text: str
    kind: str
    patient_id: int | None = None
    covers: tuple[str, ...] = ()  # per-patient keys this message fulfils (claimed by the fan-out)


@dataclass(frozen=True)
class Escalate:
    """Move an unacknowledged alert one step up the ladder and tell the next people."""

    alert_id: int
    from_step: int
    to_step: int
    messages: tuple[ScheduledSms, ...]


@dataclass(frozen=True)
class SetMonitorUntil:
    """Fill in the day the rapid test is due, for a patient who has none yet."""

    patient_id: int
    until: date


@dataclass(frozen=True)
class AskForTest:
    """Record that the rapid test was asked for on `day` (no result yet), and ask."""

    patient_id: int
    day: date
    messages: tuple[ScheduledSms, ...]


@dataclass(frozen=True)
class PostponeTest:
    """The test asked on `asked_on` got no answer: ask again on `until`."""

    patient_id: int
    asked_on: date
    until: date
    messages: tuple[ScheduledSms, ...] = ()


@dataclass(frozen=True)
class RaiseOnce:
    """Dialog effects of an alert with a key: applied whole, or skipped when the key was raised already."""

    patient_id: int
    patient: PatientView
    effects: tuple[Effect, ...]


ScheduledEffect = ScheduledSms | Escalate | SetMonitorUntil | AskForTest | PostponeTest | RaiseOnce
