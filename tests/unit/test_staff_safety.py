"""Staff safety: XONG and TIEP wait for OK, a second OK names who answered, nobody acts on their own record."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialogs.effects import AcknowledgeAlerts, Effect, EndMonitoring, ExtendMonitoring, Reply, SendSms, SetPatientStatus
from dialogs.program import Program
from dialogs.staff import handle, parse
from dialogs.staff_context import AlertNote
from dialogs.text import is_gsm7
from tests.unit.conftest import CODE, DOCTOR, NOW, NURSE, of_type, patient, staff_context

# Raised at 07:58 Hanoi time, two minutes before NOW.
SOS = AlertNote("Benh nhan gui CUU", NOW - timedelta(minutes=2))
TAKEN = AlertNote("SpO2 92", NOW - timedelta(hours=2), "DD Mai", NOW - timedelta(minutes=90))


def run(program: Program, text: str, phone: str = DOCTOR, **ctx: object) -> tuple[Effect, ...]:
    command = parse(text)
    assert command is not None, text
    return handle(command, staff_context(program, phone, **ctx), NOW)


def reply(effects: tuple[Effect, ...]) -> str:
    (answer,) = of_type(effects, Reply)
    assert answer.text.strip()
    assert is_gsm7(answer.text)
    assert len(answer.text) <= 306
    return str(answer.text)


@pytest.mark.parametrize("text", ["XONG K7M2Q", "TIEP K7M2Q 3"])
def test_ending_or_extending_a_patient_with_an_open_red_alert_is_refused_until_ok(program: Program, text: str) -> None:
    effects = run(program, text, patient=patient(), open_alerts=1, open_alert=SOS)
    answer = reply(effects)
    assert "Benh nhan gui CUU" in answer
    assert "07:58 25/11" in answer
    assert f"OK {CODE} truoc" in answer
    assert f"{text.split()[0]} {CODE}" in answer
    assert effects == (Reply(answer),)


def test_ending_a_patient_whose_alerts_were_acknowledged_goes_ahead(program: Program) -> None:
    effects = run(program, "XONG K7M2Q", patient=patient(), last_acked=TAKEN)
    assert of_type(effects, EndMonitoring) == [EndMonitoring(CODE, "BS Lan")]


def test_extending_a_patient_whose_alerts_were_acknowledged_goes_ahead(program: Program) -> None:
    effects = run(program, "TIEP K7M2Q 3", patient=patient(monitor_until=NOW.date()), last_acked=TAKEN)
    assert of_type(effects, ExtendMonitoring)
    assert "canh bao" not in reply(effects).lower()


def test_a_second_ok_says_who_acknowledged_the_alert_and_when(program: Program) -> None:
    effects = run(program, "OK K7M2Q", patient=patient(), last_acked=TAKEN)
    answer = reply(effects)
    assert "DD Mai" in answer
    assert "06:30 25/11" in answer
    assert not of_type(effects, AcknowledgeAlerts)
    assert not of_type(effects, SendSms)


def test_ok_for_a_patient_who_never_had_an_alert_still_says_there_is_none(program: Program) -> None:
    assert "khong co canh bao" in reply(run(program, "OK K7M2Q", patient=patient()))


@pytest.mark.parametrize("text", ["DUYET K7M2Q", "TUCHOI K7M2Q nham", "OK K7M2Q", "XONG K7M2Q", "TIEP K7M2Q 3"])
def test_a_staff_member_cannot_act_on_the_patient_record_of_their_own_phone(program: Program, text: str) -> None:
    status = "pending" if text.split()[0] in ("DUYET", "TUCHOI") else "active"
    own = patient(phone=DOCTOR, status=status, registered_by=DOCTOR)
    effects = run(program, text, patient=own, open_alerts=1, open_alert=SOS)
    answer = reply(effects)
    assert "chinh ban" in answer
    assert "Tram Y te phuong Tran Phu" in answer
    assert effects == (Reply(answer),)


@pytest.mark.parametrize("text", ["DUYET K7M2Q", "OK K7M2Q"])
def test_another_staff_member_of_the_clinic_can_act_on_a_colleagues_record(program: Program, text: str) -> None:
    status = "pending" if text.startswith("DUYET") else "active"
    colleague = patient(phone=DOCTOR, status=status, registered_by=DOCTOR)
    effects = run(program, text, NURSE, patient=colleague, open_alerts=1, open_alert=SOS)
    assert of_type(effects, SetPatientStatus) or of_type(effects, AcknowledgeAlerts)
    assert "chinh ban" not in reply(effects)


def test_a_patient_registered_by_staff_from_their_phone_stays_theirs_to_handle(program: Program) -> None:
    # DK <phone> stores the staff phone as registered_by: that is work, not a conflict of interest.
    effects = run(program, "OK K7M2Q", patient=patient(registered_by=DOCTOR), open_alerts=1, open_alert=SOS)
    assert of_type(effects, AcknowledgeAlerts)


def test_a_relative_registered_from_a_staff_phone_can_be_accepted_by_that_staff_member(program: Program) -> None:
    # The check is on the monitored phone, not on who typed the registration.
    effects = run(program, "DUYET K7M2Q", patient=patient(status="pending", registered_by=DOCTOR))
    assert of_type(effects, SetPatientStatus)


def test_the_new_staff_replies_fit_in_english_too(program: Program) -> None:
    texts = program.texts("en")
    assert "OK K7M2Q first" in texts(
        "staff_alert_first", code=CODE, name="An", reason="SOS", when="07:58", command="XONG"
    )
    assert "own phone" in texts("staff_own_record", code=CODE, name="An", clinic="X")
