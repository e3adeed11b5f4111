"""Every text the service sends fits the SMS budget: GSM-7 and two segments (the daily prompt: one).

Each template is rendered in both languages with the longest realistic values; texts built by
the callers (questions, history, guidance, alerts, "for whom?") are rendered through them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from dialogs import declaration, patient_keywords
from dialogs.alerts import red_alert
from dialogs.effects import Reply, SendSms
from dialogs.engine import advance
from dialogs.program import Program
from dialogs.render import options, risks
from dialogs.staff import handle, parse, welcome
from dialogs.state import Conversation, PatientView
from dialogs.templates import placeholders as template_placeholders
from dialogs.templates.checks import BUILT_BY_CALLERS
from dialogs.templates.values import PROGRAM_PLACEHOLDERS
from dialogs.templates.widest import FREE_TEXT500, NAME60, REASON120, widest_values
from dialogs.text import is_gsm7
from dialogs.triage import evaluate
from f0care.config.texts import shipped_templates
from tests.unit.conftest import NOW, STRANGER_PHONE, TODAY, context, day, patient, staff_context

Answers = dict[str, float | str | None]
SHIPPED = shipped_templates()
TWO_SEGMENTS = 306
ONE_SEGMENT = 160
LANGUAGES = ("vi", "en")
# The six answers at their widest, all red for a child under 5.
SIX_RED: Answers = {
    "spo2": 70.0,
    "breaths": 80.0,
    "pulse": 220.0,
    "temperature": 42.9,
    "breathless": 1.0,
    "signs": "123",
}
WIDEST: Answers = {
    "spo2": 100.0,
    "breaths": 80.0,
    "pulse": 220.0,
    "temperature": 42.9,
    "breathless": 1.0,
    "signs": "1234",
}
# Yellow at its widest for an adult: no oximeter, high fever, sign 4.
WIDE_YELLOW: Answers = {
    "spo2": None,
    "breaths": 19.0,
    "pulse": 120.0,
    "temperature": 42.9,
    "breathless": 0.0,
    "signs": "4",
}

assert len(NAME60) == 60
assert len(REASON120) == 120
assert len(FREE_TEXT500) == 500


def longest(values: list[str]) -> str:
    return max(values, key=len)


def long_patient(program: Program, name: str = NAME60, code: str = "K7M2Q", **more: object) -> PatientView:
    """A patient with the longest name, area and clinic phone of the demo config."""
    clinic = max(program.clinics, key=lambda c: len(c.name) + len(c.phone))
    values: dict[str, object] = {
        "clinic_id": clinic.id,
        "area": longest([a for a in clinic.areas]),
        "birth_year": 1926,
        "risk_factors": ("chronic", "unvaccinated"),
        **more,
    }
    return patient(code, name, "+84987654321", **values)  # type: ignore[arg-type]


def toddler(program: Program) -> PatientView:
    born = date(2024, 11, 26)  # under 2: all six answers can be red
    return long_patient(program, birth_year=born.year, birth_date=born, risk_factors=("chronic", "unvaccinated"))


def worst_risks(program: Program, language: str) -> str:
    """The longest realistic risk list: three risk factors (pregnancy or age 50+)."""
    older = long_patient(program, risk_factors=("chronic", "unvaccinated"))
    pregnant = long_patient(program, birth_year=1990, risk_factors=("chronic", "pregnant", "unvaccinated"))
    return longest([risks(older, TODAY, language), risks(pregnant, TODAY, language)])


def placeholders(key: str) -> set[str]:
    """What the callers fill (the program's numbers and questions are filled in the catalogue)."""
    found = {name for language in LANGUAGES for name in template_placeholders(SHIPPED[language][key])}
    return found - set(PROGRAM_PLACEHOLDERS)


def values(program: Program, key: str, language: str) -> dict[str, object]:
    """The longest realistic value of every placeholder of `key`, as the start-up check renders it."""
    chosen = widest_values(program, program.texts(language))(key)
    unknown = placeholders(key) - set(chosen)
    if unknown:
        pytest.fail(f"{key}: no longest value for {sorted(unknown)}; add one to dialogs/templates/widest.py")
    return {name: chosen[name] for name in placeholders(key)}


# Keys whose values only the callers can build; rendered through them below as well.
THROUGH_CALLERS = BUILT_BY_CALLERS


def caller_texts(program: Program, key: str, language: str) -> list[str]:
    texts = program.texts(language)
    ctx = context(program, long_patient(program), language=language)
    if key == "ask_question":
        shared = context(program, long_patient(program), toddler(program), language=language)
        return [declaration.ask(i, long_patient(program), shared, texts) for i in range(len(program.questions))]
    if key == "history":
        history = {"K7M2Q": tuple(day(back, WIDEST, "yellow") for back in range(7))}
        full = context(program, long_patient(program), language=language, history=history)
        return [patient_keywords.history(long_patient(program), full, texts, NOW)]
    if key == "guidance_menu":
        return [patient_keywords.guidance("", ctx, texts), patient_keywords.guidance(FREE_TEXT500, ctx, texts)]
    if key == "guidance_topic":
        return [patient_keywords.guidance(str(i), ctx, texts) for i in range(1, len(program.guidance) + 1)]
    three = tuple(long_patient(program, code=code) for code in ("K7M2Q", "B3CHD", "C4PND"))
    return [texts("no_patient_code", code="X9X9X") + texts("choose_patient", options=options(three))]


def rendered(program: Program, key: str, language: str) -> list[str]:
    if key in THROUGH_CALLERS:
        return caller_texts(program, key, language)
    return [program.texts(language)(key, **values(program, key, language))]


CASES = [(key, language) for key in SHIPPED["vi"] for language in LANGUAGES]


@pytest.mark.parametrize(("key", "language"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_every_template_is_gsm7_and_fits_in_two_segments(program: Program, key: str, language: str) -> None:
    for text in rendered(program, key, language):
        assert text.strip()
        assert is_gsm7(text), text
        assert len(text) <= TWO_SEGMENTS, f"{key} ({language}) is {len(text)} characters: {text}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_daily_prompt_fits_in_one_segment(program: Program, language: str) -> None:
    (prompt,) = rendered(program, "daily_prompt", language)
    assert len(prompt) <= ONE_SEGMENT, f"daily_prompt ({language}) is {len(prompt)} characters: {prompt}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_exists_in_both_languages(language: str) -> None:
    keys = {key for texts in SHIPPED.values() for key in texts}
    assert sorted(keys - set(SHIPPED[language])) == []


@pytest.mark.parametrize("key", sorted(SHIPPED["vi"]))
def test_both_languages_of_a_template_take_the_same_values(key: str) -> None:
    found = [set(template_placeholders(SHIPPED[language][key])) for language in LANGUAGES]
    assert all(names == found[0] for names in found), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guidance_topics_and_help_fit_in_two_segments(program: Program, language: str) -> None:
    texts = program.texts(language)
    registered = context(program, long_patient(program), language=language)
    stranger = context(program, phone=STRANGER_PHONE, language=language)
    sent = [patient_keywords.guidance("", registered, texts)]
    sent += [patient_keywords.guidance(str(i), registered, texts) for i in range(0, len(program.guidance) + 3)]
    sent += [patient_keywords.help_text(registered, texts), patient_keywords.help_text(stranger, texts)]
    for text in sent:
        assert is_gsm7(text), (len(text), text)
        assert len(text) <= TWO_SEGMENTS, (len(text), text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_red_alert_with_six_red_answers_fits_for_staff_and_patient(program: Program, language: str) -> None:
    child = toddler(program)
    triage = evaluate(program.questions, SIX_RED, child.age(TODAY), language)
    assert len(triage.red) == 6
    staff_program = replace(program, default_language=language, staff_by_phone={})
    for effect in red_alert(child, ", ".join(triage.red), staff_program, NOW):
        if isinstance(effect, SendSms):
            assert is_gsm7(effect.text), (len(effect.text), effect.text)
            assert len(effect.text) <= TWO_SEGMENTS, (len(effect.text), effect.text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_of_a_declaration_at_its_widest_fits(program: Program, language: str) -> None:
    """Red at the first answer (advice + next question), then worst-case answers, on a shared phone."""
    child, parent = toddler(program), long_patient(program, code="P4RNT")
    ctx = context(program, parent, child, language=language)
    conv = Conversation()
    sent: list[str] = []
    for text in ["KB", "1", "70", "80", "220", "42.9", "1", "123"]:
        step = advance(conv, text, ctx, NOW)
        conv = step.conversation
        sent += [e.text for e in step.effects if isinstance(e, Reply | SendSms)]
    for text in ["K 19 120 42.9 0 4", "abcdefghijklmnopqrstuvwxyz 19 120 42.9 0 4", "99 18 86 37 0 0 0"]:
        step = advance(Conversation(), f"P4RNT {text}", ctx, NOW)
        sent += [e.text for e in step.effects if isinstance(e, Reply | SendSms)]
    for text in sent:
        assert is_gsm7(text), text
        assert len(text) <= TWO_SEGMENTS, (len(text), text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_free_text_quoted_in_an_alert_is_cut(program: Program, language: str) -> None:
    ctx = context(program, long_patient(program), language=language)
    step = advance(Conversation(), "kho tho " + FREE_TEXT500, ctx, NOW)
    for effect in step.effects:
        if isinstance(effect, Reply | SendSms):
            assert is_gsm7(effect.text), (len(effect.text), effect.text)
            assert len(effect.text) <= TWO_SEGMENTS, (len(effect.text), effect.text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_welcome_with_the_longest_name_fits(program: Program, language: str) -> None:
    text = welcome(long_patient(program, language=language), program)
    assert is_gsm7(text), (len(text), text)
    assert len(text) <= TWO_SEGMENTS, (len(text), text)


def test_a_direct_registration_with_a_very_long_name_sends_nothing_over_two_segments(program: Program) -> None:
    """Staff type the name; whatever they type, no SMS may run past two segments."""
    command = parse(f"DK 0987654321 {'Nguyen Van An ' * 36}, 1980, Tran Phu")
    assert command is not None
    for effect in handle(command, staff_context(program), NOW):
        if isinstance(effect, Reply | SendSms):
            assert len(effect.text) <= TWO_SEGMENTS, (type(effect).__name__, len(effect.text))


def test_the_longest_name_registration_accepts_fits_in_every_message(program: Program) -> None:
    """Registration accepts up to 60 letters and 80 characters; follow that name through the service."""
    name = " ".join(["Abc"] * 20)  # 60 letters, 79 characters
    now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    ctx = context(program, phone="+84987654321")
    conv = Conversation()
    sent: list[str] = []
    for text in ["DK", name, "1960", "Le Thanh Nghi", "NAY", "hom nay", "C", "123", "482913"]:
        step = advance(conv, text, ctx, now)
        conv = step.conversation
        sent += [e.text for e in step.effects if isinstance(e, Reply | SendSms)]
    assert "abc abc" in " ".join(sent).lower()
    pending = long_patient(program, name=name, status="pending")
    sent.append(welcome(pending, program))
    sent += [e.text for e in red_alert(pending, "SpO2 70, Nhip tho 80", program, now) if isinstance(e, SendSms)]
    for text in sent:
        assert len(text) <= TWO_SEGMENTS, (len(text), text)
