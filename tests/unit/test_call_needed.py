""" "Call needed" patients: listed in the digest until staff say they phoned them (`DAGOI <CODE>`)."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.effects import CallMade, Reply
from dialogs.program import Program
from dialogs.rules.digest import render, summarize
from dialogs.rules.rows import ClinicDay, ClinicPatient
from dialogs.staff import Command, handle, parse
from tests.unit.conftest import CODE, DOCTOR, NOW, TRAN_PHU, of_type, patient, staff_context
from tests.unit.rules_support import local, settings

DAY = date(2026, 11, 27)


def row(n: int, call_needed: bool = False) -> ClinicPatient:
    view = patient(f"A{n}BCD", f"Nguyen Van {chr(64 + n)}", f"+8498700000{n}")
    return ClinicPatient(n, view, local(20, "08:00"), call_needed=call_needed)


def clinic_day(program: Program, *patients: ClinicPatient, **more: object) -> ClinicDay:
    return ClinicDay(program.clinic(TRAN_PHU), DAY, patients, **more)  # type: ignore[arg-type]


def test_the_digest_lists_patients_sms_cannot_reach_and_how_to_clear_them(program: Program) -> None:
    rows = clinic_day(program, row(1), row(2, call_needed=True), declared={(1, DAY): "green", (2, DAY): "green"})
    digest = summarize(rows, settings(program))
    assert digest.call_needed == ["A2BCD NVB 0987***002"]
    (text,) = render(digest, program)
    assert "Can goi dien, goi xong gui DAGOI <ma> (1): A2BCD NVB 0987***002" in text


def test_call_needed_comes_right_after_open_red_alerts(program: Program) -> None:
    rows = clinic_day(program, row(1, call_needed=True), row(2), alerted=frozenset({2}))
    (text,) = render(summarize(rows, settings(program)), program)
    assert text.index("Do chua OK") < text.index("Can goi dien") < text.index("Chua KB")


def test_no_call_needed_section_when_every_phone_is_reached(program: Program) -> None:
    (text,) = render(summarize(clinic_day(program, row(1)), settings(program)), program)
    assert "goi dien" not in text


@pytest.mark.parametrize("text", ["DAGOI K7M2Q", "da goi k7m2q", "Đã gọi K7M2Q", "DA GOI K7M2Q roi"])
def test_dagoi_is_read_in_every_spelling(text: str) -> None:
    command = parse(text)
    assert command is not None
    assert (command.verb, command.code) == ("called", CODE)


def test_dagoi_clears_the_flag_of_a_patient_who_needed_a_call(program: Program) -> None:
    effects = handle(Command("called", CODE), staff_context(program, patient=patient(), call_needed=True), NOW)
    assert of_type(effects, CallMade) == [CallMade(CODE, "BS Lan")]
    assert "bo khoi danh sach can goi" in of_type(effects, Reply)[0].text


def test_dagoi_for_a_patient_not_on_the_list_changes_nothing(program: Program) -> None:
    effects = handle(Command("called", CODE), staff_context(program, patient=patient()), NOW)
    assert effects == (Reply("K7M2Q Nguyen Van An khong co trong danh sach can goi"),)


def test_dagoi_on_a_staff_members_own_record_is_refused(program: Program) -> None:
    own = patient(phone=DOCTOR)
    effects = handle(Command("called", CODE), staff_context(program, patient=own, call_needed=True), NOW)
    assert not of_type(effects, CallMade)


def test_tu_choi_in_two_words_still_rejects_with_its_reason() -> None:
    assert parse("TU CHOI K7M2Q o xa") == Command("reject", code="K7M2Q", rest="o xa")
    assert parse("DA K7M2Q") is None
    assert parse("DA GOI") is None
