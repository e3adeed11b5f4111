"""What a staff command says, and what the host loads before carrying it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dialogs.program import Program, Staff
from dialogs.state import PatientView


class Verb(StrEnum):
    """The staff commands (stored nowhere: the SMS words are in `dialogs.staff.COMMANDS`)."""

    REGISTER = "register"
    ACCEPT = "accept"
    REJECT = "reject"
    ACK = "ack"
    END = "end"
    EXTEND = "extend"
    CALLED = "called"


@dataclass(frozen=True)
class Command:
    verb: str  # a Verb
    code: str = ""
    rest: str = ""  # reason for reject; days for extend; "<name>, <birth>, <area>" for register
    phone: str = ""  # raw phone for register


@dataclass(frozen=True)
class AlertNote:
    """A red alert as a staff command sees it: why and when it was raised, who answered it."""

    reason: str
    raised_at: datetime
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = None


@dataclass(frozen=True)
class StaffContext:
    program: Program
    staff: Staff
    patient: PatientView | None = None  # the patient the command names, any clinic
    open_alerts: int = 0
    open_alert: AlertNote | None = None  # the latest alert nobody has acknowledged
    last_acked: AlertNote | None = None  # the latest acknowledged alert
    call_needed: bool = False  # SMS do not reach the patient: the station should phone
    new_code: str = ""
    target_patients: tuple[PatientView, ...] = ()  # for DK: patients already on that phone
