"""Six-digit codes sent by SMS to log in to the web pages, for a phone and a purpose ("staff", "patient" ...).

The same rules as the registration codes (`dialogs.otp`): valid 10 minutes, 5 tries, at most
5 codes a day per number and purpose, and the service's hourly code budget. Only an HMAC
digest with the service secret is stored; the code leaves only in a sensitive outbox SMS.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from dialogs import otp
from dialogs.effects import SendSms
from dialogs.render import local_now, local_today
from f0care.runtime import Runtime
from models import login_codes

VALID_FOR = otp.VALID_FOR
MAX_TRIES = otp.MAX_TRIES
MAX_PER_NUMBER_PER_DAY = otp.MAX_PER_NUMBER_PER_DAY


class Checked(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # tries are left
    EXPIRED = "expired"
    LOCKED = "locked"  # the last try failed: ask for a new code
    NONE = "none"  # no code was asked for (or it was used)


@dataclass(frozen=True)
class CheckResult:
    outcome: Checked
    tries_left: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome is Checked.OK


def _midnight(runtime: Runtime, now: datetime) -> datetime:
    zone = runtime.program.timezone
    return datetime.combine(local_today(now, zone), time(), local_now(now, zone).tzinfo)


def send_code(runtime: Runtime, phone: str, purpose: str, language: str | None = None, deliver: bool = True) -> bool:
    """Send a new code to `phone` (E.164) for `purpose`; False (nothing sent) when over a limit.

    `deliver=False` keeps a code that is never sent (a number that may not log in): its tries and
    limits then answer exactly as a real one's, so the pages tell nobody which numbers are staff.
    """
    now = runtime.clock()
    budget = runtime.config.registration.max_codes_per_hour
    code, salt = f"{secrets.randbelow(1_000_000):06d}", secrets.token_hex(8)
    texts = runtime.program.texts(language or runtime.program.default_language)
    text = texts("web_login_code", service=runtime.program.name, otp=code)
    with runtime.unit_of_work() as uow:
        session = uow.session
        if login_codes.sent_since(session, _midnight(runtime, now), phone, purpose) >= MAX_PER_NUMBER_PER_DAY:
            return False
        if login_codes.sent_since(session, now - timedelta(hours=1)) >= budget:
            return False
        digest = otp.digest(code, salt, runtime.program.secret)
        login_codes.add(session, phone, purpose, digest, salt, now, now + VALID_FOR)
        queued = [uow.messages.queue(SendSms(phone, text, "otp", None, sensitive=True), None, now)] if deliver else []
        uow.commit()
    runtime.outbox.notify(queued)
    return True


def check_code(runtime: Runtime, phone: str, purpose: str, typed: str) -> CheckResult:
    """Whether `typed` is the phone's current code for `purpose`; a right code works once."""
    now = runtime.clock()
    code = "".join(typed.split())
    with runtime.unit_of_work() as uow:
        session = uow.session
        stored = login_codes.latest_unused(session, phone, purpose)
        if stored is None:
            return CheckResult(Checked.NONE)
        if now > stored.expires_at:
            login_codes.spend(session, stored.id, now)
            uow.commit()
            return CheckResult(Checked.EXPIRED)
        right = len(code) == 6 and code.isdigit()
        right = right and hmac.compare_digest(otp.digest(code, stored.salt, runtime.program.secret), stored.digest)
        if right:
            login_codes.spend(session, stored.id, now)
            uow.commit()
            return CheckResult(Checked.OK)
        tries = stored.tries + 1
        login_codes.count_try(session, stored.id)
        if tries >= MAX_TRIES:
            login_codes.spend(session, stored.id, now)
        uow.commit()
    if tries >= MAX_TRIES:
        return CheckResult(Checked.LOCKED)
    return CheckResult(Checked.WRONG, MAX_TRIES - tries)
