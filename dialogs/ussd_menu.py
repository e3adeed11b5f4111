"""The USSD menu as data: the screen a session's inputs lead to, or the request they complete.

Pure, like the rest of `dialogs`. The host hands in the inputs so far (the gateway's `text` split
on `*`), what is known of the phone (`Context`, its stored conversation) and `now`; `walk` returns
the next screen (`Screen`, answered with CON) or the whole request (`Request`) that the host hands
to the application service exactly as an SMS; the service's reply is the END screen. Nothing is
stored before a request is complete, so a dropped session leaves nothing behind, and the same
inputs always walk to the same screen. Answers are read by the SMS dialogs' own readers and
validators, plus keypad forms (`KEYPAD_YES_NO`, and `dialogs.ussd_registration.KEYPAD`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from dialogs import declaration, ussd_registration
from dialogs.drafts import RegistrationDraft
from dialogs.phones import mask_phone
from dialogs.program import QuestionKind
from dialogs.state import Context, Conversation, PatientView, State
from dialogs.templates import Texts
from dialogs.text import is_digits, to_sms
from dialogs.triage import parse_answer, show

SCREEN_MAX = 182  # GSM-7 characters a USSD screen holds (Africa's Talking; design for 160)
EXTENSION = frozenset("^{}\\[~]|€")  # GSM-7 characters that count twice
# Texts of the SMS dialogs that USSD says differently (keypad answers, no HUY/NAY): `ussd_<key>`.
OVERLAID = (
    "reg_name",
    "reg_name_keyword",
    "reg_phone",
    "reg_phone_invalid",
    "reg_phone_landline",
    "reg_phone_foreign",
    "reg_symptoms",
    "reg_symptoms_invalid",
    "reg_risks",
    "reg_risks_invalid",
    "hint_yesno",
    "hint_range_none",
    "otp_sent",
)
KEYPAD_YES_NO = {"2": "0"}  # a yes/no question: 1 yes, 2 no (0/1 and C/K as by SMS)
NAME_ROOM = 22  # characters of a name in "for whom?", so that four patients fit on a screen


@dataclass(frozen=True)
class Screen:
    """A screen that waits for the next input (CON)."""

    text: str


@dataclass(frozen=True)
class Request:
    """A complete request, read by the application service as the SMS `body` (its reply: END)."""

    body: str


Outcome = Screen | Request
Flow = Callable[[Sequence[str], Conversation, Context, Texts, datetime], Outcome]


@dataclass(frozen=True)
class Item:
    """One line of the menu: the key to press, its text, and what it leads to."""

    key: str
    flow: Flow


def inputs_of(text: str) -> tuple[str, ...]:
    """The inputs of a session so far: the gateway's `text` split on `*` (empty on dial)."""
    return tuple(part.strip() for part in text.split("*")) if text else ()


def ussd_texts(texts: Texts) -> Texts:
    """The catalogue as USSD shows it: keypad wording of `OVERLAID`, always GSM-7."""
    templates = dict(texts.templates)
    templates.update({key: texts.templates["ussd_" + key] for key in OVERLAID})
    return Texts(texts.language, True, templates)


def walk(inputs: Sequence[str], conv: Conversation, ctx: Context, now: datetime) -> Outcome:
    """The screen the inputs lead to, or the request they complete."""
    texts = ussd_texts(ctx.program.texts(ctx.language))
    menu = MENU if ctx.monitored else MENU_NEW
    awaiting = awaiting_code(conv, now)
    problem = ""
    for i, raw in enumerate(inputs):
        if awaiting and is_code(raw):
            return Request(raw)  # the one-time code of the registration that waits for it
        item = next((item for item in menu if item.key == raw), None)
        if item is not None:
            return item.flow(inputs[i + 1 :], conv, ctx, texts, now)
        problem = texts("ussd_choice_invalid")
    head = texts("ussd_code_line", phone=mask_phone(_code_phone(conv))) if awaiting else ""
    return Screen(fit(problem + head + texts("ussd_menu" if ctx.monitored else "ussd_menu_new")))


def awaiting_code(conv: Conversation, now: datetime) -> bool:
    """Whether the phone's registration waits for the one-time code sent to another number."""
    draft = conv.data
    return (
        conv.state is State.REG_OTP
        and isinstance(draft, RegistrationDraft)
        and draft.otp is not None
        and not conv.expired(now)
    )


def is_code(text: str) -> bool:
    word = text.replace(" ", "")
    return len(word) == 6 and is_digits(word)


def _code_phone(conv: Conversation) -> str:
    draft = conv.data
    return draft.phone if isinstance(draft, RegistrationDraft) else ""


def _declare(inputs: Sequence[str], conv: Conversation, ctx: Context, texts: Texts, now: datetime) -> Outcome:
    return _for_patient(inputs, ctx, texts, now, _declaration)


def _history(inputs: Sequence[str], conv: Conversation, ctx: Context, texts: Texts, now: datetime) -> Outcome:
    return _for_patient(inputs, ctx, texts, now, _history_of)


def _history_of(patient: PatientView, inputs: Sequence[str], ctx: Context, texts: Texts, now: datetime) -> Outcome:
    return Request(f"LS {patient.code}")


def _guidance(inputs: Sequence[str], conv: Conversation, ctx: Context, texts: Texts, now: datetime) -> Outcome:
    topics = ctx.program.guidance
    lang = texts.language
    problem = ""
    for raw in inputs:
        if is_digits(raw) and 1 <= int(raw) <= len(topics):
            return Request(f"HD {int(raw)}")
        problem = texts("ussd_choice_invalid")
    lines = "\n".join(f"{n} {t.title.get(lang) or t.title['vi']}" for n, t in enumerate(topics, 1))
    return Screen(fit(problem + texts("ussd_guidance", topics=lines)))


def _register(inputs: Sequence[str], conv: Conversation, ctx: Context, texts: Texts, now: datetime) -> Outcome:
    filled = ussd_registration.fill(inputs, ctx, texts, now)
    if filled.complete:
        return Request(ussd_registration.request_body(filled.answers))
    return Screen(fit(filled.screen))


def _emergency(inputs: Sequence[str], conv: Conversation, ctx: Context, texts: Texts, now: datetime) -> Outcome:
    return Request("CUU")


# The menu: the numbers are the contract (issue 12); a phone with no patient has a shorter one.
MENU: tuple[Item, ...] = (
    Item("1", _declare),
    Item("2", _history),
    Item("3", _guidance),
    Item("4", _register),
    Item("9", _emergency),
)
MENU_NEW: tuple[Item, ...] = (Item("1", _register), Item("3", _guidance), Item("9", _emergency))

Then = Callable[[PatientView, Sequence[str], Context, Texts, datetime], Outcome]


def choices(ctx: Context) -> tuple[PatientView, ...]:
    """Whom "for whom?" lists: the phone's active patients, else its registrations not yet accepted."""
    return ctx.active or ctx.monitored


def _for_patient(inputs: Sequence[str], ctx: Context, texts: Texts, now: datetime, then: Then) -> Outcome:
    """`then` for the phone's only patient, or for the one chosen on a household phone."""
    patients = choices(ctx)
    if len(patients) == 1:
        return then(patients[0], inputs, ctx, texts, now)
    problem = ""
    for i, raw in enumerate(inputs):
        if is_digits(raw) and 1 <= int(raw) <= len(patients):
            return then(patients[int(raw) - 1], inputs[i + 1 :], ctx, texts, now)
        problem = texts("ussd_choice_invalid")
    lines = "\n".join(f"{n} {p.full_name[:NAME_ROOM]} {p.code}" for n, p in enumerate(patients, 1))
    return Screen(fit(problem + texts("ussd_choose_patient", options=lines)))


def _declaration(patient: PatientView, inputs: Sequence[str], ctx: Context, texts: Texts, now: datetime) -> Outcome:
    """One screen per configured question; the answers as one compact SMS once all are valid."""
    questions = ctx.program.questions
    answers: list[str] = []
    problem = ""
    for raw in inputs:
        question = questions[len(answers)]
        typed = KEYPAD_YES_NO.get(raw, raw) if question.kind is QuestionKind.YESNO else raw
        parsed = parse_answer(question, typed)
        if not parsed.ok:
            problem = texts("answer_invalid", text=to_sms(raw[:12], True))
            continue
        answers.append(show(parsed.value))
        problem = ""
        if len(answers) == len(questions):
            return Request(" ".join([patient.code, *answers]))
    return Screen(fit(problem + declaration.ask(len(answers), patient, ctx, texts)))


def septets(text: str) -> int:
    """GSM-7 characters a text costs (the extension characters count twice)."""
    return len(text) + sum(1 for ch in text if ch in EXTENSION)


def fit(text: str, limit: int = SCREEN_MAX) -> str:
    """A screen: GSM-7, at most `limit` characters (cut at a word, should a text be too long)."""
    screen = to_sms(text, True)
    if septets(screen) <= limit:
        return screen
    while septets(screen) > limit:
        screen = screen[: max(0, len(screen) - (septets(screen) - limit))]
    cut = screen.rsplit(" ", 1)[0]
    return cut if len(cut) > limit // 2 else screen


def end_screen(reply: str | None, texts: Texts) -> str:
    """The END screen of a request: the service's reply, cut to a screen (the full text went by SMS)."""
    text = to_sms(reply if reply else texts("ussd_no_reply"), True)
    if septets(text) <= SCREEN_MAX:
        return text
    more = to_sms(texts.raw("ussd_more_by_sms"), True)
    return fit(text, SCREEN_MAX - septets(more)) + more


def too_long(reply: str) -> bool:
    """Whether a reply does not fit on one screen (it then goes by SMS too)."""
    return septets(to_sms(reply, True)) > SCREEN_MAX
