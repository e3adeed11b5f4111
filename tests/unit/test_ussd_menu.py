"""The USSD menu, pure: every screen, every validation, household and no-patient phones (issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialogs.drafts import OtpChallenge, RegistrationDraft
from dialogs.program import Program
from dialogs.state import Conversation, PatientView, State
from dialogs.ussd_menu import Outcome, Request, Screen, inputs_of, walk
from tests.support import sms_segments
from tests.unit.conftest import NOW, PATIENT_PHONE, RELATIVE_PHONE, STRANGER_PHONE, child, context, patient

AN = patient()
BABY = child(3, "B3CHD", "Nguyen Van Be")
PENDING = patient("P4NDG", "Tran Thi Binh", status="pending")
REGISTRATION = ("Nguyen Van An", "1980", "tran phu", "1", "hom nay", "2", "4")


def screen_of(outcome: Outcome) -> str:
    assert isinstance(outcome, Screen), outcome
    return outcome.text


def request_of(outcome: Outcome) -> str:
    assert isinstance(outcome, Request), outcome
    return outcome.body


def menu(
    program: Program,
    text: str,
    *patients: PatientView,
    phone: str = PATIENT_PHONE,
    language: str = "vi",
    conv: Conversation | None = None,
) -> Outcome:
    ctx = context(program, *patients, phone=phone, language=language)
    return walk(inputs_of(text), conv or Conversation(), ctx, NOW)


def septets(text: str) -> int:
    return len(text) + sum(1 for ch in text if ch in sms_segments.EXTENSION)


# --- the text of the gateway --------------------------------------------------


def test_the_gateways_text_is_split_on_stars_and_empty_on_dial() -> None:
    assert inputs_of("") == ()
    assert inputs_of("1*98*37,5") == ("1", "98", "37,5")
    assert inputs_of("1**2") == ("1", "", "2")


# --- the menu -------------------------------------------------------------------


def test_a_phone_with_patients_gets_declare_history_guidance_register_and_emergency(program: Program) -> None:
    shown = screen_of(menu(program, "", AN))
    for line in ("1 Khai bao hom nay", "2 Lich su 7 ngay", "3 Huong dan", "4 Dang ky nguoi benh khac", "9 Cap cuu"):
        assert line in shown.split("\n")


def test_a_phone_with_no_patient_gets_register_guidance_and_emergency_only(program: Program) -> None:
    shown = screen_of(menu(program, "", phone=STRANGER_PHONE))
    assert shown.split("\n")[1:] == ["1 Dang ky theo doi", "3 Huong dan", "9 Cap cuu"]
    assert "2 " not in shown
    assert "4 " not in shown


@pytest.mark.parametrize("choice", ["2", "4", "0", "5", "x"])
def test_a_choice_a_phone_with_no_patient_lacks_repeats_the_menu_with_a_hint(program: Program, choice: str) -> None:
    shown = screen_of(menu(program, choice, phone=STRANGER_PHONE))
    assert shown.startswith("Chon mot so trong danh sach. ")
    assert shown.endswith("9 Cap cuu")


def test_after_a_wrong_choice_the_next_input_is_read_as_the_choice(program: Program) -> None:
    assert request_of(menu(program, "7*9", AN)) == "CUU"


def test_the_menu_follows_the_phones_language(program: Program) -> None:
    shown = screen_of(menu(program, "", AN, language="en"))
    assert "1 Declare today" in shown
    assert "9 Emergency" in shown


def test_a_pending_registration_counts_as_a_patient_for_the_menu(program: Program) -> None:
    assert "1 Khai bao hom nay" in screen_of(menu(program, "", PENDING))


# --- 1: declare -------------------------------------------------------------------


def test_declaring_asks_one_screen_per_configured_question_in_order(program: Program) -> None:
    answers = ["98", "18", "86", "37.5", "0"]
    for index, question in enumerate(program.questions):
        shown = screen_of(menu(program, "*".join(["1", *answers[:index]]), AN))
        assert shown.startswith(f"Cau {index + 1}/{len(program.questions)}: ")
        assert question.key or shown


def test_the_last_answer_hands_the_compact_declaration_with_the_patients_code(program: Program) -> None:
    assert request_of(menu(program, "1*98*18*86*37,5*0*0", AN)) == "K7M2Q 98 18 86 37.5 0 0"


@pytest.mark.parametrize(
    ("text", "bad", "question"),
    [
        ("1*150", "150", "Cau 1/6"),
        ("1*98*abc", "abc", "Cau 2/6"),
        ("1*98*18*86*45", "45", "Cau 4/6"),
        ("1*98*18*86*37*3", "3", "Cau 5/6"),
        ("1*98*18*86*37*0*7", "7", "Cau 6/6"),
    ],
)
def test_a_bad_value_repeats_the_screen_with_the_hint(program: Program, text: str, bad: str, question: str) -> None:
    shown = screen_of(menu(program, text, AN))
    assert shown.startswith(f'"{bad}" chua dung. {question}: ')
    assert "(" in shown  # the hint: the range, the yes/no keys or the signs


def test_after_a_bad_value_the_next_input_answers_the_same_question(program: Program) -> None:
    assert request_of(menu(program, "1*150*98*18*86*37*0*0", AN)) == "K7M2Q 98 18 86 37 0 0"


@pytest.mark.parametrize(("typed", "read"), [("1", "1"), ("2", "0"), ("0", "0"), ("C", "1"), ("K", "0"), ("co", "1")])
def test_a_yes_no_screen_takes_1_yes_2_no_and_the_sms_answers(program: Program, typed: str, read: str) -> None:
    assert request_of(menu(program, f"1*98*18*86*37*{typed}*0", AN)) == f"K7M2Q 98 18 86 37 {read} 0"


def test_the_yes_no_hint_shows_the_keypad_answers(program: Program) -> None:
    assert "(1 co, 2 khong)" in screen_of(menu(program, "1*98*18*86*37", AN))


@pytest.mark.parametrize("typed", ["0", "K"])
def test_no_oximeter_is_0_or_k_and_goes_as_k(program: Program, typed: str) -> None:
    assert "0 neu khong co may do" in screen_of(menu(program, "1", AN))
    assert request_of(menu(program, f"1*{typed}*18*86*37*0*0", AN)) == "K7M2Q K 18 86 37 0 0"


def test_several_signs_are_read_as_by_sms(program: Program) -> None:
    assert request_of(menu(program, "1*98*18*86*37*0*31", AN)) == "K7M2Q 98 18 86 37 0 13"


# --- household phones ---------------------------------------------------------------


@pytest.mark.parametrize("choice", ["1", "2"])
def test_a_household_phone_chooses_the_patient_first(program: Program, choice: str) -> None:
    shown = screen_of(menu(program, choice, AN, BABY))
    assert shown.split("\n") == ["Cho ai?", "1 Nguyen Van An K7M2Q", "2 Nguyen Van Be B3CHD"]


def test_on_a_household_phone_the_questions_name_the_patient(program: Program) -> None:
    assert screen_of(menu(program, "1*2", AN, BABY)).startswith("B3CHD Cau 1/6: ")
    assert request_of(menu(program, "1*2*98*30*110*38*0*0", AN, BABY)) == "B3CHD 98 30 110 38 0 0"


def test_history_on_a_household_phone_is_for_the_patient_chosen(program: Program) -> None:
    assert request_of(menu(program, "2*2", AN, BABY)) == "LS B3CHD"


def test_a_choice_of_nobody_asks_for_whom_again(program: Program) -> None:
    shown = screen_of(menu(program, "1*3", AN, BABY))
    assert shown.startswith("Chon mot so trong danh sach. Cho ai?")


def test_long_names_are_shortened_so_that_four_patients_fit_one_screen(program: Program) -> None:
    names = [
        patient(code, "Nguyen Thi Thanh Huong Xuan Mai Phuong " + code) for code in ("A2B3C", "D4E5F", "G6H7J", "K8L9M")
    ]
    shown = screen_of(menu(program, "1", *names))
    assert all(p.code in shown for p in names)


# --- 2, 3, 9 ---------------------------------------------------------------------------


def test_history_of_the_only_patient_needs_no_more_input(program: Program) -> None:
    assert request_of(menu(program, "2", AN)) == "LS K7M2Q"


def test_guidance_lists_the_topics_and_a_number_asks_for_one(program: Program) -> None:
    shown = screen_of(menu(program, "3", AN))
    titles = [t.title["vi"] for t in program.guidance]
    assert shown.startswith("Huong dan, chon muc:\n1 ")
    assert shown.count("\n") == len(titles)
    assert request_of(menu(program, "3*2", AN)) == "HD 2"
    assert request_of(menu(program, "3*2", phone=STRANGER_PHONE)) == "HD 2"


@pytest.mark.parametrize("topic", ["0", "7", "x"])
def test_a_topic_that_does_not_exist_repeats_the_list(program: Program, topic: str) -> None:
    assert screen_of(menu(program, f"3*{topic}", AN)).startswith("Chon mot so trong danh sach. Huong dan")


@pytest.mark.parametrize("patients", [(AN,), ()])
def test_9_is_the_emergency_at_once(program: Program, patients: tuple[PatientView, ...]) -> None:
    assert request_of(menu(program, "9", *patients, phone=STRANGER_PHONE)) == "CUU"


# --- registration (1 without patients, 4 with) ---------------------------------------------


REG_SCREENS = [
    "1/7: Ho ten",
    "2/7: Ngay sinh",
    "3/7: Phuong/xa",
    "4/7: So di dong",
    "5/7: Ngay co ket qua",
    "6/7:",
    "7/7:",
]


@pytest.mark.parametrize("step", range(7))
def test_registration_asks_the_seven_sms_questions_one_screen_each(program: Program, step: int) -> None:
    text = "*".join(["1", *REGISTRATION[:step]])
    assert REG_SCREENS[step] in screen_of(menu(program, text, phone=STRANGER_PHONE))
    text = "*".join(["4", *REGISTRATION[:step]])
    assert REG_SCREENS[step] in screen_of(menu(program, text, AN))


def test_the_phone_screen_offers_1_for_the_dialling_phone(program: Program) -> None:
    shown = screen_of(menu(program, "1*Nguyen Van An*1980*tran phu", phone=STRANGER_PHONE))
    assert "1 So dang goi" in shown


def test_a_complete_registration_for_the_dialling_phone_hands_the_answers(program: Program) -> None:
    body = request_of(menu(program, "*".join(["1", *REGISTRATION]), phone=STRANGER_PHONE))
    assert body == f"DK*Nguyen Van An*1980*Tran Phu*{STRANGER_PHONE}*hom nay*K*K"


def test_another_number_symptoms_and_risks_are_handed_as_the_sms_dialog_reads_them(program: Program) -> None:
    text = "1*Tran Thi Binh*15/3/1950*quang trung*0903 111 222*25/11*1*13"
    body = request_of(menu(program, text, phone=STRANGER_PHONE))
    assert body == f"DK*Tran Thi Binh*15/3/1950*Quang Trung*{RELATIVE_PHONE}*25/11*C*13"


@pytest.mark.parametrize(
    ("before", "bad", "hint"),
    [
        ((), "123", "1/7: Ho ten"),
        (("Nguyen Van An",), "abc", "Chua hieu ngay sinh"),
        (("Nguyen Van An", "1980", "tran phu"), "12345", "khong phai so di dong"),
        (("Nguyen Van An", "1980", "tran phu"), "02203852123", "la so co dinh"),
        (("Nguyen Van An", "1980", "tran phu", "1"), "mai", "Chua hieu ngay"),
        (("Nguyen Van An", "1980", "tran phu", "1", "hom nay"), "3", "6/7: Chon 1 neu co"),
        (("Nguyen Van An", "1980", "tran phu", "1", "hom nay", "2"), "5", "7/7: Nhap cac so"),
    ],
)
def test_a_bad_registration_answer_repeats_the_question_with_the_sms_hint(
    program: Program, before: tuple[str, ...], bad: str, hint: str
) -> None:
    shown = screen_of(menu(program, "*".join(["1", *before, bad]), phone=STRANGER_PHONE))
    assert hint in shown


def test_an_unknown_area_offers_suggestions_answered_by_number(program: Program) -> None:
    shown = screen_of(menu(program, "1*Nguyen Van An*1980*tran", phone=STRANGER_PHONE))
    assert "Co phai: 1) Tran Phu" in shown
    body = request_of(menu(program, "1*Nguyen Van An*1980*tran*1*1*hom nay*2*4", phone=STRANGER_PHONE))
    assert body.startswith("DK*Nguyen Van An*1980*Tran Phu*")


# --- the one-time code of a registration for another number ----------------------------------


def awaiting(now_offset: timedelta = timedelta()) -> Conversation:
    challenge = OtpChallenge(digest="d", salt="s", expires=NOW + timedelta(minutes=10))
    draft = RegistrationDraft(name="Tran Thi Binh", phone=RELATIVE_PHONE, clinic_id="tyt-tran-phu", otp=challenge)
    return Conversation(State.REG_OTP, draft, NOW + now_offset)


def test_a_phone_awaiting_a_code_is_asked_for_it_above_the_menu(program: Program) -> None:
    shown = screen_of(menu(program, "", phone=STRANGER_PHONE, conv=awaiting()))
    assert shown.startswith("Nhap ma 6 so da gui toi ")
    assert "222" in shown
    assert "0903111222" not in shown
    assert request_of(menu(program, "482913", phone=STRANGER_PHONE, conv=awaiting())) == "482913"


def test_a_code_awaited_too_long_ago_is_not_asked_for(program: Program) -> None:
    shown = screen_of(menu(program, "", phone=STRANGER_PHONE, conv=awaiting(-timedelta(days=2))))
    assert not shown.startswith("Nhap ma")


# --- every screen fits -------------------------------------------------------------------------------

WALKS = [
    "",
    "1",
    "7",
    "1*150",
    "1*98",
    "1*98*18",
    "1*98*18*86",
    "1*98*18*86*37",
    "1*98*18*86*37*1",
    "1*98*18*86*37*0*9",
    "1*1",
    "1*2*abc",
    "1*9",
    "3",
    "3*9",
    "4",
    *("*".join(["4", *REGISTRATION[:n]]) for n in range(7)),
    "4*" + "x" * 40,
    "4*A*1980*" + "y" * 40,
    "4*A*1980*tran phu*" + "9" * 30,
    "4*A*1980*tran phu*1*" + "z" * 40,
    "4*A*1980*tran phu*1*hom nay*7",
    "4*A*1980*tran phu*1*hom nay*1*77",
    "4*" + "w" * 80,
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("patients", [(AN,), (AN, BABY), (), (AN, BABY, PENDING, patient("Z9Z9Z", "X" * 60))])
def test_every_screen_is_gsm7_and_at_most_182_characters(
    program: Program, language: str, patients: tuple[PatientView, ...]
) -> None:
    for text in WALKS:
        for conv in (Conversation(), awaiting()):
            outcome = menu(program, text, *patients, phone=STRANGER_PHONE, language=language, conv=conv)
            if isinstance(outcome, Screen):
                assert sms_segments.encoding(outcome.text) == "GSM-7", (text, outcome.text)
                assert septets(outcome.text) <= 182, (text, septets(outcome.text), outcome.text)
