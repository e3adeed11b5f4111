"""What a dialog step asks the host to do. The host performs them in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dialogs.program import Level


@dataclass(frozen=True)
class Reply:
    """Answer to the sender, on the channel the message came in on."""

    text: str


@dataclass(frozen=True)
class SendSms:
    """A message to another phone (OTP, staff alert, welcome), through the outbox."""

    to: str
    text: str
    kind: str
    patient_code: str | None = None
    sensitive: bool = False  # holds a secret (OTP): never logged, redacted once sent
    bulk: bool = False  # one of many queued at once (a file import): sent after alerts, codes and replies


@dataclass(frozen=True)
class CreatePatient:
    code: str
    full_name: str
    birth_year: int
    birth_date: date | None
    area: str
    clinic_id: str
    phone: str
    registered_by: str
    positive_test_date: date
    symptoms: bool
    risk_factors: tuple[str, ...]
    status: str  # "pending" (self-registered) or "active" (registered by staff)
    language: str
    accepted_by: str | None = None
    monitor_until: date | None = None


@dataclass(frozen=True)
class SetPatientStatus:
    code: str
    status: str  # "active", "rejected"
    by_phone: str
    by_name: str
    reason: str | None = None
    monitor_until: date | None = None  # set when monitoring starts


@dataclass(frozen=True)
class RecordDeclaration:
    """Create or update the declaration started at `started_at` (several a day are kept)."""

    code: str
    started_at: datetime
    local_date: date
    answers: dict[str, float | str | None]
    complete: bool
    level: Level
    new: bool = False  # started by this message: nothing to look up


@dataclass(frozen=True)
class RaiseAlert:
    code: str
    level: Level
    reason: str
    kind: str = "answers"  # answers, sos, not_reporting
    key: str | None = None  # raised by a scheduled job: once per key


@dataclass(frozen=True)
class AddToAlert:
    """A red sign while the patient's alert is open: added to it (`paged`: staff were sent a follow-up)."""

    code: str
    reason: str
    kind: str = "answers"
    paged: bool = False


@dataclass(frozen=True)
class AcknowledgeAlerts:
    code: str
    by_phone: str
    by_name: str


@dataclass(frozen=True)
class CallMade:
    """Staff phoned a patient SMS could not reach (`DAGOI <CODE>`): the "call needed" flag is cleared."""

    code: str
    by_name: str


@dataclass(frozen=True)
class RecordTestResult:
    code: str
    result: str  # negative, positive


@dataclass(frozen=True)
class EndMonitoring:
    """The patient has recovered (or monitoring stops): no more scheduled messages."""

    code: str
    by: str


@dataclass(frozen=True)
class ExtendMonitoring:
    code: str
    until: date
    by: str


@dataclass(frozen=True)
class SetOptOut:
    """Stop (or resume) scheduled messages to the sender's phone, for every patient on it."""

    opted_out: bool


@dataclass(frozen=True)
class SetLanguage:
    language: str


Effect = (
    Reply
    | SendSms
    | CreatePatient
    | SetPatientStatus
    | RecordDeclaration
    | RaiseAlert
    | AddToAlert
    | AcknowledgeAlerts
    | SetOptOut
    | SetLanguage
    | RecordTestResult
    | EndMonitoring
    | ExtendMonitoring
    | CallMade
)
