"""Dialog tolerance, cancel vs stop, and advice that fits (issue 11, points 3, 4, 5 and 8)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogs.drafts import DeclarationDraft, RegistrationDraft
from dialogs.effects import RaiseAlert, RecordDeclaration, SetOptOut
from dialogs.program import Program
from dialogs.text import is_gsm7, segments
from tests.unit.conftest import STRANGER_PHONE, Thread, child, patient

GREEN = "98 18 86 37.5 0 0"


@pytest.fixture
def an(thread: Callable[..., Thread]) -> Thread:
    return thread(patient())


@pytest.fixture
def stranger(thread: Callable[..., Thread]) -> Thread:
    return thread(phone=STRANGER_PHONE)


def recorded(t: Thread) -> RecordDeclaration:
    last: RecordDeclaration = t.all(RecordDeclaration)[-1]
    return last


# --- point 2 through the engine ----------------------------------------------------------


def test_the_welcomes_labelled_answer_is_recorded_without_an_alarm(an: Thread) -> None:
    reply = an.send("spo2 97 nhip tho 18 mach 80 nhiet do 37 kho tho 0 dau hieu 0")
    assert "binh thuong" in reply
    assert not an.all(RaiseAlert)
    assert recorded(an).complete
    assert recorded(an).answers["breathless"] == 0.0


def test_a_percent_sign_and_a_decimal_comma_are_a_complete_answer(an: Thread) -> None:
    assert "binh thuong" in an.send("98% 18 86 37,5 0 0")
    assert recorded(an).answers["temperature"] == 37.5


def test_kho_tho_qua_alone_is_still_an_emergency(an: Thread) -> None:
    reply = an.send("kho tho qua")
    assert [a.kind for a in an.all(RaiseAlert)] == ["sos"]
    assert "kho tho" in reply
    assert "115" in reply


# --- point 3: the step-by-step dialog ------------------------------------------------------


def test_a_complete_answer_inside_kb_is_a_complete_declaration(an: Thread) -> None:
    an.send("KB")
    an.send("98")
    assert "binh thuong" in an.send("97 18 86 37 0 0")
    assert an.state == "idle"
    assert recorded(an).answers["spo2"] == 97.0


def test_after_a_bad_value_several_numbers_are_read_from_the_first_question(an: Thread) -> None:
    an.send("KB 98")
    assert '"150" chua dung' in an.send("150")
    assert "Cau 4/6" in an.send("97 18 86")  # 97 cannot be a breathing rate: read from SpO2
    assert dict(recorded(an).answers) == {"spo2": 97.0, "breaths": 18.0, "pulse": 86.0}


def test_numbers_that_fit_the_open_questions_still_continue_the_dialog(an: Thread) -> None:
    an.send("KB 98")
    assert "Cau 4/6" in an.send("18 86")
    assert dict(recorded(an).answers) == {"spo2": 98.0, "breaths": 18.0, "pulse": 86.0}


def test_a_labelled_answer_in_kb_fills_its_question_and_the_first_open_one_is_asked(an: Thread) -> None:
    an.send("KB")
    assert "Cau 1/6" in an.send("nhiet do 37.5")
    assert "Cau 2/6" in an.send("97")
    assert dict(recorded(an).answers) == {"spo2": 97.0, "temperature": 37.5}


@pytest.mark.parametrize("text", ["?", "HELP", "TRO GIUP", "trợ giúp"])
def test_help_in_kb_repeats_the_question_with_how_to_cancel(an: Thread, text: str) -> None:
    an.send("KB 98")
    reply = an.send(text)
    assert "Cau 2/6" in reply
    assert "HUY" in reply
    assert an.state == "declaring"
    assert "Cau 3/6" in an.send("18")


@pytest.mark.parametrize(("step", "question"), [(1, "1/7"), (2, "2/7"), (3, "3/7"), (7, "7/7")])
def test_help_in_a_registration_repeats_its_step(stranger: Thread, step: int, question: str) -> None:
    answers = ["DK", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "K"]
    for text in answers[:step]:
        stranger.send(text)
    reply = stranger.send("?")
    assert question in reply
    assert "HUY" in reply
    assert isinstance(stranger.conversation.data, RegistrationDraft)
    assert len(reply) <= 306
    assert is_gsm7(reply)


@pytest.mark.parametrize("text", ["STOP", "stop", "UNSUBSCRIBE", "GUI LAI", "RESEND", "LS"])
def test_a_keyword_at_step_1_is_not_stored_as_a_name(stranger: Thread, text: str) -> None:
    stranger.send("DK")
    reply = stranger.send(text)
    assert stranger.state == "reg_name"
    assert "HUY" in reply
    assert "STOP" in reply
    assert not stranger.all(SetOptOut)


# --- point 4: cancel is cancel ---------------------------------------------------------------


@pytest.mark.parametrize("word", ["CANCEL", "cancel", "HUY", "Hủy"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_cancel_ends_a_registration_and_never_opts_out(stranger: Thread, word: str, language: str) -> None:
    stranger.language = language
    stranger.send("DK")
    stranger.send("Nguyen Van An")
    stranger.send(word)
    assert stranger.state == "idle"
    assert not stranger.all(SetOptOut)


def test_cancel_at_step_1_cancels(stranger: Thread) -> None:
    stranger.send("DK")
    assert "Da huy" in stranger.send("CANCEL")
    assert stranger.state == "idle"
    assert not stranger.all(SetOptOut)


def test_huy_dk_in_a_registration_cancels_it_and_outside_one_opts_out(stranger: Thread, an: Thread) -> None:
    stranger.send("DK")
    stranger.send("Nguyen Van An")
    stranger.send("HUY DK")
    assert stranger.state == "idle"
    assert not stranger.all(SetOptOut)
    an.send("HUY DK")
    assert an.all(SetOptOut) == [SetOptOut(True)]


def test_cancel_with_nothing_in_progress_says_how_to_stop(an: Thread) -> None:
    reply = an.send("CANCEL")
    assert "STOP" in reply
    assert not an.all(SetOptOut)


def test_stop_says_how_to_undo_it_in_both_languages(an: Thread) -> None:
    stopped = an.send("STOP")
    assert "START" in stopped
    assert "BAT DAU" in stopped
    an.language = "en"
    assert "START" in an.send("STOP")


def test_english_registration_prompts_name_english_keywords(stranger: Thread) -> None:
    stranger.language = "en"
    said = [stranger.send(t) for t in ["REG", "An Nguyen", "1980", "Tran Phu"]]
    assert "CANCEL" in said[0]
    assert "THIS" in said[3]
    for text in said:
        assert "HUY" not in text
        assert "NAY" not in text
    assert "5/7" in stranger.send("ME")
    stranger.send("today")
    stranger.send("N")
    sent = stranger.send("N")
    assert "RESEND" in sent
    assert "GUI LAI" not in sent


# --- point 5: the risk-factor step ------------------------------------------------------------


@pytest.mark.parametrize("none", ["K", "0", "không có", "khong co", "ko", "KHONG"])
def test_no_risk_factors_is_written_many_ways(stranger: Thread, none: str) -> None:
    for text in ["DK", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "khong co"]:
        stranger.send(text)
    stranger.send(none)
    assert stranger.state == "reg_otp"
    data = stranger.conversation.data
    assert isinstance(data, RegistrationDraft)
    assert data.risks == ()
    assert data.symptoms is False


# --- point 8: advice that fits --------------------------------------------------------------------


def test_a_low_spo2_is_named_and_asks_to_measure_it_again(an: Thread) -> None:
    reply = an.send("94 18 86 37 0 0")
    assert "SpO2 thap (94%)" in reply
    assert "do lai SpO2" in reply
    assert "115" in reply


def test_fast_breathing_is_named_without_measuring_spo2_again(an: Thread) -> None:
    reply = an.send("98 26 86 37 0 0")
    assert "tho nhanh (26 lan/phut)" in reply
    assert "dem lai nhip tho" in reply
    assert "SpO2" not in reply
    assert "115" in reply


def test_a_young_childs_fever_gets_fever_advice_not_an_oximeter(thread: Callable[..., Thread]) -> None:
    toddler = thread(child(3))
    reply = toddler.send("98 24 100 39.6 0 0")
    assert "tre nho sot cao (39.6 do)" in reply
    assert "paracetamol" in reply
    assert "SpO2" not in reply
    assert "115" in reply


def test_sign_codes_reach_the_patient_as_words(an: Thread) -> None:
    reply = an.send("98 18 86 37 0 13")
    assert "lu lan/li bi/co giat" in reply
    assert "khong an uong duoc/non" in reply
    assert "13" not in reply
    assert "115" in reply


def test_breathless_in_words_is_named_with_its_advice(an: Thread) -> None:
    reply = an.send("toi bi kho tho qua")
    assert reply.startswith("Ban bao kho tho")
    assert "Ngoi nghi" in reply
    assert "115" in reply


def test_a_yellow_sign_code_is_shown_in_words(an: Thread) -> None:
    reply = an.send("98 18 86 37 0 4")
    assert "ho, met, tieu chay, mat vi giac" in reply


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_help_fits_in_one_sms(program: Program, language: str) -> None:
    texts = program.texts(language)
    widest = texts("help", clinic_phone=max((c.phone for c in program.clinics), key=len))
    assert segments(widest) == 1
    assert len(widest) <= 160


def test_the_english_welcome_says_what_sos_is(program: Program) -> None:
    assert program.texts("en").raw("welcome").endswith("SOS: emergency")


def test_every_red_reply_fits_in_two_segments(thread: Callable[..., Thread]) -> None:
    for language in ("vi", "en"):
        toddler = thread(child(3), language=language)
        reply = toddler.send("70 80 220 42.9 1 123")
        assert is_gsm7(reply), reply
        assert len(reply) <= 306, reply
        assert "115" in reply


def test_a_declaration_draft_keeps_answers_given_out_of_order(an: Thread) -> None:
    an.send("KB")
    an.send("mach 90")
    data = an.conversation.data
    assert isinstance(data, DeclarationDraft)
    assert dict(data.answers) == {"pulse": 90.0}
