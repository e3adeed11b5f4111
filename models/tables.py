"""The service's tables. Times are stored in UTC; local dates are the service timezone's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.clock import utcnow
from models.types import UTCDateTime


class Contact(SQLModel, table=True):
    """One phone number that wrote to us or was registered: its dialog state and preferences."""

    phone: str = Field(primary_key=True, max_length=20)
    language: str = Field(default="vi", max_length=2)
    opted_out: bool = False
    opted_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    state: str = Field(default="idle", max_length=32)
    state_data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Patient(SQLModel, table=True):
    # The fan-out pages through active patients by phone (keyset): equality on status, range and order on phone.
    # The staff console's line lists: a clinic's patients by status (and who needs a call), from the index alone.
    __table_args__ = (
        Index("ix_patient_status_phone", "status", "phone", "id"),
        Index("ix_patient_clinic_status", "clinic_id", "status", "call_needed"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=8)
    full_name: str = Field(max_length=80)
    birth_year: int
    birth_date: date | None = None
    area: str = Field(max_length=80)
    clinic_id: str = Field(max_length=64)  # indexed first in ix_patient_clinic_status
    phone: str = Field(index=True, max_length=20)
    registered_by: str = Field(max_length=20)
    positive_test_date: date
    symptoms: bool = False
    risk_factors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending active rejected discharged; ix_patient_status_phone
    language: str = Field(default="vi", max_length=2)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = Field(default=None, max_length=80)
    decided_by_phone: str | None = Field(default=None, max_length=20)
    rejected_reason: str | None = Field(default=None, max_length=500)
    # End of monitoring (MoH 261: day 7 with a negative rapid test, else day 10 or 14).
    monitor_until: date | None = None  # the day a rapid-test result is next asked for
    test_asked_on: date | None = None
    test_result: str | None = Field(default=None, max_length=16)  # negative, positive
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by: str | None = Field(default=None, max_length=80)
    call_needed: bool = False  # no SMS reaches this patient: the station should phone


class Declaration(SQLModel, table=True):
    """One daily declaration (several a day are kept; the latest is the day's status)."""

    # ix_declaration_day_patient: who declared on a day (and how), from the index alone (the line lists).
    __table_args__ = (
        UniqueConstraint("patient_id", "started_at", name="uq_declaration_start"),
        Index("ix_declaration_day_patient", "local_date", "level", "patient_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    local_date: date  # indexed first in ix_declaration_day_patient
    started_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    complete: bool = False
    level: str = Field(max_length=8)


class Alert(SQLModel, table=True):
    """A red alert to the clinic; open until a staff member answers OK <CODE>."""

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    clinic_id: str = Field(index=True, max_length=64)
    level: str = Field(max_length=8)
    reason: str = Field(max_length=300)
    created_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=80)
    acknowledged_by_phone: str | None = Field(default=None, max_length=20)
    kind: str = Field(default="answers", max_length=16)  # answers, sos, not_reporting
    dedupe_key: str | None = Field(default=None, unique=True, max_length=120)  # scheduler-raised alerts
    escalation_step: int = 0  # for the scheduler's ack-watch
    last_escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # staff last sent an SMS about it


class Message(SQLModel, table=True):
    """Every SMS in and out. Outbound rows with status 'queued' are the outbox."""

    # ix_message_recent: the inbound rate limits count the last minutes' messages (issue 16).
    __table_args__ = (
        Index("ix_message_outbox", "status", "priority", "id"),
        Index("ix_message_recent", "direction", "created_at"),
        Index("ix_message_phone_recent", "phone", "direction", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    direction: str = Field(max_length=3)  # in, out
    phone: str = Field(max_length=20)  # indexed first in ix_message_phone_recent
    body: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    channel: str = Field(default="sms", max_length=16)
    kind: str = Field(default="reply", max_length=16)  # inbound, reply, otp, alert, staff, welcome, notice
    provider_sid: str | None = Field(default=None, unique=True, max_length=128)
    # Scheduled sends carry a key (job, subject, local date, step): never sent twice.
    dedupe_key: str | None = Field(default=None, unique=True, max_length=120)
    in_reply_to: int | None = Field(default=None, index=True)
    status: str = Field(default="received", max_length=16)  # received, replied, queued, sent, failed
    priority: int = 0  # 0: alerts, codes, replies, notices go first; 1: bulk (prompts, reminders, digests)
    sensitive: bool = False
    segments: int = 1
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # backoff after a failure
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # a sender is delivering it
    claimed_by: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=300)
    error_code: int | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScheduledSend(SQLModel, table=True):
    """One scheduled send per (job, patient, local date, step): the key is what makes it once.

    A household's shared prompt is one message with one key per patient, so a patient
    added later still gets that day's prompt and nobody gets it twice.
    """

    key: str = Field(primary_key=True, max_length=120)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class SendBudget(SQLModel, table=True):
    """The outbound token bucket every sender shares: gateway.max_per_second across all processes."""

    __tablename__ = "send_budget"

    name: str = Field(primary_key=True, max_length=32)
    tokens: float  # segments that may be sent now, counted at `stamp`
    stamp: float  # seconds since the epoch
