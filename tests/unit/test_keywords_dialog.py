"""Patient keywords outside the daily answers: DK, LS, HD, help, STOP/START, EN/VI, and the fallbacks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogs.drafts import Action, PatientChoice
from dialogs.effects import Reply, SetLanguage, SetOptOut
from dialogs.engine import wants_history
from dialogs.state import Conversation, State
from tests.unit.conftest import CODE, STRANGER_PHONE, Thread, day, patient

WORST_DAY: dict[str, float | str | None] = {
    "spo2": 100.0,
    "breaths": 80.0,
    "pulse": 220.0,
    "temperature": 42.9,
    "breathless": 1.0,
    "signs": "1234",
}


@pytest.fixture
def an(thread: Callable[..., Thread]) -> Thread:
    return thread(patient())


@pytest.fixture
def stranger(thread: Callable[..., Thread]) -> Thread:
    return thread(phone=STRANGER_PHONE)


@pytest.mark.parametrize("text", ["DK", "dk", "Dk", "dang ky", "ĐĂNG KÝ", "Đăng  ký", "DANGKY", "REG", "dk."])
def test_dk_is_recognised_whatever_the_case_spacing_or_diacritics(stranger: Thread, text: str) -> None:
    assert "1/7" in stranger.send(text)
    assert stranger.state == "reg_name"


def test_ls_shows_the_last_7_days_a_line_a_day_within_two_segments(an: Thread) -> None:
    history = {CODE: tuple(day(back, WORST_DAY, "yellow") for back in range(7))}
    reply = an.send("LS", history=history)
    assert reply.startswith(f"LS {CODE}")
    assert reply.count("100 80 220 42.9 1 1234 vang") == 7
    assert [d in reply for d in ("25/11", "24/11", "23/11", "22/11", "21/11", "20/11", "19/11")] == [True] * 7
    assert "18/11" not in reply
    assert len(reply) <= 306


def test_ls_in_english_also_fits_in_two_segments(an: Thread) -> None:
    an.language = "en"
    history = {CODE: tuple(day(back, WORST_DAY, "yellow") for back in range(7))}
    reply = an.send("LS", history=history)
    assert reply.startswith(f"History {CODE}")
    assert reply.count("yellow") == 7
    assert len(reply) <= 306


def test_ls_marks_days_without_a_declaration_and_unanswered_questions(an: Thread) -> None:
    history = {CODE: (day(0, {"spo2": 98.0}, "green"), day(3, {"spo2": 93.0, "breaths": 18.0}, "red"))}
    reply = an.send("lịch sử", history=history)
    assert "25/11 98 ? ? ? ? ? xanh" in reply
    assert "24/11 -" in reply
    assert "22/11 93 18 ? ? ? ? do" in reply


def test_ls_without_declarations_says_so(an: Thread) -> None:
    assert "chua co khai bao" in an.send("LS")


def test_ls_on_a_shared_phone_asks_for_whom(thread: Callable[..., Thread]) -> None:
    t = thread(patient(), patient("B3CHD", "Nguyen Van Be", birth_year=2023))
    assert "Cho ai?" in t.send("LS")
    history = {"B3CHD": (day(0, WORST_DAY, "red"),)}
    assert t.send("2", history=history).startswith("LS B3CHD")


def test_the_host_is_told_when_to_load_the_history() -> None:
    assert wants_history(Conversation(), "ls")
    assert wants_history(Conversation(), "Lịch sử K7M2Q")
    assert not wants_history(Conversation(), "98 18 86 37 0 0")
    assert wants_history(Conversation(State.CHOOSE_PATIENT, PatientChoice(Action.HISTORY)), "1")
    assert not wants_history(Conversation(State.CHOOSE_PATIENT, PatientChoice(Action.DECLARE)), "1")


def test_hd_lists_the_numbered_guidance_topics(an: Thread) -> None:
    reply = an.send("HD")
    assert "1) Khi nao can goi ngay" in reply
    assert "6) Dinh duong" in reply
    assert "HD 1" in reply
    assert len(reply) <= 306


@pytest.mark.parametrize("text", ["HD 2", "hd 2", "hướng dẫn 2", "HUONG DAN 2"])
def test_hd_with_a_number_sends_that_topic(an: Thread, text: str) -> None:
    reply = an.send(text)
    assert reply.startswith("Cham soc khi sot:")
    assert "paracetamol" in reply
    assert len(reply) <= 306


def test_hd_with_an_unknown_number_says_so_and_lists_the_topics(an: Thread) -> None:
    reply = an.send("HD 9")
    assert "Khong co muc 9" in reply
    assert "1) Khi nao can goi ngay" in reply


@pytest.mark.parametrize("text", ["TRO GIUP", "trợ giúp", "HELP", "help", "?", "Help!"])
def test_help_lists_the_keywords(an: Thread, text: str) -> None:
    reply = an.send(text)
    for keyword in ("KB", "LS", "HD", "CUU", "STOP", "0220 3852 000"):
        assert keyword in reply
    assert len(reply) <= 306


def test_help_in_the_middle_of_a_dialog_keeps_the_dialog(an: Thread) -> None:
    an.send("KB 98")
    an.send("?")
    assert an.state == "declaring"
    assert "Cau 3/6" in an.send("18")


@pytest.mark.parametrize("text", ["STOP", "stop", "HUY DK", "Hủy đăng ký", "DUNG", "dừng", "Stop."])
def test_stop_words_stop_the_scheduled_messages(an: Thread, text: str) -> None:
    reply = an.send(text)
    assert an.all(SetOptOut) == [SetOptOut(True)]
    assert "START" in reply
    assert "115" in reply


@pytest.mark.parametrize("text", ["START", "start", "BAT DAU", "Bắt đầu"])
def test_start_words_resume_the_scheduled_messages(an: Thread, text: str) -> None:
    an.send("STOP")
    an.send(text)
    assert an.all(SetOptOut) == [SetOptOut(True), SetOptOut(False)]
    assert not an.opted_out


def test_dung_inside_a_sentence_is_not_stop(an: Thread) -> None:
    an.send("dung roi")
    assert not an.all(SetOptOut)


def test_stop_in_the_middle_of_a_declaration_keeps_the_declaration(an: Thread) -> None:
    an.send("KB 98")
    an.send("STOP")
    assert an.state == "declaring"


def test_en_switches_to_english_and_later_replies_are_english(an: Thread) -> None:
    assert "English" in an.send("en")
    assert an.all(SetLanguage) == [SetLanguage("en")]
    assert "Question 1/6" in an.send("KB")
    assert "Saved" in an.send("98 18 86 37.5 0 0")
    assert "Every day send 6 numbers" in an.send("HELP")
    assert "tieng Viet" in an.send("VI")
    assert "Hang ngay" in an.send("TRO GIUP")


def test_english_help_offers_the_way_back_to_vietnamese(an: Thread) -> None:
    an.language = "en"
    assert "VI" in an.send("help")


@pytest.mark.parametrize("text", ["hello", "xin chao", "98 18 86 37.5 0 0", "LS", "KB", "OK K7M2Q", "123456", ""])
def test_an_unknown_number_is_told_how_to_register(stranger: Thread, text: str) -> None:
    reply = stranger.send(text)
    assert "DK" in reply
    assert "115" in reply
    assert stranger.state == "idle"
    assert [type(e) for e in stranger.last.effects] == [Reply]


def test_a_pending_patient_is_told_the_registration_is_waiting(thread: Callable[..., Thread]) -> None:
    t = thread(patient(status="pending"))
    reply = t.send("xin chao")
    assert "dang cho" in reply
    assert CODE in reply
    assert "0220 3852 000" in reply


@pytest.mark.parametrize("text", ["xin chao", "cam on", "???", "!!!", "ok", "🙂", "\n", "a" * 500])
def test_unrecognised_text_gets_a_short_help_never_silence(an: Thread, text: str) -> None:
    reply = an.send(text)
    assert reply.strip()
    assert "Chua hieu" in reply or "Hang ngay" in reply
    assert len(reply) <= 306
    assert not an.all(SetOptOut)


def test_every_step_answers_with_exactly_one_reply(an: Thread) -> None:
    for text in ["HD", "LS", "KB", "98", "?", "STOP", "START", "EN", "VI", "CUU", "HUY", "xyz"]:
        an.send(text)
        assert len([e for e in an.last.effects if isinstance(e, Reply)]) == 1, text
