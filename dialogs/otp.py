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
from dialogs.phones import mask_phone, region_of
from dialogs.program import Role
from dialogs.state import Context, Conversation, Step
from dialogs.templates import Texts
from dialogs.text import is_digits, normalize

VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
MAX_RESENDS = 3
MAX_PER_NUMBER_PER_DAY = 5
BUDGET_KIND = "budget"  # the supervisors' notice that the hourly code budget is spent


def digest(code: str, salt: str, secret: str = "") -> str:
    """HMAC of the code with the server secret: a copy of the database alone does not reveal it."""
    return hmac.new(secret.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def _clinic_phone(draft: RegistrationDraft, ctx: Context) -> str:
    return ctx.program.clinic(draft.clinic_id).phone


def allowed_target(phone: str, ctx: Context) -> bool:
    """Whether codes may go to `phone`: a number of one of `registration.allowed_countries`."""
    return region_of(phone) in ctx.program.budgets.registration.allowed_countries


def refused(draft: RegistrationDraft, ctx: Context, texts: Texts) -> tuple[Effect, ...]:
    """Why no code may go out now (the registration budgets), or nothing when one may."""
    budget, usage, target = ctx.program.budgets.registration, ctx.codes, draft.phone
    clinic_phone = _clinic_phone(draft, ctx)
    if not allowed_target(target, ctx):
        return (Reply(texts("reg_phone_foreign", text=mask_phone(target))),)
    others = usage.other_numbers_today
    if target != ctx.phone and target not in others and len(others) >= budget.max_other_numbers_per_day:
        return (Reply(texts("otp_other_numbers_limit", count=len(others), clinic_phone=clinic_phone)),)
    if usage.service_last_hour >= budget.max_codes_per_hour:
        effects: list[Effect] = [Reply(texts("otp_busy", clinic_phone=clinic_phone))]
        if not usage.supervisors_told:
            staff = ctx.program.texts(ctx.program.default_language)
            text = staff("otp_budget_staff", service=ctx.program.name, count=usage.service_last_hour)
            supervisors = [s for c in ctx.program.clinics for s in c.staff if s.role is Role.SUPERVISOR]
            effects += [SendSms(s.phone, text, BUDGET_KIND) for s in supervisors]
        return tuple(effects)
    if max(ctx.otp_sent_today, usage.to_target_today) >= MAX_PER_NUMBER_PER_DAY:
        return (Reply(texts("otp_daily_limit", phone=mask_phone(target), clinic_phone=clinic_phone)),)
    return ()


def issue(conv: Conversation, draft: RegistrationDraft, ctx: Context, texts: Texts, now: datetime) -> Step:
    """Send a fresh code to the patient's phone, within the registration budgets (`refused`)."""
    target = draft.phone
    refusal = refused(draft, ctx, texts)
    if refusal:
        over_day = max(ctx.otp_sent_today, ctx.codes.to_target_today) >= MAX_PER_NUMBER_PER_DAY
        return Step(conv if over_day else Conversation(), refusal)  # as before at the daily limit; else ended
    salt = ctx.nonce
    before = draft.otp
    challenge = OtpChallenge(
        digest=digest(ctx.new_otp, salt, ctx.program.secret),
        salt=salt,
        expires=now + VALID_FOR,
        tries=before.tries if before else 0,
        resends=before.resends + 1 if before else 0,
    )
    clinic = ctx.program.clinic(draft.clinic_id).name  # never the typed name: no relayed free text
    message = texts("otp_message", service=ctx.program.name, clinic=clinic, otp=ctx.new_otp)
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
