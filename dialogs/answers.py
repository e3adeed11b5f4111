"""Which question each value of a message answers, given what the declaration holds already.

A labelled value answers its question. The other values continue with the open questions,
unless they read better as an answer from the first question: a complete answer sent in the
middle of `KB`, or several values after a bad one ("150" to the breathing rate, then
"97 18 86 37 0 0") are a fresh declaration, not answers to the current question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dialogs.program import Question
from dialogs.reading import Reading
from dialogs.triage import Answer, parse_answer


@dataclass(frozen=True)
class Assigned:
    answers: dict[str, Answer]  # in question order
    invalid: str | None = None  # the first value that could not be used, as typed
    too_many: bool = False  # more values than questions left: nothing was taken


@dataclass(frozen=True)
class _Fill:
    answers: dict[str, Answer]
    invalid: str | None

    @property
    def ok(self) -> bool:
        return self.invalid is None


def _fill(questions: Sequence[Question], values: Sequence[str]) -> _Fill:
    """Values in order to `questions`, stopping at the first that does not fit."""
    answers: dict[str, Answer] = {}
    for question, value in zip(questions, values, strict=False):
        parsed = parse_answer(question, value)
        if not parsed.ok:
            return _Fill(answers, value)
        answers[question.key] = parsed.value
    return _Fill(answers, None)


def assign(questions: Sequence[Question], given: Mapping[str, Answer], reading: Reading) -> Assigned:
    """The declaration's answers once `reading` is taken in (see the module docstring)."""
    labelled, invalid = _labelled(questions, reading)
    values = reading.ordered
    if not values:
        return Assigned(_ordered(questions, {**given, **labelled}), invalid)
    open_questions = [q for q in questions if q.key not in given and q.key not in labelled]
    fresh = [q for q in questions if q.key not in labelled]
    chosen = _choose(open_questions, fresh, values, bool(given))
    if chosen is None:
        return Assigned(_ordered(questions, given), too_many=True)
    filled, again = chosen
    base = {} if again else dict(given)  # starting again from the first question drops the draft
    return Assigned(_ordered(questions, {**base, **labelled, **filled.answers}), invalid or filled.invalid)


def _labelled(questions: Sequence[Question], reading: Reading) -> tuple[dict[str, Answer], str | None]:
    by_key = {q.key: q for q in questions}
    answers: dict[str, Answer] = {}
    invalid: str | None = None
    for key, value in reading.labelled:
        parsed = parse_answer(by_key[key], value)
        if parsed.ok:
            answers[key] = parsed.value
        elif invalid is None:
            invalid = value
    return answers, invalid


def _choose(
    open_questions: list[Question], fresh: list[Question], values: Sequence[str], started: bool
) -> tuple[_Fill, bool] | None:
    """Continue with the open questions (False) or start again from the first (True); None: too many."""
    if len(values) > len(fresh):
        return None
    if not started:  # nothing to start again from: the open questions are the fresh ones
        return (_fill(open_questions, values), False) if len(values) <= len(open_questions) else None
    again = _fill(fresh, values)
    if started and (len(values) == len(fresh) or (len(values) > len(open_questions) and again.ok)):
        return again, True  # a complete answer, or more values than open questions that all fit from the start
    if len(values) > len(open_questions):
        return None
    going_on = _fill(open_questions, values)
    if started and not going_on.ok and len(values) >= 2 and again.ok:
        return again, True
    return going_on, False


def _ordered(questions: Sequence[Question], answers: Mapping[str, Answer]) -> dict[str, Answer]:
    return {q.key: answers[q.key] for q in questions if q.key in answers}


def next_question(questions: Sequence[Question], answers: Mapping[str, Answer]) -> int | None:
    """The index of the first question without an answer, or None when all are answered."""
    return next((i for i, q in enumerate(questions) if q.key not in answers), None)
