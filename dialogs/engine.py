"""The conversation engine: one inbound text in, the next state and the effects out.

Pure: no Flask, database, twilio or clock. `now` and everything known about
the phone come in as arguments (see `Context`). What each state does is data, in
`dialogs.flow`; this module only dispatches.
"""

from __future__ import annotations

from datetime import datetime

from dialogs import idle, patient_keywords, staff
from dialogs.drafts import Action, PatientChoice, RegistrationDraft
from dialogs.flow import FALLBACKS, FLOW
from dialogs.flow import check_flows as check_patient_flows
from dialogs.keywords import Keyword, in_dialog, match
from dialogs.program import Program
from dialogs.reading import chunks, read
from dialogs.render import is_code
from dialogs.state import REGISTRATION_STATES, Context, Conversation, State, Step, Turn
from dialogs.text import normalize


def advance(conv: Conversation, text: str, ctx: Context, now: datetime) -> Step:
    """Handle one inbound message from `ctx.phone` in conversation `conv`."""
    texts = ctx.program.texts(ctx.language)
    if conv.expired(now) or not isinstance(conv.data, FLOW[conv.state].data):
        conv = Conversation()
    route = FLOW[conv.state]
    found = match(text)
    keyword, rest = found if found else (None, "")
    if keyword is not None:
        keyword = in_dialog(keyword, text, conv.state in REGISTRATION_STATES)
    if keyword is None:
        step = route.handle(conv, conv.data, Turn(text), ctx, texts, now)
    elif keyword in route.fallbacks:
        return FALLBACKS[keyword](conv, Turn(text, keyword, rest), ctx, texts, now)
    elif route.leaves_on is not None and keyword not in route.leaves_on:
        step = route.handle(conv, conv.data, Turn(text), ctx, texts, now)  # a keyword that is an answer here
    else:
        step = None
    if step is not None:
        return step
    return idle.on_idle(Conversation(), None, Turn(text, keyword, rest), ctx, texts, now)  # the text leaves the state


def read_ahead(text: str, program: Program) -> None:
    """Read `text` the ways a step may (keyword, answers, danger phrases) into the readers' caches.

    Pure and optional: the step reads the same text again and finds it read. A host calls this
    before it takes its locks (SQLite's one writer), so that the parsing is not done while other
    messages wait.
    """
    match(text)
    tokens = chunks(text)
    read(" ".join(tokens), program.questions)
    if len(tokens) > 1 and is_code(normalize(tokens[0])):
        read(" ".join(tokens[1:]), program.questions)  # after a patient code ("K7M2Q 97 18 ...")
    patient_keywords.danger_in(text, program)


def starts_registration(text: str) -> bool:
    """Whether a message is `DK` (so a staff phone may also register a patient for itself)."""
    found = match(text)
    return found is not None and found[0] is Keyword.REGISTER


def wants_history(conv: Conversation, text: str) -> bool:
    """Whether the host should load the declaration history before calling `advance`."""
    found = match(text)
    if found is not None and found[0] is Keyword.HISTORY:
        return True
    choice = conv.data
    return conv.state is State.CHOOSE_PATIENT and isinstance(choice, PatientChoice) and choice.action is Action.HISTORY


def otp_phone(conv: Conversation) -> str | None:
    """The phone a registration is about to send a one-time code to (the host counts its codes)."""
    draft = conv.data
    if conv.state in (State.REG_RISKS, State.REG_OTP) and isinstance(draft, RegistrationDraft):
        return draft.phone or None
    return None


def check_flows() -> None:
    """Fail at start-up when a conversation state or a staff command has no handler."""
    check_patient_flows()
    staff.check_commands()
