"""Pages anyone may open: the home page, guidance, and registration with its SMS code."""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

from dialogs.forms import registration_answers, registration_errors
from dialogs.state import Context
from f0care.web.portal import actions
from f0care.web.portal.forms import CodeForm, RegisterForm
from f0care.web.portal.pages import REGISTERING_KEY, Page, language, masked, not_stored, page, program, runtime, sign_in
from f0care.web.portal.words import words
from models.portal_reads import live_patients
from sms_gateway.wire import NotStored

REGISTER_MESSAGES = 8  # `DK` and seven answers

bp = Blueprint("portal_public", __name__)
bp.register_error_handler(NotStored, not_stored)


@bp.get("/")
def home() -> tuple[str, int]:
    config = runtime().config
    ussd_config = getattr(config, "ussd", None)  # the USSD channel, when this build and config have it
    ussd = getattr(ussd_config, "service_code", "") if getattr(ussd_config, "enabled", True) else ""
    number = config.gateway.twilio.from_number if config.gateway.provider == "twilio" else ""
    return page("portal/home.html", ussd=ussd or "", sms_number=number)


@bp.get("/guidance")
def guidance() -> tuple[str, int]:
    return page("portal/guidance.html")


def _areas() -> tuple[str, ...]:
    return program().area_index.names()


@bp.route("/register", methods=["GET", "POST"])
def register() -> Page:
    form = RegisterForm()
    if not form.validate_on_submit():
        return page("portal/register.html", form=form, errors={}, areas=_areas(), problem="")
    rt = runtime()
    answers = registration_answers(request.form, request.form.getlist("risks"))
    phone = actions.phone_of(rt.program, answers["phone"]) or ""
    ctx = Context(program=program(), phone=phone, language=language(), opted_out=False, patients=())
    errors = registration_errors(answers, ctx, rt.clock())
    if errors:
        return page("portal/register.html", form=form, errors=errors, areas=_areas(), problem="")
    if not actions.within_budget(rt, phone, REGISTER_MESSAGES):
        return page("portal/register.html", 429, form=form, errors={}, areas=_areas(), problem="too_many")
    outcome = actions.register(rt, phone, answers)
    if not outcome.ok:
        return page("portal/register.html", form=form, errors={}, areas=_areas(), problem=outcome.reply)
    session[REGISTERING_KEY] = phone
    return redirect(url_for("portal_public.verify"), 303)


@bp.route("/register/verify", methods=["GET", "POST"])
def verify() -> Page:
    rt = runtime()
    phone = session.get(REGISTERING_KEY)
    if not phone or not actions.awaiting_code(rt, phone):
        return redirect(url_for("portal_public.register"), 303)
    form = CodeForm()
    if not form.validate_on_submit():
        return page("portal/verify.html", form=form, phone=masked(phone), problem="")
    if not actions.within_budget(rt, phone, 1):
        return page("portal/verify.html", 429, form=form, phone=masked(phone), problem="too_many")
    if form.resend.data:
        outcome = actions.resend(rt, phone)  # a new code: the page says so; else the reason (the limits)
        return page("portal/verify.html", form=form, phone=masked(phone), problem="" if outcome.ok else outcome.reply)
    t = words(language())
    outcome = actions.verify(rt, phone, form.code.data or "")
    if not outcome.ok:
        problem = t(outcome.word, **(outcome.values or {})) if outcome.word else outcome.reply
        if actions.awaiting_code(rt, phone):
            return page("portal/verify.html", form=form, phone=masked(phone), problem=problem)
        session.pop(REGISTERING_KEY, None)  # too many tries, or already registered: the reply says which
        return page(
            "portal/register.html", form=RegisterForm(formdata=None), errors={}, areas=_areas(), problem=problem
        )
    sign_in(phone, outcome.code)  # the code proved the phone: a session for its patients
    return page("portal/registered.html", reply=_submitted(phone, outcome.code) or outcome.reply, code=outcome.code)


def _submitted(phone: str, code: str) -> str:
    """The SMS dialog's "registration submitted" text in the page's language, with diacritics."""
    for patient in live_patients(runtime().db, phone):
        if patient.code == code:
            clinic = program().clinic(patient.clinic_id)
            texts = program().texts(language())
            return texts(
                "reg_submitted", clinic=clinic.name, name=patient.view.full_name, code=code, clinic_phone=clinic.phone
            )
    return ""
