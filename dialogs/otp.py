"""One-time codes that prove the registrant can reach the patient's phone.

Only a salted hash is kept in the conversation; the code itself leaves only in
the SMS to the patient's phone (marked sensitive, so it is never logged).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import datetime, timedelta

from dialogs.drafts import OtpChallenge, RegistrationDraft
from dialogs.effects import Effect, Reply, SendSms
from dialogs.phones import mask_phone
from dialogs.state import Context, Conversation, Step
from dialogs.templates import Texts
from dialogs.text import is_digits, normalize

VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
MAX_RESENDS = 3
MAX_PER_NUMBER_PER_DAY = 5


def digest(code: str, salt: str, secret: str = "") -> str:
    """HMAC of the code with the server secret: a copy of the database alone does not reveal it."""
    return hmac.new(secret.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def _clinic_phone(draft: RegistrationDraft, ctx: Context) -> str:
    return ctx.program.clinic(draft.clinic_id).phone


def issue(conv: Conversation, draft: RegistrationDraft, ctx: Context, texts: Texts, now: datetime) -> Step:
    """Send a fresh code to the patient's phone, within the per-number daily limit."""
    target = draft.phone
    if ctx.otp_sent_today >= MAX_PER_NUMBER_PER_DAY:
        reply = texts("otp_daily_limit", phone=mask_phone(target), clinic_phone=_clinic_phone(draft, ctx))
        return Step(conv, (Reply(reply),))
    salt = ctx.nonce
    before = draft.otp
    challenge = OtpChallenge(
        digest=digest(ctx.new_otp, salt, ctx.program.secret),
        salt=salt,
        expires=now + VALID_FOR,
        tries=before.tries if before else 0,
        resends=before.resends + 1 if before else 0,
    )
    message = texts("otp_message", service=ctx.program.name, name=draft.name, otp=ctx.new_otp)
    effects: list[Effect] = [
        SendSms(target, message, "otp", None, sensitive=True),
        Reply(texts("otp_sent", phone=mask_phone(target))),
    ]
    return Step(Conversation(conv.state, replace(draft, otp=challenge), now), tuple(effects))


def check(
    conv: Conversation, draft: RegistrationDraft, text: str, ctx: Context, texts: Texts, now: datetime
) -> Step | None:
    """None when the code is right; otherwise the step that answers the attempt."""
    word = normalize(text)
    challenge = draft.otp
    if word in ("GUI LAI", "GUILAI", "RESEND"):
        if challenge is not None and challenge.resends >= MAX_RESENDS:
            reply = texts("otp_resend_limit", clinic_phone=_clinic_phone(draft, ctx))
            return Step(conv, (Reply(reply),))
        return issue(conv, draft, ctx, texts, now)
    code = word.replace(" ", "")
    if len(code) != 6 or not is_digits(code) or challenge is None:
        return Step(conv, (Reply(texts("otp_format")),))
    if now > challenge.expires:
        return Step(conv, (Reply(texts("otp_expired")),))
    if hmac.compare_digest(digest(code, challenge.salt, ctx.program.secret), challenge.digest):
        return None
    tries = challenge.tries + 1
    if tries >= MAX_TRIES:
        return Step(Conversation(), (Reply(texts("otp_failed")),))
    data = replace(draft, otp=replace(challenge, tries=tries))
    return Step(Conversation(conv.state, data, now), (Reply(texts("otp_wrong", left=MAX_TRIES - tries)),))
