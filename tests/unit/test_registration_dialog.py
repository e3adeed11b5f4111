"""Self-registration by SMS, read as the thread a registrant sees: seven questions, then the OTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogs.codec import dump_conversation
from dialogs.drafts import RegistrationDraft
from dialogs.effects import CreatePatient, SetLanguage, SetOptOut
from tests.unit.conftest import (
    CODE,
    DOCTOR,
    OTP,
    PATIENT_PHONE,
    RELATIVE_PHONE,
    TODAY,
    TRAN_PHU,
    TRAN_PHU_STAFF,
    Thread,
    patient,
)


def draft(thread: Thread) -> RegistrationDraft:
    """The registration answers the thread's conversation holds."""
    data = thread.conversation.data
    assert isinstance(data, RegistrationDraft)
    return data


ANSWERS = ["Nguyen Van An", "1980", "Tran Phu", "0987654321", "hom nay", "C", "13"]
QUESTION_MARK = ["1/7", "2/7", "3/7", "4/7", "5/7", "6/7", "7/7"]
STATES = ["reg_name", "reg_birth", "reg_area", "reg_phone", "reg_test_date", "reg_symptoms", "reg_risks"]


def at_step(t: Thread, step: int, answers: list[str] = ANSWERS) -> Thread:
    """Bring the thread to registration question `step` (1-7) or, with 8, to the OTP."""
    t.send("DK")
    for answer in answers[: step - 1]:
        t.send(answer)
    return t


@pytest.fixture
def relative(thread: Callable[..., Thread]) -> Thread:
    """A relative's phone registering Nguyen Van An, whose own phone is PATIENT_PHONE."""
    return thread(phone=RELATIVE_PHONE)


def test_a_relative_registers_a_patient_and_the_code_goes_to_the_patients_phone(relative: Thread) -> None:
    assert "1/7" in relative.send("DK")
    assert "2/7" in relative.send("Nguyen Van An")
    assert "3/7" in relative.send("15/3/1980")
    assert "4/7" in relative.send("Tran Phu")
    assert "5/7" in relative.send("0987 654 321")
    assert "6/7" in relative.send("hom nay")
    assert "7/7" in relative.send("C")
    reply = relative.send("13")

    (otp,) = relative.sent("otp")
    assert otp.to == PATIENT_PHONE
    assert otp.sensitive
    assert OTP in otp.text
    assert "Tram Y te phuong Tran Phu" in otp.text
    assert "Nguyen Van An" not in otp.text  # no text typed by a registrant reaches a third party (issue 16)
    assert OTP not in reply
    assert "0987***321" in reply
    assert relative.state == "reg_otp"
    assert OTP not in str(relative.conversation.data)  # only a salted hash is kept


def test_the_registration_answers_are_kept_in_the_conversation(relative: Thread) -> None:
    at_step(relative, 8, ["Nguyen Van An", "15-03-1980", "phuong Tran Phu", "NAY", "25/11", "K", "K"])
    _, data = dump_conversation(relative.conversation)  # as stored with the phone
    assert data["name"] == "Nguyen Van An"
    assert (data["birth_year"], data["birth_date"]) == (1980, "1980-03-15")
    assert (data["area"], data["clinic_id"]) == ("Tran Phu", TRAN_PHU)
    assert data["phone"] == RELATIVE_PHONE
    assert data["test_date"] == TODAY.isoformat()
    assert data["symptoms"] is False
    assert data["risks"] == []


@pytest.mark.parametrize(
    ("step", "invalid"),
    [
        (1, "12345"),
        (1, "A"),
        (2, "hom qua"),
        (2, "1800"),
        (2, "2030"),
        (2, "31/2/1980"),
        (4, "12345"),
        (4, "xin chao"),
        (5, "32/13"),
        (5, "30/11"),  # in the future
        (5, "1/1/2020"),  # long ago
        (6, "co le"),
        (7, "5"),
        (7, "abc"),
    ],
)
def test_an_invalid_answer_gets_the_expected_format_and_the_same_question_again(
    relative: Thread, step: int, invalid: str
) -> None:
    at_step(relative, step)
    before = relative.conversation
    reply = relative.send(invalid)
    assert QUESTION_MARK[step - 1] in reply
    assert relative.state == STATES[step - 1]
    assert relative.conversation.data == before.data
    assert not relative.sent()


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 6, 7, 8])
def test_huy_cancels_the_registration_at_any_step(relative: Thread, step: int) -> None:
    at_step(relative, step)
    reply = relative.send("huỷ")
    assert "Da huy" in reply
    assert relative.state == "idle"
    assert not relative.all(CreatePatient)


def test_huy_with_nothing_in_progress_says_so(relative: Thread) -> None:
    assert "Khong co viec gi" in relative.send("HUY")


@pytest.mark.parametrize("typed", ["phường trần phú", "TRAN PHU", "tranphu", "Tran Phuu", "P. Tran Phu"])
def test_the_ward_is_found_without_diacritics_or_with_a_typo(relative: Thread, typed: str) -> None:
    at_step(relative, 3)
    assert "4/7" in relative.send(typed)
    assert draft(relative).clinic_id == TRAN_PHU
    assert draft(relative).area == "Tran Phu"


def test_an_unknown_ward_gets_numbered_suggestions_and_a_number_picks_one(relative: Thread) -> None:
    at_step(relative, 3)
    reply = relative.send("Le Thanh")
    assert "1) Le Thanh Nghi" in reply
    assert "3/7" in reply
    assert relative.state == "reg_area"
    assert "4/7" in relative.send("1")
    assert draft(relative).area == "Le Thanh Nghi"
    assert draft(relative).clinic_id == "tyt-quang-trung"
    assert draft(relative).suggestions == ()


def test_a_number_beyond_the_suggestions_is_not_taken_as_a_ward(relative: Thread) -> None:
    at_step(relative, 3)
    relative.send("Le Thanh")
    relative.send("7")
    assert relative.state == "reg_area"


def test_a_landline_in_step_4_gets_the_landline_answer(relative: Thread) -> None:
    at_step(relative, 4)
    reply = relative.send("0220 3852 000")
    assert "so co dinh" in reply
    assert "4/7" in reply
    assert relative.state == "reg_phone"


@pytest.mark.parametrize("here", ["NAY", "nay", "số này", "So nay"])
def test_nay_registers_the_senders_own_number(relative: Thread, here: str) -> None:
    at_step(relative, 4)
    assert "5/7" in relative.send(here)
    assert draft(relative).phone == RELATIVE_PHONE


def test_an_old_eleven_digit_mobile_is_renumbered(relative: Thread) -> None:
    at_step(relative, 4)
    relative.send("01687654321")
    assert draft(relative).phone == "+84387654321"


def test_a_name_like_dung_at_step_1_is_a_name_not_stop(relative: Thread) -> None:
    relative.send("DK")
    assert "2/7" in relative.send("Dung")
    assert draft(relative).name == "Dung"
    assert not relative.all(SetOptOut)


@pytest.mark.parametrize("name", ["Vi", "En", "Start"])
def test_other_keyword_like_names_at_step_1_are_names(relative: Thread, name: str) -> None:
    relative.send("DK")
    relative.send(name)
    assert relative.state == "reg_birth"
    assert not relative.all(SetOptOut)
    assert not relative.all(SetLanguage)


def test_an_all_caps_name_is_written_in_title_case(relative: Thread) -> None:
    relative.send("DK")
    relative.send("NGUYEN   VAN AN")
    assert draft(relative).name == "Nguyen Van An"


def test_a_registration_left_for_more_than_24_hours_expires(relative: Thread) -> None:
    at_step(relative, 2)
    relative.later(hours=24, minutes=1)
    reply = relative.send("1980")
    assert relative.state == "idle"
    assert "DK" in reply


def test_a_registration_continues_within_24_hours(relative: Thread) -> None:
    at_step(relative, 2)
    relative.later(hours=23)
    assert "3/7" in relative.send("1980")


# --- the one-time code ------------------------------------------------------


def test_the_right_code_creates_a_pending_patient_and_asks_every_staff_member(relative: Thread) -> None:
    at_step(relative, 8)
    reply = relative.send(OTP)

    (created,) = relative.all(CreatePatient)
    assert created.status == "pending"
    assert (created.code, created.full_name, created.phone) == (CODE, "Nguyen Van An", PATIENT_PHONE)
    assert created.registered_by == RELATIVE_PHONE
    assert created.clinic_id == TRAN_PHU
    assert created.positive_test_date == TODAY
    assert created.symptoms
    assert created.risk_factors == ("chronic", "unvaccinated")
    requests = relative.sent("staff")
    assert sorted(m.to for m in requests) == sorted(TRAN_PHU_STAFF)
    for request in requests:
        assert f"DUYET {CODE}" in request.text
        assert f"TUCHOI {CODE}" in request.text
        assert "Nguyen Van An" in request.text
        assert "46 tuoi" in request.text
        assert "benh man tinh" in request.text
        assert "chua tiem du" in request.text
        assert "0987654321" in request.text
    assert "Tram Y te phuong Tran Phu" in reply
    assert "0220 3852 000" in reply
    assert CODE in reply
    assert relative.state == "idle"


def test_the_code_may_be_typed_with_spaces(relative: Thread) -> None:
    at_step(relative, 8)
    relative.send("482 913")
    assert relative.all(CreatePatient)


def test_the_registration_goes_to_the_clinic_that_serves_the_ward(relative: Thread) -> None:
    at_step(relative, 8, ["Tran Thi Binh", "1990", "Quang Trung", "NAY", "hom nay", "K", "K"])
    relative.send(OTP)
    assert {m.to for m in relative.sent("staff")} == {"+84912000004", "+84912000005", "+84912000006"}
    assert DOCTOR not in {m.to for m in relative.sent()}


def test_a_patient_of_50_or_more_is_flagged_to_staff_even_without_other_risks(relative: Thread) -> None:
    at_step(relative, 8, ["Tran Van Ba", "1950", "Tran Phu", "NAY", "hom nay", "K", "K"])
    relative.send(OTP)
    assert all("tu 50 tuoi" in m.text for m in relative.sent("staff"))


def test_a_wrong_code_counts_the_tries_and_five_cancel_the_registration(relative: Thread) -> None:
    at_step(relative, 8)
    for left in (4, 3, 2, 1):
        assert f"Con {left} lan thu" in relative.send("111111")
        assert relative.state == "reg_otp"
    assert "Sai ma 5 lan" in relative.send("111111")
    assert relative.state == "idle"
    relative.send(OTP)
    assert not relative.all(CreatePatient)


def test_something_that_is_not_a_code_gets_the_format_without_using_a_try(relative: Thread) -> None:
    at_step(relative, 8)
    assert "ma 6 so" in relative.send("12345")
    challenge = draft(relative).otp
    assert challenge is not None
    assert challenge.tries == 0


def test_the_code_expires_after_10_minutes(relative: Thread) -> None:
    at_step(relative, 8)
    relative.later(minutes=10, seconds=1)
    assert "het han" in relative.send(OTP)
    assert not relative.all(CreatePatient)


def test_the_code_is_still_good_just_before_10_minutes(relative: Thread) -> None:
    at_step(relative, 8)
    relative.later(minutes=9, seconds=59)
    relative.send(OTP)
    assert relative.all(CreatePatient)


def test_gui_lai_sends_a_new_code_at_most_three_times(relative: Thread) -> None:
    at_step(relative, 8)
    for fresh in ("100001", "100002", "100003"):
        relative.send("gửi lại", new_otp=fresh)
        (otp,) = relative.sent("otp")
        assert otp.to == PATIENT_PHONE
        assert fresh in otp.text
        assert otp.sensitive
    reply = relative.send("GUI LAI", new_otp="100004")
    assert not relative.sent("otp")
    assert "3 lan" in reply
    assert "0220 3852 000" in reply
    relative.send("100003")
    assert relative.all(CreatePatient)


def test_after_gui_lai_the_old_code_no_longer_works(relative: Thread) -> None:
    at_step(relative, 8)
    relative.send("GUI LAI", new_otp="100001")
    assert "Con 4 lan thu" in relative.send(OTP)


def test_a_number_that_had_five_codes_today_gets_no_more(relative: Thread) -> None:
    at_step(relative, 7)
    reply = relative.send("13", otp_sent_today=5)
    assert not relative.sent("otp")
    assert "5 ma" in reply
    assert "0220 3852 000" in reply
    relative.send("GUI LAI", otp_sent_today=5)
    assert not relative.sent("otp")


def test_a_resend_also_counts_against_the_daily_limit(relative: Thread) -> None:
    at_step(relative, 8)
    relative.send("GUI LAI", otp_sent_today=5)
    assert not relative.sent("otp")


def test_a_patient_already_on_the_target_phone_is_not_registered_twice(relative: Thread) -> None:
    at_step(relative, 8)
    already = patient("B2XYZ", "Nguyễn Văn An", status="pending")
    reply = relative.send(OTP, target_patients=(already,))
    assert "B2XYZ" in reply
    assert not relative.all(CreatePatient)
    assert not relative.sent("staff")


def test_a_child_with_another_name_on_the_same_phone_is_registered(relative: Thread) -> None:
    at_step(relative, 8, ["Nguyen Van Be", "2020", "Tran Phu", "0987654321", "hom nay", "K", "K"])
    relative.send(OTP, target_patients=(patient(),))
    assert relative.all(CreatePatient)


def test_dk_in_the_middle_of_a_registration_starts_it_again(relative: Thread) -> None:
    at_step(relative, 4)
    assert "1/7" in relative.send("DK")
    assert relative.state == "reg_name"


def test_cuu_during_a_registration_keeps_the_registration(thread: Callable[..., Thread]) -> None:
    t = thread(patient())
    at_step(t, 3)
    t.send("CUU")
    assert len(t.sent("alert")) == len(TRAN_PHU_STAFF)
    assert t.state == "reg_area"


def test_english_registration_replies_in_english(thread: Callable[..., Thread]) -> None:
    t = thread(language="en")
    assert "full name" in t.send("REG")
    assert "birth" in t.send("Nguyen Van An")
