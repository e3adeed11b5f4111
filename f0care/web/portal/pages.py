"""What every portal page needs: the runtime, the language, the signed-in phone and its patients."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, session
from flask_login import current_user
from werkzeug.wrappers import Response

from dialogs.declaration import hint
from dialogs.forms import web_program
from dialogs.phones import mask_phone
from dialogs.program import Program, Question
from f0care.runtime import Runtime
from f0care.web import auth, i18n
from f0care.web.portal.words import words
from f0care.web.users import PhoneUser
from models import portal_reads
from models.records import PatientRef
from sms_gateway.wire import NotStored

Redirect = Response  # a redirect (what `flask.redirect` returns)
Page = tuple[str, int] | Redirect  # a rendered page and its status, or a redirect
UNITS = {"vi": {"C": "°C", "/phut": "/phút"}, "en": {"C": "°C", "/phut": "/min"}}
PATIENT_KEY = "portal_patient"  # the household member chosen
REGISTERING_KEY = "portal_registering"  # the phone a web registration sent its code to


def runtime() -> Runtime:
    found: Runtime = current_app.extensions["f0care"]
    return found


def program() -> Program:
    """The program with its texts unfolded for pages (built once per app)."""
    cached = current_app.extensions.get("f0care_web_program")
    if cached is None:
        cached = current_app.extensions["f0care_web_program"] = web_program(runtime().program)
    built: Program = cached
    return built


def language() -> str:
    """The page language (`?lang=en` switches, the session remembers)."""
    return i18n.language()


def page_values() -> dict[str, Any]:
    """What every portal template gets: the portal's words in the page language, the program, the helpers."""
    lang = language()
    return {
        "t": words(lang),
        "lang": lang,
        "program": program(),
        "signed_in": signed_in_phone() is not None,
        "unit_of": lambda q, label: unit_of(q, label, lang),
        "hint_of": lambda q: hint(q, program().texts(lang)),
        "sign_label": lambda q, digit: sign_label(q, digit, lang),
    }


def page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
    """A portal page in the visitor's language."""
    return render_template(template, **page_values(), **values), status


def signed_in_phone() -> str | None:
    """The phone logged in to the portal (a staff member's session is not one)."""
    user = current_user._get_current_object() if current_user else None
    return user.phone if isinstance(user, PhoneUser) else None


def sign_in(phone: str, patient_code: str = "") -> None:
    """A session for the patients of `phone` (its code was entered): a fresh session, 12 hours."""
    auth.log_in(PhoneUser(phone))
    if patient_code:
        session[PATIENT_KEY] = patient_code


def sign_out() -> None:
    auth.log_out()


def household() -> list[PatientRef]:
    """The signed-in phone's patients (nobody else's, ever)."""
    phone = signed_in_phone()
    return portal_reads.patients_on_phone(runtime().db, phone) if phone else []


def chosen_patient(patients: list[PatientRef]) -> PatientRef | None:
    """The household member chosen in this session, or the only one."""
    code = session.get(PATIENT_KEY)
    for patient in patients:
        if patient.code == code:
            return patient
    live = [p for p in patients if p.status in ("pending", "active")]
    return live[0] if len(live) == 1 else (patients[0] if len(patients) == 1 else None)


def masked(phone: str) -> str:
    return mask_phone(phone)


def unit_of(question: Question, label: str, lang: str) -> str:
    """The unit in brackets (" (°C)") after a label that that does not name it already."""
    unit = UNITS[lang].get(question.unit, question.unit)
    return f" ({unit})" if unit and unit not in label else ""


def sign_label(question: Question, digit: str, lang: str) -> str:
    """The words of a danger sign's digit (the default `signs` question), else the digit."""
    return words(lang)(f"sign_{digit}") if question.key == "signs" and digit in "1234" else digit


def not_stored(_error: NotStored) -> tuple[str, int]:
    """The database could not take the message: nothing was done; say so, with 115 (never a traceback)."""
    return page("portal/problem.html", 503, problem="unavailable")
