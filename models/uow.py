"""The unit of work: one transaction, its repositories, and a rollback unless `commit()` is called.

`UnitOfWork` is what the application services see; `SqlUnitOfWork(engine)` is the database,
`tests/support/fake_uow.py` keeps the same rows in memory for service tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialogs.effects import CreatePatient, RaiseAlert, RecordDeclaration, SendSms
from dialogs.limits import CodeUsage
from dialogs.staff_context import AlertNote
from dialogs.state import DaySummary
from models.records import ContactRow, InboundWindow, PatientRef, StaffNote
from models.repositories.alerts import SqlAlerts
from models.repositories.audit import SqlAudit
from models.repositories.budgets import SqlBudgets
from models.repositories.contacts import SqlContacts
from models.repositories.declarations import SqlDeclarations
from models.repositories.messages import SqlMessages
from models.repositories.patients import SqlPatients
from models.tables import Patient


class ContactRepository(Protocol):
    def for_update(self, phone: str, language: str, recent: InboundWindow | None = None) -> ContactRow: ...
    def save(self, contact: ContactRow) -> None: ...


class PatientRepository(Protocol):
    def live_on_phone(self, phone: str) -> list[PatientRef]: ...
    def live_on_phones(self, phones: Sequence[str]) -> dict[str, list[PatientRef]]: ...
    def codes_taken(self, codes: Sequence[str]) -> set[str]: ...
    def by_code(self, code: str, lock: bool = False) -> Patient | None: ...
    def create(self, effect: CreatePatient, now: datetime) -> Patient: ...
    def create_many(self, effects: Sequence[CreatePatient], now: datetime) -> dict[str, int]: ...
    def save(self, patient: Patient) -> None: ...
    def set_language(self, ids: Sequence[int], language: str) -> None: ...


class MessageRepository(Protocol):
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
    ) -> int | None: ...
    def link_patient(self, message_id: int, patient_id: int | None) -> None: ...
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
    ) -> int | None: ...
    def queue(self, effect: SendSms, patient_id: int | None, now: datetime) -> int: ...
    def queue_many(self, items: Sequence[tuple[SendSms, int | None]], now: datetime) -> list[int]: ...
    def reply_to(self, provider_sid: str) -> str | None: ...
    def otp_sent_since(self, phone: str, since: datetime) -> int: ...
    def add_failed(self, *, phone: str, body: str, channel: str, provider_sid: str | None, now: datetime) -> None: ...


class DeclarationRepository(Protocol):
    def record(self, effect: RecordDeclaration, patient_id: int, now: datetime) -> None: ...
    def history(self, patients: Iterable[PatientRef], since: date) -> dict[str, tuple[DaySummary, ...]]: ...


class AlertRepository(Protocol):
    def add(self, effect: RaiseAlert, patient_id: int, clinic_id: str, now: datetime) -> None: ...
    def count_open(self, patient_id: int) -> int: ...
    def acknowledge_open(self, patient_id: int, now: datetime, by_name: str, by_phone: str | None) -> None: ...
    def latest_open(self, patient_id: int) -> AlertNote | None: ...
    def latest_acknowledged(self, patient_id: int) -> AlertNote | None: ...
    def open_paged(self, patient_ids: Sequence[int]) -> dict[int, tuple[datetime, str]]: ...
    def add_to_open(self, patient_id: int, reason: str, now: datetime, paged: bool) -> None: ...


class BudgetRepository(Protocol):
    def lock_codes(self) -> None: ...
    def code_usage(self, registrant: str, target: str, midnight: datetime, hour_ago: datetime) -> CodeUsage: ...
    def link_queued(self, inbound_id: int, queued: Sequence[int]) -> None: ...
    def service_busy(self, per_minute: int, now: datetime) -> bool: ...
    def inbound_since(
        self, phone: str | None, since: datetime, status: str | None = None, at_most: int | None = None
    ) -> int: ...


class AuditRepository(Protocol):
    def add(self, note: StaffNote, patient_id: int | None, channel: str, outcome: str, now: datetime) -> None: ...
    def add_many(
        self, notes: Sequence[tuple[StaffNote, int | None]], channel: str, outcome: str, now: datetime
    ) -> None: ...


class Repositories(Protocol):
    """What the effect interpreter writes through."""

    @property
    def patients(self) -> PatientRepository: ...
    @property
    def contacts(self) -> ContactRepository: ...
    @property
    def messages(self) -> MessageRepository: ...
    @property
    def declarations(self) -> DeclarationRepository: ...
    @property
    def alerts(self) -> AlertRepository: ...
    @property
    def budgets(self) -> BudgetRepository: ...
    @property
    def audit(self) -> AuditRepository: ...


class UnitOfWork(Repositories, Protocol):
    """One transaction: `with uow:` ... `uow.commit()`; leaving the block without a commit rolls back."""

    def __enter__(self) -> Self: ...
    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class SqlRepositories:
    """The repositories over one session (the caller owns the transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.patients = SqlPatients(session)
        self.contacts = SqlContacts(session)
        self.messages = SqlMessages(session)
        self.declarations = SqlDeclarations(session)
        self.alerts = SqlAlerts(session)
        self.budgets = SqlBudgets(session)
        self.audit = SqlAudit(session)


class SqlUnitOfWork(SqlRepositories):
    """A unit of work on `engine`: each `with` block is one transaction, rolled back unless committed."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(Session(engine, expire_on_commit=False))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.session.rollback()  # nothing, after a commit
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
