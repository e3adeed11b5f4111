"""A station's patient file, row by row: the same rules and the same effects as the staff `DK` command."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dialogs.bulk_register import Column, Plan, Problem, SheetRow, admissions, check_row, check_rows, plan
from dialogs.bulk_values import read_risks, read_test_day
from dialogs.effects import CreatePatient, SendSms
from dialogs.program import Program
from dialogs.staff import handle, parse
from dialogs.state import PatientView
from tests.unit.conftest import CODE, DOCTOR, NOW, PATIENT_PHONE, TODAY, TRAN_PHU, of_type, patient, staff_context

QUANG_TRUNG = "tyt-quang-trung"


def row(number: int = 2, /, **cells: str) -> SheetRow:
    given = {Column.PHONE: "0987654321", Column.NAME: "Tran Thi Binh", Column.BIRTH: "1990", Column.WARD: "Tran Phu"}
    given.update({Column(name): value for name, value in cells.items()})
    return SheetRow(number, given)


def problems(program: Program, sheet_row: SheetRow, clinic: str = TRAN_PHU) -> list[tuple[Column | None, str]]:
    checked = check_row(sheet_row, clinic, program, TODAY)
    assert isinstance(checked, list), checked
    return [(p.column, p.key) for p in checked]


def planned(program: Program, rows: list[SheetRow], on_phones: dict[str, list[PatientView]] | None = None) -> Plan:
    checked = check_rows(rows, TRAN_PHU, program, TODAY)
    return plan(checked, TRAN_PHU, on_phones or {})


def test_a_row_registers_exactly_what_dk_registers_and_sends_the_same_welcome(program: Program) -> None:
    by_sms = handle(parse("DK 0987 654 321 Tran Thi Binh, 1990, phuong Tran Phu"), staff_context(program), NOW)  # type: ignore[arg-type]
    ready = planned(program, [row(phone="0987 654 321", ward="phuong Tran Phu")])
    (from_file,) = admissions(ready, [CODE], "BS Lan", DOCTOR, program, TODAY)
    (created,) = of_type(from_file, CreatePatient)
    (welcome,) = of_type(from_file, SendSms)
    assert created == of_type(by_sms, CreatePatient)[0]
    assert welcome == replace(of_type(by_sms, SendSms)[0], bulk=True)  # the same text, queued behind alerts
    assert created.status == "active"
    assert welcome.to == PATIENT_PHONE


def test_the_test_date_and_risk_factors_of_the_file_are_kept_and_monitoring_counts_from_the_test(
    program: Program,
) -> None:
    ready = planned(program, [row(test_date="2026-11-22", risk_factors="có thai, bệnh nền")])
    ((created, _welcome),) = admissions(ready, [CODE], "BS Lan", DOCTOR, program, TODAY)
    assert isinstance(created, CreatePatient)
    assert created.positive_test_date == date(2026, 11, 22)
    assert created.monitor_until == date(2026, 11, 22 + program.monitoring_days)
    assert created.risk_factors == ("chronic", "pregnant")


def test_every_problem_of_a_row_is_reported_with_its_column(program: Program) -> None:
    bad = row(
        phone="12345", full_name="Tran 2 Binh", birth_year="2090", ward="Le Thanh", test_date="31/02", risk_factors="7"
    )
    assert problems(program, bad) == [
        (Column.PHONE, "phone_invalid"),
        (Column.NAME, "name_contact"),
        (Column.BIRTH, "birth_invalid"),
        (Column.WARD, "ward_unknown"),
        (Column.TEST_DATE, "test_date_invalid"),
        (Column.RISKS, "risks_invalid"),
    ]


def test_a_problem_carries_the_row_number_what_was_written_and_a_hint(program: Program) -> None:
    checked = check_row(row(7, ward="Le Thanh"), TRAN_PHU, program, TODAY)
    assert isinstance(checked, list)
    (problem,) = checked
    assert problem == Problem(7, Column.WARD, "ward_unknown", "Le Thanh", problem.detail)
    assert problem.detail.startswith("Le Thanh Nghi")


@pytest.mark.parametrize(
    ("column", "key"),
    [
        ("phone", "phone_missing"),
        ("full_name", "name_missing"),
        ("birth_year", "birth_missing"),
        ("ward", "ward_missing"),
    ],
)
def test_a_required_cell_left_empty_is_a_problem(program: Program, column: str, key: str) -> None:
    assert problems(program, row(**{column: " "})) == [(Column(column), key)]


def test_a_landline_is_refused_as_dk_refuses_it(program: Program) -> None:
    assert problems(program, row(phone="0220 3852 000")) == [(Column.PHONE, "phone_landline")]


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("01683456789", "+84383456789"),  # a pre-2018 Viettel number
        ("987654321", "+84987654321"),  # Excel dropped the leading zero of a number cell
        ("+84 987 654 321", "+84987654321"),
        ("84987654321", "+84987654321"),
    ],
)
def test_phones_are_read_as_every_channel_reads_them(program: Program, written: str, e164: str) -> None:
    checked = check_row(row(phone=written), TRAN_PHU, program, TODAY)
    assert not isinstance(checked, list), checked
    assert checked.patient.phone == e164


def test_a_ward_of_another_station_is_refused_naming_that_station(program: Program) -> None:
    checked = check_row(row(ward="Quang Trung"), TRAN_PHU, program, TODAY)
    assert isinstance(checked, list)
    assert [(p.key, p.detail) for p in checked] == [("ward_other_clinic", "Tram Y te phuong Quang Trung")]
    assert not isinstance(check_row(row(ward="Quang Trung"), QUANG_TRUNG, program, TODAY), list)


def test_wards_are_matched_forgiving_accents_unit_words_and_typos(program: Program) -> None:
    for written in ("Trần Phú", "P. Tran Phu", "Phường Trần Phú", "tran phuu"):
        checked = check_row(row(ward=written), TRAN_PHU, program, TODAY)
        assert not isinstance(checked, list), written
        assert checked.patient.area == "Tran Phu"


def test_a_date_of_birth_or_a_year_is_taken(program: Program) -> None:
    checked = check_row(row(birth_year="15/03/1990"), TRAN_PHU, program, TODAY)
    assert not isinstance(checked, list)
    assert (checked.patient.birth_year, checked.patient.birth_date) == (1990, date(1990, 3, 15))


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("", TODAY),
        ("24/11/2026", date(2026, 11, 24)),
        ("24/11", date(2026, 11, 24)),
        ("2026-11-24", date(2026, 11, 24)),
        ("24-11-2026", date(2026, 11, 24)),
        ("24.11.2026", date(2026, 11, 24)),
        ("hôm nay", TODAY),
        ("2026-11-24 00:00:00", date(2026, 11, 24)),
    ],
)
def test_test_dates_are_read_in_the_usual_formats(program: Program, written: str, day: date) -> None:
    checked = check_row(row(test_date=written), TRAN_PHU, program, TODAY)
    assert not isinstance(checked, list), checked
    assert checked.patient.positive_test_date == day


@pytest.mark.parametrize("written", ["26/11/2026", "2026-09-01", "yesterday-ish", "2026-13-01"])
def test_a_test_date_in_the_future_too_old_or_unreadable_is_a_problem(written: str) -> None:
    assert read_test_day(written, TODAY) is None


@pytest.mark.parametrize(
    ("written", "risks"),
    [
        ("", ()),
        ("K", ()),
        ("không", ()),
        ("0", ()),
        ("13", ("chronic", "unvaccinated")),
        ("3, 1", ("chronic", "unvaccinated")),
        ("Chưa tiêm đủ; mang thai", ("pregnant", "unvaccinated")),
        ("chronic disease, pregnant", ("chronic", "pregnant")),
        ("1, có thai", ("chronic", "pregnant")),
    ],
)
def test_risk_factors_are_the_sms_digits_or_words(written: str, risks: tuple[str, ...]) -> None:
    assert read_risks(written) == risks


@pytest.mark.parametrize("written", ["9", "tiểu đường nặng", "yes"])
def test_risk_factors_that_cannot_be_read_are_a_problem(written: str) -> None:
    assert read_risks(written) is None


def test_the_same_patient_twice_in_the_file_is_a_problem_naming_the_first_row(program: Program) -> None:
    result = planned(
        program, [row(2), row(3, full_name="TRẦN THỊ BÌNH", birth_year="1991"), row(4, full_name="Tran Van C")]
    )
    assert [(p.row, p.key, p.detail) for p in result.problems] == [(3, "duplicate_in_file", "2")]
    assert not result.importable


def test_two_patients_sharing_a_phone_are_two_patients(program: Program) -> None:
    result = planned(program, [row(2), row(3, full_name="Tran Van Con", birth_year="2019")])
    assert result.importable
    assert len(result.ready) == 2


def test_a_patient_the_station_follows_already_is_skipped_with_its_code(program: Program) -> None:
    known = patient(full_name="Trần Thị Bình", status="pending")
    result = planned(program, [row(2), row(3, full_name="Tran Van C")], {PATIENT_PHONE: [known]})
    assert result.importable
    assert [(s.row, s.code, s.status) for s in result.skipped] == [(2, CODE, "pending")]
    assert [c.row for c in result.ready] == [3]


def test_a_patient_of_another_station_is_a_problem_that_names_neither_the_patient_nor_the_code(
    program: Program,
) -> None:
    known = patient(full_name="Tran Thi Binh", clinic_id=QUANG_TRUNG, area="Quang Trung")
    result = planned(program, [row(2)], {PATIENT_PHONE: [known]})
    (problem,) = result.problems
    assert (problem.row, problem.key) == (2, "registered_elsewhere")
    assert CODE not in f"{problem.value} {problem.detail}"


def test_a_discharged_patient_of_the_same_name_is_registered_again(program: Program) -> None:
    result = planned(program, [row(2)], {PATIENT_PHONE: [patient(full_name="Tran Thi Binh", status="discharged")]})
    assert len(result.ready) == 1
