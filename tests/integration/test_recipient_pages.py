"""The fan-out reads its recipients in pages: every active patient exactly once, households whole.

Pages of 3 patients over households of 1 to 4 put every kind of page boundary in one run: a
household cut by the boundary, one ending exactly on it, and one larger than a page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.repositories.recipients import recipients
from models.tables import Contact, Declaration, Patient

DAY = date(2026, 11, 26)
SIZES = [1, 2, 3, 1, 4, 2, 1, 1, 3, 5, 1]  # patients per phone, phones in order


def cohort(db: Engine) -> dict[str, list[str]]:
    """Active patients by phone (plus some who must not be asked); returns the codes expected per phone."""
    expected: dict[str, list[str]] = {}
    with Session(db) as s:
        n = 0
        for i, size in enumerate(SIZES):
            phone = f"+8498700{i:04d}"
            for _ in range(size):
                n += 1
                s.add(patient(n, phone, "active"))
                expected.setdefault(phone, []).append(f"P{n:04d}")
        s.add(patient(n + 1, "+84987000002", "pending"))  # inside a household's phone, not yet accepted
        s.add(patient(n + 2, "+84987009999", "discharged"))
        s.add(patient(n + 3, "+84987008888", "active"))
        s.add(Contact(phone="+84987008888", opted_out=True))
        s.commit()
    return expected


def patient(n: int, phone: str, status: str) -> Patient:
    return Patient(
        code=f"P{n:04d}",
        full_name=f"Nguyen Van {n}",
        birth_year=1980,
        area="Phuong Tran Phu",
        clinic_id="tram-tran-phu",
        phone=phone,
        registered_by=phone,
        positive_test_date=DAY,
        status=status,
    )


def read(db: Engine, page: int, only_missing: bool = False) -> dict[str, list[str]]:
    got: dict[str, list[str]] = {}
    for people in recipients(db, DAY, only_missing, page=page):
        phones = {p.phone for p in people}
        assert len(phones) == 1, f"a group mixes phones: {phones}"
        assert people[0].phone not in got, f"{people[0].phone} came in two groups"
        got[people[0].phone] = [p.code for p in people]
    return got


def test_every_page_size_gives_each_active_household_once_and_whole(db: Engine) -> None:
    expected = cohort(db)
    for page in (1, 2, 3, 4, 5, 7, 10_000):
        assert read(db, page) == expected, f"page of {page}"


def test_the_reminder_pages_leave_out_who_has_declared(db: Engine) -> None:
    expected = cohort(db)
    with Session(db) as s:
        declared = s.exec(select(Patient).where(Patient.code == "P0008")).one()  # in the 4-person household
        assert declared.id is not None
        at = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
        s.add(
            Declaration(
                patient_id=declared.id, local_date=DAY, started_at=at, updated_at=at, complete=True, level="green"
            )
        )
        s.commit()
        gone = declared.code
    missing = {phone: [c for c in codes if c != gone] for phone, codes in expected.items()}
    missing = {phone: codes for phone, codes in missing.items() if codes}
    assert read(db, 3, only_missing=True) == missing
