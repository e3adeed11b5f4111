"""Conversation states (stored by name: never reorder-sensitive) and the per-phone context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from dialogs.drafts import StateData
from dialogs.effects import Effect
from dialogs.keywords import Keyword
from dialogs.limits import CodeUsage
from dialogs.program import Program


class State(StrEnum):
    IDLE = "idle"
    REG_NAME = "reg_name"
    REG_BIRTH = "reg_birth"
    REG_AREA = "reg_area"
    REG_PHONE = "reg_phone"
    REG_TEST_DATE = "reg_test_date"
    REG_SYMPTOMS = "reg_symptoms"
    REG_RISKS = "reg_risks"
    REG_OTP = "reg_otp"
    DECLARING = "declaring"
    CHOOSE_PATIENT = "choose_patient"


REGISTRATION_STATES = frozenset(s for s in State if s.value.startswith("reg_"))

# How long an unfinished dialog waits for the next answer before it is dropped.
STATE_TTL: dict[State, timedelta] = {
    **{s: timedelta(hours=24) for s in REGISTRATION_STATES},
    State.DECLARING: timedelta(hours=6),
    State.CHOOSE_PATIENT: timedelta(hours=1),
}


@dataclass(frozen=True)
class Conversation:
    """The stored dialog state of one phone number."""

    state: State = State.IDLE
    data: StateData = None  # the type the flow table gives the state; stored by `dialogs.codec`
    updated_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        ttl = STATE_TTL.get(self.state)
        return ttl is not None and self.updated_at is not None and now - self.updated_at > ttl


@dataclass(frozen=True)
class Turn:
    """One inbound text as the flow sees it: the keyword it starts with (if any) and the rest."""

    text: str
    keyword: Keyword | None = None
    rest: str = ""


@dataclass(frozen=True)
class PatientView:
    """What the dialogs may know of a patient."""

    code: str
    full_name: str
    phone: str
    clinic_id: str
    status: str  # pending, active, rejected, discharged
    birth_year: int
    birth_date: date | None
    area: str
    risk_factors: tuple[str, ...] = ()
    registered_by: str = ""
    language: str = "vi"
    decided_by: str = ""  # staff name who accepted or rejected
    decided_at: datetime | None = None
    test_asked_on: date | None = None  # a rapid-test result is awaited
    test_result: str | None = None  # negative, positive: the answer to the test asked for
    monitor_until: date | None = None
    positive_test_date: date | None = None

    def age(self, today: date) -> float:
        """Age in completed years (from the birth year alone when the date is unknown)."""
        if self.birth_date is not None:
            born = self.birth_date
            return float(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))
        return float(today.year - self.birth_year)


@dataclass(frozen=True)
class DaySummary:
    """The declaration one local day is shown with in `LS`: its latest complete one, else its latest partial one."""

    day: date
    answers: dict[str, float | str | None]
    level: str
    complete: bool = True


@dataclass(frozen=True)
class Context:
    """Everything a patient-side step may read, loaded by the host before the step."""

    program: Program
    phone: str  # the sender, E.164
    language: str
    opted_out: bool
    patients: tuple[PatientView, ...]  # patients whose phone is the sender's
    new_code: str = ""  # a fresh, probably unused patient code
    new_otp: str = ""  # a fresh 6-digit code
    nonce: str = ""  # fresh random text, e.g. a salt
    otp_sent_today: int = 0  # OTP messages sent today to the registration's target phone
    target_patients: tuple[PatientView, ...] = ()  # patients on the registration's target phone
    codes: CodeUsage = field(default_factory=CodeUsage)  # codes counted for the target (dialogs.limits)
    history: dict[str, tuple[DaySummary, ...]] = field(default_factory=dict)

    @property
    def active(self) -> tuple[PatientView, ...]:
        return tuple(p for p in self.patients if p.status == "active")

    @property
    def monitored(self) -> tuple[PatientView, ...]:
        """Active patients and registrations not yet accepted: a pending patient is a patient (issue 11)."""
        return tuple(p for p in self.patients if p.status in ("active", "pending"))


@dataclass(frozen=True)
class Step:
    """The result of one inbound message: the next conversation and what to do."""

    conversation: Conversation
    effects: tuple[Effect, ...] = ()
