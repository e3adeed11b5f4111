"""Texts as data: the prompts follow the configured questions and limits; overrides are checked by key."""

from __future__ import annotations

from dataclasses import replace

from dialogs import otp
from dialogs.program import Program, Question, QuestionKind
from dialogs.templates import fill, placeholders
from dialogs.templates.checks import check_templates
from dialogs.templates.values import Templates, build_catalogue
from f0care.config.texts import shipped_templates

SHIPPED = shipped_templates()


def overrides(language: str = "vi", **texts: str) -> Templates:
    return {language: texts}


def problems(program: Program, language: str = "vi", **texts: str) -> list[str]:
    return [str(p) for p in check_templates(SHIPPED, overrides(language, **texts), program)]


def with_questions(program: Program, *questions: Question) -> Program:
    changed = replace(program, questions=questions, staff_by_phone={})
    return replace(changed, catalogue=build_catalogue(SHIPPED, {}, changed))


def test_the_default_morning_prompt_lists_the_six_questions_and_their_example(program: Program) -> None:
    assert program.texts("vi")("daily_prompt", code="", date="25/11") == (
        "Hom nay 25/11: gui SpO2 nhip tho mach nhiet do kho tho(0/1) dau hieu khac(0-4). "
        "VD: 98 18 86 37.5 0 0. CUU: cap cuu"
    )
    assert "send SpO2 breaths pulse temperature breathless(0/1) other signs(0-4). E.g. 98 18 86 37.5 0 0." in (
        program.texts("en")("daily_prompt", code="", date="25/11")
    )


def test_the_morning_prompt_and_the_too_many_answers_reply_follow_the_configured_questions(program: Program) -> None:
    weight = Question("weight", QuestionKind.NUMBER, {"vi": "Cân nặng (kg)", "en": "Weight (kg)"}, 2, 200, example="60")
    cough = Question("cough", QuestionKind.YESNO, {"vi": "Ho (0/1)", "en": "Cough (0/1)"})
    texts = with_questions(program, program.questions[0], weight, cough).texts("vi")
    prompt = texts("daily_prompt", code="", date="25/11")
    assert "gui SpO2 can nang ho(0/1). VD: 98 60 0." in prompt
    assert texts("too_many_answers", total=3) == "Gui dung 3 so theo thu tu: SpO2 can nang ho(0/1). VD: 98 60 0"
    assert "gui 3 so" in texts("welcome", name="An", clinic="Tram", code="K7M2Q", deadline="10:00")


def test_a_question_without_an_example_shows_the_middle_of_its_range(program: Program) -> None:
    weight = Question("weight", QuestionKind.NUMBER, {"vi": "Cân nặng", "en": "Weight"}, 2, 200)
    texts = with_questions(program, weight).texts("en")
    assert "E.g. 101." in texts("daily_prompt", code="", date="25/11")


def test_the_one_time_code_texts_state_the_limits_the_code_enforces(program: Program) -> None:
    texts = program.texts("en")
    minutes = int(otp.VALID_FOR.total_seconds() // 60)
    assert f"valid {minutes} minutes" in texts("otp_sent", phone="0987***321")
    assert texts("otp_failed").startswith(f"{otp.MAX_TRIES} wrong codes")
    assert f"resent {otp.MAX_RESENDS} times" in texts("otp_resend_limit", clinic_phone="0220")
    assert f"has had {otp.MAX_PER_NUMBER_PER_DAY} codes today" in texts("otp_daily_limit", phone="09", clinic_phone="0")


def test_an_override_replaces_one_text_and_keeps_the_callers_placeholders(program: Program) -> None:
    custom = "{code}Sang {date}: gui {questions} truoc {deadline}"
    catalogue = build_catalogue(SHIPPED, overrides(daily_prompt=custom), program)
    vi = catalogue.texts("vi")
    assert vi("daily_prompt", code="", date="25/11").startswith("Sang 25/11: gui SpO2 nhip tho")
    assert vi("daily_prompt", code="", date="25/11").endswith(f"truoc {program.deadline}")
    assert catalogue.texts("en")("daily_prompt", code="", date="25/11").startswith("Today 25/11")


def test_the_shipped_texts_have_no_problem(program: Program) -> None:
    assert check_templates(SHIPPED, {}, program) == []


def test_an_unknown_placeholder_is_named_with_the_key_and_the_known_ones(program: Program) -> None:
    (found,) = problems(program, daily_prompt="{code}Hom nay {date}: {foo}")
    assert found.startswith("texts.vi.daily_prompt: unknown placeholder {foo}; known: code, date, ")
    assert "questions" in found


def test_an_unknown_key_suggests_the_closest_one(program: Program) -> None:
    assert problems(program, "en", daily_promt="Hi") == [
        'texts.en.daily_promt: unknown text key; did you mean "daily_prompt"?'
    ]


def test_an_unbalanced_brace_is_a_problem_of_its_key(program: Program) -> None:
    (found,) = problems(program, help="Gui {code")
    assert found.startswith("texts.vi.help: cannot read its placeholders")


def test_a_text_over_its_segment_budget_is_refused(program: Program) -> None:
    (prompt,) = problems(program, daily_prompt="{code}{date} " + "x" * 150)
    assert prompt.startswith("texts.vi.daily_prompt: is ")
    assert "fit one SMS" in prompt
    (long,) = problems(program, "en", cancelled="x" * 307)
    assert long.startswith("texts.en.cancelled: is 307 characters")
    assert "fit 2 SMS" in long


def test_a_character_an_ascii_sms_cannot_carry_is_refused_only_when_sms_ascii(program: Program) -> None:
    (found,) = problems(program, cancelled="Đã hủy 取消")
    assert found.startswith("texts.vi.cancelled: has characters an SMS without diacritics cannot carry")
    unicode_program = replace(program, sms_ascii=False, staff_by_phone={})
    assert check_templates(SHIPPED, overrides(cancelled="Đã hủy 取消"), unicode_program) == []


def test_fill_keeps_the_other_placeholders_and_literal_braces() -> None:
    assert fill("{a} {b:>3} {{x}} {c!r}", {"b": 7, "c": "{y}"}) == "{a}   7 {{x}} '{{y}}'"
    assert fill("{a} {b:>3} {{x}} {c!r}", {"b": 7, "c": "{y}"}).format(a=1) == "1   7 {x} '{y}'"
    assert placeholders("{a} {b.c} {d[0]} {{e}}") == ["a", "b", "d"]
