"""The program's numbers and question list as placeholders any text may use, and the catalogue built with them.

`{questions}` and `{example_answers}` come from the configured questions, so the morning
prompt always asks what `questions:` in config.yaml says; limits and times come from the
code and the config they are enforced by.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dialogs import otp
from dialogs.monitoring import MAX_EXTENSION_DAYS
from dialogs.patient_keywords import HISTORY_DAYS
from dialogs.program import Program, Question, QuestionKind
from dialogs.templates import LANGUAGES, Catalogue, Texts, fill
from dialogs.text import MAX_DAYS_BACK
from dialogs.triage import short_label, show

Templates = Mapping[str, Mapping[str, str]]  # language -> key -> template

# What each program placeholder means, for translators and `f0care texts`.
PROGRAM_PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "questions": "the daily questions in order, e.g. SpO2 nhip tho mach ...",
        "example_answers": "an example answer to all of them, e.g. 98 18 86 37.5 0 0",
        "question_count": "how many daily questions there are",
        "deadline": "schedule.deadline, e.g. 10:00",
        "monitoring_days": "schedule.monitoring_days",
        "otp_minutes": "how long a one-time code stays valid",
        "otp_tries": "wrong codes before a registration is cancelled",
        "otp_resends": "how often a code can be sent again",
        "otp_per_day": "codes a phone number can receive per day",
        "history_days": "days shown by LS (history)",
        "days_back": "how far back a positive test date may be",
        "extension_days": "the longest extension staff can give with TIEP",
    }
)


def question_name(question: Question, language: str) -> str:
    """How a question is named in a list: 'nhịp thở', 'SpO2', 'khó thở(0/1)', 'dấu hiệu khác(0-4)'."""
    name = short_label(question, language)
    first = name.split(" ")[0]
    if first[1:] == first[1:].lower():  # an acronym such as SpO2 keeps its capitals
        name = name[:1].lower() + name[1:]
    if question.kind is QuestionKind.YESNO:
        return f"{name}(0/1)"
    if question.kind is QuestionKind.DIGITS and question.allowed_digits:
        digits = sorted(question.allowed_digits)
        return f"{name}({digits[0]}-{digits[-1]})"
    return name


def example_answer(question: Question) -> str:
    """The configured example, else 0 for yes/no and menus, else the middle of the allowed range."""
    if question.example:
        return question.example
    if question.kind is QuestionKind.NUMBER and question.minimum is not None and question.maximum is not None:
        return show(float(round((question.minimum + question.maximum) / 2)))
    if question.kind is QuestionKind.DIGITS and question.allowed_digits:
        return min(question.allowed_digits)
    return "0"


def program_values(program: Program, language: str) -> dict[str, object]:
    """The value of every program placeholder in `language`."""
    return {
        "questions": " ".join(question_name(q, language) for q in program.questions),
        "example_answers": " ".join(example_answer(q) for q in program.questions),
        "question_count": len(program.questions),
        "deadline": program.deadline,
        "monitoring_days": program.monitoring_days,
        "otp_minutes": int(otp.VALID_FOR.total_seconds() // 60),
        "otp_tries": otp.MAX_TRIES,
        "otp_resends": otp.MAX_RESENDS,
        "otp_per_day": otp.MAX_PER_NUMBER_PER_DAY,
        "history_days": HISTORY_DAYS,
        "days_back": MAX_DAYS_BACK,
        "extension_days": MAX_EXTENSION_DAYS,
    }


def in_force(shipped: Templates, overrides: Templates) -> dict[str, dict[str, str]]:
    """The shipped templates with config.yaml's overrides laid over them (still with placeholders)."""
    return {lang: {**shipped.get(lang, {}), **overrides.get(lang, {})} for lang in LANGUAGES}


def build_catalogue(shipped: Templates, overrides: Templates, program: Program) -> Catalogue:
    """The catalogue the engine renders from: overrides applied, program placeholders filled.

    Check the templates first (`dialogs.templates.checks.check_templates`): this assumes they are valid.
    """
    languages: dict[str, Texts] = {}
    for lang, templates in in_force(shipped, overrides).items():
        values = program_values(program, lang)
        filled = {key: fill(text, values) for key, text in templates.items()}
        languages[lang] = Texts(lang, program.sms_ascii, MappingProxyType(filled))
    return Catalogue(MappingProxyType(languages))
