"""A message outside any dialog, and the "for which patient?" question it may lead to.

`ENTRY` maps the keywords that start something from idle to their handler; `ACTS` maps what a
patient asked for to what is done once the patient is known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from dialogs import declaration, monitoring, patient_keywords, pending_patient, registration
from dialogs.drafts import Action, PatientChoice
from dialogs.effects import Reply
from dialogs.keywords import Keyword
from dialogs.reading import chunks, read, vocabulary
from dialogs.render import is_code, options
from dialogs.state import Context, Conversation, PatientView, State, Step, Turn
from dialogs.templates import Texts
from dialogs.text import is_digits, normalize

Entry = Callable[[Turn, Context, Texts, datetime], Step | None]  # None: not for this phone, read on
Act = Callable[[PatientView, list[str], Context, Texts, datetime], Step]


def _register(turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step | None:
    return registration.start(ctx, texts, now)


def _guidance(turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step | None:
    return Step(Conversation(), (Reply(patient_keywords.guidance(turn.rest, ctx, texts)),)) if ctx.patients else None


def _asking(action: Action) -> Entry:
    def entry(turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step | None:
        return for_patient(action, chunks(turn.rest), ctx, texts, now)

    return entry


ENTRY: Mapping[Keyword, Entry] = {
    Keyword.REGISTER: _register,
    Keyword.GUIDANCE: _guidance,
    Keyword.HISTORY: _asking(Action.HISTORY),
    Keyword.DECLARE: _asking(Action.DECLARE),
    Keyword.TEST_NEGATIVE: _asking(Action.NEGATIVE),
    Keyword.TEST_POSITIVE: _asking(Action.POSITIVE),
}


def _history(patient: PatientView, args: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    return Step(Conversation(), (Reply(patient_keywords.history(patient, ctx, texts, now)),))


def _negative(patient: PatientView, args: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    return monitoring.test_result(patient, True, ctx, texts, now)


def _positive(patient: PatientView, args: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    return monitoring.test_result(patient, False, ctx, texts, now)


ACTS: Mapping[Action, Act] = {
    Action.DECLARE: declaration.begin,
    Action.HISTORY: _history,
    Action.NEGATIVE: _negative,
    Action.POSITIVE: _positive,
}


def on_idle(conv: Conversation, data: None, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    """A keyword that starts something, the day's answers, an emergency in words, or help."""
    entry = ENTRY.get(turn.keyword) if turn.keyword is not None else None
    step = entry(turn, ctx, texts, now) if entry is not None else None
    if step is not None:
        return step
    danger = patient_keywords.emergency_in_words(turn.text, ctx) if ctx.monitored else None
    if danger is not None:  # "97 kho tho qua" is an emergency first
        return patient_keywords.sos(Conversation(), turn.text, True, ctx, texts, now, danger)
    tokens = chunks(turn.text)
    if turn.keyword is None and _looks_like_answers(tokens, ctx):
        return for_patient(Action.DECLARE, tokens, ctx, texts, now)
    return Step(Conversation(), (Reply(_not_understood(ctx, texts)),))


def on_choice(conv: Conversation, choice: PatientChoice, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    """The answer to "for which patient?": a number, a code, or a code and the day's answers."""
    danger = patient_keywords.emergency_in_words(turn.text, ctx)
    if danger is not None:
        return patient_keywords.sos(conv, turn.text, True, ctx, texts, now, danger)
    chosen = _choice(turn.text, ctx)
    if chosen is not None:
        return ACTS[choice.action](chosen, list(choice.args), ctx, texts, now)
    named = _code_and_answers(turn.text, ctx)
    if named is not None:
        return ACTS[Action.DECLARE](named[0], named[1], ctx, texts, now)
    reply = texts("choose_patient", options=options(ctx.active))
    return Step(Conversation(State.CHOOSE_PATIENT, choice, now), (Reply(reply),))


def current_question(conv: Conversation, ctx: Context, texts: Texts) -> str:
    """ "For which patient?", asked again."""
    return texts("choose_patient", options=options(ctx.active))


def _not_understood(ctx: Context, texts: Texts) -> str:
    if not ctx.active and ctx.patients:
        p = ctx.patients[0]
        clinic = ctx.program.clinic(p.clinic_id)
        return texts("pending", name=p.full_name, code=p.code, clinic=clinic.name, clinic_phone=clinic.phone)
    if not ctx.patients:
        return texts("help_unregistered")
    return texts("not_understood") + patient_keywords.help_text(ctx, texts)


def _looks_like_answers(tokens: list[str], ctx: Context) -> bool:
    """Numbers first ("98 18 ..."), "no oximeter" first ("K 18 ..."), or a labelled value ("spo2 97")."""
    if tokens and _code(tokens[0], ctx) is not None:
        tokens = tokens[1:]
    return bool(tokens) and read(" ".join(tokens), ctx.program.questions).looks_like_answers


def _code(token: str, ctx: Context) -> str | None:
    """A patient code first in a message; "PULSE" is shaped like one but is a question's label."""
    word = normalize(token)
    return word if is_code(word) and word not in vocabulary(ctx.program.questions) else None


def for_patient(action: Action, args: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    """Run `action` for the patient the message names, or ask "for whom?"."""
    if not ctx.active and action is Action.DECLARE and ctx.monitored:
        return pending_patient.declare(args, ctx, texts, now)  # answers before acceptance: stored and triaged
    if not ctx.active:
        return Step(Conversation(), (Reply(_not_understood(ctx, texts)),))
    code = _code(args[0], ctx) if args else None
    named = _patient(ctx, code) if code else None
    if named is not None:
        return ACTS[action](named, args[1:], ctx, texts, now)
    prefix = ""
    if code is not None and not is_digits(args[0].replace(",", "").replace(".", "")):
        prefix, args = texts("no_patient_code", code=code), args[1:]
    if len(ctx.active) == 1 and not prefix:
        return ACTS[action](ctx.active[0], args, ctx, texts, now)
    reply = prefix + texts("choose_patient", options=options(ctx.active))
    return Step(Conversation(State.CHOOSE_PATIENT, PatientChoice(action, tuple(args)), now), (Reply(reply),))


def _choice(text: str, ctx: Context) -> PatientView | None:
    word = normalize(text)
    if is_digits(word) and 1 <= int(word) <= len(ctx.active):
        return ctx.active[int(word) - 1]
    return _patient(ctx, word)


def _code_and_answers(text: str, ctx: Context) -> tuple[PatientView, list[str]] | None:
    """`K7M2Q 98 18 ...` sent again after "for whom?": the code answers the question."""
    tokens = chunks(text)
    patient = _patient(ctx, _code(tokens[0], ctx)) if len(tokens) > 1 else None
    return (patient, tokens[1:]) if patient is not None else None


def _patient(ctx: Context, code: str | None) -> PatientView | None:
    return next((p for p in ctx.active if p.code == code), None)
