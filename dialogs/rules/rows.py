"""What the scheduled rules read: plain frozen rows, loaded by the scheduler's queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dialogs.program import Clinic
from dialogs.state import PatientView


@dataclass(frozen=True)
class OpenAlert:
    """An unacknowledged alert of a pending or active patient."""

    alert_id: int
    step: int  # 0: raised; 1: sent again to the clinic; 2: sent to on-call
    since: datetime  # when it was raised or last climbed
    reason: str
    patient_id: int
    code: str
    full_name: str
    phone: str
    clinic_id: str


@dataclass(frozen=True)
class WaitingRegistration:
    """A self-registration nobody has accepted or refused yet."""

    patient_id: int
    code: str
    full_name: str
    area: str
    phone: str
    clinic_id: str
    created_at: datetime
    declared: str = ""  # the answers of its latest declaration before acceptance, e.g. "93 18 86 37 0 0"
    declared_level: str = ""  # green, yellow, red


@dataclass(frozen=True)
class MonitoredPatient:
    """An active patient, for the end of monitoring."""

    patient_id: int
    patient: PatientView
    test_result: str | None = None
    opted_out: bool = False


@dataclass(frozen=True)
class Recipient:
    """An active, not opted-out patient of the fan-out; `language` is the phone's when it set one."""

    patient_id: int
    code: str
    name: str
    phone: str
    language: str


@dataclass(frozen=True)
class ClinicPatient:
    """An active patient of a clinic, for the deadline digest."""

    patient_id: int
    patient: PatientView
    created_at: datetime
    opted_out: bool = False
    call_needed: bool = False  # SMS do not reach the patient: the station should phone


@dataclass(frozen=True)
class ClinicDay:
    """One clinic's day as of the deadline."""

    clinic: Clinic
    day: date
    patients: tuple[ClinicPatient, ...] = ()
    # The level of each patient's latest complete declaration, yesterday and today.
    declared: Mapping[tuple[int, date], str] = field(default_factory=dict)
    # When each patient who declared neither yesterday nor today last declared (absent: never).
    last_declared: Mapping[int, date] = field(default_factory=dict)
    alerted: frozenset[int] = frozenset()  # patients with an unacknowledged alert at this clinic
    undelivered: frozenset[str] = frozenset()  # phones an outbound message failed to reach today
