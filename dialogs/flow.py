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

from dialogs import declaration, idle, registration
from dialogs import patient_keywords as pk
from dialogs.drafts import Action, DeclarationDraft, PatientChoice, RegistrationDraft
from dialogs.keywords import Keyword
from dialogs.state import Context, Conversation, State, Step, Turn
from dialogs.templates import Texts

D = TypeVar("D")

# A state's handler gets the conversation and its typed data; None hands the text to IDLE.
Handler = Callable[[Conversation, D, Turn, Context, Texts, datetime], Step | None]
Fallback = Callable[[Conversation, Turn, Context, Texts, datetime], Step]


@dataclass(frozen=True)
class Route(Generic[D]):
    """How one state reads a message."""

    data: type[D]  # the type of `Conversation.data` in this state
    handle: Handler[D]
    fallbacks: frozenset[Keyword]  # keywords answered by FALLBACKS, the state kept (unless CANCEL)
    leaves_on: frozenset[Keyword] | None = None  # keywords that go to IDLE; None: every other one
    # Keywords neither in `fallbacks` nor in `leaves_on` are plain text for `handle`.


# Keywords that work in the middle of a dialog without ending it (or that end it on purpose).
ANYWHERE = frozenset(
    {Keyword.SOS, Keyword.CANCEL, Keyword.HELP, Keyword.OPT_OUT, Keyword.OPT_IN, Keyword.ENGLISH, Keyword.VIETNAMESE}
)
# While a name is asked, "Dung" and "Vi" are names, not STOP and Vietnamese.
WHILE_NAMING = frozenset({Keyword.SOS, Keyword.CANCEL, Keyword.HELP})
# During a registration only `DK` starts again; "LS", "AM" are answers there.
RESTART = frozenset({Keyword.REGISTER})


def _registration(handle: Handler[RegistrationDraft], fallbacks: frozenset[Keyword] = ANYWHERE) -> Route[Any]:
    return Route(RegistrationDraft, handle, fallbacks, leaves_on=RESTART)


FLOW: Mapping[State, Route[Any]] = {
    State.IDLE: Route(type(None), idle.on_idle, ANYWHERE),
    State.REG_NAME: _registration(registration.on_name, WHILE_NAMING),
    State.REG_BIRTH: _registration(registration.on_birth),
    State.REG_AREA: _registration(registration.on_area),
    State.REG_PHONE: _registration(registration.on_phone),
    State.REG_TEST_DATE: _registration(registration.on_test_date),
    State.REG_SYMPTOMS: _registration(registration.on_symptoms),
    State.REG_RISKS: _registration(registration.on_risks),
    State.REG_OTP: _registration(registration.on_otp),
    State.DECLARING: Route(DeclarationDraft, declaration.on_answers, ANYWHERE),
    State.CHOOSE_PATIENT: Route(PatientChoice, idle.on_choice, ANYWHERE),
}

FALLBACKS: Mapping[Keyword, Fallback] = {
    Keyword.SOS: pk.on_sos,
    Keyword.CANCEL: pk.on_cancel,
    Keyword.HELP: pk.on_help,
    Keyword.OPT_OUT: pk.on_opt_out,
    Keyword.OPT_IN: pk.on_opt_in,
    Keyword.ENGLISH: pk.on_english,
    Keyword.VIETNAMESE: pk.on_vietnamese,
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
    offered = {keyword for route in flow.values() for keyword in route.fallbacks}
    unhandled = sorted(keyword.value for keyword in offered if keyword not in fallbacks)
    if unhandled:
        raise RuntimeError(f"fallback keywords without a handler: {unhandled}")
    no_act = [action.value for action in Action if action not in acts]
    if no_act:
        raise RuntimeError(f"patient actions without a handler: {no_act}")
