"""Answer parsing and triage of the daily questions, driven by the configured rules."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dialogs.program import Level, Question, QuestionKind, Rule
from dialogs.text import normalize, parse_number, parse_yes_no

Answer = float | str | None  # number, menu digits, or None = "not measured"

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Parsed:
    ok: bool
    value: Answer = None


INVALID = Parsed(ok=False)


def parse_answer(question: Question, token: str) -> Parsed:
    """Read one answer to `question`; INVALID when it is not of the expected form."""
    word = normalize(token)
    if word in question.none_words:
        return Parsed(ok=True, value=None)
    if question.kind is QuestionKind.NUMBER:
        number = parse_number(word)
        low = question.minimum if question.minimum is not None else float("-inf")
        high = question.maximum if question.maximum is not None else float("inf")
        return Parsed(ok=True, value=number) if number is not None and low <= number <= high else INVALID
    if question.kind is QuestionKind.YESNO:
        if word in ("0", "1"):
            return Parsed(ok=True, value=float(word))
        yes = parse_yes_no(word)
        return INVALID if yes is None else Parsed(ok=True, value=1.0 if yes else 0.0)
    allowed = question.allowed_digits or "0123456789"
    if not word or any(ch not in allowed for ch in word):
        return INVALID
    digits = sorted(set(word) - {"0"}) or ["0"]  # "01" means sign 1
    return Parsed(ok=True, value="".join(digits))


def _applies(rule: Rule, value: Answer, age: float | None) -> bool:
    if rule.min_age is not None or rule.max_age is not None:
        if age is None:
            return False
        if rule.min_age is not None and age < rule.min_age:
            return False
        if rule.max_age is not None and age >= rule.max_age:
            return False
    if rule.when_none:
        return value is None
    if value is None:
        return False
    if rule.any_of:
        return isinstance(value, str) and any(str(d) in value for d in rule.any_of)
    if rule.op is not None and rule.value is not None and isinstance(value, float):
        return OPS[rule.op](value, rule.value)
    return False


@dataclass(frozen=True)
class Triage:
    level: Level
    red: tuple[str, ...] = ()  # "SpO2 94": the answers that made it red
    yellow: tuple[str, ...] = ()
    red_keys: tuple[str, ...] = ()  # the questions whose answers made it red, in order
    yellow_keys: tuple[str, ...] = ()


def show(value: Answer) -> str:
    """An answer as the patient would write it: 98, 37.5, 13, K."""
    if value is None:
        return "K"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return value


def short_label(question: Question, language: str) -> str:
    label = question.label.get(language) or question.label.get("vi") or question.key
    return label.split(" (")[0].split("/")[0].strip()


def evaluate(
    questions: tuple[Question, ...],
    answers: Mapping[str, Answer],
    age: float | None,
    language: str,
) -> Triage:
    """Triage the answers given so far (missing questions are simply not judged)."""
    red: list[str] = []
    yellow: list[str] = []
    red_keys: list[str] = []
    yellow_keys: list[str] = []
    for question in questions:
        if question.key not in answers:
            continue
        value = answers[question.key]
        levels = {r.level for r in question.rules if _applies(r, value, age)}
        shown = f"{short_label(question, language)} {show(value)}"
        if Level.RED in levels:
            red.append(shown)
            red_keys.append(question.key)
        elif Level.YELLOW in levels:
            yellow.append(shown)
            yellow_keys.append(question.key)
    level = Level.RED if red else Level.YELLOW if yellow else Level.GREEN
    return Triage(level, tuple(red), tuple(yellow), tuple(red_keys), tuple(yellow_keys))
