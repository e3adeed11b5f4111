"""Patients: the live ones on a phone (Core, the hot path), and ORM rows for effects that change one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, literal_column, select, update
from sqlmodel import Session
from sqlmodel import select as orm_select

from dialogs.effects import CreatePatient
from models.records import PatientRef, view_of
from models.tables import Patient

LIVE = ("pending", "active")
_CHUNK = 900  # values in one IN (...): under SQLite's 999 bound parameters of old versions
PATIENTS = Patient.__table__  # type: ignore[attr-defined]
_VIEW_COLUMNS = [
    "id",
    "code",
    "full_name",
    "phone",
    "clinic_id",
    "status",
    "birth_year",
    "birth_date",
    "area",
    "risk_factors",
    "registered_by",
    "language",
    "decided_by",
    "decided_at",
    "test_asked_on",
    "test_result",
    "monitor_until",
    "positive_test_date",
]
VIEW_COLUMNS = tuple(_VIEW_COLUMNS)  # what a PatientView is read from (models.menu_view reads them too)
_INSERT_MANY = insert(PATIENTS).returning(PATIENTS.c.id, PATIENTS.c.code, sort_by_parameter_order=True)
# Built once: building a statement per message costs more than running it. The statuses are
# written into the SQL: an IN of bound values is rendered again on every execution.
if not all(status.isalpha() for status in LIVE):  # they are written into the SQL as they are
    raise ValueError(f"patient statuses must be plain words: {LIVE}")
_LIVE_IN_SQL = PATIENTS.c.status.in_([literal_column(f"'{status}'") for status in LIVE])
_LIVE_ON_PHONE = (
    select(*(PATIENTS.c[name] for name in _VIEW_COLUMNS))
    .where(PATIENTS.c.phone == bindparam("b_phone"), _LIVE_IN_SQL)
    .order_by(PATIENTS.c.id)
)


class SqlPatients:
    def __init__(self, session: Session) -> None:
        self._session = session

    def live_on_phone(self, phone: str) -> list[PatientRef]:
        """The phone's pending and active patients, oldest first."""
        rows = self._session.connection().execute(_LIVE_ON_PHONE, {"b_phone": phone})
        return [PatientRef(row.id, view_of(row)) for row in rows]

    def live_on_phones(self, phones: Sequence[str]) -> dict[str, list[PatientRef]]:
        """The pending and active patients of each of `phones` (a file import checks them all at once)."""
        found: dict[str, list[PatientRef]] = {}
        wanted = sorted(set(phones))
        columns = [PATIENTS.c[name] for name in _VIEW_COLUMNS]
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(*columns).where(PATIENTS.c.phone.in_(chunk), PATIENTS.c.status.in_(LIVE))
            for row in self._session.connection().execute(query.order_by(PATIENTS.c.id)):
                found.setdefault(row.phone, []).append(PatientRef(row.id, view_of(row)))
        return found

    def codes_taken(self, codes: Sequence[str]) -> set[str]:
        """Which of `codes` patients have already (any status)."""
        taken: set[str] = set()
        wanted = sorted(set(codes))
        for start in range(0, len(wanted), _CHUNK):
            query = select(PATIENTS.c.code).where(PATIENTS.c.code.in_(wanted[start : start + _CHUNK]))
            taken.update(code for (code,) in self._session.connection().execute(query))
        return taken

    def by_code(self, code: str, lock: bool = False) -> Patient | None:
        """The patient's ORM row (locked for this transaction when `lock`)."""
        query = orm_select(Patient).where(Patient.code == code)
        if lock:
            query = query.with_for_update()
        return self._session.exec(query).first()

    def create(self, effect: CreatePatient, now: datetime) -> Patient:
        """A new patient row with its id; a taken code raises IntegrityError here."""
        patient = new_patient(effect, now)
        self._session.add(patient)
        self._session.flush()  # the id, for the messages and alerts that follow
        return patient

    def create_many(self, effects: Sequence[CreatePatient], now: datetime) -> dict[str, int]:
        """New patient rows in one statement (a file import); their ids by code. A taken code: IntegrityError."""
        if not effects:
            return {}
        rows = [patient_values(effect, now) for effect in effects]
        return {row.code: row.id for row in self._session.connection().execute(_INSERT_MANY, rows)}

    def save(self, patient: Patient) -> None:
        """Write the changes made to a row from `by_code` or `create` (at the commit)."""
        self._session.add(patient)

    def set_language(self, ids: Sequence[int], language: str) -> None:
        """Patients only read (no ORM row loaded) switch language."""
        self._session.execute(update(PATIENTS).where(PATIENTS.c.id.in_(ids)).values(language=language))


def new_patient(effect: CreatePatient, now: datetime) -> Patient:
    """The row a CreatePatient effect describes."""
    return Patient(**patient_values(effect, now))


def patient_values(effect: CreatePatient, now: datetime) -> dict[str, Any]:
    """The columns of the row a CreatePatient effect describes."""
    return {
        "code": effect.code,
        "full_name": effect.full_name,
        "birth_year": effect.birth_year,
        "birth_date": effect.birth_date,
        "area": effect.area,
        "clinic_id": effect.clinic_id,
        "phone": effect.phone,
        "registered_by": effect.registered_by,
        "positive_test_date": effect.positive_test_date,
        "symptoms": effect.symptoms,
        "risk_factors": list(effect.risk_factors),
        "status": effect.status,
        "language": effect.language,
        "created_at": now,
        "decided_at": now if effect.accepted_by else None,
        "decided_by": effect.accepted_by,
        "decided_by_phone": (effect.registered_by or None) if effect.accepted_by else None,
        "monitor_until": effect.monitor_until,
    }
