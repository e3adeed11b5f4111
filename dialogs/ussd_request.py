"""A whole request from the USSD menu, read by the same engine as an SMS.

A menu request (`dialogs.ussd_menu.Request`) is complete in itself: the compact declaration
(`K7M2Q 98 18 86 37.5 0 0`), `LS K7M2Q`, `HD 2`, `CUU`, a registration (`DK*...`), or the
one-time code a registration waits for. It runs from idle, so an SMS dialog the phone has in
progress neither reads it nor is lost: the stored conversation is kept unless the request
itself starts a dialog (a code sent to another number) or answers the one waiting for a code.
A reply too long for the END screen also goes to the phone by SMS.
"""

from __future__ import annotations

from datetime import datetime

from dialogs import engine, patient_keywords, ussd_registration
from dialogs.effects import Effect, Reply, SendSms
from dialogs.keywords import Keyword, match
from dialogs.state import Context, Conversation, State, Step
from dialogs.templates import Texts
from dialogs.ussd_menu import awaiting_code, is_code, too_long, ussd_texts

CHANNELS = frozenset({"ussd"})  # channels whose messages are whole menu requests
REPLY_KIND = "reply"  # the SMS copy of a reply too long for the screen


def handle(stored: Conversation, text: str, ctx: Context, now: datetime) -> Step:
    """One whole request: the step, with the conversation to store and the reply for the END screen."""
    texts = ussd_texts(ctx.program.texts(ctx.language))
    return _by_sms_too(_handle(stored, text, ctx, texts, now), ctx)


def _handle(stored: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    answers = ussd_registration.answers_of(text)
    if answers is not None:
        return ussd_registration.register(answers, stored, ctx, texts, now)
    if awaiting_code(stored, now) and is_code(text):
        return engine.advance(stored, text, ctx, now)
    found = match(text)
    keyword, rest = found if found else (None, "")
    if keyword is Keyword.GUIDANCE:  # also for a phone with no patient
        return Step(stored, (Reply(patient_keywords.guidance(rest, ctx, texts)),))
    if keyword is Keyword.SOS and not ctx.monitored:
        clinics = "; ".join(f"{clinic.name} {clinic.phone}" for clinic in ctx.program.clinics)
        return Step(stored, (Reply(texts("ussd_sos_unregistered", options=clinics)),))
    step = engine.advance(Conversation(), text, ctx, now)
    return step if step.conversation.state is not State.IDLE else Step(stored, step.effects)


def code_target(stored: Conversation, text: str, ctx_phone: str, country: str, now: datetime) -> str | None:
    """The phone whose one-time codes the host must count before `handle` (None: no code at stake)."""
    target = ussd_registration.target_phone(text, ctx_phone, country)
    if target is not None:
        return target
    return engine.otp_phone(stored) if awaiting_code(stored, now) and is_code(text) else None


def is_typed_code(stored: Conversation, text: str, now: datetime) -> bool:
    """Whether the request is a one-time code (not stored as typed)."""
    return awaiting_code(stored, now) and is_code(text)


def _by_sms_too(step: Step, ctx: Context) -> Step:
    replies = [effect.text for effect in step.effects if isinstance(effect, Reply)]
    reply = "\n".join(replies)
    if not replies or not too_long(reply):
        return step
    effects: tuple[Effect, ...] = (*step.effects, SendSms(ctx.phone, reply, REPLY_KIND))
    return Step(step.conversation, effects)
