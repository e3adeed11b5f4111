"""The two-step login by SMS code, shared by the staff console and the patient portal.

Step one posts `phone`; a code goes out only when `allowed(phone)` says so, yet the answer is the
same page either way (numbers cannot be probed). Step two posts `phone` and `code`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template, request

from dialogs.phones import mask_phone
from f0care.web.codes import Checked, check_code, send_code
from f0care.web.context import e164, runtime
from f0care.web.i18n import language, t


@dataclass(frozen=True)
class LoginStep:
    """What a login form post came to: a page to show, or the E.164 phone that proved itself."""

    page: str | None = None
    phone: str | None = None


def login_step(purpose: str, allowed: Callable[[str], bool], template: str = "login.html", **page: object) -> LoginStep:
    """Handle GET/POST of a login page for `purpose`; `allowed(e164)`: whether that phone may log in."""
    if request.method == "GET":
        return LoginStep(render_template(template, step="phone", **page))
    typed = request.form.get("phone", "")
    phone = e164(typed)
    if phone is None:
        return LoginStep(render_template(template, step="phone", error=t("phone_invalid"), typed=typed, **page))
    if "code" not in request.form:
        send_code(runtime(), phone, purpose, language(), deliver=allowed(phone))
        notice = t("code_sent", phone=mask_phone(phone))
        return LoginStep(render_template(template, step="code", phone=typed, notice=notice, **page))
    result = check_code(runtime(), phone, purpose, request.form.get("code", ""))
    if result.ok and allowed(phone):
        return LoginStep(phone=phone)
    messages = {
        Checked.WRONG: t("code_wrong", left=result.tries_left),
        Checked.EXPIRED: t("code_expired"),
    }
    error = messages.get(result.outcome, t("code_locked"))
    step = "code" if result.outcome is Checked.WRONG else "phone"
    return LoginStep(render_template(template, step=step, phone=typed, typed=typed, error=error, **page))
