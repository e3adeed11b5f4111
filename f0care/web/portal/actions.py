"""The portal's writes: each one the SMS a phone would send, handed to the one application service.

A web registration is `DK` and its seven answers from the patient's phone, the code is the reply
to the code SMS, a daily form is the one-SMS declaration: all `Runtime.receive(InboundSms(...,
channel="web"))`, so a patient can use the web one day and SMS or USSD the next with one record.
Nothing of the dialogs is implemented here; the forms are checked by the dialogs (`dialogs.forms`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs import otp
from dialogs.forms import declaration_message, on_page, registration_messages, which_text
from dialogs.phones import mask_phone, normalize_phone
from dialogs.program import Program
from dialogs.state import State
from f0care.runtime import Runtime
from models import portal_reads
from models.portal_reads import LatestDeclaration
from models.records import PatientRef
from sms_gateway.wire import InboundSms

CHANNEL = "web"
RESEND = "GUI LAI"
CANCEL = "HUY"
WINDOW = timedelta(minutes=10)


# The answers to a typed code, each shown on the page in its own words (the SMS ones name SMS keywords).
def _known(key: str, **values: object) -> tuple[str, dict[str, object]]:
    return key, values


CODE_REPLIES = (
    *(_known("otp_wrong", left=left) for left in range(1, otp.MAX_TRIES)),
    _known("otp_expired"),
    _known("otp_failed"),
    _known("otp_format"),
)
PAGE_WORDS = {
    "otp_wrong": "code_wrong",
    "otp_expired": "code_expired",
    "otp_failed": "reg_cancelled",
    "otp_format": "code_format",
}


@dataclass(frozen=True)
class Outcome:
    """What the service made of a web action: done or not, and its reply as a page shows it."""

    ok: bool
    reply: str = ""
    code: str = ""  # the patient a registration created
    word: str = ""  # the page's own words for the reply, when it is a known one (`PAGE_WORDS`)
    values: dict[str, object] | None = None


@dataclass(frozen=True)
class Declared:
    reply: str  # the service's SMS reply
    declaration: LatestDeclaration | None  # None: nothing was recorded (the reply says why)
    message: str  # the SMS the form became
    at: datetime


def phone_of(program: Program, typed: str) -> str | None:
    """A typed mobile number in E.164 (`0912 345 678`, `+84912345678`), or None."""
    return normalize_phone(typed, program.country)


def web_budget(runtime: Runtime) -> int:
    """Web messages one phone may send in 10 minutes: well below the inbound limit, so the web can
    never push the phone's own SMS (a red answer) over it."""
    inbound = runtime.program.budgets.inbound
    per_ten_minutes = inbound.per_phone_messages * 10 // max(inbound.per_phone_minutes, 1)
    return max(per_ten_minutes * 2 // 3, 10)


def within_budget(runtime: Runtime, phone: str, messages: int) -> bool:
    """Whether `phone` may send `messages` more web messages now."""
    now = runtime.clock()
    sent = portal_reads.web_messages_since(runtime.db, phone, now - WINDOW)
    return sent + messages <= web_budget(runtime)


def _send(runtime: Runtime, phone: str, text: str, now: datetime) -> str:
    handled = runtime.receive(InboundSms(phone, text, None, CHANNEL), now)
    return on_page(handled.reply or "")


def register(runtime: Runtime, phone: str, answers: Mapping[str, str]) -> Outcome:
    """`DK` and the seven answers from `phone`: ok when the code went to `phone` and is awaited."""
    reply = ""
    for text in registration_messages(answers):
        reply = _send(runtime, phone, text, runtime.clock())
    waiting = portal_reads.conversation_state(runtime.db, phone) == State.REG_OTP.value
    return Outcome(waiting, reply)


def awaiting_code(runtime: Runtime, phone: str) -> bool:
    """Whether a registration on `phone` waits for its code."""
    return portal_reads.conversation_state(runtime.db, phone) == State.REG_OTP.value


def verify(runtime: Runtime, phone: str, code: str) -> Outcome:
    """The code as the reply to the code SMS: ok when the registration now waits for the station."""
    before = {p.code for p in portal_reads.live_patients(runtime.db, phone)}
    reply = _send(runtime, phone, code.strip(), runtime.clock())
    created = [p.code for p in portal_reads.live_patients(runtime.db, phone) if p.code not in before]
    catalogues = [runtime.program.texts(lang) for lang in ("vi", "en")]
    known = which_text(reply, catalogues, CODE_REPLIES)
    word, values = (PAGE_WORDS[known[0]], dict(known[1])) if known else ("", None)
    return Outcome(bool(created), reply, created[0] if created else "", word, values)


def resend(runtime: Runtime, phone: str) -> Outcome:
    """`GUI LAI`: a new code, within the dialog's limits."""
    reply = _send(runtime, phone, RESEND, runtime.clock())
    catalogues = [runtime.program.texts(lang) for lang in ("vi", "en")]
    sent = which_text(reply, catalogues, [("otp_sent", {"phone": mask_phone(phone)})]) is not None
    return Outcome(sent, reply)


def declare(runtime: Runtime, patient: PatientRef, values: Mapping[str, str]) -> Declared:
    """The one-SMS declaration of `patient` from its phone; the declaration it recorded, if any."""
    now = runtime.clock()
    text = declaration_message(patient.code, values, runtime.program.questions)
    if portal_reads.conversation_state(runtime.db, patient.phone) != State.IDLE.value:
        # An SMS dialog in progress (a registration, "for whom?") would take the form as its answer:
        # `HUY` ends it first (it never stops the messages), so the report is read as a report.
        _send(runtime, patient.phone, CANCEL, now)
    reply = _send(runtime, patient.phone, text, now)
    return Declared(reply, portal_reads.latest_declaration(runtime.db, patient.id, now), text, now)
