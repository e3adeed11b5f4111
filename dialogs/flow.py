"""The patient conversation as data: each state's handler, and the keywords that work anywhere.

In the spirit of python-telegram-bot's ConversationHandler, with states named by string
(`dialogs.state.State`, stored by name). `check_flows` fails at start-up when a state has no
route or a route names a fallback nobody handles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from dialogs import declaration, idle, patient_keywords, registration
from dialogs.drafts import Action, DeclarationDraft, PatientChoice, RegistrationDraft
from dialogs.effects import Reply
from dialogs.keywords import Keyword
from dialogs.state import Context, Conversation, State, Step, Turn
from dialogs.templates import Texts

D = TypeVar("D")

# A state's handler gets the conversation and its typed data; None hands the text to IDLE.
Handler = Callable[[Conversation, D, Turn, Context, Texts, datetime], Step | None]
Fallback = Callable[[Conversation, Turn, Context, Texts, datetime], Step]
# The question a state is waiting for, asked again on `?` / HELP / TRO GIUP; None: nothing is asked.
Prompt = Callable[[Conversation, Context, Texts], str | None]


@dataclass(frozen=True)
class Route(Generic[D]):
    """How one state reads a message."""

    data: type[D]  # the type of `Conversation.data` in this state
    handle: Handler[D]
    fallbacks: frozenset[Keyword]  # keywords answered by FALLBACKS, the state kept (unless CANCEL)
    leaves_on: frozenset[Keyword] | None = None  # keywords that go to IDLE; None: every other one
    # Keywords neither in `fallbacks` nor in `leaves_on` are plain text for `handle`.
    prompt: Prompt | None = None  # every state but IDLE has one (checked at start-up)


# Keywords that work in the middle of a dialog without ending it (or that end it on purpose).
ANYWHERE = frozenset(
    {Keyword.SOS, Keyword.CANCEL, Keyword.HELP, Keyword.OPT_OUT, Keyword.OPT_IN, Keyword.ENGLISH, Keyword.VIETNAMESE}
)
# While a name is asked, "Dung" and "Vi" are names, not STOP and Vietnamese.
WHILE_NAMING = frozenset({Keyword.SOS, Keyword.CANCEL, Keyword.HELP})
# During a registration only `DK` starts again; "LS", "AM" are answers there.
RESTART = frozenset({Keyword.REGISTER})


def _says(key: str) -> Prompt:
    def prompt(conv: Conversation, ctx: Context, texts: Texts) -> str:
        return texts(key)

    return prompt


def _registration(
    handle: Handler[RegistrationDraft], prompt: str, fallbacks: frozenset[Keyword] = ANYWHERE
) -> Route[Any]:
    return Route(RegistrationDraft, handle, fallbacks, leaves_on=RESTART, prompt=_says(prompt))


FLOW: Mapping[State, Route[Any]] = {
    State.IDLE: Route(type(None), idle.on_idle, ANYWHERE),
    State.REG_NAME: _registration(registration.on_name, "reg_name", WHILE_NAMING),
    State.REG_BIRTH: _registration(registration.on_birth, "reg_birth"),
    State.REG_AREA: _registration(registration.on_area, "reg_area"),
    State.REG_PHONE: _registration(registration.on_phone, "reg_phone"),
    State.REG_TEST_DATE: _registration(registration.on_test_date, "reg_test_date"),
    State.REG_SYMPTOMS: _registration(registration.on_symptoms, "reg_symptoms"),
    State.REG_RISKS: _registration(registration.on_risks, "reg_risks"),
    State.REG_OTP: _registration(registration.on_otp, "otp_format"),
    State.DECLARING: Route(DeclarationDraft, declaration.on_answers, ANYWHERE, prompt=declaration.current_question),
    State.CHOOSE_PATIENT: Route(PatientChoice, idle.on_choice, ANYWHERE, prompt=idle.current_question),
}


def on_help(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    """`?`, HELP, TRO GIUP: in a dialog, its question again with how to cancel; else the keyword list."""
    prompt = FLOW[conv.state].prompt
    question = prompt(conv, ctx, texts) if prompt is not None else None
    if question is None:
        return patient_keywords.on_help(conv, turn, ctx, texts, now)
    return Step(conv, (Reply(texts("help_in_dialog", question=question)),))


FALLBACKS: Mapping[Keyword, Fallback] = {
    Keyword.SOS: patient_keywords.on_sos,
    Keyword.CANCEL: patient_keywords.on_cancel,
    Keyword.HELP: on_help,
    Keyword.OPT_OUT: patient_keywords.on_opt_out,
    Keyword.OPT_IN: patient_keywords.on_opt_in,
    Keyword.ENGLISH: patient_keywords.on_english,
    Keyword.VIETNAMESE: patient_keywords.on_vietnamese,
}


def check_flows(
    flow: Mapping[State, Route[Any]] = FLOW,
    fallbacks: Mapping[Keyword, Fallback] = FALLBACKS,
    acts: Mapping[Action, idle.Act] = idle.ACTS,
) -> None:
    """Fail at start-up when a conversation state has no handler, or a keyword a state offers has none."""
    missing = [state.value for state in State if state not in flow]
    if missing:
        raise RuntimeError(f"conversation states without a handler: {missing}")
    silent = [state.value for state, route in flow.items() if state is not State.IDLE and route.prompt is None]
    if silent:
        raise RuntimeError(f"conversation states without a question to repeat on HELP: {silent}")
    offered = {keyword for route in flow.values() for keyword in route.fallbacks}
    unhandled = sorted(keyword.value for keyword in offered if keyword not in fallbacks)
    if unhandled:
        raise RuntimeError(f"fallback keywords without a handler: {unhandled}")
    no_act = [action.value for action in Action if action not in acts]
    if no_act:
        raise RuntimeError(f"patient actions without a handler: {no_act}")
