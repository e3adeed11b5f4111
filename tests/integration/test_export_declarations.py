"""The declarations an export reads, on SQLite and PostgreSQL: the scope's clinics and the range's days only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from f0care.config import Config, to_program
from f0care.exchange.export import DateRange, declarations_table
from f0care.exchange.write import to_csv
from models.exports import declarations_between
from models.tables import Declaration, Patient

DAY = date(2026, 11, 20)


def patient(code: str, clinic: str, phone: str) -> Patient:
    return Patient(
        code=code,
        full_name=f"Benh nhan {code}",
        birth_year=1980,
        area="Tran Phu",
        clinic_id=clinic,
        phone=phone,
        registered_by=phone,
        positive_test_date=DAY,
        status="active",
    )


def declare(session: Session, who: Patient, day: date, spo2: float, hour: int = 0) -> None:
    at = datetime(day.year, day.month, day.day, hour, 30, tzinfo=UTC)
    assert who.id is not None
    answers = {"spo2": spo2, "breaths": 18.0, "pulse": 80.0, "temperature": 37.0, "breathless": 0.0, "signs": "0"}
    level = "red" if spo2 <= 96 else "green"
    session.add(
        Declaration(
            patient_id=who.id, local_date=day, started_at=at, updated_at=at, answers=answers, complete=True, level=level
        )
    )


def stored(db: Engine) -> None:
    with Session(db) as session:
        ours, mine, theirs = (
            patient("K7M2Q", "tyt-tran-phu", "+84987654321"),
            patient("B2C3D", "tyt-tran-phu", "+84987654322"),
            patient("Z9Y8X", "tyt-quang-trung", "+84987654323"),
        )
        session.add_all([ours, mine, theirs])
        session.flush()
        for offset in range(5):
            declare(session, ours, DAY + timedelta(days=offset), 98)
            declare(session, theirs, DAY + timedelta(days=offset), 97)
        declare(session, mine, DAY + timedelta(days=2), 95, hour=3)
        declare(session, mine, DAY + timedelta(days=2), 98, hour=1)
        session.commit()


def test_only_the_scopes_patients_and_the_ranges_days_are_read_in_day_code_time_order(db: Engine) -> None:
    stored(db)
    rows = list(declarations_between(db, {"tyt-tran-phu"}, DAY + timedelta(days=1), DAY + timedelta(days=3)))
    assert [(r.local_date.day, r.code, r.answers["spo2"]) for r in rows] == [
        (21, "K7M2Q", 98),
        (22, "B2C3D", 98),
        (22, "B2C3D", 95),
        (22, "K7M2Q", 98),
        (23, "K7M2Q", 98),
    ]
    assert {r.clinic_id for r in rows} == {"tyt-tran-phu"}
    assert list(declarations_between(db, set(), DAY, DAY + timedelta(days=9))) == []


def test_a_district_scope_reads_every_clinic_of_it(db: Engine) -> None:
    stored(db)
    rows = list(declarations_between(db, {"tyt-tran-phu", "tyt-quang-trung"}, DAY, DAY))
    assert [r.code for r in rows] == ["K7M2Q", "Z9Y8X"]


def test_the_csv_of_a_range_holds_each_declaration_once(db: Engine, config: Config) -> None:
    stored(db)
    table = declarations_table(db, to_program(config), {"tyt-tran-phu"}, DateRange(DAY, DAY + timedelta(days=4)), "en")
    lines = to_csv([table], "List").decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 5 + 2
    assert "Z9Y8X" not in "".join(lines)
    assert lines[1].startswith("declarations,2026-11-20,07:30,K7M2Q,Benh nhan K7M2Q,0987654321,Tran Phu,green,1,98,")
