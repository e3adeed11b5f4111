"""The conversation engine: one inbound text in, the next state and the effects out.

Pure: no Flask, database, twilio or clock. `now` and everything known about
the phone come in as arguments (see `Context`).
"""

from __future__ import annotations

from datetime import datetime

from dialogs import declaration, monitoring, registration
from dialogs import patient_keywords as pk
from dialogs.effects import Reply
from dialogs.keywords import Keyword, has_emergency_phrase, match
from dialogs.render import is_code, options
from dialogs.state import REGISTRATION_STATES, Context, Conversation, PatientView, State, Step
from dialogs.templates import Texts
from dialogs.text import is_digits, normalize, parse_number, split_answers

# Keywords that work in the middle of a dialog without ending it (or that end it on purpose).
ANYWHERE = frozenset(
    {Keyword.SOS, Keyword.CANCEL, Keyword.HELP, Keyword.OPT_OUT, Keyword.OPT_IN, Keyword.ENGLISH, Keyword.VIETNAMESE}
)


ACTIONS = {
    Keyword.HISTORY: "history",
    Keyword.DECLARE: "declare",
    Keyword.TEST_NEGATIVE: "negative",
    Keyword.TEST_POSITIVE: "positive",
}


def advance(conv: Conversation, text: str, ctx: Context, now: datetime) -> Step:
    """Handle one inbound message from `ctx.phone` in conversation `conv`."""
    texts = ctx.program.texts(ctx.language)
    if conv.expired(now):
        conv = Conversation()
    found = match(text)
    keyword, rest = found if found else (None, "")
    if conv.state is State.REG_NAME and keyword not in (Keyword.SOS, Keyword.CANCEL, Keyword.HELP, Keyword.REGISTER):
        keyword = None  # "Dung", "Vi" are names here
    if keyword in ANYWHERE:
        return _anywhere(conv, keyword, rest, text, ctx, texts, now)
    if conv.state in REGISTRATION_STATES and keyword is not Keyword.REGISTER:
        return registration.HANDLERS[conv.state](conv, text, ctx, texts, now)
    if conv.state is State.DECLARING and keyword is None:
        patient = _patient(ctx, conv.data["code"])
        if patient is not None and has_emergency_phrase(text, ctx.program.emergency_phrases):
            return pk.sos(conv, text, True, ctx, texts, now)
        if patient is not None:
            return declaration.record(patient, conv.data, split_answers(text), ctx, texts, now)
    if conv.state is State.CHOOSE_PATIENT and keyword is None:
        if has_emergency_phrase(text, ctx.program.emergency_phrases):
            return pk.sos(conv, text, True, ctx, texts, now)
        chosen = _choice(text, ctx)
        if chosen is not None:
            return _act(conv.data["action"], chosen, conv.data.get("args", []), ctx, texts, now)
        named = _code_and_answers(text, ctx)
        if named is not None:
            return _act("declare", named[0], named[1], ctx, texts, now)
        reply = texts("choose_patient", options=options(ctx.active))
        return Step(Conversation(State.CHOOSE_PATIENT, conv.data, now), (Reply(reply),))
    return _idle(keyword, rest, text, ctx, texts, now)


def _anywhere(
    conv: Conversation, keyword: Keyword, rest: str, text: str, ctx: Context, texts: Texts, now: datetime
) -> Step:
    if keyword is Keyword.SOS:
        return pk.sos(conv, text, False, ctx, texts, now)
    if keyword is Keyword.CANCEL:
        key = "nothing_to_cancel" if conv.state is State.IDLE else "cancelled"
        return Step(Conversation(), (Reply(texts(key)),))
    if keyword is Keyword.HELP:
        return Step(conv, (Reply(pk.help_text(ctx, texts)),))
    if keyword in (Keyword.OPT_OUT, Keyword.OPT_IN):
        return pk.opt(conv, keyword is Keyword.OPT_OUT, ctx, texts)
    return pk.language(conv, "en" if keyword is Keyword.ENGLISH else "vi", ctx)


def _idle(keyword: Keyword | None, rest: str, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    idle = Conversation()
    if keyword is Keyword.REGISTER:
        return registration.start(ctx, texts, now)
    if keyword is Keyword.GUIDANCE and ctx.patients:
        return Step(idle, (Reply(pk.guidance(rest, ctx, texts)),))
    if keyword in ACTIONS:
        return _for_patient(ACTIONS[keyword], split_answers(rest), ctx, texts, now)
    if ctx.active and has_emergency_phrase(text, ctx.program.emergency_phrases):
        return pk.sos(idle, text, True, ctx, texts, now)  # "97 kho tho qua" is an emergency first
    tokens = split_answers(text)
    if keyword is None and _looks_like_answers(tokens, ctx):
        return _for_patient("declare", tokens, ctx, texts, now)
    return Step(idle, (Reply(_not_understood(ctx, texts)),))


def _not_understood(ctx: Context, texts: Texts) -> str:
    if not ctx.active and ctx.patients:
        p = ctx.patients[0]
        clinic = ctx.program.clinic(p.clinic_id)
        return texts("pending", name=p.full_name, code=p.code, clinic=clinic.name, clinic_phone=clinic.phone)
    if not ctx.patients:
        return texts("help_unregistered")
    return texts("not_understood") + pk.help_text(ctx, texts)


def _looks_like_answers(tokens: list[str], ctx: Context) -> bool:
    if tokens and _code(tokens[0]) is not None:
        tokens = tokens[1:]
    if not tokens:
        return False
    first = ctx.program.questions[0]
    return parse_number(tokens[0]) is not None or (len(tokens) > 1 and normalize(tokens[0]) in first.none_words)


def _code(token: str) -> str | None:
    word = normalize(token)
    return word if is_code(word) else None


def _for_patient(action: str, args: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    """Run `action` for the patient the message names, or ask "for whom?"."""
    if not ctx.active:
        return Step(Conversation(), (Reply(_not_understood(ctx, texts)),))
    code = _code(args[0]) if args else None
    named = _patient(ctx, code) if code else None
    if named is not None:
        return _act(action, named, args[1:], ctx, texts, now)
    prefix = ""
    if code is not None and not is_digits(args[0].replace(",", "").replace(".", "")):
        prefix, args = texts("no_patient_code", code=code), args[1:]
    if len(ctx.active) == 1 and not prefix:
        return _act(action, ctx.active[0], args, ctx, texts, now)
    data = {"action": action, "args": args}
    reply = prefix + texts("choose_patient", options=options(ctx.active))
    return Step(Conversation(State.CHOOSE_PATIENT, data, now), (Reply(reply),))


def _act(action: str, patient: PatientView, args: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    if action == "history":
        return Step(Conversation(), (Reply(pk.history(patient, ctx, texts, now)),))
    if action in ("negative", "positive"):
        return monitoring.test_result(patient, action == "negative", ctx, texts, now)
    return declaration.begin(patient, args, ctx, texts, now)


def _choice(text: str, ctx: Context) -> PatientView | None:
    word = normalize(text)
    if is_digits(word) and 1 <= int(word) <= len(ctx.active):
        return ctx.active[int(word) - 1]
    return _patient(ctx, word)


def _code_and_answers(text: str, ctx: Context) -> tuple[PatientView, list[str]] | None:
    """`K7M2Q 98 18 ...` sent again after "for whom?": the code answers the question."""
    tokens = split_answers(text)
    patient = _patient(ctx, _code(tokens[0])) if len(tokens) > 1 else None
    return (patient, tokens[1:]) if patient is not None else None


def _patient(ctx: Context, code: str | None) -> PatientView | None:
    return next((p for p in ctx.active if p.code == code), None)


def starts_registration(text: str) -> bool:
    """Whether a message is `DK` (so a staff phone may also register a patient for itself)."""
    found = match(text)
    return found is not None and found[0] is Keyword.REGISTER


def wants_history(conv: Conversation, text: str) -> bool:
    """Whether the host should load the declaration history before calling `advance`."""
    found = match(text)
    if found is not None and found[0] is Keyword.HISTORY:
        return True
    return conv.state is State.CHOOSE_PATIENT and conv.data.get("action") == "history"


def check_flows() -> None:
    """Fail at start-up when a conversation state has no handler."""
    handled: set[State] = set(registration.HANDLERS) | {State.IDLE, State.DECLARING, State.CHOOSE_PATIENT}
    missing = set(State) - handled
    if missing:
        raise RuntimeError(f"conversation states without a handler: {sorted(missing)}")
