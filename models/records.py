"""Rows the inbound path reads and writes without the ORM: a phone's contact, a patient only read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dialogs.state import PatientView
from models.tables import Patient


@dataclass
class ContactRow:
    """A phone's contact row, read and written with Core statements (the webhook's hot path)."""

    phone: str
    language: str
    opted_out: bool = False
    opted_out_at: datetime | None = None
    state: str = "idle"
    state_data: dict[str, Any] = field(default_factory=dict)
    state_updated_at: datetime | None = None
    stored: bool = False  # False: first contact, inserted by `ContactRepository.save`
    # Whether this phone sent the window's `at_most` inbound messages since its `since` (the window
    # asked of `for_update`, read in the same statement); None when not asked or no row yet.
    window_full: bool | None = None


@dataclass(frozen=True)
class InboundWindow:
    """Count a phone's inbound messages since `since`, up to `at_most` (a limit only asks whether it is spent)."""

    since: datetime
    at_most: int


@dataclass(frozen=True)
class StaffNote:
    """A staff command to keep in the audit: what, on which patient, by whom."""

    action: str  # a dialogs.staff_context.Verb value
    patient_code: str
    by_name: str
    by_phone: str
    detail: str = ""  # the reason of a rejection, the days of an extension


@dataclass(frozen=True)
class PatientRef:
    """A patient the effects only read: its id, and the dialogs' view of it."""

    id: int
    view: PatientView

    @property
    def code(self) -> str:
        return self.view.code

    @property
    def clinic_id(self) -> str:
        return self.view.clinic_id

    @property
    def phone(self) -> str:
        return self.view.phone

    @property
    def status(self) -> str:
        return self.view.status


def patient_view(patient: Patient) -> PatientView:
    """The dialogs' read-only picture of a patient row."""
    return view_of(patient)


def view_of(patient: Any) -> PatientView:
    """A PatientView of an ORM patient or a Core row (same attribute names)."""
    return PatientView(
        code=patient.code,
        full_name=patient.full_name,
        phone=patient.phone,
        clinic_id=patient.clinic_id,
        status=patient.status,
        birth_year=patient.birth_year,
        birth_date=patient.birth_date,
        area=patient.area,
        risk_factors=tuple(patient.risk_factors or ()),
        registered_by=patient.registered_by,
        language=patient.language,
        decided_by=patient.decided_by or "",
        decided_at=patient.decided_at,
        test_asked_on=patient.test_asked_on,
        test_result=getattr(patient, "test_result", None),  # rows of some queries leave it out
        monitor_until=patient.monitor_until,
        positive_test_date=patient.positive_test_date,
    )
