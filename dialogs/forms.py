"""Web forms read by the SMS dialog itself: the same steps, the same validation, the same messages.

A registration form is the seven answers of `DK`, each run through `engine.advance` in its state,
so a field is refused exactly when its SMS answer would be, with the SMS dialog's own text. A daily
form is the configured questions, each value read by `triage.parse_answer`. Then the answers become
the very SMS texts the channel hands to the application service (`registration_messages`,
`declaration_message`): the web is one more channel, never a second implementation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from dialogs import engine
from dialogs.declaration import hint
from dialogs.drafts import RegistrationDraft
from dialogs.effects import Reply
from dialogs.program import Program, Question, QuestionKind
from dialogs.registration import parse_risks
from dialogs.render import RISK_MENU
from dialogs.state import Context, Conversation, State, Step
from dialogs.templates import Catalogue, Texts
from dialogs.triage import parse_answer, show

# Each field of the registration form and the state of `DK` that reads it, in the dialog's order.
REGISTRATION_FIELDS: tuple[tuple[str, State], ...] = (
    ("name", State.REG_NAME),
    ("dob", State.REG_BIRTH),
    ("area", State.REG_AREA),
    ("phone", State.REG_PHONE),
    ("test_date", State.REG_TEST_DATE),
    ("symptoms", State.REG_SYMPTOMS),
    ("risks", State.REG_RISKS),
)
RISK_DIGITS = {name: digit for digit, name in RISK_MENU.items()}  # chronic -> 1, pregnant -> 2, unvaccinated -> 3
YES_NO = {"yes": "1", "no": "0"}  # a web form's yes/no radio values, as the SMS answer
_STEP_MARK = re.compile(r"\b\d+/\d+: ")  # "2/7: ", the SMS question number
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")  # what a browser's date picker sends


def web_program(program: Program) -> Program:
    """The program with its texts unfolded (with diacritics): a web page is no SMS."""
    languages = {lang: Texts(lang, False, program.texts(lang).templates) for lang in ("vi", "en")}
    return replace(program, sms_ascii=False, catalogue=Catalogue(languages))


def on_page(text: str) -> str:
    """An SMS reply as a web page shows it: without the SMS question number ("2/7: ")."""
    return _STEP_MARK.sub("", text).strip()


def risks_answer(chosen: Sequence[str]) -> str:
    """Ticked risk boxes (names or menu digits) as the SMS answer: "13", or "K" for none."""
    digits = sorted({RISK_DIGITS.get(item, item) for item in chosen if item})
    return "".join(digits) or "K"


def registration_answers(form: Mapping[str, str], risks: Sequence[str]) -> dict[str, str]:
    """The registration form as the seven SMS answers, keyed by field name."""
    answers = {field: (form.get(field) or "").strip() for field, _state in REGISTRATION_FIELDS}
    for field in ("dob", "test_date"):  # 2026-11-25 as the SMS dialog reads dates: 25/11/2026
        iso = _ISO_DATE.fullmatch(answers[field])
        answers[field] = f"{int(iso[3])}/{int(iso[2])}/{iso[1]}" if iso else answers[field]
    answers["symptoms"] = YES_NO.get(answers["symptoms"].lower(), answers["symptoms"])
    answers["risks"] = risks_answer(risks)
    return answers


def registration_messages(answers: Mapping[str, str]) -> list[str]:
    """The SMS a phone would send to register with these answers: `DK`, then one answer per message."""
    return ["DK", *(answers[field] for field, _state in REGISTRATION_FIELDS)]


def _reply(step: Step) -> str:
    return on_page(" ".join(e.text for e in step.effects if isinstance(e, Reply)))


def registration_errors(answers: Mapping[str, str], ctx: Context, now: datetime) -> dict[str, str]:
    """The SMS dialog's refusal of each answer it would not take, by field; empty when all fit."""
    errors: dict[str, str] = {}
    draft = RegistrationDraft()
    for index, (field, state) in enumerate(REGISTRATION_FIELDS):
        if state is State.REG_RISKS and errors:  # the code step needs a whole draft: read the answer alone
            if parse_risks(answers[field]) is None:
                errors[field] = on_page(ctx.program.texts(ctx.language)("reg_risks_invalid"))
            break
        step = engine.advance(Conversation(state, draft, now), answers[field], ctx, now)
        following = REGISTRATION_FIELDS[index + 1][1] if index + 1 < len(REGISTRATION_FIELDS) else State.REG_OTP
        data = step.conversation.data
        if step.conversation.state is following and isinstance(data, RegistrationDraft):
            draft = data
        else:
            errors[field] = _reply(step) or on_page(ctx.program.texts(ctx.language)(f"{state.value}"))
    return errors


def web_value(question: Question, raw: str | Sequence[str]) -> str:
    """A form value as the SMS answer: ticked digits joined ("13", "0" for none), yes/no as 1/0."""
    if question.kind is QuestionKind.DIGITS:
        items = [raw] if isinstance(raw, str) else list(raw)
        return "".join(sorted({item.strip() for item in items if item.strip()})) or "0"
    value = raw if isinstance(raw, str) else (raw[0] if raw else "")
    value = value.strip()
    if question.kind is QuestionKind.YESNO:
        return YES_NO.get(value.lower(), value)
    return value


def declaration_errors(values: Mapping[str, str], questions: Sequence[Question], texts: Texts) -> dict[str, str]:
    """Each value the SMS dialog would not take, with its reply ("…" chưa đúng. (90-100)), by question key."""
    errors: dict[str, str] = {}
    for question in questions:
        value = values.get(question.key, "")
        if not value or not parse_answer(question, value).ok:
            shown = value[:12] or "—"
            errors[question.key] = texts("answer_invalid", text=shown) + hint(question, texts)
    return errors


def which_text(
    reply: str, catalogues: Sequence[Texts], candidates: Sequence[tuple[str, Mapping[str, object]]]
) -> tuple[str, Mapping[str, object]] | None:
    """Which known text (key and values) an SMS reply is, in any of the languages given; None if none."""
    for texts in catalogues:
        for key, values in candidates:
            if key in texts and on_page(texts(key, **values)) == reply:
                return key, values
    return None


def page_reply(message: str, ctx: Context, now: datetime) -> str:
    """What the dialog answers `message` in `ctx` (a page's language, with diacritics): the SMS reply's
    very words for a page. Pure: the service has recorded the message already; nothing here is applied."""
    return _reply(engine.advance(Conversation(), message, ctx, now))


def declaration_message(code: str, values: Mapping[str, str], questions: Sequence[Question]) -> str:
    """The one-SMS declaration (`K7M2Q 98 18 86 37.5 0 0`) of checked values, in the questions' order."""
    tokens = [show(parse_answer(q, values[q.key]).value) for q in questions]
    return " ".join([code, *tokens])
