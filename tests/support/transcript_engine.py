"""The transcript backend with no database and no HTTP: the inbound service on the in-memory unit of
work, and the scheduled rules applied to the same rows. The same thread must come out of it as out of
the signed webhook on a real database (tests/integration/test_golden_transcripts.py runs both).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import groupby
from typing import cast

from sqlalchemy.engine import Engine

from dialogs.rules.effects import Escalate, ScheduledSms
from dialogs.rules.household import MorningPrompt
from dialogs.rules.ladder import LAST_STEP, climb
from dialogs.rules.rows import OpenAlert, Recipient
from dialogs.text import segments
from f0care.config import Config, to_program
from f0care.runtime import schedule_of
from f0care.service.inbound import receive
from models.scheduled import BULK
from models.tables import Message
from scheduler.context import JobContext
from sms_gateway.wire import InboundSms
from tests.support.fake_uow import FakeDatabase
from tests.support.transcript import Outgoing


class EngineBackend:
    """Each SMS goes to `f0care.service.inbound.receive` over a `FakeDatabase`; jobs are their pure rules."""

    def __init__(self, config: Config) -> None:
        self.program = to_program(config)
        schedule, oncall = schedule_of(config)
        # The jobs' context without a database: its clock and quiet hours, and the rules' settings.
        self.jobs = JobContext(cast(Engine, None), self.program, schedule, oncall)
        self.settings = self.jobs.rules
        self.db = FakeDatabase()
        self.sids = 0
        self.out: list[Outgoing] = []
        self.keys: set[str] = set()  # scheduled sends already queued (the database's unique keys)

    def send(self, phone: str, text: str, now: datetime) -> None:
        self.sids += 1
        sms = InboundSms(phone=phone, body=text, provider_sid=f"SMgolden{self.sids:024d}")
        handled = receive(self.db.unit_of_work, self.program, sms, now)
        if handled.reply:
            self.out.append(Outgoing(phone, handled.reply))
        self._deliver(handled.queued_ids)

    def run_job(self, name: str, now: datetime) -> None:
        jobs = {"ack-watch": self._ack_watch, "morning-prompts": self._morning_prompts}
        if name not in jobs:
            raise NotImplementedError(f"the pure-engine backend runs {sorted(jobs)}; add {name!r} here")
        if name == "morning-prompts" and self.jobs.quiet(now):
            return  # as the runner: bulk messages wait for the end of quiet hours
        jobs[name](now)

    def drain(self) -> list[Outgoing]:
        out, self.out = self.out, []
        return out

    def _ack_watch(self, now: datetime) -> None:
        tables = self.db.tables
        rows = [
            OpenAlert(
                alert_id=alert.id or 0,
                step=alert.escalation_step,
                since=alert.last_escalated_at or alert.created_at,
                reason=alert.reason,
                patient_id=patient.id or 0,
                code=patient.code,
                full_name=patient.full_name,
                phone=patient.phone,
                clinic_id=patient.clinic_id,
            )
            for alert in tables.alerts
            if alert.acknowledged_at is None and alert.escalation_step < LAST_STEP
            for patient in [tables.patients[alert.patient_id]]
            if patient.status in ("pending", "active")
        ]
        ids: list[int] = []
        for move in climb(rows, now, self.settings):
            ids += self._escalate(move, now)
        self._deliver(ids)

    def _escalate(self, move: Escalate, now: datetime) -> list[int]:
        alert = next(a for a in self.db.tables.alerts if a.id == move.alert_id)
        if alert.escalation_step != move.from_step or alert.acknowledged_at is not None:
            return []
        alert.escalation_step, alert.last_escalated_at = move.to_step, now
        return self._queue(move.messages, now)

    def _morning_prompts(self, now: datetime) -> None:
        rule = MorningPrompt(self.jobs.today(now), self.settings.morning_prompt, self.settings)
        opted = {phone for phone, contact in self.db.tables.contacts.items() if contact.opted_out}
        people = sorted(
            (
                Recipient(
                    pid, p.code, p.full_name, p.phone, self.db.tables.contacts.get(p.phone, p).language or p.language
                )
                for pid, p in self.db.tables.patients.items()
                if p.status == "active" and p.phone not in opted
            ),
            key=lambda r: (r.phone, r.patient_id),
        )
        ids: list[int] = []
        for _phone, household in groupby(people, key=lambda r: r.phone):
            ids += self._queue(rule.messages(list(household)), now)
        self._deliver(ids)

    def _queue(self, items: Iterable[ScheduledSms], now: datetime) -> list[int]:
        ids = []
        for item in items:
            if self.keys & {item.key, *item.covers}:
                continue
            self.keys |= {item.key, *item.covers}
            message = Message(
                direction="out",
                phone=item.to,
                body=item.text,
                created_at=now,
                patient_id=item.patient_id,
                kind=item.kind,
                status="queued",
                segments=segments(item.text),
                dedupe_key=item.key,
                priority=1 if item.kind in BULK else 0,
            )
            message.id = self.db.tables.new_id()
            self.db.tables.messages.append(message)
            ids.append(message.id)
        return ids

    def _deliver(self, ids: Iterable[int]) -> None:
        """As the outbox delivers a batch: by priority, then in the order queued."""
        wanted = set(ids)
        due = [m for m in self.db.tables.messages if m.id in wanted and m.status == "queued"]
        for message in sorted(due, key=lambda m: (m.priority, m.id or 0)):
            message.status = "sent"
            self.out.append(Outgoing(message.phone, message.body))
