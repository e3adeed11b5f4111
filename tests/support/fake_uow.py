"""A unit of work in memory: the same protocol as `models.uow.SqlUnitOfWork`, no database.

`FakeDatabase` holds the committed rows; each `FakeUnitOfWork` works on a copy of them and
writes the copy back only on `commit()`, so a block left without a commit leaves nothing.
Uniqueness is enforced as the tables enforce it (patient code, provider message id, alert key).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError

from dialogs.effects import CreatePatient, RaiseAlert, RecordDeclaration, SendSms
from dialogs.staff_context import AlertNote
from dialogs.state import DaySummary
from dialogs.text import segments
from models.records import ContactRow, InboundWindow, PatientRef, StaffNote, view_of
from models.redact import redact
from models.repositories.declarations import latest_per_day
from models.repositories.patients import LIVE, new_patient
from models.tables import Alert, Declaration, Message, Patient
from models.uow import UnitOfWork
from tests.support.fake_budgets import FakeBudgets


def _taken(what: str) -> IntegrityError:
    return IntegrityError(f"fake insert: {what}", {}, Exception(f"UNIQUE constraint failed: {what}"))


@dataclass
class Tables:
    contacts: dict[str, ContactRow] = field(default_factory=dict)
    patients: dict[int, Patient] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    audit: list[tuple[StaffNote, int | None, str, str]] = field(default_factory=list)
    last_id: int = 0

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id


@dataclass
class FakeDatabase:
    """The committed rows, and the operations told to fail (to prove a rollback)."""

    tables: Tables = field(default_factory=Tables)
    commits: int = 0
    broken: set[str] = field(default_factory=set)  # e.g. {"add_reply"}: raises RuntimeError

    def unit_of_work(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def sms_to(self, phone: str) -> list[str]:
        """Texts queued in the outbox for `phone`, oldest first."""
        return [m.body for m in self.tables.messages if m.status == "queued" and m.phone == phone]

    def check(self, operation: str) -> None:
        if operation in self.broken:
            raise RuntimeError(f"{operation} failed (told to)")


class FakeContacts:
    def __init__(self, tables: Tables, db: FakeDatabase) -> None:
        self._tables, self._db = tables, db

    def for_update(self, phone: str, language: str, recent: InboundWindow | None = None) -> ContactRow:
        stored = self._tables.contacts.get(phone)
        if stored is None:
            return ContactRow(phone=phone, language=language)
        full = None
        if recent is not None:
            found = sum(
                1
                for m in self._tables.messages
                if m.direction == "in" and m.phone == phone and m.created_at >= recent.since
            )
            full = found >= recent.at_most
        return replace(stored, state_data=dict(stored.state_data), window_full=full)

    def save(self, contact: ContactRow) -> None:
        self._db.check("save_contact")
        contact.stored = True
        self._tables.contacts[contact.phone] = replace(contact, state_data=dict(contact.state_data))


class FakePatients:
    def __init__(self, tables: Tables, db: FakeDatabase) -> None:
        self._tables, self._db = tables, db

    def live_on_phone(self, phone: str) -> list[PatientRef]:
        rows = sorted(self._tables.patients.items())
        return [PatientRef(id, view_of(p)) for id, p in rows if p.phone == phone and p.status in LIVE]

    def live_on_phones(self, phones: Sequence[str]) -> dict[str, list[PatientRef]]:
        found = {phone: self.live_on_phone(phone) for phone in set(phones)}
        return {phone: refs for phone, refs in found.items() if refs}

    def codes_taken(self, codes: Sequence[str]) -> set[str]:
        return set(codes) & {p.code for p in self._tables.patients.values()}

    def by_code(self, code: str, lock: bool = False) -> Patient | None:
        return next((p for p in self._tables.patients.values() if p.code == code), None)

    def create(self, effect: CreatePatient, now: datetime) -> Patient:
        if self.by_code(effect.code) is not None:
            raise _taken("patient.code")
        patient = new_patient(effect, now)
        patient.id = self._tables.new_id()
        self._tables.patients[patient.id] = patient
        return patient

    def create_many(self, effects: Sequence[CreatePatient], now: datetime) -> dict[str, int]:
        created = [self.create(effect, now) for effect in effects]
        return {patient.code: patient.id for patient in created if patient.id is not None}

    def save(self, patient: Patient) -> None:
        assert patient.id is not None
        self._tables.patients[patient.id] = patient

    def set_language(self, ids: Sequence[int], language: str) -> None:
        for id in ids:
            self._tables.patients[id].language = language


class FakeMessages:
    def __init__(self, tables: Tables, db: FakeDatabase) -> None:
        self._tables, self._db = tables, db

    def _add(self, message: Message) -> int:
        message.id = self._tables.new_id()
        self._tables.messages.append(message)
        return message.id

    def add_inbound(
        self,
        *,
        phone: str,
        text: str,
        channel: str,
        provider_sid: str,
        patient_id: int | None,
        replied: bool,
        secret: bool,
        now: datetime,
        status: str | None = None,
    ) -> int | None:
        if any(m.provider_sid == provider_sid for m in self._tables.messages):
            return None
        body = redact(text) if secret else text
        status = status or ("replied" if replied else "received")
        return self._add(
            Message(
                direction="in",
                phone=phone,
                body=body,
                created_at=now,
                channel=channel,
                kind="inbound",
                provider_sid=provider_sid,
                segments=segments(text),
                patient_id=patient_id,
                status=status,
            )
        )

    def link_patient(self, message_id: int, patient_id: int | None) -> None:
        next(m for m in self._tables.messages if m.id == message_id).patient_id = patient_id

    def add_reply(
        self,
        *,
        to_id: int,
        phone: str,
        body: str,
        channel: str,
        patient_id: int | None,
        now: datetime,
        queued: bool = False,
    ) -> int | None:
        self._db.check("add_reply")
        reply = Message(
            direction="out",
            phone=phone,
            body=body,
            created_at=now,
            channel=channel,
            kind="reply",
            status="queued" if queued else "sent",
            in_reply_to=to_id,
            patient_id=patient_id,
            segments=segments(body),
            sent_at=None if queued else now,
        )
        added = self._add(reply)
        return added if queued else None

    def queue(self, effect: SendSms, patient_id: int | None, now: datetime) -> int:
        queued = Message(
            direction="out",
            phone=effect.to,
            body=effect.text,
            created_at=now,
            patient_id=patient_id,
            kind=effect.kind,
            status="queued",
            sensitive=effect.sensitive,
            segments=segments(effect.text),
            priority=1 if effect.bulk else 0,
        )
        return self._add(queued)

    def queue_many(self, items: Sequence[tuple[SendSms, int | None]], now: datetime) -> list[int]:
        return [self.queue(effect, patient_id, now) for effect, patient_id in items]

    def reply_to(self, provider_sid: str) -> str | None:
        inbound = next((m for m in self._tables.messages if m.provider_sid == provider_sid), None)
        if inbound is None:
            return None
        replies = (m.body for m in self._tables.messages if m.in_reply_to == inbound.id and m.kind == "reply")
        return next(replies, "")

    def otp_sent_since(self, phone: str, since: datetime) -> int:
        return sum(
            1
            for m in self._tables.messages
            if m.phone == phone and m.kind == "otp" and m.direction == "out" and m.created_at >= since
        )

    def add_failed(self, *, phone: str, body: str, channel: str, provider_sid: str | None, now: datetime) -> None:
        failed = Message(
            direction="in",
            phone=phone[:20],
            body=body[:1600],
            created_at=now,
            channel=channel,
            kind="inbound",
            status="error",
            provider_sid=provider_sid,
        )
        self._add(failed)


class FakeDeclarations:
    def __init__(self, tables: Tables, db: FakeDatabase) -> None:
        self._tables, self._db = tables, db

    def record(self, effect: RecordDeclaration, patient_id: int, now: datetime) -> None:
        rows = self._tables.declarations
        found = next((d for d in rows if d.patient_id == patient_id and d.started_at == effect.started_at), None)
        if found is not None and effect.new:
            raise _taken("declaration (patient_id, started_at)")
        if found is None:
            found = Declaration(
                id=self._tables.new_id(),
                patient_id=patient_id,
                local_date=effect.local_date,
                started_at=effect.started_at,
                updated_at=now,
                level=effect.level.value,
            )
            rows.append(found)
        found.answers, found.complete = dict(effect.answers), effect.complete
        found.level, found.updated_at = effect.level.value, now

    def history(self, patients: Iterable[PatientRef], since: date) -> dict[str, tuple[DaySummary, ...]]:
        by_id = {p.id: p.code for p in patients}
        rows = [d for d in self._tables.declarations if d.patient_id in by_id and d.local_date >= since]
        return latest_per_day((by_id[d.patient_id], d) for d in sorted(rows, key=lambda d: d.started_at))


class FakeAlerts:
    def __init__(self, tables: Tables, db: FakeDatabase) -> None:
        self._tables, self._db = tables, db

    def add(self, effect: RaiseAlert, patient_id: int, clinic_id: str, now: datetime) -> None:
        if effect.key is not None and any(a.dedupe_key == effect.key for a in self._tables.alerts):
            raise _taken("alert.dedupe_key")
        alert = Alert(
            id=self._tables.new_id(),
            patient_id=patient_id,
            clinic_id=clinic_id,
            level=effect.level.value,
            reason=effect.reason[:300],
            kind=effect.kind,
            dedupe_key=effect.key,
            created_at=now,
            paged_at=now,
        )
        self._tables.alerts.append(alert)

    def _open(self, patient_id: int) -> list[Alert]:
        return [a for a in self._tables.alerts if a.patient_id == patient_id and a.acknowledged_at is None]

    def count_open(self, patient_id: int) -> int:
        return len(self._open(patient_id))

    def acknowledge_open(self, patient_id: int, now: datetime, by_name: str, by_phone: str | None) -> None:
        for alert in self._open(patient_id):
            alert.acknowledged_at, alert.acknowledged_by, alert.acknowledged_by_phone = now, by_name, by_phone

    def latest_open(self, patient_id: int) -> AlertNote | None:
        rows = sorted(self._open(patient_id), key=lambda a: (a.created_at, a.id or 0))
        return AlertNote(rows[-1].reason, rows[-1].created_at) if rows else None

    def latest_acknowledged(self, patient_id: int) -> AlertNote | None:
        rows = [a for a in self._tables.alerts if a.patient_id == patient_id and a.acknowledged_at is not None]
        if not rows:
            return None
        last = max(rows, key=lambda a: (a.acknowledged_at or a.created_at, a.id or 0))
        return AlertNote(last.reason, last.created_at, last.acknowledged_by or "", last.acknowledged_at)

    def open_paged(self, patient_ids: Sequence[int]) -> dict[int, tuple[datetime, str]]:
        return {
            a.patient_id: (a.paged_at or a.created_at, a.reason)
            for a in sorted(self._tables.alerts, key=lambda a: a.paged_at or a.created_at)
            if a.patient_id in patient_ids and a.acknowledged_at is None
        }

    def add_to_open(self, patient_id: int, reason: str, now: datetime, paged: bool) -> None:
        for alert in self._open(patient_id)[-1:]:
            alert.reason = alert.reason if reason in alert.reason else f"{alert.reason}; {reason}"[:300]
            alert.paged_at = now if paged else alert.paged_at


class FakeAudit:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    def add(self, note: StaffNote, patient_id: int | None, channel: str, outcome: str, now: datetime) -> None:
        self._tables.audit.append((note, patient_id, channel, outcome))

    def add_many(
        self, notes: Sequence[tuple[StaffNote, int | None]], channel: str, outcome: str, now: datetime
    ) -> None:
        self._tables.audit += [(note, patient_id, channel, outcome) for note, patient_id in notes]


class FakeUnitOfWork:
    """One transaction on a `FakeDatabase`: a working copy, written back by `commit()`."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.rollback()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.db.check("commit")
        self.db.tables = copy.deepcopy(self._working)
        self.db.commits += 1

    def rollback(self) -> None:
        """Forget what was not committed (the repositories start again from the committed rows)."""
        self._working = working = copy.deepcopy(self.db.tables)
        self.contacts = FakeContacts(working, self.db)
        self.patients = FakePatients(working, self.db)
        self.messages = FakeMessages(working, self.db)
        self.declarations = FakeDeclarations(working, self.db)
        self.alerts = FakeAlerts(working, self.db)
        self.budgets = FakeBudgets(working)
        self.audit = FakeAudit(working)


_CONFORMS: type[UnitOfWork] = FakeUnitOfWork  # mypy checks the fake against the protocol here
