"""Write what a scheduled rule decided, in the caller's transaction (the caller commits)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import assert_never

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dialogs.rules.effects import (
    AskForTest,
    Escalate,
    PostponeTest,
    RaiseOnce,
    ScheduledEffect,
    ScheduledSms,
    SetMonitorUntil,
)
from models.apply import apply_effects
from models.repositories.scheduled import ScheduledRepository
from models.scheduled import enqueue
from models.store import PatientRef


@dataclass
class Done:
    """The outbox ids to deliver once committed, and how many effects of each type took hold."""

    queued: list[int] = field(default_factory=list)
    applied: Counter[type] = field(default_factory=Counter)


def apply_scheduled(session: Session, effects: Iterable[ScheduledEffect], now: datetime) -> Done:
    """Persist `effects`: guarded changes first decide which of their messages go, then one batch insert."""
    done = Done()
    repo = ScheduledRepository(session)
    messages: list[ScheduledSms] = []
    for effect in effects:
        match effect:
            case ScheduledSms():
                messages.append(effect)
                continue
            case Escalate(alert_id, from_step, to_step, carried):
                took = repo.escalate(alert_id, from_step, to_step, now)
            case SetMonitorUntil(patient_id, until):
                took, carried = repo.set_monitor_until(patient_id, until), ()
            case AskForTest(patient_id, day, carried):
                took = repo.ask_for_test(patient_id, day)
            case PostponeTest(patient_id, asked_on, until, carried):
                took = repo.postpone_test(patient_id, asked_on, until)
            case RaiseOnce():
                took, carried = _raise_once(session, effect, now, done), ()
            case _:
                assert_never(effect)
        if took:
            done.applied[type(effect)] += 1
            messages += carried
    done.queued += enqueue(session, messages, now)
    return done


def _raise_once(session: Session, effect: RaiseOnce, now: datetime, done: Done) -> bool:
    """Apply the alert's dialog effects in a savepoint: a key raised already (a second run, a
    second scheduler) rolls back only this alert."""
    known = [PatientRef(effect.patient_id, effect.patient)]
    try:
        with session.begin_nested():
            applied = apply_effects(session, effect.effects, now, None, known)
    except IntegrityError:
        return False
    done.queued += applied.queued
    return True
