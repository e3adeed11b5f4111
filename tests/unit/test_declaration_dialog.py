"""The daily six answers, triage against the Ministry's thresholds, and instant escalation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from dialogs.drafts import DeclarationDraft
from dialogs.effects import RaiseAlert, RecordDeclaration, SendSms
from dialogs.program import Level
from dialogs.text import fold, is_gsm7
from tests.unit.conftest import (
    CODE,
    PATIENT_PHONE,
    STRANGER_PHONE,
    TODAY,
    TRAN_PHU_STAFF,
    Thread,
    child,
    patient,
)

GREEN = "98 18 86 37.5 0 0"
BABY = child(3, "B3CHD", "Nguyen Van Be")


@pytest.fixture
def an(thread: Callable[..., Thread]) -> Thread:
    """The phone of Nguyen Van An (46), an active patient at Tran Phu."""
    return thread(patient())


@pytest.fixture
def family(thread: Callable[..., Thread]) -> Thread:
    """A parent's phone holding two active patients: the parent and a 3-year-old."""
    return thread(patient(), BABY)


def draft(t: Thread) -> DeclarationDraft:
    """The declaration in progress the thread's conversation holds."""
    data = t.conversation.data
    assert isinstance(data, DeclarationDraft)
    return data


def declared(t: Thread) -> list[RecordDeclaration]:
    return t.all(RecordDeclaration)


def last_declaration(t: Thread) -> RecordDeclaration:
    return declared(t)[-1]


# --- compact answers ---------------------------------------------------------


def test_the_six_answers_in_one_message_are_recorded_green_and_confirmed(an: Thread) -> None:
    reply = an.send(GREEN)
    (record,) = declared(an)
    assert record.complete
    assert record.level is Level.GREEN
    assert record.code == CODE
    assert record.local_date == TODAY
    assert record.answers == {
        "spo2": 98.0,
        "breaths": 18.0,
        "pulse": 86.0,
        "temperature": 37.5,
        "breathless": 0.0,
        "signs": "0",
    }
    assert "25/11" in reply
    assert "SpO2 98" in reply
    assert "Nhiet do 37.5" in reply
    assert "binh thuong" in reply
    assert an.state == "idle"
    assert not an.all(RaiseAlert)
    assert not an.sent()


@pytest.mark.parametrize(
    "text",
    [
        f"{CODE} 98 18 86 37.5 0 0",
        "k7m2q 98 18 86 37.5 0 0",
        "98,18,86,37.5,0,0",
        "98, 18, 86, 37.5, 0, 0",
        "98;18;86;37,5;0;0",
        "98 18 86 37,5 0 0",
        "  98   18 86 37.5 0 0  ",
        "98 18 86 37.5 K 0",
    ],
)
def test_the_compact_answer_may_carry_the_code_commas_semicolons_or_a_decimal_comma(an: Thread, text: str) -> None:
    an.send(text)
    (record,) = declared(an)
    assert record.complete
    assert record.level is Level.GREEN
    assert record.answers["temperature"] == 37.5


def test_fewer_than_six_answers_are_recorded_and_the_rest_asked_one_at_a_time(an: Thread) -> None:
    assert "Cau 3/6" in an.send("98 18")
    assert not last_declaration(an).complete
    assert last_declaration(an).answers == {"spo2": 98.0, "breaths": 18.0}
    assert "Cau 4/6" in an.send("86")
    assert "Cau 5/6" in an.send("37,5")
    assert "Cau 6/6" in an.send("K")
    assert "binh thuong" in an.send("0")
    assert last_declaration(an).complete
    assert {r.started_at for r in declared(an)} == {declared(an)[0].started_at}  # one declaration, updated
    assert an.state == "idle"


def test_kb_asks_the_six_questions_step_by_step(an: Thread) -> None:
    assert "Cau 1/6" in an.send("KB")
    assert not declared(an)
    for i, answer in enumerate(["98", "18", "86", "37.5", "0"], start=2):
        assert f"Cau {i}/6" in an.send(answer)
    assert "binh thuong" in an.send("0")
    assert last_declaration(an).complete
    assert an.state == "idle"


@pytest.mark.parametrize("keyword", ["KB", "kb", "khai báo", "KHAI BAO"])
def test_kb_is_recognised_in_any_spelling(an: Thread, keyword: str) -> None:
    assert "Cau 1/6" in an.send(keyword)
    assert an.state == "declaring"


def test_kb_with_answers_takes_them_at_once(an: Thread) -> None:
    an.send("KB 98 18 86 37.5 0 0")
    assert last_declaration(an).complete


@pytest.mark.parametrize(
    ("answered", "invalid", "question"),
    [
        ("", "69", "Cau 1/6"),
        ("", "101", "Cau 1/6"),
        ("98", "81", "Cau 2/6"),
        ("98", "4", "Cau 2/6"),
        ("98 18", "221", "Cau 3/6"),
        ("98 18", "29", "Cau 3/6"),
        ("98 18 86", "45", "Cau 4/6"),
        ("98 18 86", "33.9", "Cau 4/6"),
        ("98 18 86 37", "2", "Cau 5/6"),
        ("98 18 86 37 0", "5", "Cau 6/6"),
        ("98 18 86 37 0", "abc", "Cau 6/6"),
    ],
)
def test_an_out_of_range_answer_gets_a_hint_and_the_same_question(
    an: Thread, answered: str, invalid: str, question: str
) -> None:
    an.send("KB " + answered if answered else "KB")
    before = dict(draft(an).answers)
    reply = an.send(invalid)
    assert question in reply
    assert f'"{invalid}" chua dung' in reply
    assert "(" in reply  # the expected form, e.g. (34-43)
    assert an.state == "declaring"
    assert draft(an).answers == before


def test_answers_before_a_wrong_one_in_a_compact_message_are_kept(an: Thread) -> None:
    reply = an.send("98 18 86 45 0 0")
    assert "Cau 4/6" in reply
    assert '"45" chua dung' in reply
    assert last_declaration(an).answers == {"spo2": 98.0, "breaths": 18.0, "pulse": 86.0}


def test_too_many_answers_get_the_expected_format(an: Thread) -> None:
    reply = an.send("98 18 86 37.5 0 0 1")
    assert "6 so" in reply
    assert "98 18 86 37.5 0 0" in reply
    assert not declared(an)


def test_too_many_answers_in_the_middle_of_a_declaration_keep_what_was_given(an: Thread) -> None:
    an.send("98 18 86")
    an.send("37 0 0 0")
    assert an.state == "declaring"
    assert draft(an).answers == {"spo2": 98.0, "breaths": 18.0, "pulse": 86.0}


def test_a_declaration_belongs_to_the_local_date(an: Thread) -> None:
    an.now = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 00:30 on 26/11 in Hanoi
    reply = an.send(GREEN)
    assert last_declaration(an).local_date == date(2026, 11, 26)
    assert "26/11" in reply


def test_several_declarations_a_day_are_each_recorded(an: Thread) -> None:
    an.send(GREEN)
    an.later(hours=4)
    an.send("95 18 86 37.5 0 0")
    first, second = declared(an)
    assert first.started_at != second.started_at
    assert (first.level, second.level) == (Level.GREEN, Level.RED)


# --- a phone with several patients -------------------------------------------


def test_a_phone_with_two_patients_is_asked_for_whom_and_a_number_continues(family: Thread) -> None:
    reply = family.send(GREEN)
    assert "1) Nguyen Van An K7M2Q" in reply
    assert "2) Nguyen Van Be B3CHD" in reply
    assert family.state == "choose_patient"
    assert not declared(family)
    family.send("2")
    record = last_declaration(family)
    assert record.code == "B3CHD"
    assert record.complete


def test_for_whom_may_be_answered_with_the_code(family: Thread) -> None:
    family.send(GREEN)
    family.send("k7m2q")
    assert last_declaration(family).code == CODE


def test_the_code_first_needs_no_question_on_a_shared_phone(family: Thread) -> None:
    family.send("B3CHD 98 18 86 37.5 0 0")
    assert last_declaration(family).code == "B3CHD"


def test_kb_on_a_shared_phone_asks_for_whom_then_prefixes_the_questions_with_the_code(family: Thread) -> None:
    family.send("KB")
    assert "B3CHD Cau 1/6" in family.send("2")


def test_an_answer_to_for_whom_that_names_nobody_asks_again(family: Thread) -> None:
    family.send(GREEN)
    assert "Cho ai?" in family.send("3")
    assert family.state == "choose_patient"


def test_an_unknown_code_says_so_and_asks_for_whom(an: Thread) -> None:
    reply = an.send("X9X9X 98 18 86 37.5 0 0")
    assert "X9X9X" in reply
    assert "Cho ai?" in reply
    an.send("1")
    assert last_declaration(an).complete


def test_a_pending_patients_answers_are_stored_before_acceptance(thread: Callable[..., Thread]) -> None:
    t = thread(patient(status="pending"))
    reply = t.send(GREEN)
    (record,) = declared(t)
    assert record.complete
    assert record.code == "K7M2Q"
    assert "Da ghi" in reply


# --- triage (Decision 261/QD-BYT) --------------------------------------------

ADULT = patient()
TWELVE = child(12)
EIGHT = child(8)
THREE = child(3)
INFANT = patient("B4BYZ", "Nguyen Van Nho", birth_year=2026, birth_date=date(2026, 5, 25))


@pytest.mark.parametrize(
    ("who", "answers", "level"),
    [
        (ADULT, "96 18 86 37 0 0", Level.RED),
        (ADULT, "97 18 86 37 0 0", Level.GREEN),
        (ADULT, "70 18 86 37 0 0", Level.RED),
        (ADULT, "98 20 86 37 0 0", Level.RED),
        (ADULT, "98 19 86 37 0 0", Level.GREEN),
        (TWELVE, "98 20 86 37 0 0", Level.RED),
        (TWELVE, "98 19 86 37 0 0", Level.GREEN),
        (EIGHT, "98 25 86 37 0 0", Level.GREEN),
        (EIGHT, "98 29 86 37 0 0", Level.GREEN),
        (EIGHT, "98 30 86 37 0 0", Level.RED),
        (THREE, "98 40 86 37 0 0", Level.RED),
        (THREE, "98 39 86 37 0 0", Level.GREEN),
        (INFANT, "98 45 86 37 0 0", Level.GREEN),
        (INFANT, "98 50 86 37 0 0", Level.RED),
        (ADULT, "98 18 121 37 0 0", Level.RED),
        (ADULT, "98 18 49 37 0 0", Level.RED),
        (ADULT, "98 18 120 37 0 0", Level.GREEN),
        (ADULT, "98 18 50 37 0 0", Level.GREEN),
        (ADULT, "98 18 86 38.5 0 0", Level.GREEN),
        (ADULT, "98 18 86 38.6 0 0", Level.YELLOW),
        (ADULT, "98 18 86 38,6 0 0", Level.YELLOW),
        (ADULT, "98 18 86 39.5 0 0", Level.YELLOW),
        (THREE, "98 18 86 39.5 0 0", Level.RED),
        (THREE, "98 18 86 39 0 0", Level.YELLOW),
        (ADULT, "98 18 86 37 1 0", Level.RED),
        (ADULT, "98 18 86 37 C 0", Level.RED),
        (ADULT, "98 18 86 37 có 0", Level.RED),
        (ADULT, "98 18 86 37 K 0", Level.GREEN),
        (ADULT, "98 18 86 37 0 1", Level.RED),
        (ADULT, "98 18 86 37 0 2", Level.RED),
        (ADULT, "98 18 86 37 0 3", Level.RED),
        (ADULT, "98 18 86 37 0 4", Level.YELLOW),
        (ADULT, "98 18 86 37 0 13", Level.RED),
        (ADULT, "98 18 86 37 0 34", Level.RED),
        (ADULT, "98 18 86 37 0 04", Level.YELLOW),
        (ADULT, "K 18 86 37 0 0", Level.YELLOW),
        (ADULT, "0 18 86 37 0 0", Level.YELLOW),
        (ADULT, "KO 18 86 37 0 0", Level.YELLOW),
    ],
)
def test_the_triage_follows_the_ministrys_thresholds(
    thread: Callable[..., Thread], who: object, answers: str, level: Level
) -> None:
    t = thread(who)
    t.send(answers)
    record = last_declaration(t)
    assert record.complete
    assert record.level is level
    assert bool(t.all(RaiseAlert)) is (level is Level.RED)


@pytest.mark.parametrize(
    ("born", "answers"),
    [
        (date(2021, 11, 25), "98 35 86 37 0 0"),  # five today: 5 to under 12 is red from 30
        (date(2025, 11, 25), "98 45 86 37 0 0"),  # one today: 1 to under 5 is red from 40
    ],
)
def test_a_child_is_in_the_next_age_band_on_the_birthday(
    thread: Callable[..., Thread], born: date, answers: str
) -> None:
    t = thread(patient("B5BDY", "Tran Van Sinh", birth_year=born.year, birth_date=born))
    t.send(answers)
    assert last_declaration(t).level is Level.RED


@pytest.mark.parametrize("none", ["KHÔNG", "khong", "KHONG"])
def test_khong_as_the_first_answer_means_no_oximeter_not_a_patient_code(an: Thread, none: str) -> None:
    reply = an.send(f"{none} 18 86 37 0 0")
    assert "KHONG" not in reply
    record = last_declaration(an)
    assert record.complete
    assert record.answers["spo2"] is None
    assert record.level is Level.YELLOW


def test_a_declaration_left_unfinished_for_more_than_6_hours_is_dropped(an: Thread) -> None:
    an.send("KB 98 18")
    an.later(hours=6, minutes=1)
    an.send("86")
    old, new = declared(an)
    assert new.started_at != old.started_at  # "86" is not the pulse of the old declaration
    assert new.answers == {"spo2": 86.0}


def test_a_yellow_answer_gets_fever_advice_and_a_call_back_today(an: Thread) -> None:
    reply = an.send("98 18 86 38.8 0 0")
    assert "Can chu y" in reply
    assert "Nhiet do 38.8" in reply
    assert "paracetamol" in reply
    assert "0220 3852 000" in reply
    assert not an.sent()


def test_no_oximeter_is_yellow_without_fever_advice(an: Thread) -> None:
    reply = an.send("K 18 86 37 0 0")
    assert "SpO2 K" in reply
    assert "paracetamol" not in reply


def test_a_complete_red_declaration_advises_the_patient_and_alerts_every_staff_member(an: Thread) -> None:
    reply = an.send("94 24 86 37.5 0 0")
    assert "SpO2 thap (94%)" in reply
    assert "tho nhanh (24 lan/phut)" in reply
    assert "115" in reply
    assert "do lai SpO2" in reply
    assert "0220 3852 000" in reply
    (alert,) = an.all(RaiseAlert)
    assert alert.level is Level.RED
    assert "SpO2 94" in alert.reason
    assert alert.code == CODE
    alerts = an.sent("alert")
    assert sorted(m.to for m in alerts) == sorted(TRAN_PHU_STAFF)
    for message in alerts:
        assert CODE in message.text
        assert "Nguyen Van An" in message.text
        assert "46t" in message.text
        assert "0987654321" in message.text
        assert "SpO2 94" in message.text
        assert f"OK {CODE}" in message.text


def test_a_red_partial_answer_alerts_at_once_and_only_once_per_declaration(an: Thread) -> None:
    reply = an.send("KB 94")
    assert len(an.all(RaiseAlert)) == 1
    assert len(an.sent("alert")) == len(TRAN_PHU_STAFF)
    assert "115" in reply
    assert "Cau 2/6" in reply
    an.send("25")
    an.send("130")
    an.send("37")
    an.send("1")
    an.send("1")
    assert len(an.all(RaiseAlert)) == 1
    assert len([m for m in an.all(SendSms) if m.kind == "alert"]) == len(TRAN_PHU_STAFF)
    assert last_declaration(an).complete
    assert last_declaration(an).level is Level.RED


def test_the_red_partial_reply_is_plain_gsm7(an: Thread) -> None:
    reply = an.send("KB 94")
    assert is_gsm7(reply), reply
    assert len(reply) <= 306


def test_every_reply_of_a_red_declaration_step_by_step_is_plain_gsm7(an: Thread) -> None:
    an.send("KB")
    for answer in ["98", "18", "86", "37", "1", "0"]:
        reply = an.send(answer)
        assert is_gsm7(reply), reply
        assert len(reply) <= 306, reply


# --- free text and SOS -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "toi bi kho tho",
        "Tôi bị khó thở quá",
        "me bi ngat",
        "moi tim tai",
        "cap cuu",
        "nó khó thở",  # "nó" is he/she, not "no"
        "con no kho tho qua",
        "97 kho tho qua",  # a number first: still an emergency, not a bad answer
    ],
)
def test_free_text_naming_an_emergency_sign_is_red(an: Thread, text: str) -> None:
    reply = an.send(text)
    (alert,) = an.all(RaiseAlert)
    assert alert.level is Level.RED
    assert len(an.sent("alert")) == len(TRAN_PHU_STAFF)
    assert "115" in reply


def test_free_text_quotes_the_message_to_staff(an: Thread) -> None:
    an.send("Tôi bị khó thở quá")
    (alert,) = an.all(RaiseAlert)
    assert "toi bi kho tho qua" in alert.reason.lower()


@pytest.mark.parametrize(
    "text", ["khong kho tho", "Không khó thở", "ko kho tho", "hom nay toi khoe", "bi ngạt mũi", "k kho tho"]
)
def test_free_text_that_denies_the_sign_is_not_red(an: Thread, text: str) -> None:
    reply = an.send(text)
    assert not an.all(RaiseAlert)
    assert reply


def test_an_emergency_phrase_in_the_middle_of_a_declaration_still_raises_a_red_alert(an: Thread) -> None:
    an.send("KB 98")
    an.send("toi bi kho tho")
    assert an.all(RaiseAlert)
    assert len(an.sent("alert")) == len(TRAN_PHU_STAFF)


@pytest.mark.parametrize("word", ["CUU", "cuu", "SOS", "cấp cứu", "CAP CUU", "khẩn cấp", "Cuu!"])
def test_cuu_raises_a_red_alert_for_every_live_patient_on_the_phone(thread: Callable[..., Thread], word: str) -> None:
    t = thread(patient(), BABY, patient("C4PND", "Nguyen Thi Cho", status="pending"))
    reply = t.send(word)
    alerts = t.all(RaiseAlert)
    assert sorted(a.code for a in alerts) == ["B3CHD", "C4PND", CODE]
    assert all(a.level is Level.RED for a in alerts)
    assert all("cap cuu" in fold(a.reason) for a in alerts)  # "patient reports an emergency"
    assert len(t.sent("alert")) == 3 * len(TRAN_PHU_STAFF)
    assert "115" in reply
    assert "0220 3852 000" in reply


def test_cuu_keeps_the_declaration_in_progress(an: Thread) -> None:
    an.send("KB 98 18")
    before = an.conversation.data
    an.send("SOS")
    assert an.state == "declaring"
    assert an.conversation.data == before
    assert "Cau 4/6" in an.send("86")


def test_cuu_does_not_alert_for_a_rejected_patient(thread: Callable[..., Thread]) -> None:
    t = thread(patient(status="rejected"), patient("B3CHD", "Nguyen Van Be"))
    t.send("CUU")
    assert [a.code for a in t.all(RaiseAlert)] == ["B3CHD"]


def test_an_unknown_number_sending_cuu_is_told_to_call_115(thread: Callable[..., Thread]) -> None:
    t = thread(phone=STRANGER_PHONE)
    reply = t.send("CUU")
    assert "115" in reply
    assert "DK" in reply
    assert not t.all(RaiseAlert)
    assert not t.sent()


def test_the_patient_phone_in_alerts_is_the_patients_own_number(an: Thread) -> None:
    an.send("CUU")
    assert all("0987654321" in m.text for m in an.sent("alert"))
    assert PATIENT_PHONE not in {m.to for m in an.sent("alert")}
