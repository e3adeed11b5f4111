"""Registration by USSD: the SMS registration's own handlers, one screen per question.

`fill` runs the handlers of the SMS dialog (`dialogs.flow.FLOW`) over the inputs, with the
keypad answers of `KEYPAD` translated first, so validation and hints are the SMS ones. The menu
shows the question it stops at; once the seven answers are read, the request is
`DK*<answer>*...*<answer>` (`request_body`), and `register` reads it again in the service:
registering the dialling phone needs no one-time code (the network gives the number), another
number gets the code by SMS, as the SMS dialog sends it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dialogs import otp, registration
from dialogs.drafts import RegistrationDraft
from dialogs.effects import Reply
from dialogs.flow import FLOW
from dialogs.phones import normalize_phone
from dialogs.state import Context, Conversation, State, Step, Turn
from dialogs.templates import Texts
from dialogs.text import normalize

PREFIX = "DK*"
QUESTIONS = 7
# Keypad answers, per question: 1 = the dialling phone, 1 yes / 2 no, 4 = no risk factor.
KEYPAD: Mapping[State, Mapping[str, str]] = {
    State.REG_PHONE: {"1": "NAY"},
    State.REG_SYMPTOMS: {"1": "C", "2": "K"},
    State.REG_RISKS: {"4": "K"},
}


@dataclass(frozen=True)
class Filled:
    """How far the inputs got: the question waited for (its screen) or the complete draft."""

    conversation: Conversation  # a REG_* state; REG_OTP once complete
    screen: str  # the next question, or the last one asked again with its hint
    answers: tuple[str, ...]  # the answers taken, as the SMS dialog reads them again
    complete: bool


def fill(inputs: Sequence[str], ctx: Context, texts: Texts, now: datetime) -> Filled:
    """The SMS registration's handlers over the inputs, keypad answers translated."""
    step = registration.start(ctx, texts, now)
    conv, screen, answers = step.conversation, _reply(step), tuple[str, ...]()
    for raw in inputs:
        state, draft = conv.state, conv.data
        if not isinstance(draft, RegistrationDraft):
            break
        text = KEYPAD.get(state, {}).get(normalize(raw), raw)
        if state is State.REG_RISKS:
            taken = registration.take_risks(draft, text)
            if taken is None:
                screen = texts("reg_risks_invalid")
                continue
            return Filled(Conversation(State.REG_OTP, taken, now), "", (*answers, text), True)
        taken_step = FLOW[state].handle(conv, draft, Turn(text), ctx, texts, now)
        if taken_step is None:  # no registration handler leaves it to idle; kept for the type
            break
        if taken_step.conversation.state is not state:
            answers = (*answers, _taken(state, text, taken_step.conversation.data))
        conv, screen = taken_step.conversation, _reply(taken_step)
    return Filled(conv, screen, answers, False)


def _taken(state: State, text: str, draft: object) -> str:
    """An answer as it reads again alone: the area chosen from a list by its number, the phone in E.164."""
    if isinstance(draft, RegistrationDraft) and state is State.REG_AREA:
        return draft.area
    if isinstance(draft, RegistrationDraft) and state is State.REG_PHONE:
        return draft.phone
    return " ".join(text.split())


def _reply(step: Step) -> str:
    return "\n".join(effect.text for effect in step.effects if isinstance(effect, Reply))


def request_body(answers: Sequence[str]) -> str:
    """The request of a complete registration: `DK*name*birth*area*phone*test date*symptoms*risks`."""
    return PREFIX + "*".join(answers)


def answers_of(text: str) -> tuple[str, ...] | None:
    """The seven answers of a registration request, or None when `text` is not one."""
    if not text.upper().startswith(PREFIX):
        return None
    answers = tuple(part.strip() for part in text[len(PREFIX) :].split("*"))
    return answers if len(answers) == QUESTIONS else None


def target_phone(text: str, phone: str, country: str) -> str | None:
    """The phone a registration request is for (the host counts the codes sent to it)."""
    answers = answers_of(text)
    if answers is None:
        return None
    answer = answers[3]
    if normalize(answer) in registration.HERE_WORDS:
        return phone
    return normalize_phone(answer, country)


def register(answers: Sequence[str], stored: Conversation, ctx: Context, texts: Texts, now: datetime) -> Step:
    """A complete registration request: to the station at once for the dialling phone, else a code first.

    The phone's conversation is changed only when a code is awaited; an answer that no longer reads
    (the config changed since the screen) ends the request with its question, and nothing is kept.
    """
    filled = fill(answers, ctx, texts, now)
    draft = filled.conversation.data
    if not filled.complete or not isinstance(draft, RegistrationDraft):
        return Step(stored, (Reply(filled.screen),))
    if draft.phone == ctx.phone:
        return Step(stored, registration.submit(draft, ctx, texts, now).effects)
    step = otp.issue(filled.conversation, draft, ctx, texts, now)
    return step if step.conversation.state is State.REG_OTP else Step(stored, step.effects)
