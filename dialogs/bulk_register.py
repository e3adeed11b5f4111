"""Patients registered by the station from a file: every row checked as `DK <phone> <name>, <year>, <ward>` is.

Pure: rows of text in, per-row problems or the same effects as `DK` out (`staff_register.admit`).
The file's test date and risk factors are read as the SMS registration reads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Protocol

from dialogs.bulk_values import read_risks, read_test_day
from dialogs.effects import Effect
from dialogs.names import looks_like_contact
from dialogs.phones import check_mobile
from dialogs.program import Program
from dialogs.registration import clean_name
from dialogs.render import national
from dialogs.staff_register import admit, already_registered
from dialogs.state import PatientView
from dialogs.text import normalize, parse_birth


class Column(StrEnum):
    """The columns of a station's patient file."""

    PHONE = "phone"
    NAME = "full_name"
    BIRTH = "birth_year"
    WARD = "ward"
    TEST_DATE = "test_date"
    RISKS = "risk_factors"


REQUIRED = (Column.PHONE, Column.NAME, Column.BIRTH, Column.WARD)


class _Report(Protocol):
    """`check_row`'s problem collector, as the column checks call it."""

    def __call__(self, column: Column, key: str, detail: str = "") -> None: ...


@dataclass(frozen=True)
class SheetRow:
    """One row of the file as text; `number` is the row number the spreadsheet shows."""

    number: int
    cells: Mapping[Column, str]

    def get(self, column: Column) -> str:
        return " ".join(self.cells.get(column, "").split())


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be imported: `key` names the rule, `value` what was written, `detail` the hint."""

    row: int
    column: Column | None
    key: str
    value: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Candidate:
    """A row that passed every check: the patient it would register (its code not drawn yet)."""

    row: int
    patient: PatientView


@dataclass(frozen=True)
class Skipped:
    """A row whose patient the station follows already (same phone, same name): nothing to do."""

    row: int
    code: str
    full_name: str
    status: str  # pending: waiting for DUYET <CODE>; active


@dataclass(frozen=True)
class Plan:
    """What importing the rows would do: register `ready`, skip `skipped`; nothing at all while `problems`."""

    ready: tuple[Candidate, ...]
    skipped: tuple[Skipped, ...]
    problems: tuple[Problem, ...]
    rows: int

    @property
    def importable(self) -> bool:
        return not self.problems


def check_row(row: SheetRow, clinic_id: str, program: Program, today: date) -> Candidate | list[Problem]:
    """The patient a row registers, or every problem it has (a column at a time, as `DK` checks them)."""
    problems: list[Problem] = []

    def problem(column: Column, key: str, detail: str = "") -> None:
        problems.append(Problem(row.number, column, key, row.get(column)[:60], detail))

    phone = _phone(row, program, problem)
    name = _name(row, problem)
    birth = _birth(row, today, problem)
    area = _ward(row, clinic_id, program, problem)
    test_day = read_test_day(row.get(Column.TEST_DATE), today) if row.get(Column.TEST_DATE) else today
    if test_day is None:
        problem(Column.TEST_DATE, "test_date_invalid")
    risks = read_risks(row.get(Column.RISKS))
    if risks is None:
        problem(Column.RISKS, "risks_invalid")
    if problems or phone is None or name is None or birth is None or area is None or risks is None:
        return problems
    assert test_day is not None
    patient = PatientView(
        code="",
        full_name=name,
        phone=phone,
        clinic_id=clinic_id,
        status="active",
        birth_year=birth[1],
        birth_date=birth[0],
        area=area,
        risk_factors=risks,
        language=program.default_language,
        positive_test_date=test_day,
    )
    return Candidate(row.number, patient)


def _phone(row: SheetRow, program: Program, problem: _Report) -> str | None:
    text = row.get(Column.PHONE)
    if not text:
        problem(Column.PHONE, "phone_missing")
        return None
    mobile = check_mobile(text, program.country)
    if mobile.problem == "not_mobile":
        problem(Column.PHONE, "phone_landline")
        return None
    if mobile.problem is not None or mobile.e164 is None:
        problem(Column.PHONE, "phone_invalid")
        return None
    return mobile.e164


def _name(row: SheetRow, problem: _Report) -> str | None:
    text = row.get(Column.NAME)
    if not text:
        problem(Column.NAME, "name_missing")
        return None
    name = clean_name(text)
    if name is None:
        problem(Column.NAME, "name_contact" if looks_like_contact(text) else "name_invalid")
    return name


def _birth(row: SheetRow, today: date, problem: _Report) -> tuple[date | None, int] | None:
    text = row.get(Column.BIRTH)
    if not text:
        problem(Column.BIRTH, "birth_missing")
        return None
    birth = parse_birth(text, today)
    if birth is None:
        problem(Column.BIRTH, "birth_invalid")
    return birth


def _ward(row: SheetRow, clinic_id: str, program: Program, problem: _Report) -> str | None:
    text = row.get(Column.WARD)
    if not text:
        problem(Column.WARD, "ward_missing")
        return None
    found = program.area_index.match(text)
    if found.clinic_id is None or found.area is None:
        problem(Column.WARD, "ward_unknown", ", ".join(found.suggestions))
        return None
    if found.clinic_id != clinic_id:
        problem(Column.WARD, "ward_other_clinic", program.clinic(found.clinic_id).name)
        return None
    return found.area


@dataclass(frozen=True)
class Checked:
    """Every row checked on its own (no database): the patients they would register, and the problems."""

    candidates: tuple[Candidate, ...]
    problems: tuple[Problem, ...]
    rows: int

    @property
    def phones(self) -> list[str]:
        return [candidate.patient.phone for candidate in self.candidates]


def check_rows(rows: Sequence[SheetRow], clinic_id: str, program: Program, today: date) -> Checked:
    """Check every row as `DK` checks a command; the same patient twice in the file is a problem."""
    problems: list[Problem] = []
    candidates: list[Candidate] = []
    first_row: dict[tuple[str, str], int] = {}
    for row in rows:
        checked = check_row(row, clinic_id, program, today)
        if isinstance(checked, list):
            problems += checked
            continue
        key = (checked.patient.phone, normalize(checked.patient.full_name))
        if key in first_row:
            earlier = str(first_row[key])
            problems.append(Problem(row.number, Column.NAME, "duplicate_in_file", checked.patient.full_name, earlier))
            continue
        first_row[key] = row.number
        candidates.append(checked)
    return Checked(tuple(candidates), tuple(problems), len(rows))


def plan(checked: Checked, clinic_id: str, on_phones: Mapping[str, Sequence[PatientView]]) -> Plan:
    """What to register: a patient the station follows already (same phone and name) is skipped.

    `on_phones`: the pending and active patients already on the file's phones (any clinic).
    """
    problems = list(checked.problems)
    ready: list[Candidate] = []
    skipped: list[Skipped] = []
    for candidate in checked.candidates:
        patient = candidate.patient
        existing = already_registered(on_phones.get(patient.phone, ()), patient.full_name)
        if existing is None:
            ready.append(candidate)
        elif existing.clinic_id == clinic_id:
            skipped.append(Skipped(candidate.row, existing.code, existing.full_name, existing.status))
        else:  # never a hint of another station's patient: no code, no name
            problems.append(Problem(candidate.row, Column.PHONE, "registered_elsewhere", national(patient.phone)))
    problems.sort(key=lambda problem: problem.row)
    return Plan(tuple(ready), tuple(skipped), tuple(problems), checked.rows)


def admissions(
    plan: Plan, codes: Sequence[str], by_name: str, by_phone: str, program: Program, today: date
) -> list[tuple[Effect, ...]]:
    """Each ready row's effects, exactly those of `DK` (the patient, the welcome SMS), with its new code."""
    assert len(codes) == len(plan.ready)
    return [
        admit(replace(candidate.patient, code=code), by_name, by_phone, program, today, bulk=True)
        for candidate, code in zip(plan.ready, codes, strict=True)
    ]
