"""What a patient is told when an answer or a message is red: what triggered it, what to do now, 115.

Each trigger has its words (`red_why_<question key>`) and its advice (`red_advice_<question
key>`) in the templates; a sign code reaches the patient as words (`sign_<digit>`). SpO2 is
re-measured only when SpO2 was low. A question added in config.yaml without such texts is
named by its label and value, with no advice beyond 115.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogs.danger import Danger, SignKind
from dialogs.program import Question, QuestionKind
from dialogs.templates import Texts
from dialogs.triage import Answer, short_label, show

MAX_REPLY = 306  # two GSM-7 segments
YOUNG_CHILD_YEARS = 5
# The advice for a danger sign written in words.
ADVICE_FOR_WORDS: Mapping[SignKind, str] = {
    SignKind.BREATHING: "red_advice_breathless",
    SignKind.CONSCIOUSNESS: "red_advice_signs",
    SignKind.CYANOSIS: "red_advice_signs",
}


def signs_in_words(value: Answer, texts: Texts) -> str:
    """'13' -> 'lu lan/li bi/co giat, khong an uong duoc/non' (a digit without words stays a digit)."""
    digits = value if isinstance(value, str) else show(value)
    return ", ".join(texts.raw(f"sign_{d}") if f"sign_{d}" in texts else d for d in digits)


def why(question: Question, value: Answer, age: float | None, texts: Texts) -> str:
    """One trigger in words: 'SpO2 thap (94%)', 'sot cao o tre nho (39.5 do)'."""
    key = f"red_why_{question.key}"
    if question.key == "temperature" and age is not None and age < YOUNG_CHILD_YEARS:
        key = "red_why_temperature_child"
    shown = signs_in_words(value, texts) if question.kind is QuestionKind.DIGITS else show(value)
    if key in texts:
        return texts.raw(key).format(value=shown)
    return f"{short_label(question, texts.language)} {shown}"


def reasons_in_words(
    questions: Sequence[Question], answers: Mapping[str, Answer], keys: Sequence[str], age: float | None, texts: Texts
) -> list[str]:
    by_key = {q.key: q for q in questions}
    return [why(by_key[key], answers.get(key), age, texts) for key in keys if key in by_key]


def yellow_reasons(
    questions: Sequence[Question], answers: Mapping[str, Answer], keys: Sequence[str], texts: Texts
) -> list[str]:
    """'Nhiet do 38.6, ho, met, tieu chay, mat vi giac': sign codes in words, measures as label and value."""
    shown = []
    for question in questions:
        if question.key in keys:
            value = answers.get(question.key)
            words = signs_in_words(value, texts) if question.kind is QuestionKind.DIGITS and value else None
            shown.append(words or f"{short_label(question, texts.language)} {show(value)}")
    return shown


def red_reply(
    code: str,
    questions: Sequence[Question],
    answers: Mapping[str, Answer],
    keys: Sequence[str],
    age: float | None,
    clinic_phone: str,
    texts: Texts,
) -> str:
    """The red reply: the triggers in words, the advice that matches them (as many as fit), 115."""
    reasons = ", ".join(reasons_in_words(questions, answers, keys, age, texts))
    advice = [texts.raw(k) for k in dict.fromkeys(f"red_advice_{key}" for key in keys) if k in texts]
    for count in range(len(advice), -1, -1):
        reply = texts(
            "red_patient", code=code, reasons=reasons, advice="".join(advice[:count]), clinic_phone=clinic_phone
        )
        if len(reply) <= MAX_REPLY:
            return reply
    short = ", ".join(
        f"{short_label(q, texts.language)} {show(answers.get(q.key))}" for q in questions if q.key in keys
    )
    return texts("red_patient", code=code, reasons=short, advice="", clinic_phone=clinic_phone)


def words_reply(danger: Danger | None, clinic_phone: str, texts: Texts) -> str:
    """The reply to an emergency: named when a sign was written in words ("ban bao kho tho")."""
    if danger is None or danger.kind is SignKind.EMERGENCY:
        return texts("sos_patient", clinic_phone=clinic_phone)
    advice_key = ADVICE_FOR_WORDS.get(danger.kind, "")
    advice = texts.raw(advice_key) if advice_key in texts else ""
    return texts("sos_sign_patient", sign=danger.phrase.lower(), advice=advice, clinic_phone=clinic_phone)
