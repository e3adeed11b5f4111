"""What the export reads: the declarations of a date range for a set of clinics (read-only, in pages)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.db import reading
from models.tables import Declaration, Patient

PATIENT = Patient.__table__  # type: ignore[attr-defined]
DECLARATION = Declaration.__table__  # type: ignore[attr-defined]
_PAGE = 2000


@dataclass(frozen=True)
class DeclarationRow:
    """One declaration with the patient it belongs to."""

    code: str
    full_name: str
    phone: str
    area: str
    clinic_id: str
    local_date: date
    started_at: datetime
    updated_at: datetime
    answers: dict[str, Any]
    complete: bool
    level: str


def declarations_between(db: Engine, clinic_ids: Collection[str], first: date, last: date) -> Iterator[DeclarationRow]:
    """The declarations of patients of `clinic_ids` made on local days `first` to `last`, by day, patient, time."""
    if not clinic_ids:
        return
    columns = (
        PATIENT.c.code, PATIENT.c.full_name, PATIENT.c.phone, PATIENT.c.area, PATIENT.c.clinic_id,
        DECLARATION.c.local_date, DECLARATION.c.started_at, DECLARATION.c.updated_at, DECLARATION.c.answers,
        DECLARATION.c.complete, DECLARATION.c.level,
    )  # fmt: skip
    query = (
        select(*columns)
        .join(PATIENT, PATIENT.c.id == DECLARATION.c.patient_id)
        .where(
            PATIENT.c.clinic_id.in_(sorted(clinic_ids)),
            DECLARATION.c.local_date >= first,
            DECLARATION.c.local_date <= last,
        )
        .order_by(DECLARATION.c.local_date, PATIENT.c.code, DECLARATION.c.started_at)
    )
    with reading(db) as conn:
        result = conn.execution_options(yield_per=_PAGE).execute(query)
        for row in result:
            yield DeclarationRow(**row._mapping)
