"""Short SMS commands from health-station staff: DUYET, TUCHOI, OK and direct DK."""

from __future__ import annotations

import pytest

from dialogs.effects import AcknowledgeAlerts, CreatePatient, Effect, Reply, SendSms, SetPatientStatus
from dialogs.program import Program
from dialogs.staff import Command, handle, parse
from dialogs.text import is_gsm7
from tests.unit.conftest import (
    CODE,
    DOCTOR,
    NOW,
    OTHER_DOCTOR,
    PATIENT_PHONE,
    RELATIVE_PHONE,
    TODAY,
    TRAN_PHU,
    of_type,
    patient,
    staff_context,
)

PENDING = patient(status="pending", registered_by=RELATIVE_PHONE)


def run(program: Program, text: str, phone: str = DOCTOR, **ctx: object) -> tuple[Effect, ...]:
    """Parse `text` as a staff command from `phone` and handle it."""
    command = parse(text)
    assert command is not None, text
    return handle(command, staff_context(program, phone, **ctx), NOW)


def reply(effects: tuple[Effect, ...]) -> str:
    (answer,) = of_type(effects, Reply)
    assert answer.text.strip()
    assert is_gsm7(answer.text)
    assert len(answer.text) <= 306
    return str(answer.text)


# --- parse -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("DUYET K7M2Q", Command("accept", code="K7M2Q")),
        ("duyệt k7m2q", Command("accept", code="K7M2Q")),
        ("  Duyet   K7M2Q ", Command("accept", code="K7M2Q")),
        ("TUCHOI K7M2Q khong o dia ban", Command("reject", code="K7M2Q", rest="khong o dia ban")),
        ("TU CHOI K7M2Q khong o dia ban", Command("reject", code="K7M2Q", rest="khong o dia ban")),
        ("từ chối k7m2q Không ở địa bàn", Command("reject", code="K7M2Q", rest="Khong o dia ban")),
        ("TUCHOI K7M2Q", Command("reject", code="K7M2Q")),
        ("OK K7M2Q", Command("ack", code="K7M2Q")),
        ("ok k7m2q", Command("ack", code="K7M2Q")),
        (
            "DK 0912345678 Nguyen Van An, 1980, Tran Phu",
            Command("register", rest="Nguyen Van An, 1980, Tran Phu", phone="0912345678"),
        ),
        (
            "dk 0912 345 678 Nguyễn Văn An, 15/3/1980, phường Trần Phú",
            Command("register", rest="Nguyen Van An, 15/3/1980, phuong Tran Phu", phone="0912 345 678"),
        ),
        (
            "ĐĂNG KÝ +84912345678 Tran Thi Binh, 1990, Tran Phu",
            Command("register", rest="Tran Thi Binh, 1990, Tran Phu", phone="+84912345678"),
        ),
    ],
)
def test_a_staff_command_is_parsed_whatever_the_case_or_diacritics(text: str, command: Command) -> None:
    assert parse(text) == command


@pytest.mark.parametrize(
    "text", ["xin chao", "98 18 86 37.5 0 0", "DUYET", "OK", "TUCHOI", "DK", "LS", "HD 2", "CUU", "", "   ", "?"]
)
def test_ordinary_text_is_not_a_staff_command(text: str) -> None:
    assert parse(text) is None


# --- DUYET -------------------------------------------------------------------


def test_accepting_a_pending_patient_activates_it_and_welcomes_the_patient(program: Program) -> None:
    effects = run(program, "DUYET K7M2Q", patient=PENDING)
    (status,) = of_type(effects, SetPatientStatus)
    assert (status.code, status.status, status.by_phone, status.by_name) == (CODE, "active", DOCTOR, "BS Lan")
    (welcome,) = of_type(effects, SendSms)
    assert welcome.to == PATIENT_PHONE
    assert welcome.kind == "welcome"
    assert f"Ma BN: {CODE}" in welcome.text
    assert "10:00" in welcome.text
    assert "Tram Y te phuong Tran Phu" in welcome.text
    assert "98 18 86 37.5 0 0" in welcome.text
    assert "KB" in welcome.text
    assert "CUU" in welcome.text
    assert is_gsm7(welcome.text)
    assert len(welcome.text) <= 306
    answer = reply(effects)
    assert "Da duyet" in answer
    assert "Nguyen Van An" in answer
    assert "0987654321" in answer


def test_the_welcome_is_in_the_patients_language(program: Program) -> None:
    effects = run(program, "DUYET K7M2Q", patient=patient(status="pending", language="en"))
    (welcome,) = of_type(effects, SendSms)
    assert "Patient code: K7M2Q" in welcome.text


def test_a_second_accept_is_told_who_already_handled_it(program: Program) -> None:
    done = patient(status="active", decided_by="DD Mai", decided_at=NOW)
    effects = run(program, "DUYET K7M2Q", patient=done)
    answer = reply(effects)
    assert "DD Mai" in answer
    assert "08:00 25/11" in answer
    assert not of_type(effects, SetPatientStatus)
    assert not of_type(effects, SendSms)


def test_accepting_a_patient_of_another_clinic_leaks_nothing(program: Program) -> None:
    effects = run(program, "DUYET K7M2Q", OTHER_DOCTOR, patient=PENDING)
    answer = reply(effects)
    assert "Khong co benh nhan K7M2Q" in answer
    assert "Nguyen Van An" not in answer
    assert "0987654321" not in answer
    assert effects == (Reply(answer),)


def test_accepting_an_unknown_code_says_there_is_no_such_patient(program: Program) -> None:
    effects = run(program, "DUYET ZZZZZ")
    assert "Khong co benh nhan ZZZZZ" in reply(effects)
    assert len(effects) == 1


# --- TUCHOI ------------------------------------------------------------------


def test_a_rejection_without_a_reason_asks_for_one(program: Program) -> None:
    effects = run(program, "TUCHOI K7M2Q", patient=PENDING)
    assert "TUCHOI K7M2Q <ly do>" in reply(effects)
    assert not of_type(effects, SetPatientStatus)


def test_a_rejection_sends_the_reason_and_the_clinic_phone_to_the_registrant(program: Program) -> None:
    effects = run(program, "TU CHOI K7M2Q khong o dia ban", patient=PENDING)
    (status,) = of_type(effects, SetPatientStatus)
    assert status.status == "rejected"
    assert status.reason == "khong o dia ban"
    assert status.by_name == "BS Lan"
    (notice,) = of_type(effects, SendSms)
    assert notice.to == RELATIVE_PHONE
    assert "khong o dia ban" in notice.text
    assert "0220 3852 000" in notice.text
    assert "Nguyen Van An" in notice.text
    assert "Da tu choi" in reply(effects)


def test_a_self_registered_patient_is_told_on_their_own_phone(program: Program) -> None:
    effects = run(program, "TUCHOI K7M2Q trung ho so", patient=patient(status="pending"))
    (notice,) = of_type(effects, SendSms)
    assert notice.to == PATIENT_PHONE


def test_a_long_rejection_reason_is_cut_in_the_sms_but_kept_in_full(program: Program) -> None:
    reason = "benh nhan khong cu tru tai dia ban phuong " * 12
    effects = run(program, f"TUCHOI K7M2Q {reason}", patient=PENDING)
    (notice,) = of_type(effects, SendSms)
    assert len(notice.text) <= 306
    (status,) = of_type(effects, SetPatientStatus)
    assert status.reason is not None
    assert len(status.reason) > 120


def test_rejecting_an_accepted_patient_is_refused(program: Program) -> None:
    effects = run(program, "TUCHOI K7M2Q nham", patient=patient(decided_by="BS Lan", decided_at=NOW))
    assert "BS Lan" in reply(effects)
    assert not of_type(effects, SetPatientStatus)


# --- OK ----------------------------------------------------------------------


def test_ok_acknowledges_the_open_alerts_and_tells_the_patient_who_will_call(program: Program) -> None:
    effects = run(program, "OK K7M2Q", patient=patient(), open_alerts=2)
    assert of_type(effects, AcknowledgeAlerts) == [AcknowledgeAlerts(CODE, DOCTOR, "BS Lan")]
    (notice,) = of_type(effects, SendSms)
    assert notice.to == PATIENT_PHONE
    assert "BS Lan" in notice.text
    assert "115" in notice.text
    answer = reply(effects)
    assert "2 canh bao" in answer
    assert "0987654321" in answer


def test_ok_without_open_alerts_says_so(program: Program) -> None:
    effects = run(program, "OK K7M2Q", patient=patient())
    assert "khong co canh bao" in reply(effects)
    assert not of_type(effects, AcknowledgeAlerts)
    assert not of_type(effects, SendSms)


def test_ok_for_a_patient_of_another_clinic_acknowledges_nothing(program: Program) -> None:
    effects = run(program, "OK K7M2Q", OTHER_DOCTOR, patient=patient(), open_alerts=1)
    assert not of_type(effects, AcknowledgeAlerts)
    assert "Nguyen Van An" not in reply(effects)


# --- direct DK ---------------------------------------------------------------


def test_direct_registration_creates_an_active_patient_and_welcomes_them(program: Program) -> None:
    effects = run(program, "DK 0987 654 321 Tran Thi Binh, 1990, phuong Tran Phu")
    (created,) = of_type(effects, CreatePatient)
    assert created.status == "active"
    assert created.accepted_by == "BS Lan"
    assert (created.code, created.full_name, created.phone) == (CODE, "Tran Thi Binh", PATIENT_PHONE)
    assert (created.birth_year, created.area, created.clinic_id) == (1990, "Tran Phu", TRAN_PHU)
    assert created.registered_by == DOCTOR
    assert created.positive_test_date == TODAY
    (welcome,) = of_type(effects, SendSms)
    assert welcome.to == PATIENT_PHONE
    assert f"Ma BN: {CODE}" in welcome.text
    answer = reply(effects)
    assert "Da dang ky" in answer
    assert CODE in answer
    assert "36 tuoi" in answer


def test_direct_registration_takes_a_birth_date(program: Program) -> None:
    effects = run(program, "DK 0987654321 Tran Thi Binh, 15/3/1990, Tran Phu")
    (created,) = of_type(effects, CreatePatient)
    assert created.birth_date is not None
    assert created.birth_date.isoformat() == "1990-03-15"


def test_direct_registration_in_an_area_of_another_clinic_is_refused(program: Program) -> None:
    effects = run(program, "DK 0987654321 Tran Thi Binh, 1990, Quang Trung")
    assert "Tram Y te phuong Quang Trung" in reply(effects)
    assert not of_type(effects, CreatePatient)
    assert not of_type(effects, SendSms)


def test_direct_registration_in_an_unknown_area_suggests_areas(program: Program) -> None:
    effects = run(program, "DK 0987654321 Tran Thi Binh, 1990, Le Thanh")
    assert "Le Thanh Nghi" in reply(effects)
    assert not of_type(effects, CreatePatient)


@pytest.mark.parametrize(
    "text",
    [
        "DK 0987654321 Tran Thi Binh 1990 Tran Phu",
        "DK 0987654321 Tran Thi Binh, 1990",
        "DK 0987654321 Tran Thi Binh, 2090, Tran Phu",
        "DK 0987654321 Tran Thi Binh, , Tran Phu",
        "DK 0987654321 Tran 2 Binh, 1990, Tran Phu",
        "DK 123456789 Tran Thi Binh, 1990, Tran Phu",
    ],
)
def test_a_badly_formed_direct_registration_gets_the_format(program: Program, text: str) -> None:
    effects = run(program, text)
    assert "DK <so di dong> <ho ten>, <nam sinh>, <phuong/xa>" in reply(effects)
    assert len(effects) == 1


def test_a_direct_registration_with_a_landline_says_it_cannot_get_sms(program: Program) -> None:
    effects = run(program, "DK 0220 3852 000 Tran Thi Binh, 1990, Tran Phu")
    assert "so co dinh" in reply(effects)
    assert not of_type(effects, CreatePatient)


def test_a_direct_registration_of_someone_already_on_that_phone_is_refused(program: Program) -> None:
    effects = run(program, "DK 0987654321 nguyễn văn an, 1980, Tran Phu", target_patients=(patient(),))
    assert CODE in reply(effects)
    assert not of_type(effects, CreatePatient)


def test_staff_replies_are_in_the_programs_language_and_plain_gsm7(program: Program) -> None:
    for text in ["DUYET K7M2Q", "TUCHOI K7M2Q", "OK K7M2Q", "DK 1 a"]:
        command = parse(text)
        if command is None:
            continue
        for effect in handle(command, staff_context(program, patient=PENDING), NOW):
            if isinstance(effect, Reply | SendSms):
                assert is_gsm7(effect.text)
                assert len(effect.text) <= 306
