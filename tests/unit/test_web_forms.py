"""Web forms read by the SMS dialog's own steps (`dialogs.forms`): same answers taken, same refusals."""

from __future__ import annotations

import pytest

from dialogs.forms import (
    declaration_errors,
    declaration_message,
    on_page,
    registration_answers,
    registration_errors,
    registration_messages,
    risks_answer,
    web_program,
    web_value,
)
from dialogs.program import Program
from dialogs.state import Context
from tests.unit.conftest import NOW, PATIENT_PHONE

FORM = {
    "name": "Nguyễn Văn An",
    "dob": "15/3/1980",
    "area": "tran phu",
    "phone": "0987 654 321",
    "test_date": "hom nay",
    "symptoms": "no",
}


@pytest.fixture
def web(program: Program) -> Program:
    return web_program(program)


def _ctx(program: Program, language: str = "vi") -> Context:
    return Context(program=program, phone=PATIENT_PHONE, language=language, opted_out=False, patients=())


def test_a_good_registration_form_is_the_seven_sms_answers_after_dk(web: Program) -> None:
    answers = registration_answers(FORM, ["unvaccinated", "chronic"])
    assert registration_errors(answers, _ctx(web), NOW) == {}
    assert registration_messages(answers) == [
        "DK",
        "Nguyễn Văn An",
        "15/3/1980",
        "tran phu",
        "0987 654 321",
        "hom nay",
        "0",
        "13",
    ]


def test_each_refused_field_carries_the_dialogs_text_with_diacritics_and_without_its_step_number(
    web: Program,
) -> None:
    answers = registration_answers({**FORM, "dob": "soon", "area": "Tran Phuu Xyz", "phone": "0220 3852 000"}, [])
    errors = registration_errors(answers, _ctx(web), NOW)
    assert set(errors) == {"dob", "area", "phone"}
    assert errors["dob"].startswith("Chưa hiểu ngày sinh. Gửi năm sinh")
    assert "2/7" not in errors["dob"]
    assert "Có phải" in errors["area"]
    assert "là số cố định" in errors["phone"]


def test_a_name_that_is_a_keyword_or_a_phone_is_refused_as_by_sms(web: Program) -> None:
    for name in ("STOP", "0912345678"):
        errors = registration_errors(registration_answers({**FORM, "name": name}, []), _ctx(web), NOW)
        assert set(errors) == {"name"}


def test_english_pages_get_the_english_texts(web: Program) -> None:
    errors = registration_errors(registration_answers({**FORM, "symptoms": ""}, []), _ctx(web, "en"), NOW)
    assert errors["symptoms"].startswith("Send Y")


def test_risk_boxes_become_the_menu_digits_and_none_is_k() -> None:
    assert risks_answer(["pregnant", "chronic"]) == "12"
    assert risks_answer(["3"]) == "3"
    assert risks_answer([]) == "K"


def test_daily_form_values_become_the_one_sms_declaration(program: Program) -> None:
    questions = {q.key: q for q in program.questions}
    values = {
        "spo2": web_value(questions["spo2"], ["K"]),
        "breaths": web_value(questions["breaths"], ["18"]),
        "pulse": web_value(questions["pulse"], ["86"]),
        "temperature": web_value(questions["temperature"], ["37,5"]),
        "breathless": web_value(questions["breathless"], ["yes"]),
        "signs": web_value(questions["signs"], ["3", "1"]),
    }
    assert declaration_errors(values, program.questions, program.texts("vi")) == {}
    assert declaration_message("K7M2Q", values, program.questions) == "K7M2Q K 18 86 37.5 1 13"
    assert web_value(questions["signs"], []) == "0"


def test_a_value_out_of_range_or_missing_gets_the_sms_reply_with_the_range(web: Program) -> None:
    values = {"spo2": "150", "breaths": "18", "pulse": "", "temperature": "37", "breathless": "0", "signs": "0"}
    errors = declaration_errors(values, web.questions, web.texts("vi"))
    assert errors == {
        "spo2": '"150" chưa đúng. (70-100, K nếu không có máy đo)',
        "pulse": '"—" chưa đúng. (30-220)',
    }


def test_on_page_drops_only_the_sms_step_number() -> None:
    assert on_page("Chưa hiểu ngày. 5/7: Gửi hom nay") == "Chưa hiểu ngày. Gửi hom nay"


def test_a_date_pickers_iso_dates_are_read_as_the_sms_dialog_reads_dates(web: Program) -> None:
    answers = registration_answers({**FORM, "dob": "1980-03-15", "test_date": "2026-11-20"}, [])
    assert (answers["dob"], answers["test_date"]) == ("15/3/1980", "20/11/2026")
    assert registration_errors(answers, _ctx(web), NOW) == {}
