"""Pages of a signed-in phone: log in by SMS code, choose the patient, today's report, history."""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

from dialogs.forms import declaration_errors, page_reply, web_value
from dialogs.render import local_today
from dialogs.state import Context
from f0care.web.auth import phone_required
from f0care.web.login import login_step
from f0care.web.portal import actions, history
from f0care.web.portal.forms import ChooseForm, TodayForm
from f0care.web.portal.pages import (
    PATIENT_KEY,
    Page,
    Redirect,
    chosen_patient,
    household,
    language,
    not_stored,
    page,
    page_values,
    program,
    runtime,
    sign_in,
    sign_out,
)
from models.portal_reads import patients_on_phone
from sms_gateway.wire import NotStored

PURPOSE = "patient"  # the login codes' purpose (staff codes are another)

bp = Blueprint("portal_patient", __name__)
bp.register_error_handler(NotStored, not_stored)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    """`phone`, then `code` (the foundation's two-step login by SMS code, purpose "patient")."""
    step = login_step(PURPOSE, _has_patients, template="portal/login.html", **page_values())
    if step.phone is None:
        return step.page or "", 200
    sign_in(step.phone)
    return redirect(url_for("portal_patient.choose"), 303)


def _has_patients(phone: str) -> bool:
    """Only a phone with patients gets a code (an unknown number gets the same page: nothing to probe)."""
    return bool(patients_on_phone(runtime().db, phone))


@bp.post("/logout")
def logout() -> Redirect:
    sign_out()  # the CSRF token was checked (every POST)
    return redirect(url_for("portal_public.home"), 303)


@bp.route("/choose", methods=["GET", "POST"])
@phone_required
def choose() -> Page:
    patients = household()
    form = ChooseForm()
    if form.validate_on_submit():
        wanted = form.patient.data
        if any(p.code == wanted for p in patients):
            session[PATIENT_KEY] = wanted
            return redirect(url_for("portal_patient.today"), 303)
    if len(patients) == 1 and request.method == "GET":
        session[PATIENT_KEY] = patients[0].code
        return redirect(url_for("portal_patient.today"), 303)
    return page("portal/choose.html", form=form, patients=patients, chosen=session.get(PATIENT_KEY))


@bp.route("/today", methods=["GET", "POST"])
@phone_required
def today() -> Page:
    patient = chosen_patient(household())
    if patient is None:
        return redirect(url_for("portal_patient.choose"), 303)
    form, questions = TodayForm(), program().questions
    values = {q.key: web_value(q, request.form.getlist(q.key)) for q in questions} if request.method == "POST" else {}
    if not form.validate_on_submit():
        return page("portal/today.html", form=form, patient=patient, values=values, errors={}, problem="")
    texts = program().texts(language())
    errors = declaration_errors(values, questions, texts)
    if errors:
        return page("portal/today.html", form=form, patient=patient, values=values, errors=errors, problem="")
    rt = runtime()
    if not actions.within_budget(rt, patient.phone, 1):
        return page("portal/today.html", 429, form=form, patient=patient, values=values, errors={}, problem="too_many")
    declared = actions.declare(rt, patient, values)
    reply = declared.reply
    if declared.declaration is not None:  # the same answer in the page's language, with diacritics
        live = tuple(p.view for p in household() if p.status in ("pending", "active"))
        ctx = Context(program=program(), phone=patient.phone, language=language(), opted_out=False, patients=live)
        reply = page_reply(declared.message, ctx, declared.at) or reply
    clinic = program().clinic(patient.clinic_id)
    return page("portal/result.html", patient=patient, declared=declared, reply=reply, clinic=clinic)


@bp.get("/history")
@phone_required
def history_page() -> Page:
    patient = chosen_patient(household())
    if patient is None:
        return redirect(url_for("portal_patient.choose"), 303)
    rt = runtime()
    today_ = local_today(rt.clock(), rt.program.timezone)
    period = history.period_of(rt, patient, today_)
    return page("portal/history.html", patient=patient, period=period)
